//! A [reqwest-middleware](reqwest_middleware) [`Middleware`](reqwest_middleware::Middleware)
//! for the Twitter/X API that acts on [twerr_core]'s advice: it waits for rate-limit resets,
//! retries what is safe to retry, remembers exhausted windows, and stops sending where a
//! failure an operator must fix reaches (no credits, a revoked token), so a program does not
//! write that loop itself.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(twerr_reqwest::TwerrMiddleware::default())
//!     .build();
//! # let _ = client; }
//! # #[allow(dead_code)]
//! # async fn send(client: reqwest_middleware::ClientWithMiddleware, url: &str, token: &str) -> reqwest_middleware::Result<()> {
//! let response = client.get(url).bearer_auth(token).send().await?; // after any waits and retries
//! # Ok(()) }
//! ```
//!
//! # What it does
//!
//! Every request is counted under a key: its credential (the Bearer token, the `oauth_token`
//! of an OAuth 1.0a header, or [`RequestOptions::credential_key`]) and its endpoint (method,
//! host and path template, see [`endpoint_key_v2`]: for API v2, the template of X's OpenAPI
//! spec, as in `GET api.x.com /2/users/{id}/tweets`). Credentials are kept and logged only as
//! keyed hashes ([`credential_key_v1`]). Both derivations are versioned: processes sharing a
//! store count together only when they derive the same versions.
//!
//! - **Before sending**, it asks the [store](twerr_core::RateLimitStore). When the endpoint's
//!   window is exhausted it waits for the reset (within the policy's
//!   [single](twerr_core::RetryPolicy::max_single_wait) and
//!   [total](twerr_core::RetryPolicy::max_total_wait) waits), or, with
//!   [`wait_for_window(false)`](TwerrMiddlewareBuilder::wait_for_window) or a reset further
//!   away, fails with [`NotSent`]; a request a block reaches (no credits for its app, a
//!   revoked credential) fails with [`NotSent`] too. Nothing is sent then.
//! - **After every response**, success included, it records the rate-limit headers. A
//!   success body is never read.
//! - **A status from 400 up**: it reads the body (up to
//!   [`max_error_body`](TwerrMiddlewareBuilder::max_error_body), for at most
//!   [`error_body_timeout`](TwerrMiddlewareBuilder::error_body_timeout)) into a
//!   [`twerr_core::ErrorResponse`] and follows its advice:
//!   - [`Retry::Never`](twerr_core::Retry::Never) (bad request, authentication, a usage cap)
//!     returns the response at once; a failure the table says reaches the credential or the
//!     app blocks the requests it reaches until a probe succeeds;
//!   - [`Retry::AfterReset`](twerr_core::Retry::AfterReset) (429, code 88) waits until the
//!     reset the headers announce, measured on the server's clock from `Date`, and resends,
//!     any method (the request was rejected unprocessed); a reset beyond the single wait (a
//!     24-hour limit) is not waited for;
//!   - [`Retry::Backoff`](twerr_core::Retry::Backoff) (5xx, code 130) waits 5 s doubling to
//!     320 s (a longer `Retry-After` wins) and resends only idempotent methods (GET, HEAD,
//!     PUT, DELETE, OPTIONS, or [`RequestOptions::idempotent`]).
//!
//!   A body longer than the cap, or still arriving at the deadline, is classified by its
//!   beginning: what is complete there (a problem type, the errors before the cut) counts, a
//!   number at the cut does not (it may be cut short), and the status decides when the
//!   beginning says nothing. A usage-capped 429 with a long body is still known for one. The
//!   caller gets the whole body: the bytes read, then the rest as it arrives.
//! - **A network error**: a request that never left (connection refused) is resent for any
//!   method; one that may have been sent only when idempotent; 250 ms more each time, up to
//!   16 s. Other reqwest errors (too many redirects, a URL reqwest refused) are not network
//!   errors: a resend would repeat them, and they are handed back at once.
//!
//! The caller gets what the bare reqwest client would have returned (status, version,
//! headers, extensions, URL, `content_length()`, body), plus [`Attempts`] in the response's extensions and, for a
//! failure, the final [`twerr_core::ErrorResponse`]. Every wait and every give-up is a
//! `tracing` event (target `twerr_reqwest`) with its reason and duration; request headers,
//! query strings and store addresses are never logged. An
//! [observer](TwerrMiddlewareBuilder::observer) is told the same (and every rate-limit window
//! and block) for dashboards; with the `metrics` feature, `MetricsObserver` reports them
//! through the `metrics` facade.
//!
//! **Do not stack `reqwest-retry` (or reqwest's own retries) with this middleware**: it
//! cannot see the body, so it would resend usage-capped requests and multiply the attempts
//! and waits this middleware already bounds.
//!
//! # OAuth 1.0a
//!
//! A resent copy of a signed request repeats its `oauth_nonce` and `oauth_timestamp`, which X
//! rejects. With the `oauth1` feature, give the middleware the signer
//! (`TwerrMiddlewareBuilder::oauth1`): it signs every attempt afresh just before sending,
//! and counts each request under the user's token (`OAuth1Token` extension) and the app's
//! consumer key without being told. An `OAuth1Signer` can also be added to the chain
//! **after** `TwerrMiddleware`; the middleware then sees the request unsigned, so pass the
//! user's token as [`RequestOptions::credential_key`] too.
//!
//! A request that arrives already signed (`Authorization: OAuth ...`) is sent once and never
//! resent with its old signature; the first one is warned about (once per middleware), with
//! the fix. So is the first request whose credential the middleware cannot see: such
//! requests would all share one rate-limit window.
//!
//! # Configuration
//!
//! [`TwerrMiddleware::builder`] sets the [policy](twerr_core::RetryPolicy), the
//! [store](twerr_core::RateLimitStore) (share one among clients, or use Redis across
//! processes), the app, the clock, sleeper and jitter (for tests), the largest error body
//! read and the longest time spent reading it, waiting or failing fast on an exhausted window,
//! the credential-hashing key and (feature `oauth1`) the signer; [`RequestOptions`] overrides
//! the key, the app, the idempotency or turns retries off per request.
//!
//! # Versions of the crates in its API
//!
//! The public API names types of reqwest 0.13, reqwest-middleware 0.5 and http 1, and
//! re-exports [`twerr_core`]. A new major version of one of them is a new major version of
//! twerr-reqwest (while at 0.x, a new minor) that moves to it; twerr-reqwest never depends on
//! two majors of one crate at once.

mod body;
mod builder;
mod error;
mod identity;
mod key;
#[cfg(feature = "metrics")]
mod metrics;
mod middleware;
#[cfg(feature = "oauth1")]
mod oauth1;
mod options;
mod outcome;
mod stream;
mod time;

/// The twerr-core this crate is built on, so the types in responses' extensions and errors
/// are the ones you name (no second copy of twerr-core in your dependency tree).
pub use twerr_core;

#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use self::metrics::MetricsObserver;
pub use builder::TwerrMiddlewareBuilder;
pub use error::{NotSent, NotSentReason};
pub use key::{DEFAULT_HASHING_KEY, credential_key_v1, endpoint_key_v1, endpoint_key_v2};
pub use middleware::{DEFAULT_ERROR_BODY_TIMEOUT, DEFAULT_MAX_ERROR_BODY, TwerrMiddleware};
#[cfg(feature = "oauth1")]
pub use oauth1::{NonceSource, OAuth1Error, OAuth1Signer, OAuth1Token};
pub use options::RequestOptions;
pub use outcome::{Attempts, TwerrResponseExt};
pub use stream::{
    DEFAULT_LEASE_TTL, DEFAULT_MAX_LINE, LineStream, MAX_BACKFILL_MINUTES, StreamBuilder,
    StreamError, StreamItem,
};
pub use time::{Clock, Sleeper, SystemClock, TokioSleeper};
