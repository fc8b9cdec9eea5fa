//! Stream leases: one connection per app and stream across every worker that shares a store.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::CredentialId;

/// What a lease is for: one stream (e.g. `GET api.x.com /2/tweets/search/stream`) of one app.
/// X allows an app a limited number of connections to a stream (one on most plans); the
/// worker holding the lease is the one that connects.
///
/// Cloning is cheap (the stream is shared).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeaseKey {
    app: CredentialId,
    stream: Arc<str>,
}

impl LeaseKey {
    /// The lease of `stream` for `app`. The stream name must not contain secrets or a query
    /// string: it appears in logs and store keys.
    pub fn new(app: CredentialId, stream: impl Into<Arc<str>>) -> Self {
        LeaseKey {
            app,
            stream: stream.into(),
        }
    }

    /// The app.
    pub fn app(&self) -> CredentialId {
        self.app
    }

    /// The stream.
    pub fn stream(&self) -> &str {
        &self.stream
    }
}

impl fmt::Debug for LeaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseKey(app {} {})", self.app, self.stream)
    }
}

/// Who holds a lease: a token unique to one stream of one worker, so only that stream renews
/// or releases it. Stores keep it as [`to_hex`](Self::to_hex).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeaseHolder([u8; 16]);

impl LeaseHolder {
    /// A token no other stream, in this process or another, has: 16 bytes from the process's
    /// randomly keyed hasher over a process-wide counter, the process id and the time.
    pub fn random() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let state = RandomState::new();
        let mut bytes = [0u8; 16];
        for (half, part) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = state.build_hasher();
            hasher.write_usize(half);
            hasher.write_u64(count);
            hasher.write_u32(std::process::id());
            hasher.write_u128(nanos);
            part.copy_from_slice(&hasher.finish().to_le_bytes());
        }
        LeaseHolder(bytes)
    }

    /// A token from its 16 bytes (tests, or a store reading one back).
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        LeaseHolder(bytes)
    }

    /// The 16 bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// All 16 bytes as 32 lowercase hex digits: the value a shared store keeps.
    pub fn to_hex(&self) -> String {
        CredentialId::from_bytes(self.0).to_hex()
    }
}

impl fmt::Debug for LeaseHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseHolder({})", CredentialId::from_bytes(self.0))
    }
}

/// The answer to [`RateLimitStore::acquire_lease`](crate::RateLimitStore::acquire_lease).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeaseAnswer {
    /// The caller holds the lease now (it was free, had expired, or was the caller's
    /// already), for the `ttl` it asked for.
    Granted,
    /// Another holder has it.
    Held {
        /// How long until it expires unless renewed, where the store knows; ask again then.
        expires_in: Option<Duration>,
    },
}
