//! The retry policy: Twitter's published timings as defaults, every value settable.

use std::time::Duration;

use crate::advice::timing::{BACKOFF_CAP, BACKOFF_FIRST};

/// Where the reconnect timings come from: X's "Handling disconnections", section
/// "Reconnection strategy" (<https://docs.x.com/x-api/fundamentals/handling-disconnections>;
/// the same text since the 2013 streaming docs): "TCP/IP network errors: back off linearly ...
/// increase delay by 250 ms each attempt, maximum delay 16 sec"; "HTTP errors: back off
/// exponentially ... start with a 5 second wait, doubling each attempt, up to 320 seconds".
const NETWORK_STEP: Duration = Duration::from_millis(250);
/// See [`NETWORK_STEP`].
const NETWORK_CAP: Duration = Duration::from_secs(16);
/// One 15-minute rate-limit window (X's "Rate limits": limits are counted per 15-minute window)
/// plus 5 s for the reset margin and a slow clock: the longest wait that still ends in the next
/// window. A 24-hour limit's reset is further away, and is reported instead of waited for.
const MAX_SINGLE_WAIT: Duration = Duration::from_secs(15 * 60 + 5);
/// Two windows: a request waits at most for the current window and the next one.
const MAX_TOTAL_WAIT: Duration = Duration::from_secs(30 * 60);
/// The first send and four retries: enough to outlast a window reset and three backoffs, few
/// enough that a broken endpoint fails within minutes.
const MAX_ATTEMPTS: u32 = 5;
/// Spread of the random wait added to every wait, so clients that failed together do not
/// retry together.
const MAX_JITTER: Duration = Duration::from_secs(1);
/// The first wait before a block of a credential (a revoked or expired token, a suspended
/// account) lets one request through to see whether it was fixed. twerr's choice: a person
/// who fixes a token takes at least a minute, and a minute costs a broken bot one request.
const PROBE_FIRST_CREDENTIAL: Duration = Duration::from_secs(60);
/// The first wait before a block of an app (credits depleted, a spend cap, a usage cap) lets
/// one request through. X's pricing page (xdevplatform/docs `x-api/getting-started/pricing.mdx`
/// at 28623342, 2026-06-13): auto-recharge runs at most once every 5 minutes, so a probe
/// sooner than that cannot see a recharge.
const PROBE_FIRST_APP: Duration = Duration::from_secs(5 * 60);
/// The longest wait between two probes of a block: each failing probe doubles the wait up to
/// this. twerr's choice: an hour keeps a blocked app at 24 requests a day, and a fixed cause
/// is noticed within the hour. A block whose end is announced (a spend cap's `reset_date`)
/// is probed at this interval from the start, so a raised cap is noticed within the hour.
const PROBE_MAX: Duration = Duration::from_secs(60 * 60);

/// How a failed request is retried, and how often a block lets a probe through.
///
/// The defaults are Twitter's published guidance, each constant with its source in this
/// module's source. Every value is settable with a `with_*` method:
///
/// ```
/// use std::time::Duration;
/// use twerr_core::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(policy.backoff_wait(0), Duration::from_secs(5));
/// assert_eq!(policy.backoff_wait(10), Duration::from_secs(320));
/// assert_eq!(policy.network_wait(0), Duration::from_millis(250));
/// assert_eq!(policy.max_single_wait(), Duration::from_secs(905));
///
/// let patient = policy.with_max_attempts(8).with_max_total_wait(Duration::from_secs(3600));
/// assert_eq!(patient.max_attempts(), 8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    backoff_first: Duration,
    backoff_cap: Duration,
    network_step: Duration,
    network_cap: Duration,
    max_attempts: u32,
    max_single_wait: Duration,
    max_total_wait: Duration,
    max_jitter: Duration,
    probe_first_credential: Duration,
    probe_first_app: Duration,
    probe_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            backoff_first: BACKOFF_FIRST,
            backoff_cap: BACKOFF_CAP,
            network_step: NETWORK_STEP,
            network_cap: NETWORK_CAP,
            max_attempts: MAX_ATTEMPTS,
            max_single_wait: MAX_SINGLE_WAIT,
            max_total_wait: MAX_TOTAL_WAIT,
            max_jitter: MAX_JITTER,
            probe_first_credential: PROBE_FIRST_CREDENTIAL,
            probe_first_app: PROBE_FIRST_APP,
            probe_max: PROBE_MAX,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry + 1` (from 0) of a [`Retry::Backoff`] failure:
    /// the first backoff wait (5 s), doubling each time, at most the backoff cap (320 s).
    ///
    /// [`Retry::Backoff`]: crate::Retry::Backoff
    pub fn backoff_wait(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.backoff_first
            .saturating_mul(factor)
            .min(self.backoff_cap)
    }

    /// The wait before retry number `retry + 1` (from 0) after a network error: the network
    /// step (250 ms) times `retry + 1`, at most the network cap (16 s).
    pub fn network_wait(&self, retry: u32) -> Duration {
        self.network_step
            .saturating_mul(retry.saturating_add(1))
            .min(self.network_cap)
    }

    /// The first backoff wait (default 5 s).
    pub fn backoff_first(&self) -> Duration {
        self.backoff_first
    }
    /// The longest backoff wait (default 320 s).
    pub fn backoff_cap(&self) -> Duration {
        self.backoff_cap
    }
    /// How much each network-error retry adds to the wait (default 250 ms).
    pub fn network_step(&self) -> Duration {
        self.network_step
    }
    /// The longest network-error wait (default 16 s).
    pub fn network_cap(&self) -> Duration {
        self.network_cap
    }
    /// Attempts per request, the first send included (default 5).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// The longest single wait taken (default 15 min 5 s), compared before jitter is added.
    /// A longer wait is not taken: the failure is reported at once, with the time it ends.
    pub fn max_single_wait(&self) -> Duration {
        self.max_single_wait
    }
    /// The longest time one request waits in total, jitter included (default 30 min).
    pub fn max_total_wait(&self) -> Duration {
        self.max_total_wait
    }
    /// The largest jitter added to a wait (default 1 s).
    pub fn max_jitter(&self) -> Duration {
        self.max_jitter
    }
    /// How long a block of a credential (a revoked token) waits before it lets the first
    /// probe through (default 1 min).
    pub fn probe_first_credential(&self) -> Duration {
        self.probe_first_credential
    }
    /// How long a block of an app (no credits, a spend or usage cap) waits before it lets the
    /// first probe through (default 5 min: X's auto-recharge interval).
    pub fn probe_first_app(&self) -> Duration {
        self.probe_first_app
    }
    /// The longest wait between two probes of a block (default 1 h).
    pub fn probe_max(&self) -> Duration {
        self.probe_max
    }

    /// Sets [`backoff_first`](Self::backoff_first).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_backoff_first(mut self, wait: Duration) -> Self {
        self.backoff_first = wait;
        self
    }
    /// Sets [`backoff_cap`](Self::backoff_cap).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_backoff_cap(mut self, wait: Duration) -> Self {
        self.backoff_cap = wait;
        self
    }
    /// Sets [`network_step`](Self::network_step).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_network_step(mut self, wait: Duration) -> Self {
        self.network_step = wait;
        self
    }
    /// Sets [`network_cap`](Self::network_cap).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_network_cap(mut self, wait: Duration) -> Self {
        self.network_cap = wait;
        self
    }
    /// Sets [`max_attempts`](Self::max_attempts); 0 counts as 1 (the request is always sent
    /// once), and 1 turns retries off.
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
    /// Sets [`max_single_wait`](Self::max_single_wait).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_max_single_wait(mut self, wait: Duration) -> Self {
        self.max_single_wait = wait;
        self
    }
    /// Sets [`max_total_wait`](Self::max_total_wait).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }
    /// Sets [`max_jitter`](Self::max_jitter); zero turns jitter off.
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_max_jitter(mut self, jitter: Duration) -> Self {
        self.max_jitter = jitter;
        self
    }
    /// Sets [`probe_first_credential`](Self::probe_first_credential).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_probe_first_credential(mut self, wait: Duration) -> Self {
        self.probe_first_credential = wait;
        self
    }
    /// Sets [`probe_first_app`](Self::probe_first_app).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_probe_first_app(mut self, wait: Duration) -> Self {
        self.probe_first_app = wait;
        self
    }
    /// Sets [`probe_max`](Self::probe_max).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_probe_max(mut self, wait: Duration) -> Self {
        self.probe_max = wait;
        self
    }
}
