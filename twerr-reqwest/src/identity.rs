//! Who a request is counted under: its credential and its app, only ever as keyed hashes.
//!
//! The credential: [`RequestOptions::credential_key`](crate::RequestOptions::credential_key),
//! else the Bearer token, else the OAuth 1.0a `oauth_token` (or, for a request signed with
//! the consumer key alone, the consumer key). The app:
//! [`RequestOptions::app`](crate::RequestOptions::app), else the middleware's
//! [`app`](crate::TwerrMiddlewareBuilder::app), else the OAuth 1.0a consumer key, else the
//! Bearer token itself (an app-only token is its app), else the credential.

use http::HeaderMap;
use reqwest::{Method, Url};
#[cfg(test)]
use twerr_core::CredentialId;
use twerr_core::{BookKey, EndpointLabel};

use crate::key::{Hasher, endpoint_v2};

/// How a request authenticates, as far as its headers show.
pub(crate) enum Auth<'a> {
    /// `Authorization: Bearer TOKEN`.
    Bearer(&'a str),
    /// `Authorization: OAuth ...` signed before the middleware saw it.
    OAuth1 {
        /// `oauth_token`, when present.
        token: Option<&'a str>,
        /// `oauth_consumer_key`, when present.
        consumer_key: Option<&'a str>,
    },
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
        let param = |wanted: &str| {
            rest.split(',').find_map(|param| {
                let (name, value) = param.trim().split_once('=')?;
                (name.trim() == wanted).then(|| value.trim().trim_matches('"'))
            })
        };
        Auth::OAuth1 {
            token: param("oauth_token"),
            consumer_key: param("oauth_consumer_key"),
        }
    } else {
        Auth::Other
    }
}

/// What is known of a request's identity before it is sent (in clear, only for the moment
/// the key is derived).
#[derive(Default)]
pub(crate) struct Names<'a> {
    /// [`RequestOptions::credential_key`](crate::RequestOptions::credential_key).
    pub(crate) credential_key: Option<&'a str>,
    /// The request's or the middleware's app name.
    pub(crate) app: Option<&'a str>,
    /// The built-in signer's consumer key and the request's token, when it signs.
    pub(crate) signer: Option<(&'a str, Option<&'a str>)>,
}

/// A request's book key, and whether its credential could be identified at all.
pub(crate) struct Identity {
    pub(crate) key: BookKey,
    pub(crate) identified: bool,
    /// The endpoint as a label of few values, for observers.
    pub(crate) label: EndpointLabel,
}

pub(crate) fn identify(
    hasher: &Hasher,
    names: &Names<'_>,
    auth: &Auth<'_>,
    method: &Method,
    url: &Url,
) -> Identity {
    let (token, consumer_key) = match (names.signer, auth) {
        (Some((consumer_key, token)), _) => (token.or(Some(consumer_key)), Some(consumer_key)),
        (None, Auth::Bearer(token)) => (Some(*token), None),
        (
            None,
            Auth::OAuth1 {
                token,
                consumer_key,
            },
        ) => (token.or(*consumer_key), *consumer_key),
        (None, Auth::Other) => (None, None),
    };
    let credential_name = names.credential_key.or(token);
    let credential = hasher.credential(credential_name.unwrap_or_default().as_bytes());
    let app = match (names.app, consumer_key, auth) {
        (Some(name), _, _) | (None, Some(name), _) => hasher.app(name.as_bytes()),
        // An app-only Bearer token is its app; a user's OAuth 2 token names none, so the
        // credential stands in (name the app to share its 24-hour window across users).
        // (Hashed once: the credential is usually that same token.)
        (None, None, Auth::Bearer(token)) if credential_name == Some(*token) => credential,
        (None, None, Auth::Bearer(token)) => hasher.credential(token.as_bytes()),
        _ => credential,
    };
    let endpoint = endpoint_v2(method, url);
    Identity {
        key: BookKey::new(app, credential, endpoint.key),
        identified: credential_name.is_some_and(|name| !name.is_empty()),
        label: EndpointLabel::new(method.as_str(), endpoint.template),
    }
}

/// A request's endpoint as a label of few values.
pub(crate) fn label(method: &Method, url: &Url) -> EndpointLabel {
    EndpointLabel::new(method.as_str(), endpoint_v2(method, url).template)
}

/// The app id of a name: what [`identify`] derives for `RequestOptions::app(name)`.
#[cfg(test)]
pub(crate) fn app_id(hasher: &Hasher, name: &str) -> CredentialId {
    hasher.app(name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_HASHING_KEY, credential_key_v1};

    fn url() -> Url {
        Url::parse("https://api.x.com/2/users/me").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn credentials_and_apps_come_from_the_authorization_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            http::HeaderValue::from_static("Bearer AAAA"),
        );
        assert!(matches!(auth(&headers), Auth::Bearer("AAAA")));
        let hasher = Hasher::new(DEFAULT_HASHING_KEY);
        let bearer = identify(
            &hasher,
            &Names::default(),
            &auth(&headers),
            &Method::GET,
            &url(),
        );
        assert!(bearer.identified);
        assert_eq!(
            bearer.key.app(),
            bearer.key.credential(),
            "app-only: the token is the app"
        );

        headers.insert(
            "authorization",
            http::HeaderValue::from_static(
                r#"OAuth oauth_consumer_key="ck", oauth_token="123-abc", oauth_nonce="n""#,
            ),
        );
        assert!(matches!(
            auth(&headers),
            Auth::OAuth1 {
                token: Some("123-abc"),
                consumer_key: Some("ck")
            }
        ));
        let from_header = identify(
            &hasher,
            &Names::default(),
            &auth(&headers),
            &Method::GET,
            &url(),
        );
        let explicit = Names {
            credential_key: Some("123-abc"),
            app: Some("ck"),
            signer: None,
        };
        let from_names = identify(&hasher, &explicit, &Auth::Other, &Method::GET, &url());
        assert_eq!(from_header.key, from_names.key);
        assert_eq!(
            from_header.key.credential(),
            credential_key_v1(DEFAULT_HASHING_KEY, "123-abc")
        );
        assert_eq!(from_header.key.app(), app_id(&hasher, "ck"));
    }

    #[test]
    fn an_unidentified_request_says_so() {
        let hasher = Hasher::new(DEFAULT_HASHING_KEY);
        let none = identify(
            &hasher,
            &Names::default(),
            &Auth::Other,
            &Method::GET,
            &url(),
        );
        assert!(!none.identified);
        let signer = Names {
            signer: Some(("ck", Some("123-abc"))),
            ..Names::default()
        };
        let signed = identify(&hasher, &signer, &Auth::Other, &Method::GET, &url());
        assert!(signed.identified);
        assert_eq!(signed.key.app(), app_id(&hasher, "ck"));
    }
}
