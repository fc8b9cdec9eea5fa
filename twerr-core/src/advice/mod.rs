//! What to do about a failure: the rate-limit headers, how several errors' advice combines,
//! and how long to wait; and acting on it: the retry policy, the retry state of one request,
//! the rate-limit book and the store behind it. Sans-IO: the current time is always passed in;
//! nothing here sleeps, spawns or talks to the network, so any HTTP client, blocking or async,
//! can drive it.

mod delay;
mod rate_limit;

mod attempt;
mod book;
mod jitter;
mod key;
mod memory;
mod observe;
mod policy;
mod store;

#[cfg(feature = "store-conformance")]
pub mod conformance;

pub use attempt::{Decision, GiveUp, Outcome, RetryState, is_idempotent_method};
pub use book::RateLimitBook;
pub(crate) use delay::{ResetAt, delay, reset_at};
pub use jitter::{FixedJitter, Jitter, NoJitter, RandomJitter};
pub use key::{BookKey, CredentialId};
pub use memory::MemoryStore;
pub use observe::{Observation, UsageCap, WindowReport};
pub use policy::RetryPolicy;
pub use rate_limit::{RateLimit, RetryAfter, Window};
pub use store::{Acquire, Permit, RateLimitStore, StoreError, StoreFuture};

use crate::{Retry, Status};

/// The advice for a failed response: the most severe advice of the known errors (`Retry`'s
/// `Ord` is the ranking); where no error is known, the status; where the status says nothing
/// either (a failure reported under a success status), [`Retry::Never`]: the API did answer,
/// and would answer the same again.
pub(crate) fn combine(known: impl IntoIterator<Item = Retry>, status: Status) -> Retry {
    known
        .into_iter()
        .max()
        .or_else(|| status.retry())
        .unwrap_or(Retry::Never)
}

impl crate::ErrorResponse {
    /// What to do about the failure; `None` for a success.
    ///
    /// Known codes and problem types decide, as the documentation says; among several, the
    /// most severe ([`Retry`]'s order: [`Retry::Never`] over [`Retry::AfterReset`] over
    /// [`Retry::Backoff`]), so this is the `max` of [`all_errors`](Self::all_errors)' advice.
    /// Where no error is known, the HTTP status decides ([`Status::retry`], with class
    /// defaults for statuses the table lacks); a failure reported under a success status with
    /// nothing known is [`Retry::Never`]: the API did answer, and would answer the same again.
    pub fn retry(&self) -> Option<Retry> {
        if !self.is_error() {
            return None;
        }
        let known = self.all_errors().filter_map(crate::ApiError::retry);
        Some(combine(known, self.effective_status()))
    }

    /// How long to wait before attempt number `attempt + 1` (`attempt` counts the retries
    /// already made, from 0), given the current time `now` (pass `SystemTime::now()`; tests
    /// pass a fixed instant); `None` when the request should not be retried. A pure function
    /// of the response and its arguments.
    ///
    /// - [`Retry::AfterReset`]: until the latest of the binding reset (the exhausted window's
    ///   `x-rate-limit-reset`, or a 24-hour window's) and `Retry-After`, plus 1 s; 15 minutes
    ///   when no header says; never more than 24 hours. When the response has a `Date`
    ///   header, times are measured from the server's clock rather than `now`, so a skewed
    ///   local clock does not distort the wait. `attempt` is not used.
    /// - [`Retry::Backoff`]: 5 s, doubling with each attempt, capped at 320 s. Only for
    ///   requests that are safe to repeat: a POST that timed out may have succeeded, and
    ///   blindly repeating it is how code 187 ("Status is a duplicate") is produced.
    /// - [`Retry::Never`], or a success: `None`.
    ///
    /// Many clients retrying in step make the next failure more likely; add jitter by waiting
    /// a random fraction of the advice on top, e.g. `delay + delay.mul_f64(rand * 0.25)` with
    /// `rand` uniform in `0..1` from your RNG of choice (twerr does not pick one for you).
    pub fn retry_delay(
        &self,
        attempt: u32,
        now: std::time::SystemTime,
    ) -> Option<std::time::Duration> {
        delay(self.retry(), self.rate_limit(), attempt, now)
    }
}
