//! What a response tells about the middleware's work: its attempts, the parsed error, and
//! why the middleware stopped.

use std::time::Duration;

use twerr_core::{ErrorResponse, GiveUp};

/// In every response's extensions: how many attempts were sent and how long the middleware
/// waited in all (before sends and between them, jitter included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempts {
    sent: u32,
    waited: Duration,
}

impl Attempts {
    pub(crate) fn new(sent: u32, waited: Duration) -> Self {
        Attempts { sent, waited }
    }

    /// Requests sent, the first included.
    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// Time waited.
    pub fn waited(&self) -> Duration {
        self.waited
    }
}

/// What the middleware left on a response, read without naming twerr-core's types in
/// `extensions().get::<...>()` (where a second copy of twerr-core in the dependency tree
/// would silently give `None`).
///
/// ```
/// # async fn run(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// use twerr_reqwest::TwerrResponseExt;
///
/// let response = client.get("https://api.x.com/2/users/me").send().await?;
/// if let Some(error) = response.twerr_error() {
///     // The parsed failure: its codes, problem types, rate limits and advice.
///     eprintln!("{error:#}");
///     if let Some(why) = response.twerr_give_up() {
///         eprintln!("not retried: {why}");
///     }
/// }
/// # Ok(()) }
/// ```
pub trait TwerrResponseExt {
    /// The parsed failure, for a response from status 400 up (or a success whose body the
    /// middleware read, never: success bodies are not read).
    fn twerr_error(&self) -> Option<&ErrorResponse>;
    /// The attempts the middleware made, on every response it handled.
    fn twerr_attempts(&self) -> Option<Attempts>;
    /// Why the middleware stopped resending, on a failure it handed back.
    fn twerr_give_up(&self) -> Option<GiveUp>;
}

impl TwerrResponseExt for reqwest::Response {
    fn twerr_error(&self) -> Option<&ErrorResponse> {
        self.extensions().get()
    }

    fn twerr_attempts(&self) -> Option<Attempts> {
        self.extensions().get().copied()
    }

    fn twerr_give_up(&self) -> Option<GiveUp> {
        self.extensions().get().copied()
    }
}
