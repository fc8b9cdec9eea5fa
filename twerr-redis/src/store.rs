//! [`RedisStore`]: the scripts over the link, with this process's own book for outages.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use redis::Value;
use twerr_core::{
    Acquire, BlockEntry, BookKey, CredentialId, LeaseAnswer, LeaseHolder, LeaseKey, MemoryStore,
    Observation, Permit, RateLimitStore, Reach, StoreError, StoreFuture,
};

use crate::builder::RedisStoreBuilder;
use crate::codec;
use crate::error::ConnectError;
use crate::keys::{KeyNames, Keys};
use crate::lease::Leases;
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
    /// The permits the local book handed out, by the id given out for each, with the id the
    /// book gave it: their record or release goes there.
    local_permits: Mutex<HashMap<u64, u64>>,
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

/// Permit entries: a random tag per store, so two workers' permits never share an entry,
/// and a sequence number per permit (wrapping after 2^32, far more than are ever in flight).
struct Ids {
    tag: u64,
    next: AtomicU32,
}

impl Ids {
    fn next(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    fn member(&self, id: u64) -> String {
        codec::member(self.tag, id)
    }
}

/// One script call: which script, its keys, the permit entry it is about and the arguments
/// after the four every script takes.
struct Call<'a> {
    what: &'static str,
    script: &'a redis::Script,
    keys: &'a [&'a str],
    permit: String,
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
                tag: RandomState::new().hash_one(std::process::id()),
                next: AtomicU32::new(0),
            },
            local: MemoryStore::new(),
            local_permits: Mutex::new(HashMap::new()),
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

    fn leases(&self) -> Leases<'_> {
        Leases {
            link: &self.link,
            keys: &self.keys,
            scripts: &self.scripts,
        }
    }

    fn local_permits(&self) -> MutexGuard<'_, HashMap<u64, u64>> {
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
            .arg(call.permit);
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
        let sequence = self.ids.next();
        // What this process knows goes with every call: Redis takes in what it lost.
        let known = self.local.book().windows(key);
        let call = Call {
            what: "acquire",
            script: &self.scripts.acquire,
            keys: &names.for_scripts(),
            permit: self.ids.member(u64::from(sequence)),
            args: &codec::acquire_args(key, &known),
        };
        let reply = self.eval(&handle, call, now).await?;
        match codec::acquire_reply(&reply, key, sequence) {
            Ok((answer, windows)) => {
                // The local book mirrors every grant and window, so an outage starts from
                // everything this process got from Redis.
                let mut book = self.local.book();
                if let Acquire::Go(_) = answer {
                    let _mirror = book.grant(key, now);
                }
                book.adopt(key, &windows, now);
                Some(answer)
            }
            Err(bad) => {
                let failed = async { Err::<(), _>(bad.into()) };
                self.link.call(&handle, "acquire", failed).await;
                None
            }
        }
    }

    /// Every key matching `pattern` (`SCAN`, a thousand at a time, on every master of a
    /// cluster).
    async fn scan(&self, handle: &Handle, pattern: &str) -> Result<Vec<String>, StoreError> {
        let nodes = async { handle.connection.nodes().await.map_err(Into::into) };
        let nodes = self
            .link
            .call(handle, "scan", nodes)
            .await
            .ok_or_else(unreachable)?;
        let mut found = Vec::new();
        for node in &nodes {
            let mut cursor = 0u64;
            loop {
                let mut command = redis::cmd("SCAN");
                command
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(pattern)
                    .arg("COUNT")
                    .arg(1000);
                let step = async {
                    handle
                        .connection
                        .query_on::<(u64, Vec<String>)>(node, &command)
                        .await
                        .map_err(Into::into)
                };
                let (next, keys) = self
                    .link
                    .call(handle, "scan", step)
                    .await
                    .ok_or_else(unreachable)?;
                found.extend(keys);
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(found)
    }

    /// A permit the local book gave out, under the id this store gives it out with.
    fn local_permit(&self, permit: Permit) -> Permit {
        let id = u64::from(self.ids.next());
        self.local_permits().insert(id, permit.id());
        permit.with_id(id)
    }

    /// The local book's own permit when `permit` came from it.
    fn take_local(&self, permit: &Permit) -> Option<Permit> {
        let book_id = self.local_permits().remove(&permit.id())?;
        Some(
            Permit::new(permit.key().clone())
                .with_id(book_id)
                .with_probe(permit.is_probe()),
        )
    }
}

impl RateLimitStore for RedisStore {
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire> {
        Box::pin(async move {
            if let Some(answer) = self.acquire_in_redis(key, now).await {
                return Ok(answer);
            }
            Ok(match self.local.book().acquire(key, now) {
                Acquire::Go(permit) => Acquire::Go(self.local_permit(permit)),
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
            if let Some(local) = self.take_local(&permit) {
                self.local.book().record(local, observation, now);
                return Ok(());
            }
            let args = codec::record_args(&permit, &observation);
            let names = self.keys.names(permit.key());
            let member = self.ids.member(permit.id());
            // The local book sees every response, so an outage starts from what this process
            // knows; it counted the grant, so the response ends it there.
            self.local.book().record(mirror(&permit), observation, now);
            if let Some(handle) = self.link.handle() {
                let call = Call {
                    what: "record",
                    script: &self.scripts.record,
                    keys: &names.for_scripts(),
                    permit: member,
                    args: &args,
                };
                self.eval(&handle, call, now).await;
            }
            Ok(())
        })
    }

    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if let Some(local) = self.take_local(&permit) {
                self.local.book().release(local);
                return Ok(());
            }
            // The local book counted the grant: end it there.
            self.local.book().release(mirror(&permit));
            // A Redis permit whose release cannot reach Redis (an outage, no runtime) stays
            // counted there until its deadline, and a probe's slot with it: a little caution,
            // never a request too many.
            if let Some(handle) = self.link.handle() {
                let names = self.keys.names(permit.key());
                let call = Call {
                    what: "release",
                    script: &self.scripts.release,
                    keys: &names.for_release(),
                    permit: self.ids.member(permit.id()),
                    args: &[String::from(if permit.is_probe() { "1" } else { "0" })],
                };
                self.eval(&handle, call, now).await;
            }
            Ok(())
        })
    }

    fn blocks<'a>(&'a self, now: SystemTime) -> StoreFuture<'a, Vec<BlockEntry>> {
        let _ = now;
        Box::pin(async move {
            let handle = self.link.handle().ok_or_else(unreachable)?;
            let mut entries = Vec::new();
            for name in self.scan(&handle, &self.keys.block_pattern(None)).await? {
                let Some((reach, holder)) = self.keys.block_holder(&name) else {
                    continue;
                };
                let mut connection = handle.connection.clone();
                let read = async {
                    redis::cmd("HGETALL")
                        .arg(&name)
                        .query_async::<Vec<(String, String)>>(&mut connection)
                        .await
                        .map_err(Into::into)
                };
                // A key of another type or a corrupt block is not listed (the scripts drop
                // it when they next meet it).
                let Some(pairs) = self.link.call(&handle, "blocks", read).await else {
                    return Err(unreachable());
                };
                let fields = codec::BlockFields::from_hash(reach, &pairs);
                if let (Some(block), Some((next, failed))) =
                    (codec::block_of(&fields), fields.schedule())
                {
                    entries.push(BlockEntry::new(holder, block, next, failed));
                }
            }
            entries.sort_by_key(|entry| (entry.block().reach(), entry.holder()));
            Ok(entries)
        })
    }

    fn lift<'a>(&'a self, reach: Reach, holder: CredentialId) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let local = self.local.book().lift(reach, holder);
            let handle = self.link.handle().ok_or_else(unreachable)?;
            let blocks = match reach {
                Reach::App => vec![self.keys.app_block(holder)[0].clone()],
                _ => {
                    self.scan(&handle, &self.keys.block_pattern(Some(holder)))
                        .await?
                }
            };
            let mut lifted = false;
            for block in blocks {
                let Some(probe) = Keys::probe_of(&block) else {
                    continue;
                };
                let mut connection = handle.connection.clone();
                // The block and its probe slot share the app's slot: one DEL.
                let delete = async {
                    redis::cmd("DEL")
                        .arg(&block)
                        .arg(&probe)
                        .query_async::<u64>(&mut connection)
                        .await
                        .map_err(Into::into)
                };
                let Some(deleted) = self.link.call(&handle, "lift", delete).await else {
                    return Err(unreachable());
                };
                lifted |= deleted > 0;
            }
            Ok(lifted || local)
        })
    }

    fn acquire_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        _now: SystemTime,
    ) -> StoreFuture<'a, LeaseAnswer> {
        Box::pin(async move { self.leases().acquire(lease, holder, ttl).await })
    }

    fn renew_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        _now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move { self.leases().renew(lease, holder, ttl).await })
    }

    fn release_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        _now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move { self.leases().release(lease, holder).await })
    }
}

/// The local book's copy of a Redis permit: a success lifts any block the book holds (the
/// book's blocks come from this process's own responses), never a probe of the book's.
fn mirror(permit: &Permit) -> Permit {
    Permit::new(permit.key().clone()).with_id(u64::MAX)
}

fn unreachable() -> StoreError {
    StoreError::new("Redis is unreachable; blocks can be listed and lifted once it is back")
}
