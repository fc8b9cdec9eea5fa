//! [`RedisStore`]: the scripts over the link, with this process's own book for outages.

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use redis::Value;
use twerr_core::{Acquire, BookKey, MemoryStore, Observation, Permit, RateLimitStore, StoreFuture};

use crate::builder::RedisStoreBuilder;
use crate::codec;
use crate::error::ConnectError;
use crate::keys::{KeyNames, Keys};
use crate::link::{Handle, Link};
use crate::scripts::Scripts;

/// A [`RateLimitStore`] in Redis, shared by every process that points at the same Redis and
/// prefix: each worker of an app waits for the windows and blocks any of them was told about.
///
/// Acquire, record and release are each one Lua script call (one round trip, atomic). Each
/// permit is its own entry with a deadline on Redis's clock, so a permit nobody ends stops
/// counting after the [permit lifetime](RedisStoreBuilder::permit_lifetime). When a call
/// fails or takes longer than the [timeout](RedisStoreBuilder::timeout), the store answers
/// from a book in this process's memory instead (which has seen every response this process
/// recorded), logs one warning for the outage, and goes back to Redis once it is reachable
/// again; its operations therefore never return an error.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// let store = twerr_redis::RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let middleware = twerr_reqwest::TwerrMiddleware::builder().store(store).build();
/// # let _ = middleware; Ok(()) }
/// ```
///
/// [`connect`](Self::connect) gives an `Arc`, the form a store is shared in. The store runs on
/// tokio (the `redis` crate's driver and the background reconnection are tokio tasks); an
/// operation polled outside a tokio runtime (a release from a `Drop` on a plain thread) does
/// not touch Redis and never panics: a permit it could not release expires on its own.
pub struct RedisStore {
    link: Arc<Link>,
    keys: Keys,
    scripts: Scripts,
    margin_ms: u64,
    lifetime_ms: u64,
    ids: Ids,
    /// The book used while Redis is down; it also sees every record while Redis is up.
    local: MemoryStore,
    /// The ids of the permits the local book handed out: their record or release goes there.
    local_permits: Mutex<HashSet<u64>>,
}

impl std::fmt::Debug for RedisStore {
    // Without the address: a URL may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("keys", &self.keys)
            .field("margin_ms", &self.margin_ms)
            .field("lifetime_ms", &self.lifetime_ms)
            .finish_non_exhaustive()
    }
}

/// Permit ids: unique within the process (a counter), unpredictable across processes (a
/// randomly keyed hash of it), so two workers' permits never share an entry.
struct Ids {
    hasher: RandomState,
    next: AtomicU64,
}

impl Ids {
    fn next(&self) -> u64 {
        self.hasher
            .hash_one(self.next.fetch_add(1, Ordering::Relaxed))
    }
}

/// One script call: which script, its keys, the permit it is about and the arguments after
/// the four every script takes.
struct Call<'a> {
    what: &'static str,
    script: &'a redis::Script,
    keys: &'a [&'a str],
    permit: u64,
    args: &'a [String],
}

impl RedisStore {
    pub(crate) fn new(
        link: Arc<Link>,
        keys: Keys,
        scripts: Scripts,
        margin: Duration,
        lifetime: Duration,
    ) -> Self {
        RedisStore {
            link,
            keys,
            scripts,
            margin_ms: u64::try_from(margin.as_millis()).unwrap_or(u64::MAX),
            lifetime_ms: codec::millis(lifetime),
            ids: Ids {
                hasher: RandomState::new(),
                next: AtomicU64::new(0),
            },
            local: MemoryStore::new(),
            local_permits: Mutex::new(HashSet::new()),
        }
    }

    /// Connects with the default settings; see [`RedisStoreBuilder::connect`].
    ///
    /// # Errors
    ///
    /// [`ConnectError`], as [`RedisStoreBuilder::connect`].
    pub async fn connect(url: &str) -> Result<Arc<RedisStore>, ConnectError> {
        Self::builder().connect(url).await
    }

    /// A builder for the prefix, timeouts, expiry margin and permit lifetime.
    pub fn builder() -> RedisStoreBuilder {
        RedisStoreBuilder::default()
    }

    /// Whether the store is using Redis right now (false during an outage, when it counts in
    /// this process's book). Reconnection is attempted by the store's operations, not here.
    pub fn is_connected(&self) -> bool {
        self.link.is_up()
    }

    /// The Redis keys `key` is counted under (for inspection with `redis-cli`).
    pub fn key_names(&self, key: &BookKey) -> KeyNames {
        self.keys.names(key)
    }

    fn local_permits(&self) -> MutexGuard<'_, HashSet<u64>> {
        // A set of ids, consistent after any panic.
        self.local_permits.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn eval(&self, handle: &Handle, call: Call<'_>, now: SystemTime) -> Option<Value> {
        let mut invocation = call.script.prepare_invoke();
        for key in call.keys {
            invocation.key(*key);
        }
        invocation
            .arg(codec::micros(now, false))
            .arg(self.margin_ms)
            .arg(self.lifetime_ms)
            .arg(call.permit.to_string());
        for arg in call.args {
            invocation.arg(arg);
        }
        let mut connection = handle.connection.clone();
        let run = async {
            invocation
                .invoke_async::<Value>(&mut connection)
                .await
                .map_err(Into::into)
        };
        self.link.call(handle, call.what, run).await
    }

    async fn acquire_in_redis(&self, key: &BookKey, now: SystemTime) -> Option<Acquire> {
        let handle = self.link.handle()?;
        let names = self.keys.names(key);
        let id = self.ids.next();
        let call = Call {
            what: "acquire",
            script: &self.scripts.acquire,
            keys: &names.for_scripts(),
            permit: id,
            args: &[],
        };
        let reply = self.eval(&handle, call, now).await?;
        match codec::acquire_reply(&reply, key, id) {
            Ok(answer) => Some(answer),
            Err(bad) => {
                let failed = async { Err::<(), _>(bad.into()) };
                self.link.call(&handle, "acquire", failed).await;
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
            Ok(match self.local.book().acquire(key, now) {
                Acquire::Go(permit) => {
                    let id = self.ids.next();
                    self.local_permits().insert(id);
                    Acquire::Go(permit.with_id(id))
                }
                other => other,
            })
        })
    }

    fn record<'a>(
        &'a self,
        permit: Permit,
        observation: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let id = permit.id();
            self.local_permits().remove(&id);
            let args = codec::record_args(&observation);
            let names = self.keys.names(permit.key());
            // The local book sees every response, so an outage starts from what this process
            // knows. Its in-flight count holds only its own permits.
            self.local.book().record(permit, observation, now);
            if let Some(handle) = self.link.handle() {
                let call = Call {
                    what: "record",
                    script: &self.scripts.record,
                    keys: &names.for_scripts(),
                    permit: id,
                    args: &args,
                };
                self.eval(&handle, call, now).await;
            }
            Ok(())
        })
    }

    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if self.local_permits().remove(&permit.id()) {
                self.local.book().release(permit);
                return Ok(());
            }
            // A Redis permit whose release cannot reach Redis (an outage, no runtime) stays
            // counted there until its deadline: a little caution, never a request too many.
            if let Some(handle) = self.link.handle() {
                let names = self.keys.names(permit.key());
                let call = Call {
                    what: "release",
                    script: &self.scripts.release,
                    keys: &[&names.credential_permits, &names.app_permits],
                    permit: permit.id(),
                    args: &[],
                };
                self.eval(&handle, call, now).await;
            }
            Ok(())
        })
    }
}
