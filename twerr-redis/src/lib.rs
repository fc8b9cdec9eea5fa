//! A Redis [`RateLimitStore`](twerr_core::RateLimitStore) for twerr: every process of an app
//! that points at the same Redis shares the rate-limit windows and usage caps any of them was
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
//! # What is kept in Redis
//!
//! Per credential and endpoint, a hash `PREFIX:v1:{CREDENTIAL}:window:ENDPOINT` (requests in
//! flight, remaining, the reset as sent and in local time, the limit); per credential, a hash
//! `PREFIX:v1:{CREDENTIAL}:cap` for a usage cap. `CREDENTIAL` is the middleware's keyed
//! hash of the token (32 hex digits), never the token; `ENDPOINT` is the method, host and
//! path template, without the query. Every key expires at most a minute after the window or
//! cap it holds ends.
//!
//! Each operation is one Lua script (one round trip, atomic across processes) that takes
//! `now` from the caller and counts exactly as [`twerr_core::RateLimitBook`] does; stored
//! values are validated before they are used, and a corrupt or foreign value is dropped.
//!
//! # When Redis is down
//!
//! A call that fails or takes longer than the [timeout](RedisStoreBuilder::timeout) (50 ms by
//! default) is answered from a book in this process's memory, which has seen every response
//! the process recorded. One `tracing` warning marks the outage; reconnection is tried in the
//! background every [second](RedisStoreBuilder::retry_every), and an `info` event marks the
//! return. No request fails because of Redis.
//!
//! # TLS and AUTH
//!
//! `redis://user:password@host/` authenticates with no extra feature. For `rediss://`, enable a
//! TLS feature of the `redis` crate in your own `Cargo.toml` (e.g. `tokio-rustls-comp`); this
//! crate enables none, so its default build has no TLS stack. Neither the URL nor its password
//! appears in errors or logs.

mod builder;
mod codec;
mod error;
mod keys;
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
