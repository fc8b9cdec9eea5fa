//! OAuth 1.0a request signing (HMAC-SHA1, RFC 5849): the app's credentials on the signer, the
//! user's per request, a fresh nonce and timestamp on every attempt.

mod nonce;
mod signature;

use std::fmt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use http::{Extensions, HeaderValue};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

pub use nonce::NonceSource;

use crate::{Clock, SystemClock};
use nonce::RandomNonces;
use signature::Protocol;

/// Signs every request it sees with OAuth 1.0a (HMAC-SHA1, [RFC 5849]): it holds the app's
/// consumer key and secret; the user's access token and secret come with each request as an
/// [`OAuth1Token`] extension. Each call signs afresh, with a new `oauth_nonce` and
/// `oauth_timestamp`, and replaces any `Authorization` header.
///
/// As a [`Middleware`], add it **after** [`TwerrMiddleware`](crate::TwerrMiddleware), so every
/// attempt the middleware sends (a resend after a rate-limit reset, a backoff) is signed again:
/// X rejects a repeated nonce. Give the user's token to the rate-limit middleware too, as
/// [`RequestOptions::credential_key`](crate::RequestOptions::credential_key), since it sees
/// the request before it is signed.
///
/// ```
/// # async fn post(
/// #     consumer_key: &str, consumer_secret: &str, access_token: &str, access_token_secret: &str,
/// # ) -> reqwest_middleware::Result<()> {
/// use twerr_reqwest::{OAuth1Signer, OAuth1Token, RequestOptions, TwerrMiddleware};
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(TwerrMiddleware::default())
///     .with(OAuth1Signer::new(consumer_key, consumer_secret)) // signs each attempt
///     .build();
/// let response = client
///     .post("https://api.x.com/2/tweets")
///     .header("content-type", "application/json")
///     .body(r#"{"text":"hello"}"#)
///     .with_extension(OAuth1Token::new(access_token, access_token_secret))
///     .with_extension(RequestOptions::new().credential_key(access_token))
///     .send()
///     .await?;
/// # let _ = response; Ok(()) }
/// ```
///
/// What is signed (RFC 5849 §3.4.1): the method, the URL without its query (scheme and host in
/// lower case, a default port left out), the query's parameters, and the parameters of an
/// `application/x-www-form-urlencoded` body. Other bodies (JSON, multipart) are not signed, as
/// X specifies. A form body must be in memory (`body(String)`, `body(Vec<u8>)`): a streamed
/// one cannot be read before it is sent and fails with [`OAuth1Error::StreamedFormBody`].
///
/// A request without an [`OAuth1Token`] is signed with the consumer credentials alone (no
/// `oauth_token`, an empty token secret), as RFC 5849 allows for requests on the app's behalf;
/// an endpoint that needs a user refuses it.
///
/// The consumer key and secret never appear in `Debug` output. The header is marked
/// [sensitive](HeaderValue::set_sensitive).
///
/// Available with the `oauth1` feature.
///
/// [RFC 5849]: https://www.rfc-editor.org/rfc/rfc5849
#[derive(Clone)]
pub struct OAuth1Signer {
    consumer_key: Arc<str>,
    consumer_secret: Arc<str>,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
}

/// The user's access token and token secret, for one request: put it in the request's
/// extensions (`RequestBuilder::with_extension`) for [`OAuth1Signer`] to sign with.
///
/// Neither the token nor the secret appears in `Debug` output.
///
/// ```
/// # async fn send(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// use twerr_reqwest::OAuth1Token;
///
/// let response = client
///     .get("https://api.x.com/2/users/me")
///     .with_extension(OAuth1Token::new("123-user-token", "user-token-secret"))
///     .send()
///     .await?;
/// # let _ = response; Ok(()) }
/// ```
#[derive(Clone)]
pub struct OAuth1Token {
    token: Arc<str>,
    secret: Arc<str>,
}

impl OAuth1Token {
    /// The user's access token (`oauth_token`) and its secret.
    pub fn new(token: impl Into<String>, secret: impl Into<String>) -> Self {
        OAuth1Token {
            token: token.into().into(),
            secret: secret.into().into(),
        }
    }
}

impl fmt::Debug for OAuth1Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Token")
            .field("token", &Redacted)
            .field("secret", &Redacted)
            .finish()
    }
}

/// Stands for a credential in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why a request could not be signed. Nothing was sent.
///
/// Through the middleware it arrives as [`reqwest_middleware::Error::Middleware`]; get it back
/// with `downcast_ref::<OAuth1Error>()`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuth1Error {
    /// The body is `application/x-www-form-urlencoded` but a stream: its parameters must be
    /// signed and cannot be read before it is sent.
    StreamedFormBody,
    /// The URL has no host to sign.
    NoHost,
}

impl fmt::Display for OAuth1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OAuth1Error::StreamedFormBody => f.write_str(
                "cannot sign a streamed application/x-www-form-urlencoded body: \
                 its parameters are signed, so give the body as bytes or a string",
            ),
            OAuth1Error::NoHost => f.write_str("cannot sign a URL without a host"),
        }
    }
}

impl std::error::Error for OAuth1Error {}

impl OAuth1Signer {
    /// A signer for the app whose consumer key (API key) and consumer secret (API key secret)
    /// these are, with the system clock and random nonces.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<String>) -> Self {
        OAuth1Signer {
            consumer_key: consumer_key.into().into(),
            consumer_secret: consumer_secret.into().into(),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonces::default()),
        }
    }

    /// The same signer reading `oauth_timestamp` from `clock` (whole seconds since the Unix
    /// epoch; a time before it is sent as 0). For tests, and to correct a clock that is off.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same signer taking each `oauth_nonce` from `nonces` (default: 32 random letters
    /// and digits). For tests that check a signature byte for byte.
    #[must_use]
    pub fn with_nonces(mut self, nonces: Arc<dyn NonceSource>) -> Self {
        self.nonces = nonces;
        self
    }

    /// Signs `request` with `token` (or with the consumer credentials alone): sets its
    /// `Authorization: OAuth ...` header, with a new nonce and timestamp. Call it again for
    /// every send, resends included. The request is otherwise unchanged.
    pub fn sign(
        &self,
        request: &mut Request,
        token: Option<&OAuth1Token>,
    ) -> Result<(), OAuth1Error> {
        let nonce = self.nonces.nonce();
        let timestamp = self
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let protocol = Protocol {
            consumer_key: &self.consumer_key,
            token: token.map(|t| &*t.token),
            nonce: &nonce,
            timestamp,
            version: true,
        };
        let base = signature::base_string(request, &protocol)?;
        let signature = signature::sign(
            &base,
            &self.consumer_secret,
            token.map_or("", |t| &t.secret),
        );
        // Every value is percent-encoded and the signature is base64: visible ASCII only.
        let mut value = HeaderValue::try_from(protocol.header(&signature))
            .unwrap_or_else(|_| HeaderValue::from_static("OAuth"));
        value.set_sensitive(true);
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }

    /// Signs one attempt of `request` with the [`OAuth1Token`] in `extensions`, if any: the
    /// entry point for a middleware that signs each attempt itself.
    pub(crate) fn sign_attempt(
        &self,
        request: &mut Request,
        extensions: &Extensions,
    ) -> Result<(), OAuth1Error> {
        self.sign(request, extensions.get::<OAuth1Token>())
    }

    /// Who a request with these extensions is signed as: the app's consumer key and the
    /// user's token, if any. Borrowed, to be hashed at once and never kept in clear.
    pub(crate) fn identity<'a>(&'a self, extensions: &'a Extensions) -> SigningIdentity<'a> {
        SigningIdentity {
            consumer_key: &self.consumer_key,
            token: extensions.get::<OAuth1Token>().map(|t| &*t.token),
        }
    }
}

/// The credentials a request is signed with, as [`OAuth1Signer::identity`] reads them.
/// Not `Debug`: it holds the token in clear.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SigningIdentity<'a> {
    /// The app's consumer key (`oauth_consumer_key`).
    pub(crate) consumer_key: &'a str,
    /// The user's access token (`oauth_token`); `None` for a request signed as the app alone.
    pub(crate) token: Option<&'a str>,
}

impl fmt::Debug for OAuth1Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Signer")
            .field("consumer_key", &Redacted)
            .field("consumer_secret", &Redacted)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .finish()
    }
}

#[async_trait::async_trait]
impl Middleware for OAuth1Signer {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.sign_attempt(&mut request, extensions)
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}

#[cfg(test)]
mod tests;
