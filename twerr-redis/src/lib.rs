//! A Redis [`RateLimitStore`](twerr_core::RateLimitStore) for twerr: every process of an app
//! that points at the same Redis shares the rate-limit windows and blocks any of them was
//! told about, so workers, restarts and scaled-out copies wait for the same resets.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let store = twerr_redis::RedisStore::connect("redis://127.0.0.1:6379/").await?;
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(twerr_reqwest::TwerrMiddleware::builder().store(store).build())
//!     .build();
//! # let _ = client; Ok(()) }
//! ```
//!
//! # Design notes: key layout v2
//!
//! Every key is `PREFIX:v2:{APP}:...`: `PREFIX` is the [prefix](RedisStoreBuilder::prefix)
//! (default `twerr`, no braces), `APP` the app's keyed hash in 32 hex digits, `CREDENTIAL`
//! the credential's, `ENDPOINT` the method, host and path template without the query (as
//! `twerr-reqwest` keys it). Credentials and apps appear only as these hashes, never as
//! tokens or consumer keys.
//!
//! | key | type | holds | expires |
//! |---|---|---|---|
//! | `PREFIX:v2:{APP}:line:c:CREDENTIAL:ENDPOINT` | hash | the credential's 15-minute (`15m`) and user 24-hour (`user24h`) windows, each `remaining:reset:limit` | last reset (+ the window's length when the limit is known: the assumed next window) + margin |
//! | `PREFIX:v2:{APP}:line:a:ENDPOINT` | hash | the app's 24-hour window (`app24h`), shared by every credential of the app | as above |
//! | `PREFIX:v2:{APP}:flight:c:CREDENTIAL:ENDPOINT`, `...:flight:a:ENDPOINT` | sorted set | the permits in flight on each line: member = permit id, score = deadline (ms, Redis's clock) | latest deadline + margin |
//! | `PREFIX:v2:{APP}:block:c:CREDENTIAL` | hash | the credential's block: `cause` (`s:429`, `c:89`, `p:usage-capped`), `writes` (0/1), `until` (µs, for the reader), `period`, `scope`, its probe schedule `first`, `max` (µs), `next` (µs, server clock), `failed`, and `gen` | next probe + a day + margin |
//! | `PREFIX:v2:{APP}:block:a` | hash | the app's block, same fields | as above |
//! | `PREFIX:v2:{APP}:probe:c:CREDENTIAL`, `...:probe:a` | string | the probe slot: the id of the one probe in flight | the permit lifetime, on Redis's clock (`SET PX`) |
//! | `PREFIX:v2:{APP}:gen` | string | the app's block generation | the longest block's expiry + the permit lifetime |
//! | `PREFIX:v2:{APP}:lease:STREAM` | string | the stream lease: the holder's token (32 hex digits) | the lease's ttl, on Redis's clock (`SET PX`), unless renewed |
//!
//! Instants in values are whole microseconds since the Unix epoch on the X server's clock
//! (callers pass server-now); permit deadlines are on Redis's own clock.
//!
//! **The hash tag.** `{APP}` is the Redis Cluster hash tag: every key one script touches
//! (the credential's and the app's lines, permit sets and blocks) hashes to the app's slot, so
//! each operation stays one atomic script on one node. The price: all the keys of one app,
//! however many users it serves, live on one shard. An app with a million users puts all its
//! windows on one node (a few hundred bytes each, below), and all its traffic through it;
//! separate apps spread over the cluster.
//!
//! **Permits.** Each [`acquire`](twerr_core::RateLimitStore::acquire) that goes adds its
//! permit to both lines' sets with a deadline of Redis's `TIME` plus the
//! [permit lifetime](RedisStoreBuilder::permit_lifetime) (5 minutes by default); `record`
//! and `release` remove it, and every script first prunes the entries whose deadline passed.
//! The in-flight count is the set's size. A permit nobody ends (a worker killed, a release
//! lost in a Redis stall) therefore stops counting within the lifetime, and no caller's
//! clock can end another's permits early.
//!
//! **Blocks and probes.** A block is kept as [`RateLimitBook`](twerr_core::RateLimitBook)
//! keeps it: every request it reaches is answered Blocked, except one probe per interval.
//! The schedule (`next`) is on the server's clock as the callers judge it (`now`, corrected
//! by each worker's skew), so the conformance suite can drive it; the probe in flight holds
//! the block's probe slot, a key set `NX`-style by the acquire script with an expiry of the
//! permit lifetime on Redis's own clock: no second probe goes while it is out, across every
//! worker, and a probe nobody ends (a worker killed) frees its slot on its own. A failing
//! probe doubles the interval (to the block's maximum; at the maximum from the start when an
//! end is announced); a probe that neither fails nor succeeds frees its slot for the next
//! interval; a released probe frees it at once. A stored `next` further ahead than the
//! block's maximum interval is read as the maximum, so no block goes longer than that
//! without a probe.
//!
//! Only the success of a request granted after the block was set lifts it: setting a block
//! raises the app's generation (`gen`; restarted from Redis's clock in seconds when its key
//! is gone, so it never goes back), each permit carries the generation at its grant in the
//! high half of its [id](twerr_core::Permit::id), and a success lifts a block whose `gen` is
//! at most the permit's. A block without end lives until such a success or
//! [`lift`](twerr_core::RateLimitStore::lift); its key expires a day after its next probe
//! was due with no request to probe it (an app that sent nothing for a day finds out again
//! with its next request). [`blocks`](twerr_core::RateLimitStore::blocks) lists every block
//! under the prefix (`SCAN`); `lift` deletes one with its probe slot (a credential's in any
//! app, by `SCAN`).
//!
//! **Stream leases.** [`acquire_lease`](twerr_core::RateLimitStore::acquire_lease) is one
//! script: a free, expired (gone) or own lease is set to the holder's token with `PX ttl`,
//! so its expiry is measured by Redis alone; another holder's answers `Held` with the key's
//! `PTTL`. Renew (`PEXPIRE`) and release (`DEL`) are scripts that first compare the stored
//! token with the caller's, so only the holder changes its lease. A holder that dies
//! (killed, its runtime gone) leaves a key that expires within the ttl; the waiting worker,
//! which asks again as the lease would expire, connects then. Leases have no fallback: while
//! Redis is unreachable a lease is neither granted nor renewed (the store answers an error),
//! so no two workers connect at once; `twerr-reqwest`'s holder closes its connection after two
//! failed renewals, before its lease can expire, and every worker waits for Redis.
//!
//! **Expiry from content.** Each key's expiry is computed from what it holds (a window's
//! reset, the latest deadline, a block's end) plus the margin, so a call that changes
//! nothing in a key does not move its expiry, and nothing lives on because traffic lasts.
//!
//! **Rolling upgrade from v1.** v1 keys (`PREFIX:v1:{CREDENTIAL}:window:...` and `:cap`) are
//! neither read nor written by this version: during a rolling upgrade v1 and v2 workers count
//! separately (each side may spend a whole window) and v1 keys expire on their own within
//! their window plus a minute. Move every worker sharing a Redis at once, or give the new
//! ones their own prefix until the old ones are gone.
//!
//! **Memory**, `MEMORY USAGE` on redis-server 7.0 for the endpoint
//! `GET api.x.com /2/users/{id}/tweets` (`cargo bench -p twerr-redis --bench memory`):
//! a credential line with both windows 248 bytes, an app line 184, a credential block (a
//! usage cap with its period, scope and probe schedule) 296, the app's block generation 104,
//! a permit set with 1 permit in flight 216 and with 10 permits 552. Every key expires as
//! above, so memory follows the credentials and endpoints active within the last day.
//!
//! Each operation is one Lua script (one round trip, atomic across processes) that counts
//! exactly as [`twerr_core::RateLimitBook`] does (the conformance suite checks it); stored
//! values are validated before they are used (numbers within 2^53, resets no further ahead
//! than their window's length plus 15 minutes, keys of the expected type), and a corrupt or
//! foreign value is dropped, never trusted.
//!
//! # When Redis is down
//!
//! A call that fails or takes longer than the [timeout](RedisStoreBuilder::timeout) (50 ms by
//! default) is answered from a book in this process's memory, which has seen every response
//! the process recorded. One `tracing` warning marks the outage, and the connection is
//! marked down. **When it reconnects:** there is no timer; while the connection is down, the
//! first store operation (acquire, record, release, blocks, lift, a lease) made at least
//! [`retry_every`](RedisStoreBuilder::retry_every) (1 s by default) after the outage began
//! or after the last failed attempt starts one reconnection attempt as a background task,
//! bounded by the [connect timeout](RedisStoreBuilder::connect_timeout); that operation and
//! those during the attempt are answered from the local book without waiting for it. The
//! first operation after the attempt succeeds uses Redis again, and an `info` event marks the
//! return. A store that is not called does not reconnect; an operation polled outside a
//! tokio runtime never starts an attempt; after a `NOPERM` refusal (below) none is ever
//! started. No request fails because of Redis.
//!
//! The local book mirrors Redis: every grant Redis answered this process is counted in it
//! (in flight, one less remaining) and every window an acquire reply holds is taken in
//! (only ever lower), so an outage starts from everything this process got from Redis: a
//! stall does not open a second window to it. Each acquire sends the book's windows along,
//! and Redis takes in what it lost (an empty restart, a stall that dropped writes) as the
//! record script takes a response: a window this process knows is spent stays spent, and is
//! written back for every worker.
//!
//! What no process can know during an outage is the others' requests. The bound: a window
//! may receive, beyond its limit, at most what each *other* process of the fleet last saw
//! remaining in it (from Redis or a response) when the outage began; one process alone never
//! exceeds a window. A Redis call that times out after Redis ran it counts a permit that was
//! not sent (it expires after the permit lifetime): caution, never a request too many.
//!
//! A Redis user whose ACL denies scripts (`NOPERM`) is refused by
//! [`connect`](RedisStoreBuilder::connect) with an error that says what to grant
//! (`EVALSHA`, `EVAL`, `SCRIPT`: `+@scripting`). When the ACL changes after connecting, the
//! first refused call logs one `error` event and the store stays on its local book for good:
//! reconnecting cannot fix a permission, so it is not tried.
//!
//! # Redis Cluster
//!
//! With the feature `cluster` (the `redis` crate's pure-Rust `cluster-async` client; no TLS,
//! no C), [`RedisStoreBuilder::connect_cluster`] takes the URLs of any of the cluster's
//! nodes. Every script call's keys share the app's hash tag (above), so each runs on the
//! master of the app's slot; the client follows `MOVED` and `ASK` and refreshes its slot map
//! after a failover. [`blocks`](twerr_core::RateLimitStore::blocks),
//! [`lift`](twerr_core::RateLimitStore::lift) and [`inspect`] scan every master (`SCAN` on
//! each, by address). While the master of an app's slot is down (until its replica takes
//! over: about two `cluster-node-timeout`s), that app's calls time out and are answered from
//! the local book, exactly as in an outage of a single Redis, with the same bound; so are
//! writes the old master acknowledged but had not yet replicated (Redis replicates
//! asynchronously): each acquire sends what this process knows, and the new master takes it
//! in. `tests/cluster.rs` kills a master with 16 tasks in flight: no request fails and none
//! exceeds a window.
//!
//! # Measured
//!
//! On a shared 2-core machine, redis-server 7.0.15, release builds, one run each
//! (`cargo run --release -p twerr-redis --example throughput`; `--features cluster` and
//! `-- --cluster` for the cluster): 4 worker processes x 64 tasks through `TwerrMiddleware`
//! to a local HTTP server for 10 s sent 8,405 requests a second through one redis-server
//! (7,709 through a cluster of 3 masters and 3 replicas sharing the same two cores), each
//! **2.00 round trips** (`EVALSHA`) with 56.9 commands run inside the scripts
//! (`INFO commandstats`). Redis was then saturated: the store's time per request (acquire,
//! record and release, timed by a wrapping store) was 28 ms at the median, 46 ms at the 99th
//! percentile (71 ms on the cluster), nearly all of it waiting in Redis's queue; with one task
//! per worker (`-- --tasks 1`) it was 634 µs and 1.42 ms. Each worker with its own
//! [`MemoryStore`](twerr_core::MemoryStore) (`-- --memory`): 1.9 µs and 5.1 µs.
//!
//! The local book (`cargo run --release -p twerr-redis --example book_memory`) holds 424
//! bytes per credential x endpoint line and 204 per block at 10^6 lines; a book call there
//! takes 1.2 µs at the median and 31 µs at the longest (its sweep visits a few lines per
//! call); the lines of windows that are over are dropped within one turn of the sweep and
//! their memory reused. The README has every figure.
//!
//! # TLS and AUTH
//!
//! `redis://user:password@host/` authenticates with no extra feature. For `rediss://`, enable a
//! TLS feature of the `redis` crate in your own `Cargo.toml` (e.g. `tokio-rustls-comp`); this
//! crate enables none, so its default build has no TLS stack. Neither the URL nor its password
//! appears in errors or logs.

mod builder;
mod codec;
mod connection;
mod error;
pub mod inspect;
mod keys;
mod lease;
mod link;
mod scripts;
mod store;

pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_PERMIT_LIFETIME, DEFAULT_PREFIX, DEFAULT_RETRY_EVERY,
    DEFAULT_TIMEOUT, MAX_EXPIRY_MARGIN, RedisStoreBuilder,
};
pub use error::ConnectError;
pub use keys::KeyNames;
pub use store::RedisStore;
