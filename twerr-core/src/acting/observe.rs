//! What a response tells the book: the window to count down and a usage cap to remember.
//!
//! [`facts`] is the one place that reads [`RateLimit`]; everything else works on its result.

use std::time::{Duration, SystemTime};

use super::RetryPolicy;
use crate::{ErrorResponse, Problem, RateLimit};

/// One rate-limit window as a response reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowReport {
    /// Requests allowed in the window, when reported.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: u64,
    /// The reset exactly as the server sent it. It names the window: two reports with the same
    /// `reset` describe the same window, a later one a newer window.
    pub reset: SystemTime,
    /// The reset in local time: `reset` moved by the clock offset the `Date` header reveals,
    /// when the advice trusts that `Date` (see [`RateLimit::ignored_date`]: the same rule), so
    /// a skewed local clock neither shortens nor stretches a wait.
    pub resets_at: SystemTime,
}

/// A usage cap (problem `usage-capped`): requests under the credential fail without being
/// sent until `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageCap {
    /// When to try again: the time of the response plus
    /// [`RetryPolicy::usage_cap_memory`] (nothing announces when a cap ends).
    pub until: SystemTime,
    /// The problem's `period` member (`Daily`, `Monthly`), when present.
    pub period: Option<Box<str>>,
    /// The problem's `scope` member (`Account`, `Product`), when present.
    pub scope: Option<Box<str>>,
}

/// What one response tells the rate-limit book.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observation {
    /// The binding window: among the windows whose `remaining` and `reset` are known, an
    /// exhausted one (the latest reset among them), else the one with the fewest requests
    /// left. `None` when no window is known or its reset has passed.
    pub window: Option<WindowReport>,
    /// A usage cap to remember for the response's credential.
    pub usage_cap: Option<UsageCap>,
}

impl Observation {
    /// What a response received at `now` (local clock) tells the book, success or failure.
    pub fn from_response(response: &ErrorResponse, now: SystemTime, policy: &RetryPolicy) -> Self {
        Observation {
            window: response.rate_limit().and_then(|limits| window(limits, now)),
            usage_cap: usage_cap(response, now.checked_add(policy.usage_cap_memory())),
        }
    }

    /// The window of a response's rate-limit headers alone, e.g. of a success whose body was
    /// not parsed.
    pub fn from_rate_limit(limits: &RateLimit, now: SystemTime) -> Self {
        Observation {
            window: window(limits, now),
            usage_cap: None,
        }
    }
}

/// What the book needs from [`RateLimit`], as instants.
pub(crate) struct Facts {
    /// (limit, remaining, reset) of the 15-minute, app 24-hour and user 24-hour windows.
    pub(crate) windows: [(Option<u64>, Option<u64>, Option<SystemTime>); 3],
    pub(crate) date: Option<SystemTime>,
}

pub(crate) fn facts(limits: &RateLimit) -> Facts {
    let triple = |w: crate::Window| (w.limit, w.remaining, w.reset);
    let none = (None, None, None);
    Facts {
        windows: [
            triple(limits.window()),
            limits.app_24h().map_or(none, triple),
            limits.user_24h().map_or(none, triple),
        ],
        // The one rule for whether `Date` measures anything: the advice's.
        date: limits.trusted_date(),
    }
}

/// How far the local clock is ahead of the server's (`false`: behind), when `Date` is
/// trusted.
fn skew(date: Option<SystemTime>, now: SystemTime) -> Option<(bool, Duration)> {
    Some(match now.duration_since(date?) {
        Ok(by) => (true, by),
        Err(behind) => (false, behind.duration()),
    })
}

fn to_local(at: SystemTime, skew: Option<(bool, Duration)>) -> SystemTime {
    match skew {
        Some((true, by)) => at.checked_add(by).unwrap_or(at),
        Some((false, by)) => at.checked_sub(by).unwrap_or(at),
        None => at,
    }
}

fn window(limits: &RateLimit, now: SystemTime) -> Option<WindowReport> {
    let facts = facts(limits);
    let skew = skew(facts.date, now);
    let known = facts
        .windows
        .iter()
        .filter_map(|&(limit, remaining, reset)| {
            let (remaining, reset) = (remaining?, reset?);
            let resets_at = to_local(reset, skew);
            (resets_at > now).then_some(WindowReport {
                limit,
                remaining,
                reset,
                resets_at,
            })
        });
    known.min_by(|a, b| {
        // Fewest remaining first (an exhausted window first of all); among equals the latest
        // reset, which keeps a client waiting longest.
        a.remaining
            .cmp(&b.remaining)
            .then_with(|| b.reset.cmp(&a.reset))
    })
}

fn usage_cap(response: &ErrorResponse, until: Option<SystemTime>) -> Option<UsageCap> {
    let capped = response
        .all_errors()
        .find(|error| error.problem() == Some(Problem::UsageCapped))?;
    let member = |name: &str| {
        let (_, raw) = capped.extra().find(|(key, _)| *key == name)?;
        serde_json::from_str::<String>(raw)
            .ok()
            .map(String::into_boxed_str)
    };
    Some(UsageCap {
        until: until?,
        period: member("period"),
        scope: member("scope"),
    })
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn the_exhausted_window_binds_and_date_corrects_skew() {
        let limits = RateLimit::from_headers([
            ("x-rate-limit-remaining", "40"),
            ("x-rate-limit-reset", "1700000900"),
            ("x-app-limit-24hour-remaining", "0"),
            ("x-app-limit-24hour-reset", "1700050000"),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"), // 1700000000
        ]);
        let limits = limits.unwrap_or_else(|| panic!("headers read"));
        // The local clock runs 30 s ahead of the server's.
        let window = Observation::from_rate_limit(&limits, at(1_700_000_030)).window;
        let window = window.unwrap_or_else(|| panic!("no window"));
        assert_eq!(window.remaining, 0);
        assert_eq!(window.reset, at(1_700_050_000));
        assert_eq!(window.resets_at, at(1_700_050_030));
    }

    #[test]
    fn a_passed_reset_or_missing_remaining_is_no_window() {
        let limits = RateLimit::from_headers([
            ("x-rate-limit-remaining", "3"),
            ("x-rate-limit-reset", "1700000900"),
        ]);
        let limits = limits.unwrap_or_else(|| panic!("headers read"));
        assert_eq!(
            Observation::from_rate_limit(&limits, at(1_700_000_900)).window,
            None
        );
        let limits = RateLimit::from_headers([("x-rate-limit-reset", "1700000900")]);
        let limits = limits.unwrap_or_else(|| panic!("headers read"));
        assert_eq!(
            Observation::from_rate_limit(&limits, at(1_700_000_000)).window,
            None
        );
    }
}
