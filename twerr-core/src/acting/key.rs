//! What the book is keyed by: an app and a credential, only ever as keyed hashes, and an
//! endpoint.

use std::fmt;
use std::sync::Arc;

/// A credential (a Bearer token, an OAuth 1.0a `oauth_token`, a key of the caller's choice) or
/// an app (its consumer key, app-only Bearer token or a name of the caller's choice) as the 16
/// bytes of a keyed hash: the book and its stores never hold the secret itself.
///
/// Deriving the bytes is the HTTP integration's job (`twerr-reqwest` uses HMAC-SHA-256);
/// twerr-core only keeps and compares them. [`Display`](fmt::Display) and [`Debug`] show the
/// first 8 hex digits, enough to tell credentials apart in a log line;
/// [`to_hex`](Self::to_hex) gives all 32 for store keys.
///
/// ```
/// use twerr_core::CredentialId;
///
/// let id = CredentialId::from_bytes([0xab; 16]);
/// assert_eq!(id.to_string(), "abababab");
/// assert_eq!(id.to_hex().len(), 32);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId([u8; 16]);

impl CredentialId {
    /// Wraps the 16 bytes of an already derived hash.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        CredentialId(bytes)
    }

    /// The 16 bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// All 16 bytes as 32 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0[..4]))
    }
}

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({self})")
    }
}

/// One line of the book: the app, the credential and the endpoint (for HTTP: the method, the
/// host and the path template, e.g. `GET api.x.com /2/users/{id}`) of a request.
///
/// X counts its windows per endpoint, and per user or per app: the 15-minute and user 24-hour
/// windows per credential, the app 24-hour window per app, whichever of the app's credentials
/// sent the request. Blocks reach a credential or a whole app.
///
/// Cloning is cheap (the endpoint is shared).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BookKey {
    app: CredentialId,
    credential: CredentialId,
    endpoint: Arc<str>,
    /// The endpoint's hash, computed once: the book looks a key up several times per request.
    endpoint_hash: u64,
}

impl BookKey {
    /// The key of `endpoint` under `credential` of `app`. For an app-only Bearer token the
    /// token is both. The endpoint must not contain secrets or a query string: it appears in
    /// logs and store keys.
    pub fn new(app: CredentialId, credential: CredentialId, endpoint: impl Into<Arc<str>>) -> Self {
        let endpoint = endpoint.into();
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hasher::write(&mut hasher, endpoint.as_bytes());
        BookKey {
            app,
            credential,
            endpoint_hash: std::hash::Hasher::finish(&hasher),
            endpoint,
        }
    }

    /// A hash of the endpoint, the same in every process (for in-memory maps; not for
    /// store keys, which hold the endpoint itself).
    pub(crate) fn endpoint_hash(&self) -> u64 {
        self.endpoint_hash
    }

    /// The app.
    pub fn app(&self) -> CredentialId {
        self.app
    }

    /// The credential.
    pub fn credential(&self) -> CredentialId {
        self.credential
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The endpoint's method: its first word (`GET` in `GET api.x.com /2/users/me`).
    pub fn method(&self) -> &str {
        self.endpoint.split(' ').next().unwrap_or_default()
    }

    /// The endpoint, shared.
    pub fn endpoint_arc(&self) -> &Arc<str> {
        &self.endpoint
    }
}

impl fmt::Debug for BookKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BookKey(app {} credential {} {})",
            self.app, self.credential, self.endpoint
        )
    }
}
