//! The store behind the rate-limit book: shared by every task of a process (in memory) or by
//! many processes (Redis, in `twerr-redis`).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use super::{
    Block, BlockEntry, BookKey, CredentialId, LeaseAnswer, LeaseHolder, LeaseKey, Observation,
};
use crate::Reach;

/// The future a store operation returns: boxed and `Send`, so the trait stays object-safe and
/// a store works behind `Arc<dyn RateLimitStore>` on any executor.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store of rate-limit windows, blocks and stream leases: the rate-limit book, shared.
///
/// Every operation takes `now` from the caller **on the server's clock** (the local time
/// corrected by the caller's [`ClockSkew`](crate::ClockSkew)), and none of them sleeps: when a
/// window is exhausted, [`acquire`](Self::acquire) says until when, and the caller decides
/// whether to wait. Implementations keep [`RateLimitBook`](crate::RateLimitBook)'s counting
/// exactly; the conformance suite (feature `store-conformance`) checks that they do.
///
/// Each [`Permit`] that [`acquire`](Self::acquire) hands out must end in exactly one
/// [`record`](Self::record) (a response arrived) or [`release`](Self::release) (none did); a
/// store should also let a permit nobody ends expire on its own.
///
/// # Growing the trait
///
/// The trait gains methods in minor releases (blocks to list and lift, stream leases). Each
/// new method comes with a default implementation that answers
/// [`StoreError::unsupported`], never a silent success, so a store written for an older
/// version keeps compiling; a caller that gets `unsupported` falls back to a per-process
/// version of the feature and says so once (`twerr-reqwest` logs one warning per middleware).
/// Changing or removing a method is a breaking release.
pub trait RateLimitStore: Send + Sync + 'static {
    /// Asks to send a request under `key` at `now` (server clock).
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire>;

    /// A response arrived for `permit` at `now` (server clock): count its windows and
    /// remember its block.
    fn record<'a>(
        &'a self,
        permit: Permit,
        observation: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()>;

    /// No response arrived for `permit` (cancelled, network error): it is no longer in
    /// flight. Its slot is not given back: the server may have counted the request.
    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()>;

    /// The blocks the store holds, for a person to see. Default: unsupported.
    fn blocks<'a>(&'a self, now: SystemTime) -> StoreFuture<'a, Vec<BlockEntry>> {
        let _ = now;
        Box::pin(std::future::ready(Err(StoreError::unsupported(
            "listing blocks",
        ))))
    }

    /// Lifts the block of `holder` at `reach` (a person fixed its cause, e.g. bought
    /// credits); whether there was one. Default: unsupported.
    fn lift<'a>(&'a self, reach: Reach, holder: CredentialId) -> StoreFuture<'a, bool> {
        let _ = (reach, holder);
        Box::pin(std::future::ready(Err(StoreError::unsupported(
            "lifting blocks",
        ))))
    }

    /// Takes the lease `lease` for `holder`, to expire `ttl` after the store performs this
    /// operation unless renewed; or says that another holder has it. Default: unsupported.
    ///
    /// The rules every store keeps (the conformance suite checks them):
    ///
    /// - One holder per key (an app and a stream); keys are independent.
    /// - The expiry is relative and measured by the store: a shared store sets it with its own
    ///   clock (Redis: `SET key holder NX PX ttl`), never from a caller's instant; `now` (the
    ///   caller's clock) serves only a store of one process, whose callers share that clock.
    /// - Free, expired, or already `holder`'s: [`LeaseAnswer::Granted`], and the expiry is
    ///   set to `ttl` from now. Another holder's: [`LeaseAnswer::Held`], nothing changes.
    /// - Atomic: of several holders asking at once, exactly one is granted.
    fn acquire_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, LeaseAnswer> {
        let _ = (lease, holder, ttl, now);
        Box::pin(std::future::ready(Err(StoreError::unsupported(
            "stream leases",
        ))))
    }

    /// Extends `holder`'s lease to expire `ttl` from now; `false` (and nothing changes) when
    /// `holder` does not hold it (another holder took it, or it expired, even if nobody took
    /// it since). Atomic with [`acquire_lease`](Self::acquire_lease). Default: unsupported.
    fn renew_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        let _ = (lease, holder, ttl, now);
        Box::pin(std::future::ready(Err(StoreError::unsupported(
            "stream leases",
        ))))
    }

    /// Frees `holder`'s lease at once, so a waiting worker may take it; `false` (and nothing
    /// changes) when `holder` does not hold it. Atomic with
    /// [`acquire_lease`](Self::acquire_lease). Default: unsupported.
    fn release_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        let _ = (lease, holder, now);
        Box::pin(std::future::ready(Err(StoreError::unsupported(
            "stream leases",
        ))))
    }
}

/// The answer to [`RateLimitStore::acquire`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a permit must be recorded or released"]
#[non_exhaustive]
pub enum Acquire {
    /// Send the request; end the permit with `record` or `release`.
    Go(Permit),
    /// A rate-limit window is exhausted until `until` (server clock): wait, or fail fast.
    Wait {
        /// When the window resets.
        until: SystemTime,
    },
    /// A failure that reaches this request holds (a usage cap, no credits, a revoked
    /// credential): fail without sending.
    Blocked(Block),
}

/// Leave to send one request under a key; it is in flight until recorded or released.
///
/// Dropping a permit without ending it leaves its request counted in flight until the store
/// expires it: end every permit.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a permit must be recorded or released, or its slot stays in flight"]
pub struct Permit {
    key: BookKey,
    id: u64,
    probe: bool,
}

impl Permit {
    /// A permit for `key`. Stores create permits in `acquire`; nothing else should.
    pub fn new(key: BookKey) -> Self {
        Permit {
            key,
            id: 0,
            probe: false,
        }
    }

    /// The same permit with the store's own token for it (e.g. the id of its entry in a
    /// shared store, which expires on its own). Opaque to callers.
    #[must_use = "returns a changed copy"]
    pub fn with_id(mut self, id: u64) -> Self {
        self.id = id;
        self
    }

    /// The same permit, marked as the one request a block lets through to test whether its
    /// cause was fixed.
    #[must_use = "returns a changed copy"]
    pub fn with_probe(mut self, probe: bool) -> Self {
        self.probe = probe;
        self
    }

    /// The key it was acquired under.
    pub fn key(&self) -> &BookKey {
        &self.key
    }

    /// The store's token for it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether it is a block's probe.
    pub fn is_probe(&self) -> bool {
        self.probe
    }
}

/// A store that could not answer (a lost connection, a script error), or does not support
/// an operation.
///
/// The message must not contain credentials or a store URL with a password: it is logged.
#[derive(Debug)]
pub struct StoreError {
    inner: Box<dyn Error + Send + Sync>,
    unsupported: bool,
}

impl StoreError {
    /// Wraps the underlying error.
    pub fn new(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        StoreError {
            inner: error.into(),
            unsupported: false,
        }
    }

    /// The store does not implement `operation` (the default of a method added to
    /// [`RateLimitStore`] after the store was written).
    pub fn unsupported(operation: &'static str) -> Self {
        StoreError {
            inner: format!("{operation} is not supported by this store").into(),
            unsupported: true,
        }
    }

    /// Whether the operation is not supported (rather than failed).
    pub fn is_unsupported(&self) -> bool {
        self.unsupported
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate-limit store failed: {}", self.inner)
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.inner)
    }
}
