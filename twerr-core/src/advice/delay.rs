//! How long to wait before retrying: one computation, [`plan`], that both
//! [`ErrorResponse::retry_delay`](crate::ErrorResponse::retry_delay) and the response's
//! `{:#}` line read, so the log line always says what the delay is.

use std::time::{Duration, SystemTime};

use super::timing::{
    BACKOFF_CAP, BACKOFF_FIRST, CONNECTIONS_FIRST, RESET_MARGIN, RESET_PAST_CAP, RESET_PAST_FIRST,
    UNKNOWN_RESET_WAIT, doubling,
};
use super::{RateLimit, RetryAfter};
use crate::{ErrorResponse, Retry};

/// What the response asks for, before any clock is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Do not retry (or nothing failed).
    Never,
    /// Rate limited: wait for `wake`, then [`RESET_MARGIN`] more.
    AfterReset(Wake),
    /// Transient trouble: the `schedule`'s wait for the attempt, or `wake` if that is later.
    Backoff(Schedule, Wake),
}

/// The backoff schedules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// 5 s doubling to 320 s: HTTP errors.
    Errors,
    /// 1 minute doubling: an HTTP 429 that is not a rate-limit window (too many connections).
    Connections,
}

impl Schedule {
    fn wait(self, attempt: u32) -> Duration {
        match self {
            Schedule::Errors => doubling(BACKOFF_FIRST, attempt, Some(BACKOFF_CAP)),
            Schedule::Connections => doubling(CONNECTIONS_FIRST, attempt, None),
        }
    }
}

/// When the headers say a retry may come: no sooner than `at` (an instant on the clock
/// `server`, when that is known) and no sooner than `after` the response. Both `None`:
/// the headers do not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wake {
    pub(crate) at: Option<SystemTime>,
    pub(crate) after: Option<Duration>,
    /// The response's `Date`, when it agrees with what it measures: the instant the response
    /// was sent, by the clock `at` is on. `None`: measure from the local clock.
    pub(crate) server: Option<SystemTime>,
}

impl Wake {
    fn from_limits(limits: Option<&RateLimit>, with_reset: bool) -> Wake {
        let Some(limits) = limits else {
            return Wake::default();
        };
        let server = limits.trusted_date();
        let reset = if with_reset {
            limits.binding_reset()
        } else {
            None
        };
        let (at, after) = match limits.retry_after() {
            Some(RetryAfter::At(at)) => (reset.max(Some(at)), None),
            // With the server's clock, a relative wait is an instant too.
            Some(RetryAfter::Delay(wait)) => match server.and_then(|d| d.checked_add(wait)) {
                Some(at) => (reset.max(Some(at)), None),
                None => (reset, Some(wait)),
            },
            None => (reset, None),
        };
        Wake { at, after, server }
    }

    /// Whether the headers say nothing.
    pub(crate) fn is_unknown(&self) -> bool {
        self.at.is_none() && self.after.is_none()
    }

    /// The wait from `now` (the local clock), or from the server's `Date` when trusted:
    /// `None` when the headers say nothing, zero when everything they name has passed.
    pub(crate) fn wait(&self, now: SystemTime) -> Option<Duration> {
        if self.is_unknown() {
            return None;
        }
        let reference = self.server.unwrap_or(now);
        let until = self
            .at
            .map(|at| at.duration_since(reference).unwrap_or(Duration::ZERO));
        Some(until.max(self.after).unwrap_or(Duration::ZERO))
    }
}

/// The plan for `response`: see
/// [`ErrorResponse::retry_delay`](crate::ErrorResponse::retry_delay).
pub(crate) fn plan(response: &ErrorResponse) -> Plan {
    let limits = response.rate_limit();
    match response.retry() {
        None | Some(Retry::Never) => Plan::Never,
        Some(Retry::AfterReset) => Plan::AfterReset(Wake::from_limits(limits, true)),
        Some(Retry::Backoff) => {
            // A 429 whose errors advise backing off is not a window to wait out: a streaming
            // endpoint refusing another connection.
            let schedule = if response.effective_status().as_u16() == 429 {
                Schedule::Connections
            } else {
                Schedule::Errors
            };
            // Only Retry-After: a reset says when a window refills, not when trouble ends.
            Plan::Backoff(schedule, Wake::from_limits(limits, false))
        }
    }
}

/// The wait before attempt `attempt + 1` under `plan`, measured from `now`.
pub(crate) fn delay(plan: Plan, attempt: u32, now: SystemTime) -> Option<Duration> {
    match plan {
        Plan::Never => None,
        Plan::AfterReset(wake) => Some(match wake.wait(now) {
            None => UNKNOWN_RESET_WAIT,
            // Everything named has passed: the window rolled over, or the local clock runs
            // ahead. Retry soon, but not in a hot loop.
            Some(Duration::ZERO) => doubling(RESET_PAST_FIRST, attempt, Some(RESET_PAST_CAP)),
            Some(wait) => wait.saturating_add(RESET_MARGIN),
        }),
        Plan::Backoff(schedule, wake) => {
            let scheduled = schedule.wait(attempt);
            Some(
                wake.wait(now)
                    .map_or(scheduled, |asked| asked.max(scheduled)),
            )
        }
    }
}

/// The least a backoff of `response` may wait before attempt `attempt + 1`, whatever the
/// caller's own schedule: its `Retry-After` (measured as [`delay`] measures it), and for an
/// HTTP 429 that advises backoff, X's 1-minute schedule. Zero for other advice.
pub(crate) fn backoff_floor(response: &ErrorResponse, attempt: u32, now: SystemTime) -> Duration {
    match plan(response) {
        Plan::Backoff(schedule, wake) => {
            let scheduled = match schedule {
                Schedule::Connections => schedule.wait(attempt),
                Schedule::Errors => Duration::ZERO,
            };
            wake.wait(now)
                .map_or(scheduled, |asked| asked.max(scheduled))
        }
        Plan::Never | Plan::AfterReset(_) => Duration::ZERO,
    }
}
