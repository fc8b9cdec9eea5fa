//! Book keys: a credential as a keyed hash, an endpoint as a template. Versioned, because a
//! shared store (Redis) holds keys derived by every process that uses it: a process with a
//! different derivation would count in different lines.

use hmac::{Hmac, Mac};
use reqwest::{Method, Url};
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

/// Version 1 of the endpoint key: `METHOD host /path/template`.
///
/// - The method in upper case.
/// - The host in lower case, a non-default port kept; `twitter.com` hosts are written as
///   their `x.com` twins, because `api.twitter.com` and `api.x.com` are one API with one set
///   of windows.
/// - The path without its query: an all-digit segment after the first (the API version, as
///   in `/2/`) becomes `:id`, a segment such as
///   `123.json` becomes `:id.json`, and the segment after `by/username/` becomes `:username`,
///   so every user, tweet or list id shares its endpoint's window, as Twitter counts it.
///
/// ```
/// use reqwest::{Method, Url};
/// use twerr_reqwest::endpoint_key_v1;
///
/// let url = Url::parse("https://api.twitter.com/2/users/by/username/jack?user.fields=id").unwrap();
/// assert_eq!(endpoint_key_v1(&Method::GET, &url), "GET api.x.com /2/users/by/username/:username");
/// let url = Url::parse("https://api.x.com/1.1/statuses/show/20.json").unwrap();
/// assert_eq!(endpoint_key_v1(&Method::GET, &url), "GET api.x.com /1.1/statuses/show/:id.json");
/// ```
pub fn endpoint_key_v1(method: &Method, url: &Url) -> String {
    use std::fmt::Write;

    let mut out = String::with_capacity(64);
    // Standard methods are upper case already; an extension method is written as sent, in
    // upper case, without a second allocation.
    out.extend(method.as_str().chars().map(|c| c.to_ascii_uppercase()));
    out.push(' ');
    // The URL parser lower-cases domain names of http(s) URLs; other schemes keep their case.
    let host = url.host_str().unwrap_or_default();
    let start = out.len();
    out.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    if let Some(prefix_len) = out[start..].strip_suffix("twitter.com").map(str::len) {
        if prefix_len == 0 || out[start..start + prefix_len].ends_with('.') {
            out.truncate(start + prefix_len);
            out.push_str("x.com");
        }
    }
    if let Some(port) = url.port() {
        let _ = write!(out, ":{port}");
    }
    out.push(' ');
    let mut previous = ["", ""];
    let mut any = false;
    for (index, segment) in url.path().split('/').skip(1).enumerate() {
        any = true;
        out.push('/');
        if index == 0 {
            // The API version (`2`, `1.1`, `labs`): digits here are not an id.
            out.push_str(segment);
        } else if previous == ["by", "username"] && !segment.is_empty() {
            out.push_str(":username");
        } else if is_id(segment) {
            out.push_str(":id");
        } else if let Some((_, ext)) = segment.split_once('.').filter(|(id, _)| is_id(id)) {
            out.push_str(":id.");
            out.push_str(ext);
        } else {
            out.push_str(segment);
        }
        previous = [previous[1], segment];
    }
    if !any {
        out.push('/');
    }
    out
}

fn is_id(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(method: Method, url: &str) -> String {
        endpoint_key_v1(
            &method,
            &Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}")),
        )
    }

    #[test]
    fn templates_collapse_ids_and_hosts() {
        assert_eq!(
            endpoint(
                Method::GET,
                "https://api.twitter.com/2/tweets/1460323737035677698?expansions=x"
            ),
            endpoint(Method::GET, "https://API.X.com/2/tweets/20"),
        );
        assert_eq!(
            endpoint(Method::GET, "https://api.x.com/2/tweets/20"),
            "GET api.x.com /2/tweets/:id"
        );
        assert_eq!(
            endpoint(
                Method::POST,
                "https://upload.twitter.com/1.1/media/upload.json"
            ),
            "POST upload.x.com /1.1/media/upload.json"
        );
        assert_eq!(
            endpoint(Method::GET, "http://127.0.0.1:8080/"),
            "GET 127.0.0.1:8080 /"
        );
        assert_eq!(
            endpoint(Method::GET, "https://nottwitter.com/a"),
            "GET nottwitter.com /a"
        );
        assert_ne!(
            endpoint(Method::GET, "https://api.x.com/2/users/me"),
            endpoint(Method::DELETE, "https://api.x.com/2/users/me")
        );
    }
}
