//! The reconnect timings of a stream: X's published rules as defaults, every value settable.

use std::time::Duration;

use crate::RetryPolicy;
use crate::advice::timing::{
    CONNECTIONS_CAP, CONNECTIONS_FIRST, STALL_TIMEOUT, STREAM_HEALTHY_AFTER, doubling,
};

/// How a stream reconnects, and when it counts as stalled.
///
/// The defaults are X's reconnection rules ("Handling disconnections"), each constant with its
/// source in `advice/timing.rs`: reconnect at once after an established connection drops; then
/// network errors wait 250 ms more each try, up to 16 s, and HTTP errors 5 s doubling up to
/// 320 s (both [`RetryPolicy`]'s schedules); an HTTP 429 (`TooManyConnections`) waits a minute,
/// doubling up to 16 minutes (X gives no maximum: twerr's choice). The schedules start over
/// once a connection has stayed up for a minute. A stream that sends nothing for 30 s (X's
/// 20 s keep-alive interval and a margin) has stalled.
///
/// ```
/// use std::time::Duration;
/// use twerr_core::StreamPolicy;
///
/// let policy = StreamPolicy::default();
/// assert_eq!(policy.stall_timeout(), Duration::from_secs(30));
/// assert_eq!(policy.network_wait(0), Duration::from_millis(250));
/// assert_eq!(policy.backoff_wait(1), Duration::from_secs(10));
/// assert_eq!(policy.connections_wait(1), Duration::from_secs(120));
/// assert_eq!(policy.connections_wait(30), Duration::from_secs(16 * 60));
///
/// let quick = policy.with_stall_timeout(Duration::from_secs(25));
/// assert_eq!(quick.stall_timeout(), Duration::from_secs(25));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamPolicy {
    retry: RetryPolicy,
    connections_first: Duration,
    connections_cap: Duration,
    stall_timeout: Duration,
    healthy_after: Duration,
}

impl Default for StreamPolicy {
    fn default() -> Self {
        StreamPolicy {
            retry: RetryPolicy::default(),
            connections_first: CONNECTIONS_FIRST,
            connections_cap: CONNECTIONS_CAP,
            stall_timeout: STALL_TIMEOUT,
            healthy_after: STREAM_HEALTHY_AFTER,
        }
    }
}

impl StreamPolicy {
    /// The wait before reconnect number `retry + 1` (from 0) after network errors:
    /// [`RetryPolicy::network_wait`] (250 ms a try, at most 16 s).
    pub fn network_wait(&self, retry: u32) -> Duration {
        self.retry.network_wait(retry)
    }

    /// The wait before reconnect number `retry + 1` (from 0) after HTTP errors:
    /// [`RetryPolicy::backoff_wait`] (5 s doubling, at most 320 s).
    pub fn backoff_wait(&self, retry: u32) -> Duration {
        self.retry.backoff_wait(retry)
    }

    /// The wait before reconnect number `retry + 1` (from 0) after an HTTP 429 that is not a
    /// rate-limit window (`TooManyConnections`): the first wait (1 min) doubling, at most the
    /// cap (16 min).
    pub fn connections_wait(&self, retry: u32) -> Duration {
        doubling(self.connections_first, retry, Some(self.connections_cap))
    }

    /// The retry policy whose network and backoff schedules the stream follows (its attempt
    /// and total-wait limits do not apply: a stream reconnects for as long as it takes).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The first wait after `TooManyConnections` (default 1 min).
    pub fn connections_first(&self) -> Duration {
        self.connections_first
    }
    /// The longest wait after `TooManyConnections` (default 16 min).
    pub fn connections_cap(&self) -> Duration {
        self.connections_cap
    }
    /// How long a silent connection (no byte, keep-alives included) is given before it counts
    /// as stalled (default 30 s).
    pub fn stall_timeout(&self) -> Duration {
        self.stall_timeout
    }
    /// How long a connection must stay up for the reconnect schedules to start over (default
    /// 1 min).
    pub fn healthy_after(&self) -> Duration {
        self.healthy_after
    }

    /// Sets the retry policy whose network and backoff schedules the stream follows.
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Sets [`connections_first`](Self::connections_first).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_connections_first(mut self, wait: Duration) -> Self {
        self.connections_first = wait;
        self
    }
    /// Sets [`connections_cap`](Self::connections_cap).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_connections_cap(mut self, wait: Duration) -> Self {
        self.connections_cap = wait;
        self
    }
    /// Sets [`stall_timeout`](Self::stall_timeout).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }
    /// Sets [`healthy_after`](Self::healthy_after).
    #[must_use = "returns a changed copy; the original is unchanged"]
    pub fn with_healthy_after(mut self, after: Duration) -> Self {
        self.healthy_after = after;
        self
    }
}
