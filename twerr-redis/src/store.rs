//! [`RedisStore`]: the scripts over the link, with this process's own book for outages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use redis::Value;
use twerr_core::{Acquire, BookKey, MemoryStore, Observation, Permit, RateLimitStore, StoreFuture};

use crate::error::{ConnectError, Redactor};
use crate::link::{Handle, Link, Timing};
use crate::scripts::{self, Keys, Scripts};

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

/// A [`RateLimitStore`] in Redis, shared by every process that points at the same Redis and
/// prefix: each worker of an app waits for the windows any of them was told about.
///
/// Acquire, record and release are each one Lua script call (one round trip, atomic). When a
/// call fails or takes longer than the [timeout](RedisStoreBuilder::timeout), the store
/// answers from a book in this process's memory instead (which has seen every response this
/// process recorded), logs one warning for the outage, and goes back to Redis once it is
/// reachable again; its operations therefore never return an error.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// let store = twerr_redis::RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let middleware = twerr_reqwest::TwerrMiddleware::builder().store(store).build();
/// # let _ = middleware; Ok(()) }
/// ```
///
/// [`connect`](Self::connect) gives an `Arc`, the form a store is shared in. The store runs on
/// tokio (the `redis` crate's driver and the background reconnection are tokio tasks).
pub struct RedisStore {
    link: Arc<Link>,
    keys: Keys,
    scripts: Scripts,
    margin_ms: u64,
    /// The book used while Redis is down; it also sees every record while Redis is up.
    local: MemoryStore,
    /// Permits the local book handed out, per key: their record or release goes there.
    local_permits: Mutex<HashMap<BookKey, u64>>,
}

impl std::fmt::Debug for RedisStore {
    // Without the address: a URL may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("keys", &self.keys)
            .field("margin_ms", &self.margin_ms)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisStore`] before connecting.
#[derive(Clone, Debug)]
#[must_use]
pub struct RedisStoreBuilder {
    prefix: String,
    timing: Timing,
    margin: Duration,
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
        }
    }
}

impl RedisStoreBuilder {
    /// The key prefix (default [`DEFAULT_PREFIX`]). Processes share windows only under the
    /// same prefix; give separate apps separate prefixes if they share credentials but should
    /// not share windows (they rarely should: X counts per credential).
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

    /// How long a key outlives the window or cap it holds (default and at most
    /// [`MAX_EXPIRY_MARGIN`]; a longer margin is cut to it). A key holding only requests in
    /// flight lives this long after its last change.
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.margin = margin.min(MAX_EXPIRY_MARGIN);
        self
    }

    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db]`,
    /// `redis+unix:///path`, or `rediss://` when a TLS feature of the `redis` crate is
    /// enabled) and loads the scripts.
    ///
    /// # Errors
    ///
    /// [`ConnectError`] when the URL is not a Redis URL, or Redis is unreachable, refuses the
    /// connection or does not answer within the connect timeout. Its message never holds the
    /// URL's user name or password.
    pub async fn connect(self, url: &str) -> Result<Arc<RedisStore>, ConnectError> {
        let redactor = Redactor::for_url(url);
        let client = redis::Client::open(url)
            .map_err(|e| ConnectError::new(None, redactor.redact(&e.to_string())))?;
        let address = Some(client.get_connection_info().addr().to_string());
        let timing = self.timing;
        let attempt = async {
            let config = Link::config(timing);
            let mut connection = client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            let scripts = Scripts::new();
            for script in [&scripts.acquire, &scripts.record, &scripts.release] {
                script.prepare_invoke().load_async(&mut connection).await?;
            }
            Ok::<_, redis::RedisError>((connection, scripts))
        };
        let (connection, scripts) = tokio::time::timeout(timing.connect, attempt)
            .await
            .map_err(|_| ConnectError::timed_out(address.clone(), timing.connect))?
            .map_err(|e| {
                if e.is_timeout() {
                    ConnectError::timed_out(address.clone(), timing.connect)
                } else {
                    ConnectError::new(address.clone(), redactor.redact(&e.to_string()))
                }
            })?;
        Ok(Arc::new(RedisStore {
            link: Link::new(client, connection, timing, redactor),
            keys: Keys::new(&self.prefix),
            scripts,
            margin_ms: scripts::margin_ms(self.margin),
            local: MemoryStore::new(),
            local_permits: Mutex::new(HashMap::new()),
        }))
    }
}

impl RedisStore {
    /// Connects with the default settings; see [`RedisStoreBuilder::connect`].
    ///
    /// # Errors
    ///
    /// [`ConnectError`], as [`RedisStoreBuilder::connect`].
    pub async fn connect(url: &str) -> Result<Arc<RedisStore>, ConnectError> {
        Self::builder().connect(url).await
    }

    /// A builder for the prefix, timeouts and expiry margin.
    pub fn builder() -> RedisStoreBuilder {
        RedisStoreBuilder::default()
    }

    /// Whether the store is using Redis right now (false during an outage, when it counts in
    /// this process's book). Reconnection is attempted by the store's operations, not here.
    pub fn is_connected(&self) -> bool {
        self.link.is_up()
    }

    /// The Redis key that holds `key`'s window (for inspection with `redis-cli`).
    pub fn window_key(&self, key: &BookKey) -> String {
        self.keys.window(key)
    }

    /// The Redis key that holds the usage cap of `key`'s credential.
    pub fn cap_key(&self, key: &BookKey) -> String {
        self.keys.cap(key)
    }

    fn take_local_permit(&self, key: &BookKey) -> bool {
        let mut permits = self.local_permits.lock().unwrap_or_else(|p| p.into_inner());
        match permits.get_mut(key) {
            Some(count) if *count > 1 => {
                *count -= 1;
                true
            }
            Some(_) => {
                permits.remove(key);
                true
            }
            None => false,
        }
    }

    async fn eval(
        &self,
        handle: &Handle,
        what: &'static str,
        script: &redis::Script,
        keys: &[String],
        args: &[String],
        now: SystemTime,
    ) -> Option<Value> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        invocation
            .arg(scripts::micros(now, false))
            .arg(self.margin_ms);
        for arg in args {
            invocation.arg(arg);
        }
        let mut connection = handle.connection.clone();
        let call = async {
            invocation
                .invoke_async::<Value>(&mut connection)
                .await
                .map_err(Into::into)
        };
        self.link.call(handle, what, call).await
    }

    async fn acquire_in_redis(&self, key: &BookKey, now: SystemTime) -> Option<Acquire> {
        let handle = self.link.handle()?;
        let keys = [self.keys.cap(key), self.keys.window(key)];
        let reply = self
            .eval(&handle, "acquire", &self.scripts.acquire, &keys, &[], now)
            .await?;
        let link = &self.link;
        match scripts::acquire_reply(&reply, key) {
            Ok(answer) => Some(answer),
            Err(bad) => {
                let failed = async { Err::<(), _>(bad.into()) };
                link.call(&handle, "acquire", failed).await;
                None
            }
        }
    }
}

impl RateLimitStore for RedisStore {
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire> {
        Box::pin(async move {
            if let Some(answer) = self.acquire_in_redis(key, now).await {
                return Ok(answer);
            }
            let answer = self.local.book().acquire(key, now);
            if matches!(answer, Acquire::Go(_)) {
                let mut permits = self.local_permits.lock().unwrap_or_else(|p| p.into_inner());
                *permits.entry(key.clone()).or_default() += 1;
            }
            Ok(answer)
        })
    }

    fn record<'a>(
        &'a self,
        permit: Permit,
        observation: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let local = self.take_local_permit(permit.key());
            let args = scripts::record_args(&observation, !local);
            let key = permit.key().clone();
            // The local book sees every response, so an outage starts from what this process
            // knows. Its in-flight count holds only its own permits: a Redis permit ends
            // there as a no-op.
            self.local.book().record(permit, observation, now);
            if let Some(handle) = self.link.handle() {
                let keys = [self.keys.cap(&key), self.keys.window(&key)];
                self.eval(&handle, "record", &self.scripts.record, &keys, &args, now)
                    .await;
            }
            Ok(())
        })
    }

    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if self.take_local_permit(permit.key()) {
                self.local.book().release(permit);
                return Ok(());
            }
            // A Redis permit whose release cannot reach Redis stays counted there until its
            // key expires: a little caution, never a request too many.
            if let Some(handle) = self.link.handle() {
                let keys = [self.keys.window(permit.key())];
                self.eval(&handle, "release", &self.scripts.release, &keys, &[], now)
                    .await;
            }
            Ok(())
        })
    }
}
