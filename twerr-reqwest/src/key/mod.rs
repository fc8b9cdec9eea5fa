//! Book keys: a credential as a keyed hash, an endpoint as a template. Versioned, because a
//! shared store (Redis) holds keys derived by every process that uses it: a process with a
//! different derivation would count in different lines.

mod credential;
mod endpoint;
mod templates;

use http::HeaderMap;
use reqwest::{Method, Url};
use twerr_core::BookKey;

pub(crate) use credential::Hasher;
pub use credential::{DEFAULT_HASHING_KEY, credential_key_v1};
#[allow(
    unused_imports,
    reason = "the middleware's bounded endpoint label (a known template or `other`)"
)]
pub(crate) use endpoint::{Endpoint, endpoint_v2};
pub use endpoint::{endpoint_key_v1, endpoint_key_v2};

/// How a request authenticates, as far as its headers show.
pub(crate) enum Auth<'a> {
    /// `Authorization: Bearer TOKEN`.
    Bearer(&'a str),
    /// `Authorization: OAuth ...` signed before the middleware saw it; the `oauth_token`
    /// parameter, when present.
    OAuth1(Option<&'a str>),
    /// Anything else, or nothing.
    Other,
}

pub(crate) fn auth(headers: &HeaderMap) -> Auth<'_> {
    let Some(value) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Auth::Other;
    };
    let value = value.trim_start();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        Auth::Bearer(rest.trim())
    } else if scheme.eq_ignore_ascii_case("oauth") {
        let token = rest.split(',').find_map(|param| {
            let (name, value) = param.trim().split_once('=')?;
            (name.trim() == "oauth_token").then(|| value.trim().trim_matches('"'))
        });
        Auth::OAuth1(token)
    } else {
        Auth::Other
    }
}

/// The key of a request: the credential (from the extension's key, else the Bearer token or
/// the `oauth_token`, else none) and the endpoint.
pub(crate) fn book_key(
    hasher: &Hasher,
    explicit: Option<&str>,
    auth: &Auth<'_>,
    method: &Method,
    url: &Url,
) -> BookKey {
    let token = explicit.or(match auth {
        Auth::Bearer(token) => Some(*token),
        Auth::OAuth1(token) => *token,
        Auth::Other => None,
    });
    let credential = hasher.credential(token.unwrap_or_default().as_bytes());
    BookKey::new(credential, endpoint_key_v1(method, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_authorization_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            http::HeaderValue::from_static("Bearer AAAA"),
        );
        assert!(matches!(auth(&headers), Auth::Bearer("AAAA")));
        headers.insert(
            "authorization",
            http::HeaderValue::from_static(
                r#"OAuth oauth_consumer_key="ck", oauth_token="123-abc", oauth_nonce="n""#,
            ),
        );
        assert!(matches!(auth(&headers), Auth::OAuth1(Some("123-abc"))));
        let hasher = Hasher::new(DEFAULT_HASHING_KEY);
        let url = Url::parse("https://api.x.com/2/users/me").unwrap_or_else(|e| panic!("{e}"));
        let from_header = book_key(&hasher, None, &auth(&headers), &Method::GET, &url);
        let from_extension = book_key(&hasher, Some("123-abc"), &Auth::Other, &Method::GET, &url);
        assert_eq!(from_header, from_extension);
        assert_eq!(
            from_header.credential(),
            credential_key_v1(DEFAULT_HASHING_KEY, "123-abc")
        );
    }
}
