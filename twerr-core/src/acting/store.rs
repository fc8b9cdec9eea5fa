//! The store behind the rate-limit book: shared by every task of a process (in memory) or by
//! many processes (Redis, in `twerr-redis`).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use super::{BookKey, Observation, UsageCap};

/// The future a store operation returns: boxed and `Send`, so the trait stays object-safe and
/// a store works behind `Arc<dyn RateLimitStore>` on any executor.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store of rate-limit windows and usage caps: the rate-limit book, shared.
///
/// Every operation takes `now` from the caller, and none of them sleeps: when a window is
/// exhausted, [`acquire`](Self::acquire) says until when, and the caller decides whether to
/// wait. Implementations keep [`RateLimitBook`](crate::RateLimitBook)'s counting exactly; the
/// conformance suite (feature `store-conformance`) checks that they do.
///
/// Each [`Permit`] that [`acquire`](Self::acquire) hands out must end in exactly one
/// [`record`](Self::record) (a response arrived) or [`release`](Self::release) (none did).
pub trait RateLimitStore: Send + Sync + 'static {
    /// Asks to send a request under `key` at `now`.
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire>;

    /// A response arrived for `permit` at `now`: count its window and remember its usage cap.
    fn record<'a>(
        &'a self,
        permit: Permit,
        observation: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()>;

    /// No response arrived for `permit` (cancelled, network error): it is no longer in
    /// flight. Its slot is not given back: the server may have counted the request.
    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()>;
}

/// The answer to [`RateLimitStore::acquire`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a permit must be recorded or released"]
pub enum Acquire {
    /// Send the request; end the permit with `record` or `release`.
    Go(Permit),
    /// The window is exhausted until `until` (local time): wait, or fail fast.
    Wait {
        /// When the window resets.
        until: SystemTime,
    },
    /// The credential is usage-capped: fail without sending until the cap's `until`.
    Exhausted(UsageCap),
}

/// Leave to send one request under a key; it is in flight until recorded or released.
#[derive(Debug, PartialEq, Eq)]
pub struct Permit {
    key: BookKey,
}

impl Permit {
    /// A permit for `key`. Stores create permits in `acquire`; nothing else should.
    pub fn new(key: BookKey) -> Self {
        Permit { key }
    }

    /// The key it was acquired under.
    pub fn key(&self) -> &BookKey {
        &self.key
    }
}

/// A store that could not answer (a lost connection, a script error).
///
/// The message must not contain credentials or a store URL with a password: it is logged.
#[derive(Debug)]
pub struct StoreError(Box<dyn Error + Send + Sync>);

impl StoreError {
    /// Wraps the underlying error.
    pub fn new(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        StoreError(error.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate-limit store failed: {}", self.0)
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.0)
    }
}
