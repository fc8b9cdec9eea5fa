//! How long to wait before retrying, from the advice and the rate-limit headers.

use std::time::{Duration, SystemTime};

use super::{RateLimit, RetryAfter};
use crate::Retry;

/// The first wait of [`Retry::Backoff`]; each further attempt doubles it.
pub(crate) const BACKOFF_FIRST: Duration = Duration::from_secs(5);
/// The longest wait of [`Retry::Backoff`] (Twitter's reconnect guidance caps at 320 s).
pub(crate) const BACKOFF_CAP: Duration = Duration::from_secs(320);
/// The wait of [`Retry::AfterReset`] when no header says when the limit resets: one
/// 15-minute rate-limit window.
pub(crate) const UNKNOWN_RESET_WAIT: Duration = Duration::from_secs(15 * 60);
/// No advice ever waits longer than a day: the longest window Twitter documents.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);
/// Added after a reset so the retry lands in the new window despite 1 s header resolution.
const RESET_MARGIN: Duration = Duration::from_secs(1);

/// When a rate-limited request may be retried, as far as the headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResetAt {
    /// An instant.
    At(SystemTime),
    /// Only a relative `Retry-After` (no `Date` to anchor it).
    After(Duration),
    /// Nothing is known.
    Unknown,
}

/// The latest of the binding reset and `Retry-After`, as an instant when possible.
pub(crate) fn reset_at(limits: Option<&RateLimit>) -> ResetAt {
    let Some(limits) = limits else {
        return ResetAt::Unknown;
    };
    let retry_after_at = match limits.retry_after() {
        Some(RetryAfter::At(at)) => Some(at),
        Some(RetryAfter::Delay(wait)) => match limits.date() {
            Some(date) => date.checked_add(wait),
            // Without a `Date` header a relative wait cannot be compared with an instant.
            None => {
                return match limits.binding_reset() {
                    Some(at) => ResetAt::At(at),
                    None => ResetAt::After(wait),
                };
            }
        },
        None => None,
    };
    match limits.binding_reset().max(retry_after_at) {
        Some(at) => ResetAt::At(at),
        None => ResetAt::Unknown,
    }
}

/// The wait before the next attempt, for advice `retry`; see
/// [`ErrorResponse::retry_delay`](crate::ErrorResponse::retry_delay).
pub(crate) fn delay(
    retry: Option<Retry>,
    limits: Option<&RateLimit>,
    attempt: u32,
    now: SystemTime,
) -> Option<Duration> {
    match retry? {
        Retry::Never => None,
        Retry::Backoff => {
            let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
            Some(BACKOFF_FIRST.saturating_mul(factor).min(BACKOFF_CAP))
        }
        Retry::AfterReset => Some(after_reset(limits, now)),
    }
}

fn after_reset(limits: Option<&RateLimit>, now: SystemTime) -> Duration {
    let Some(limits) = limits else {
        return UNKNOWN_RESET_WAIT;
    };
    // Resets are on the server's clock; when the response says what time the server had,
    // measure from that, so a skewed local clock neither shortens nor stretches the wait.
    let reference = limits.date().unwrap_or(now);
    // An instant already past is no wait at all.
    let until = |at: SystemTime| at.duration_since(reference).unwrap_or(Duration::ZERO);
    let reset = limits.binding_reset().map(until);
    let retry_after = limits.retry_after().map(|after| match after {
        RetryAfter::Delay(wait) => wait,
        RetryAfter::At(at) => until(at),
    });
    match reset.max(retry_after) {
        Some(wait) => wait.saturating_add(RESET_MARGIN).min(MAX_WAIT),
        None => UNKNOWN_RESET_WAIT,
    }
}
