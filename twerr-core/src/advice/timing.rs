//! Every timing constant of the advice, in one place, each with where it comes from.
//!
//! A middleware acts on these unattended, so each is either X's published guidance or a
//! documented choice of twerr's, never a number picked in passing elsewhere.

use std::time::Duration;

/// The first wait of [`Retry::Backoff`](crate::Retry::Backoff); each further attempt doubles
/// it. X, "Handling disconnections", reconnection strategy for HTTP errors: "Back off
/// exponentially ... Start with a 5 second wait, doubling each attempt, up to 320 seconds"
/// (<https://docs.x.com/x-api/fundamentals/handling-disconnections>).
pub(crate) const BACKOFF_FIRST: Duration = Duration::from_secs(5);

/// The longest wait of the [`BACKOFF_FIRST`] schedule: 320 s, from the same guidance.
pub(crate) const BACKOFF_CAP: Duration = Duration::from_secs(320);

/// The first wait after an HTTP 429 that is not a rate-limit window (a streaming endpoint's
/// `TooManyConnections`, which the table advises backing off from); each further attempt
/// doubles it, with no cap in the guidance. X, "Handling disconnections", for HTTP 429
/// errors: "Start with a 1 minute wait and double each attempt"
/// (<https://docs.x.com/x-api/fundamentals/handling-disconnections>).
pub(crate) const CONNECTIONS_FIRST: Duration = Duration::from_secs(60);

/// The longest wait of the [`CONNECTIONS_FIRST`] schedule on a stream. X gives no maximum
/// ("each 429 increases the wait until the limiting expires"); twerr's choice: 16 minutes
/// (five doublings of a minute), longer than one 15-minute rate-limit window, so an app locked
/// out by a stale connection tries about four times an hour, not once a day.
pub(crate) const CONNECTIONS_CAP: Duration = Duration::from_secs(16 * 60);

/// How long a stream may stay silent before it counts as stalled. X, "Handling
/// disconnections": the stream sends a keep-alive newline every 20 seconds, and a client
/// should reconnect when nothing at all (keep-alives included) arrives for 20 seconds
/// (<https://docs.x.com/x-api/fundamentals/handling-disconnections>). twerr's choice adds a
/// 10 s margin for a slow network and a busy reader (tweepy waits 21 s, node twitter-api-v2
/// 120 s).
pub(crate) const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a stream connection must stay up before its reconnect schedule starts over. X
/// gives no figure; twerr's choice: a minute (three keep-alive intervals), so a connection
/// that X accepts and drops at once keeps backing off instead of reconnecting in a hot loop.
pub(crate) const STREAM_HEALTHY_AFTER: Duration = Duration::from_secs(60);

/// The length of X's per-endpoint rate-limit windows: "Rate limits are ... per 15-minute
/// window" (<https://docs.x.com/x-api/fundamentals/rate-limits>).
pub(crate) const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

/// The wait of [`Retry::AfterReset`](crate::Retry::AfterReset) when no header says when the
/// limit resets: one rate-limit window, [`FIFTEEN_MINUTES`].
pub(crate) const UNKNOWN_RESET_WAIT: Duration = FIFTEEN_MINUTES;

/// Added after a reset so the retry lands in the new window: the reset header has one-second
/// resolution, and the server's window may roll over a moment after the instant it named.
/// twerr's choice.
pub(crate) const RESET_MARGIN: Duration = Duration::from_secs(1);

/// The first wait when the reset a rate-limited response names has already passed (the
/// window rolled over in flight, or the local clock runs ahead of the server's): doubling with
/// each attempt up to [`RESET_PAST_CAP`], so a client whose clock is wrong does not loop hot.
/// twerr's choice.
pub(crate) const RESET_PAST_FIRST: Duration = Duration::from_secs(1);

/// The longest wait of the [`RESET_PAST_FIRST`] schedule. twerr's choice: a minute is short
/// against a 15-minute window, and long enough that a stuck client costs little.
pub(crate) const RESET_PAST_CAP: Duration = Duration::from_secs(60);

/// The longest window X documents: the v2 24-hour app and user limits
/// (`x-app-limit-24hour-*`). A `Date` header is trusted only when every instant it measures
/// (the binding reset, a `Retry-After` date) lies from 0 to this plus [`DATE_MARGIN`] after it.
pub(crate) const LONGEST_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Slack on [`LONGEST_WINDOW`] for a `Date` check: one 15-minute window, for headers cached
/// or relayed by a proxy. twerr's choice.
pub(crate) const DATE_MARGIN: Duration = Duration::from_secs(15 * 60);

/// `first` doubled `attempt` times, at most `cap` (`None`: no cap), saturating.
pub(crate) fn doubling(first: Duration, attempt: u32, cap: Option<Duration>) -> Duration {
    let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
    let wait = first.saturating_mul(factor);
    cap.map_or(wait, |cap| wait.min(cap))
}
