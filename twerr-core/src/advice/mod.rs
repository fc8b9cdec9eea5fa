//! What ONE response says: its rate-limit headers, how several errors' advice combines, and
//! how long to wait. Deciding across requests (policy, retry state, the book) is
//! [`acting`](crate::acting)'s job.

mod delay;
mod rate_limit;
pub(crate) mod timing;

pub(crate) use delay::{Plan, Schedule, Wake, backoff_floor, plan};
pub use rate_limit::{RateLimit, RetryAfter, Window};

use crate::{Retry, Status};

/// The advice for a failed response with the errors' advice `each` (`None` for an error the
/// table does not know): the most severe (`Retry`'s `Ord` is the ranking), where an unknown
/// error counts as the status says, as the docs say for an unknown code alone; with no errors,
/// the status; where the status says nothing either (a failure reported under a success
/// status), [`Retry::Never`]: the API did answer, and would answer the same again.
pub(crate) fn combine(each: impl IntoIterator<Item = Option<Retry>>, status: Status) -> Retry {
    let fallback = status.retry();
    let mut any = false;
    let worst = each
        .into_iter()
        .inspect(|_| any = true)
        .map(|advice| advice.or(fallback))
        .max()
        .flatten();
    let worst = if any { worst } else { fallback };
    worst.unwrap_or(Retry::Never)
}

impl crate::ErrorResponse {
    /// What to do about the failure; `None` for a success.
    ///
    /// Known codes and problem types decide, as the documentation says; an error the table
    /// does not know (an unknown code, a problem type it lacks, an entry with neither) is
    /// judged by the HTTP status, as the docs say for an unknown code ([`Status::retry`], with
    /// class defaults for statuses the table lacks). Among several errors the most severe
    /// wins ([`Retry`]'s order: [`Retry::Never`] over [`Retry::AfterReset`] over
    /// [`Retry::Backoff`]), so a known `Backoff` code beside an unknown code on a 400 is
    /// `Never`: the unknown error may well be the request's fault. A body without errors is
    /// judged by its status; a failure reported under a success status with nothing known is
    /// [`Retry::Never`]: the API did answer, and would answer the same again.
    pub fn retry(&self) -> Option<Retry> {
        if !self.is_error() {
            return None;
        }
        let each = self.all_errors().map(crate::ApiError::retry);
        Some(combine(each, self.effective_status()))
    }

    /// How long to wait before attempt number `attempt + 1` (`attempt` counts the retries
    /// already made, from 0), given the current time `now` (pass `SystemTime::now()`; tests
    /// pass a fixed instant); `None` when the request should not be retried. A pure function
    /// of the response and its arguments, and uncapped: it is the wait the response asks
    /// for, and capping it (a maximum single wait) is the caller's policy. `{:#}` shows the
    /// same computation.
    ///
    /// - [`Retry::AfterReset`]: until the latest of the binding reset (the latest reset among
    ///   the exhausted windows, `x-rate-limit-*` or a v2 24-hour one; failing that the
    ///   15-minute reset when its `remaining` is unknown) and `Retry-After` (seconds or a
    ///   date), plus 1 s so the retry lands in the new window. `attempt` is not used, with
    ///   two exceptions: when no header names a reset or a `Retry-After`, 15 minutes (one
    ///   window); when everything named has already passed (the window rolled over in
    ///   flight, or the local clock runs ahead), 1 s doubling with each attempt up to 60 s,
    ///   so a client with a wrong clock does not loop hot.
    /// - [`Retry::Backoff`]: 5 s doubling with each attempt up to 320 s (X's reconnect
    ///   guidance for HTTP errors); for an HTTP 429 whose errors advise backoff (a streaming
    ///   endpoint's `TooManyConnections`), 1 minute doubling without a cap (X's guidance for
    ///   429s on streams). A longer `Retry-After` wins (RFC 9110: on a 503 it says how long
    ///   the service expects to be unavailable). Only for requests that are safe to repeat:
    ///   a POST that timed out may have succeeded, and blindly repeating it is how code 187
    ///   ("Status is a duplicate") is produced.
    /// - [`Retry::Never`], or a success: `None`.
    ///
    /// Instants in headers are on the server's clock. When the response's `Date` agrees with
    /// them (see [`RateLimit::ignored_date`]), waits are measured from it, so a skewed local
    /// clock neither shortens nor stretches them; otherwise from `now`. A relative
    /// `Retry-After` counts from when the response was sent, which is `now` for a response
    /// just received.
    ///
    /// Many clients retrying in step make the next failure more likely; add jitter by waiting
    /// a random fraction of the advice on top, e.g. `delay + delay.mul_f64(rand * 0.25)` with
    /// `rand` uniform in `0..1` from your RNG of choice (twerr does not pick one for you).
    pub fn retry_delay(
        &self,
        attempt: u32,
        now: std::time::SystemTime,
    ) -> Option<std::time::Duration> {
        delay::delay(plan(self), attempt, now)
    }
}
