//! Where each `oauth_nonce` comes from: injected, so tests reproduce published signatures.

use std::collections::hash_map::RandomState;
use std::fmt::Debug;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of `oauth_nonce` values for [`OAuth1Signer`](super::OAuth1Signer).
///
/// RFC 5849 §3.3 asks a nonce to be unique among all requests with the same timestamp,
/// consumer key and token; X rejects a repeated one. Any string will do: it is
/// percent-encoded.
pub trait NonceSource: Send + Sync + Debug + 'static {
    /// The nonce of the next signature.
    fn nonce(&self) -> String;
}

/// The default: 32 letters and digits (about 190 bits) from std's randomly keyed hasher over
/// a counter. Unique within the process by the counter, across processes by the key std draws
/// from the operating system; nothing else is needed of a nonce, which is sent in clear.
#[derive(Debug, Default)]
pub(crate) struct RandomNonces {
    counter: AtomicU64,
    state: RandomState,
}

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl NonceSource for RandomNonces {
    fn nonce(&self) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut out = String::with_capacity(32);
        // Four hashes, eight characters (47.6 bits) from each.
        for part in 0u8..4 {
            let mut hasher = self.state.build_hasher();
            hasher.write_u64(count);
            hasher.write_u8(part);
            let mut bits = hasher.finish();
            for _ in 0..8 {
                out.push(char::from(ALPHABET[(bits % 62) as usize]));
                bits /= 62;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_nonces_are_32_alphanumerics_and_differ() {
        let nonces = RandomNonces::default();
        let drawn: Vec<String> = (0..1000).map(|_| nonces.nonce()).collect();
        assert!(
            drawn
                .iter()
                .all(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_alphanumeric()))
        );
        let unique: std::collections::HashSet<_> = drawn.iter().collect();
        assert_eq!(unique.len(), drawn.len());
        // Another source (another process, as far as keys go) draws other nonces.
        assert_ne!(RandomNonces::default().nonce(), drawn[0]);
    }
}
