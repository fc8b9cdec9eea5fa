//! [`RedisStoreBuilder`]: the settings, and connecting.

use std::sync::Arc;
use std::time::Duration;

use crate::connection::Connector;
use crate::error::{ConnectError, Redactor};
use crate::keys::Keys;
use crate::link::{Link, Timing};
use crate::scripts::Scripts;
use crate::store::RedisStore;

/// The default key prefix: every instance of an app meets under it unless told otherwise.
pub const DEFAULT_PREFIX: &str = "twerr";

/// The default per-call timeout: 50 ms, far above a round trip to a Redis on the same network
/// and short enough that a lost Redis costs a request little before the fallback takes over.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);

/// The default connect timeout of [`RedisStore::connect`]: 2 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The default pause between reconnection attempts while Redis is down: 1 s.
pub const DEFAULT_RETRY_EVERY: Duration = Duration::from_secs(1);

/// The longest expiry margin: a key outlives what it says by at most a minute.
pub const MAX_EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// The default permit lifetime: 5 minutes (see [`RedisStoreBuilder::permit_lifetime`]).
pub const DEFAULT_PERMIT_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Configures a [`RedisStore`] before connecting.
#[derive(Clone, Debug)]
#[must_use]
pub struct RedisStoreBuilder {
    prefix: String,
    timing: Timing,
    margin: Duration,
    lifetime: Duration,
}

impl Default for RedisStoreBuilder {
    fn default() -> Self {
        RedisStoreBuilder {
            prefix: DEFAULT_PREFIX.to_owned(),
            timing: Timing {
                call: DEFAULT_TIMEOUT,
                connect: DEFAULT_CONNECT_TIMEOUT,
                retry_every: DEFAULT_RETRY_EVERY,
            },
            margin: MAX_EXPIRY_MARGIN,
            lifetime: DEFAULT_PERMIT_LIFETIME,
        }
    }
}

impl RedisStoreBuilder {
    /// The key prefix (default [`DEFAULT_PREFIX`]). Processes share windows only under the
    /// same prefix; give separate apps separate prefixes if they share credentials but should
    /// not share windows (they rarely should: X counts per credential). It must not contain
    /// `{` or `}` (the app's hash tag comes after it).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The longest a call may take before the store answers from its local book
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timing.call = timeout;
        self
    }

    /// The longest [`connect`](Self::connect) and each reconnection attempt may take
    /// (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timing.connect = timeout;
        self
    }

    /// The pause between reconnection attempts while Redis is down
    /// (default [`DEFAULT_RETRY_EVERY`]).
    pub fn retry_every(mut self, pause: Duration) -> Self {
        self.timing.retry_every = pause;
        self
    }

    /// How long a key outlives what it holds (default and at most [`MAX_EXPIRY_MARGIN`]; a
    /// longer margin is cut to it).
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.margin = margin.min(MAX_EXPIRY_MARGIN);
        self
    }

    /// How long a permit counts as in flight when nobody ends it (default
    /// [`DEFAULT_PERMIT_LIFETIME`], at least 1 ms), measured on Redis's own clock.
    ///
    /// A worker that dies, a Redis stall that loses a release, a runtime dropped with
    /// requests in flight: their permits stop counting this long after they were granted,
    /// so the next window is not counted short for good. Set it above the longest a request
    /// of yours may take: a permit that expires while its request is still on its way lets
    /// one request too many into the window. reqwest has no request timeout by default; with
    /// one (`ClientBuilder::timeout`), a lifetime a little above it is exact; without one, a
    /// slow upload that outlives the lifetime is no longer counted in flight.
    pub fn permit_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime.max(Duration::from_millis(1));
        self
    }

    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db]`,
    /// `redis+unix:///path`, or `rediss://` when a TLS feature of the `redis` crate is
    /// enabled) and loads the scripts.
    ///
    /// # Errors
    ///
    /// [`ConnectError`] when the prefix holds a brace, the URL is not a Redis URL, or Redis is
    /// unreachable, refuses the connection, does not let the user run scripts (`NOPERM`: the
    /// store needs `EVALSHA`, `EVAL` and `SCRIPT`) or does not answer within the connect
    /// timeout.
    /// Its message never holds the URL's user name or password.
    pub async fn connect(self, url: &str) -> Result<Arc<RedisStore>, ConnectError> {
        let redactor = Redactor::for_url(url);
        let client = redis::Client::open(url).map_err(|e| {
            ConnectError::new(None, redactor.redact(&e.to_string())).caused_by(e, &redactor)
        })?;
        let address = client.get_connection_info().addr().to_string();
        self.connect_to(Connector::Single(client), address, redactor)
            .await
    }

    /// Connects to a Redis Cluster through any of its `nodes` (URLs as for
    /// [`connect`](Self::connect), without `/db`: a cluster has one database; the first that
    /// answers gives the others) and loads the scripts on every master.
    ///
    /// Each operation's keys share the app's hash tag, so each script runs on the master of
    /// the app's slot; the client follows `MOVED` and `ASK` and refreshes its view of the
    /// slots when a master fails over. [`blocks`](twerr_core::RateLimitStore::blocks),
    /// [`lift`](twerr_core::RateLimitStore::lift) and [`inspect`](crate::inspect) scan every
    /// master. While the master of an app's slot is unreachable (from its failure until its
    /// replica takes over, about twice the cluster's `cluster-node-timeout`), that app's
    /// operations are answered from the local book as in any outage (see the crate's notes
    /// "When Redis is down" for the bound).
    ///
    /// Requires the feature `cluster`.
    ///
    /// # Errors
    ///
    /// [`ConnectError`] as for [`connect`](Self::connect), and when `nodes` is empty.
    #[cfg(feature = "cluster")]
    pub async fn connect_cluster<I, S>(self, nodes: I) -> Result<Arc<RedisStore>, ConnectError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let urls: Vec<String> = nodes.into_iter().map(|n| n.as_ref().to_owned()).collect();
        let redactor = Redactor::for_urls(&urls);
        let client = redis::cluster::ClusterClient::builder(urls.iter().map(String::as_str))
            .connection_timeout(self.timing.connect)
            .build()
            .map_err(|e| {
                ConnectError::new(None, redactor.redact(&e.to_string())).caused_by(e, &redactor)
            })?;
        let address = cluster_address(&urls);
        self.connect_to(Connector::Cluster(Box::new(client)), address, redactor)
            .await
    }

    async fn connect_to(
        self,
        connector: Connector,
        address: String,
        redactor: Redactor,
    ) -> Result<Arc<RedisStore>, ConnectError> {
        let keys = Keys::new(&self.prefix).ok_or_else(|| ConnectError::prefix(&self.prefix))?;
        let address = Some(address);
        let timing = self.timing;
        let attempt = async {
            let config = Link::config(timing);
            let mut connection = connector.connect(&config).await?;
            let scripts = Scripts::new();
            for script in scripts.all() {
                script.prepare_invoke().load_async(&mut connection).await?;
            }
            // A user allowed to load scripts but not to run them fails here, once, rather
            // than on every request: the release script on keys nothing uses changes nothing.
            // The keys share one hash tag, as every script call's do.
            let mut check = scripts.release.prepare_invoke();
            for slot in ["c", "a", "cp", "ap"] {
                check.key(format!(
                    "{}:{}:{{check}}:{slot}",
                    self.prefix,
                    crate::keys::VERSION
                ));
            }
            check.arg(0).arg(0).arg(1).arg("check").arg("0");
            check.invoke_async::<redis::Value>(&mut connection).await?;
            Ok::<_, redis::RedisError>((connection, scripts))
        };
        let (connection, scripts) = tokio::time::timeout(timing.connect, attempt)
            .await
            .map_err(|_| ConnectError::timed_out(address.clone(), timing.connect))?
            .map_err(|e| {
                let error = if e.code() == Some("NOPERM") {
                    ConnectError::new(
                        address.clone(),
                        format!(
                            "the Redis user may not run twerr's scripts; grant it EVALSHA, EVAL \
                             and SCRIPT (e.g. ACL SETUSER ... +@scripting): {}",
                            redactor.redact(&e.to_string())
                        ),
                    )
                } else if e.is_timeout() {
                    ConnectError::timed_out(address.clone(), timing.connect)
                } else {
                    ConnectError::new(address.clone(), redactor.redact(&e.to_string()))
                };
                error.caused_by(e, &redactor)
            })?;
        let link = Link::new(connector, connection, timing, redactor);
        Ok(Arc::new(RedisStore::new(
            link,
            keys,
            scripts,
            self.margin,
            self.lifetime,
        )))
    }
}

/// How a cluster is named in errors: its seed nodes' addresses, never their user names or
/// passwords.
#[cfg(feature = "cluster")]
fn cluster_address(urls: &[String]) -> String {
    use redis::IntoConnectionInfo;
    let addresses: Vec<String> = urls
        .iter()
        .filter_map(|url| url.as_str().into_connection_info().ok())
        .map(|info| info.addr().to_string())
        .collect();
    format!("{} (cluster)", addresses.join(", "))
}
