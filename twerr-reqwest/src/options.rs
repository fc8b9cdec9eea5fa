//! What a request can ask of the middleware, and what a response tells about its attempts.

use std::fmt;
use std::sync::Arc;

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
    pub(crate) app: Option<Arc<str>>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) retries: bool,
}

impl RequestOptions {
    /// Nothing overridden: the key from the `Authorization` header, idempotency from the
    /// method, retries on.
    pub fn new() -> Self {
        RequestOptions {
            key: None,
            app: None,
            idempotent: None,
            retries: true,
        }
    }

    /// The credential to count this request under, instead of the one in its `Authorization`
    /// header: needed when a middleware after this one signs the request (OAuth 1.0a) and the
    /// middleware's own signer is not used, and useful to share one window among several
    /// tokens of a user. Hashed like a token; never logged or stored in clear.
    ///
    /// OAuth 2 user tokens expire every two hours; counted by the token, a user's windows
    /// would start over (unknown) at each refresh. Pass a stable user id (X's numeric user id)
    /// instead, so the windows follow the user across refreshes.
    #[must_use = "returns the changed options"]
    pub fn credential_key(mut self, key: impl Into<Arc<str>>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The app this request is made for, when one process serves several apps (each customer's
    /// own X app): its 24-hour app windows and its blocks (no credits, a spend cap) are kept
    /// apart from the other apps'. Overrides the middleware's
    /// [`app`](crate::TwerrMiddlewareBuilder::app). Hashed; never logged or stored in clear.
    #[must_use = "returns the changed options"]
    pub fn app(mut self, name: impl Into<Arc<str>>) -> Self {
        self.app = Some(name.into());
        self
    }

    /// Whether the request is safe to repeat, overriding the method's default (GET, HEAD,
    /// PUT, DELETE and OPTIONS are; a POST with an idempotency scheme of your own may be).
    #[must_use = "returns the changed options"]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Never resend this request; windows are still counted and waited for before the send.
    #[must_use = "returns the changed options"]
    pub fn no_retries(mut self) -> Self {
        self.retries = false;
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("app", &self.app.as_ref().map(|_| "<redacted>"))
            .field("idempotent", &self.idempotent)
            .field("retries", &self.retries)
            .finish()
    }
}
