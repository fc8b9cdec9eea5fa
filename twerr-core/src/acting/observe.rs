//! What a response tells the book: the windows to count down and a block to remember, every
//! instant on the server's clock; and the clock skew that converts between the two clocks.
//!
//! [`facts`] is the one place that reads [`RateLimit`]; everything else works on its result.

use std::time::{Duration, SystemTime};

use super::{Block, Cause, RetryPolicy};
use crate::advice::timing::{DATE_MARGIN, FIFTEEN_MINUTES, LONGEST_WINDOW};
use crate::{ErrorResponse, RateLimit, Reach};

/// Which of X's rate-limit windows a report is about. Each is kept on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WindowKind {
    /// The endpoint's 15-minute window (`x-rate-limit-*`), per credential.
    Endpoint,
    /// The v2 app 24-hour window (`x-app-limit-24hour-*`), per app: every credential of the
    /// app counts against it.
    App24Hour,
    /// The v2 user 24-hour window (`x-user-limit-24hour-*`), per credential.
    User24Hour,
}

impl WindowKind {
    /// Every kind, in the order of the headers.
    pub const ALL: [WindowKind; 3] = [
        WindowKind::Endpoint,
        WindowKind::App24Hour,
        WindowKind::User24Hour,
    ];

    /// How long one window lasts: 15 minutes or 24 hours (X's "Rate limits"). When a window
    /// whose limit is known resets, the next one is assumed to have the same limit for this
    /// long, until a response says otherwise.
    pub const fn length(self) -> Duration {
        match self {
            WindowKind::Endpoint => FIFTEEN_MINUTES,
            WindowKind::App24Hour | WindowKind::User24Hour => LONGEST_WINDOW,
        }
    }

    /// How far past a window's length a reported reset may lie (15 minutes, for headers cached
    /// or relayed by a proxy) before it is taken as malformed.
    pub const RESET_SLACK: Duration = DATE_MARGIN;

    /// Whether a reset reported at `now` (both on the server's clock) is believable for this
    /// kind: after `now`, and no further ahead than the window's length plus
    /// [`RESET_SLACK`](Self::RESET_SLACK). Stores apply the same rule as the book.
    pub fn accepts_reset(self, reset: SystemTime, now: SystemTime) -> bool {
        let latest = now.checked_add(self.length() + Self::RESET_SLACK);
        reset > now && latest.is_none_or(|latest| reset <= latest)
    }

    /// Whether the window is the app's (shared by its credentials) rather than a credential's.
    pub const fn per_app(self) -> bool {
        matches!(self, WindowKind::App24Hour)
    }

    /// A short name for logs and store keys: `15m`, `app24h`, `user24h`.
    pub const fn as_str(self) -> &'static str {
        match self {
            WindowKind::Endpoint => "15m",
            WindowKind::App24Hour => "app24h",
            WindowKind::User24Hour => "user24h",
        }
    }
}

/// One rate-limit window as a response reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WindowReport {
    kind: WindowKind,
    limit: Option<u64>,
    remaining: u64,
    reset: SystemTime,
}

impl WindowReport {
    /// A window of `kind` with `remaining` requests until `reset`, the instant exactly as the
    /// server sent it (on the server's clock).
    pub fn new(kind: WindowKind, remaining: u64, reset: SystemTime) -> Self {
        WindowReport {
            kind,
            limit: None,
            remaining,
            reset,
        }
    }

    /// The same report with the window's limit.
    #[must_use = "returns a changed copy"]
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// The same report with another `remaining`.
    #[must_use = "returns a changed copy"]
    pub fn with_remaining(mut self, remaining: u64) -> Self {
        self.remaining = remaining;
        self
    }

    /// Which window.
    pub fn kind(&self) -> WindowKind {
        self.kind
    }

    /// Requests allowed in the window, when reported.
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Requests left in the window.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The reset on the server's clock. It names the window: two reports with the same
    /// `reset` describe the same window, a later one a newer window.
    pub fn reset(&self) -> SystemTime {
        self.reset
    }
}

/// What one response tells the rate-limit book. Every instant is on the server's clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Observation {
    windows: Windows,
    block: Option<Block>,
    succeeded: bool,
}

/// At most one report per window kind, kept inline: recording a success's headers allocates
/// nothing.
#[derive(Clone, Copy)]
struct Windows {
    reports: [WindowReport; 3],
    len: usize,
}

impl Windows {
    fn as_slice(&self) -> &[WindowReport] {
        &self.reports[..self.len]
    }

    /// Adds `report`, or replaces the report of its kind.
    fn put(&mut self, report: WindowReport) {
        let known = self.reports[..self.len]
            .iter()
            .position(|r| r.kind == report.kind);
        match known {
            Some(at) => self.reports[at] = report,
            None => {
                // Three kinds, three places: a new kind always fits.
                self.reports[self.len] = report;
                self.len += 1;
            }
        }
    }
}

impl Default for Windows {
    fn default() -> Self {
        let unused = WindowReport::new(WindowKind::Endpoint, 0, std::time::UNIX_EPOCH);
        Windows {
            reports: [unused; 3],
            len: 0,
        }
    }
}

impl PartialEq for Windows {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Windows {}

impl std::fmt::Debug for Windows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Observation {
    /// Nothing to tell.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same observation with one more window (replacing a report of the same kind).
    #[must_use = "returns a changed copy"]
    pub fn with_window(mut self, window: WindowReport) -> Self {
        self.windows.put(window);
        self
    }

    /// The same observation with a block to remember.
    #[must_use = "returns a changed copy"]
    pub fn with_block(mut self, block: Option<Block>) -> Self {
        self.block = block;
        self
    }

    /// The same observation, of a response that succeeded (or not). A success of a request
    /// granted after a block was set lifts the block.
    #[must_use = "returns a changed copy"]
    pub fn with_success(mut self, succeeded: bool) -> Self {
        self.succeeded = succeeded;
        self
    }

    /// Whether the response succeeded.
    pub fn succeeded(&self) -> bool {
        self.succeeded
    }

    /// The windows the response reported, each kind at most once.
    pub fn windows(&self) -> &[WindowReport] {
        self.windows.as_slice()
    }

    /// A failure reaching beyond the request, to remember.
    pub fn block(&self) -> Option<&Block> {
        self.block.as_ref()
    }

    /// Takes the block out.
    pub fn take_block(&mut self) -> Option<Block> {
        self.block.take()
    }

    /// What a response received at `now` (local clock) tells the book, success or failure.
    pub fn from_response(response: &ErrorResponse, now: SystemTime, policy: &RetryPolicy) -> Self {
        let limits = response.rate_limit();
        let mut seen = limits.map_or_else(Self::new, |limits| Self::from_rate_limit(limits, now));
        let server_now = limits.map_or(now, |limits| ClockSkew::of(limits, now).server_now(now));
        seen.block = block(response, server_now, policy);
        seen.succeeded = !response.is_error();
        seen
    }

    /// The windows of a response's rate-limit headers alone, e.g. of a success whose body was
    /// not parsed, received at `now` (local clock). A window whose reset has passed is left
    /// out, and so is one whose reset lies further ahead than its window's length (15 minutes
    /// or 24 hours) plus 15 minutes ([`WindowKind::accepts_reset`]): no real window does, so
    /// the header is malformed, and trusting it would hold requests back for years.
    pub fn from_rate_limit(limits: &RateLimit, now: SystemTime) -> Self {
        let facts = facts(limits);
        let server_now = facts.date.unwrap_or(now);
        let mut windows = Windows::default();
        let reports = WindowKind::ALL.into_iter().zip(facts.windows).filter_map(
            |(kind, (limit, remaining, reset))| {
                let (remaining, reset) = (remaining?, reset?);
                // The book's and every store's rule for a believable reset.
                kind.accepts_reset(reset, server_now)
                    .then(|| WindowReport::new(kind, remaining, reset).with_limit(limit))
            },
        );
        reports.for_each(|report| windows.put(report));
        Observation {
            windows,
            block: None,
            succeeded: false,
        }
    }
}

/// How far the local clock is from the server's, as a trusted `Date` header revealed it.
///
/// The book and its stores keep every instant on the server's clock, so processes whose
/// clocks disagree share them correctly: each converts with its own skew. A process that has
/// seen no trusted `Date` yet uses [`ClockSkew::NONE`]: its own clock stands for the
/// server's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClockSkew {
    /// Whether the local clock is ahead (`true`) or behind.
    ahead: bool,
    by: Duration,
}

impl ClockSkew {
    /// No skew known: the local clock stands for the server's.
    pub const NONE: ClockSkew = ClockSkew {
        ahead: false,
        by: Duration::ZERO,
    };

    /// The skew a response received at `now` reveals, when its `Date` is trusted (the advice's
    /// rule, see [`RateLimit::ignored_date`]); else [`ClockSkew::NONE`].
    pub fn of(limits: &RateLimit, now: SystemTime) -> Self {
        Self::from_date(limits.trusted_date(), now)
    }

    /// The skew between a server's `date` and the local `now` it was received at.
    pub fn from_date(date: Option<SystemTime>, now: SystemTime) -> Self {
        match date.map(|date| now.duration_since(date)) {
            None => Self::NONE,
            Some(Ok(by)) => ClockSkew { ahead: true, by },
            Some(Err(behind)) => ClockSkew {
                ahead: false,
                by: behind.duration(),
            },
        }
    }

    /// The server's time when the local clock says `local`.
    pub fn server_now(&self, local: SystemTime) -> SystemTime {
        shift(local, !self.ahead, self.by)
    }

    /// The local time at which the server's clock says `server`.
    pub fn to_local(&self, server: SystemTime) -> SystemTime {
        shift(server, self.ahead, self.by)
    }

    /// How far apart the clocks are, and whether the local one is ahead.
    pub fn offset(&self) -> (bool, Duration) {
        (self.ahead, self.by)
    }
}

fn shift(at: SystemTime, forward: bool, by: Duration) -> SystemTime {
    let moved = if forward {
        at.checked_add(by)
    } else {
        at.checked_sub(by)
    };
    moved.unwrap_or(at)
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

/// The block a failed response asks for: the widest reach among its errors (an error the
/// table does not know reaches as far as the status says, as for retry advice), when that
/// reach blocks (a credential, the app). Every fact comes from the table's rows.
fn block(response: &ErrorResponse, now: SystemTime, policy: &RetryPolicy) -> Option<Block> {
    if !response.is_error() {
        return None;
    }
    let status = response.effective_status();
    let status_cause = (
        status.reach(),
        status.writes_only(),
        Cause::Status(status),
        None,
    );
    let any = response.all_errors().next().is_some();
    let errors = response.all_errors().map(|error| {
        let (reach, writes_only, cause) = match (error.problem(), error.code()) {
            (Some(problem), _) if problem.is_known() => (
                problem.reach(),
                problem.writes_only(),
                Cause::Problem(problem),
            ),
            (_, Some(code)) if code.is_known() => {
                (code.reach(), code.writes_only(), Cause::Code(code))
            }
            _ => return status_cause,
        };
        (reach, writes_only, cause, Some(error))
    });
    let widest = errors
        .chain((!any).then_some(status_cause))
        .filter(|(reach, ..)| reach.is_some_and(Reach::blocks))
        // The widest reach; among equals a block of all requests over one of writes only.
        .max_by_key(|(reach, writes_only, ..)| (*reach, !*writes_only))?;
    let (reach, writes_only, cause, error) = widest;
    let reach = reach?;
    let first = match reach {
        Reach::App => policy.probe_first_app(),
        _ => policy.probe_first_credential(),
    };
    let member = |name: &str| {
        let (_, raw) = error?.extra().find(|(key, _)| *key == name)?;
        serde_json::from_str::<String>(raw)
            .ok()
            .map(String::into_boxed_str)
    };
    let until = member("reset_date").and_then(|date| end_of_day(&date, now));
    Some(
        Block::new(cause, reach)
            .with_writes_only(writes_only)
            .with_probing(first, policy.probe_max())
            .with_until(until)
            .with_period_scope(member("period"), member("scope")),
    )
}

/// The end of the UTC day `date` (`YYYY-MM-DD`, a spend cap's `reset_date`): the instant the
/// next day begins. `None` for anything else, a day already over, or one more than
/// [`RESET_DATE_HORIZON`] ahead: such a value says nothing a person can act on.
fn end_of_day(date: &str, now: SystemTime) -> Option<SystemTime> {
    let bytes = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = date.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let days = crate::unix_time::days_from_civil(year, month, day)?;
    let next_day = std::time::UNIX_EPOCH.checked_add(Duration::from_secs((days + 1) * 86_400))?;
    let horizon = now.checked_add(RESET_DATE_HORIZON)?;
    (next_day > now && next_day <= horizon).then_some(next_day)
}

/// The furthest a `reset_date` may lie ahead and still be believed: a billing cycle is a
/// month; a year leaves room for an annual cycle.
const RESET_DATE_HORIZON: Duration = Duration::from_secs(400 * 86_400);

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn limits(headers: &[(&str, &str)]) -> RateLimit {
        RateLimit::from_headers(headers.iter().copied()).unwrap_or_else(|| panic!("headers read"))
    }

    #[test]
    fn every_window_is_kept_on_its_own_on_the_server_clock() {
        let limits = limits(&[
            ("x-rate-limit-remaining", "40"),
            ("x-rate-limit-reset", "1700000900"),
            ("x-app-limit-24hour-remaining", "0"),
            ("x-app-limit-24hour-reset", "1700050000"),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"), // 1700000000
        ]);
        // The local clock runs 30 s ahead of the server's: instants stay the server's.
        let seen = Observation::from_rate_limit(&limits, at(1_700_000_030));
        let kinds: Vec<_> = seen
            .windows()
            .iter()
            .map(|w| (w.kind(), w.remaining(), w.reset()))
            .collect();
        assert_eq!(
            kinds,
            [
                (WindowKind::Endpoint, 40, at(1_700_000_900)),
                (WindowKind::App24Hour, 0, at(1_700_050_000)),
            ]
        );
        let skew = ClockSkew::of(&limits, at(1_700_000_030));
        assert_eq!(skew.server_now(at(1_700_000_030)), at(1_700_000_000));
        assert_eq!(skew.to_local(at(1_700_000_900)), at(1_700_000_930));
    }

    #[test]
    fn a_reset_date_is_the_end_of_its_utc_day_within_reason() {
        let now = at(1_778_000_000); // 2026-05-05T16:53:20Z
        assert_eq!(end_of_day("2026-05-12", now), Some(at(1_778_630_400)));
        for bad in [
            "2026-05-04",
            "2026-5-12",
            "12/05/2026",
            "2031-01-01",
            "2026-13-01",
            "2026-02-30",
            "",
            "2026-05-12T00:00:00Z",
        ] {
            assert_eq!(end_of_day(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn a_passed_far_or_partial_reset_is_no_window() {
        let passed = limits(&[
            ("x-rate-limit-remaining", "3"),
            ("x-rate-limit-reset", "1700000900"),
        ]);
        assert!(
            Observation::from_rate_limit(&passed, at(1_700_000_900))
                .windows()
                .is_empty()
        );
        let partial = limits(&[("x-rate-limit-reset", "1700000900")]);
        assert!(
            Observation::from_rate_limit(&partial, at(1_700_000_000))
                .windows()
                .is_empty()
        );
        for far in ["253402300799", "2015360000"] {
            let far = limits(&[("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", far)]);
            assert!(
                Observation::from_rate_limit(&far, at(1_700_000_000))
                    .windows()
                    .is_empty(),
                "a reset years ahead is malformed"
            );
        }
        // 24 hours and a bit ahead is still a real 24-hour window.
        let day = limits(&[
            ("x-user-limit-24hour-remaining", "0"),
            ("x-user-limit-24hour-reset", "1700086500"),
        ]);
        assert_eq!(
            Observation::from_rate_limit(&day, at(1_700_000_000))
                .windows()
                .len(),
            1
        );
    }
}
