//! What a request can ask of the middleware, and what a response tells about its attempts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Per-request options, set as a request extension:
///
/// ```
/// # async fn run(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// use twerr_reqwest::RequestOptions;
///
/// let response = client
///     .post("https://api.x.com/2/tweets")
///     .with_extension(RequestOptions::new().credential_key("user-42").no_retries())
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) key: Option<Arc<str>>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) retries: bool,
}

impl RequestOptions {
    /// Nothing overridden: the key from the `Authorization` header, idempotency from the
    /// method, retries on.
    pub fn new() -> Self {
        RequestOptions {
            key: None,
            idempotent: None,
            retries: true,
        }
    }

    /// The credential to count this request under, instead of the one in its `Authorization`
    /// header: needed when a middleware after this one signs the request (OAuth 1.0a), and
    /// useful to share one window among several tokens of a user. Hashed like a token; never
    /// logged or stored in clear.
    pub fn credential_key(mut self, key: impl Into<Arc<str>>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Whether the request is safe to repeat, overriding the method's default (GET, HEAD,
    /// PUT, DELETE and OPTIONS are; a POST with an idempotency scheme of your own may be).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Never resend this request; windows are still counted and waited for before the send.
    pub fn no_retries(mut self) -> Self {
        self.retries = false;
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("idempotent", &self.idempotent)
            .field("retries", &self.retries)
            .finish()
    }
}

/// In every response's extensions: how many attempts were sent and how long the middleware
/// waited in all (before sends and between them, jitter included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts {
    /// Requests sent, the first included.
    pub sent: u32,
    /// Time waited.
    pub waited: Duration,
}
