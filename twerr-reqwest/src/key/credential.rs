//! Credential keys: a token as a keyed hash, so that logs and stores never hold it in clear.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use twerr_core::CredentialId;

/// The default key of the credential hash: a published constant, so that without
/// configuration every process derives the same ids. It hides tokens from a casual reader of
/// logs and stores but not from someone guessing tokens; set your own secret with
/// [`TwerrMiddlewareBuilder::hashing_key`](crate::TwerrMiddlewareBuilder::hashing_key) when the
/// store is shared with people who should not test guesses against it.
pub const DEFAULT_HASHING_KEY: &[u8] = b"twerr-reqwest default credential hashing key";

/// Separates credential hashes from any other use of the same hashing key, and names the
/// derivation's version.
const CREDENTIAL_DOMAIN: &[u8] = b"twerr-credential-v1\0";

/// The same for app ids derived from a consumer key or an app's name.
const APP_DOMAIN: &[u8] = b"twerr-app-v1\0";

/// A prepared HMAC-SHA-256 keyed with the hashing key: each derivation clones it rather than
/// expanding the key again.
#[derive(Clone)]
pub(crate) struct Hasher(Hmac<Sha256>);

impl Hasher {
    pub(crate) fn new(hashing_key: &[u8]) -> Self {
        // HMAC accepts keys of any length, so this cannot fail; the fallback is never taken.
        let mac = Hmac::<Sha256>::new_from_slice(hashing_key)
            .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default()));
        Hasher(mac)
    }

    pub(crate) fn credential(&self, token: &[u8]) -> CredentialId {
        self.derive(CREDENTIAL_DOMAIN, token)
    }

    /// The id of an app named by its consumer key or a name of the caller's.
    pub(crate) fn app(&self, name: &[u8]) -> CredentialId {
        self.derive(APP_DOMAIN, name)
    }

    fn derive(&self, domain: &[u8], secret: &[u8]) -> CredentialId {
        let mut mac = self.0.clone();
        mac.update(domain);
        mac.update(secret);
        let digest = mac.finalize().into_bytes();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        CredentialId::from_bytes(id)
    }
}

/// Version 1 of the credential key: the first 16 bytes of HMAC-SHA-256, keyed with
/// `hashing_key`, over `"twerr-credential-v1\0"` followed by the token's bytes. Shown in logs
/// as its first 8 hex digits.
///
/// ```
/// use twerr_reqwest::{DEFAULT_HASHING_KEY, credential_key_v1};
///
/// let a = credential_key_v1(DEFAULT_HASHING_KEY, "AAAA-bearer-token");
/// assert_eq!(a, credential_key_v1(DEFAULT_HASHING_KEY, "AAAA-bearer-token"));
/// assert_ne!(a, credential_key_v1(b"another key", "AAAA-bearer-token"));
/// assert_eq!(a.to_string().len(), 8);
/// ```
pub fn credential_key_v1(hashing_key: &[u8], token: &str) -> CredentialId {
    Hasher::new(hashing_key).credential(token.as_bytes())
}
