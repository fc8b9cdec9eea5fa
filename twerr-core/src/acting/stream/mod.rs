//! The state of one long-lived stream connection (X's filtered and sample streams): each
//! event plus `now` gives deliver, keep reading, reconnect (now or after a wait) or stop.

mod decision;
mod policy;
#[cfg(test)]
mod tests;

use std::time::{Duration, SystemTime};

pub use decision::{Reconnect, ReconnectCause, StopKind, StreamDecision, StreamStop};
pub use policy::StreamPolicy;

use super::Observation;
use crate::advice::{Plan, Schedule, plan};
use crate::{ErrorResponse, Problem};

/// What happened on a stream connection.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum StreamEvent<'a> {
    /// The connect succeeded (a 2xx response): lines follow.
    Connected,
    /// A complete line, its `\r\n` or `\n` removed, not empty.
    Line(&'a [u8]),
    /// An empty line: X's keep-alive (every 20 s).
    KeepAlive,
    /// Nothing arrived, keep-alives included, for [`StreamPolicy::stall_timeout`].
    Stalled,
    /// The server ended the response cleanly.
    Ended,
    /// The connect failed without a response, or the connection broke.
    NetworkError,
    /// The connect was answered with an HTTP error (status 400 up), read with its body.
    Refused(&'a ErrorResponse),
}

/// The state of one stream under a [`StreamPolicy`]: feed it every [`StreamEvent`] with the
/// current time, do what it answers. Sans-IO: it never sleeps or reads.
///
/// - A data line is delivered; a keep-alive is not. An error line among data lines is
///   recognised by the parser's rule (a JSON value with errors and no `data`, see
///   [`ErrorResponse`]).
/// - An established connection that ends, breaks, stalls or is closed by an
///   `operational-disconnect` line reconnects **at once**, once; if that does not hold, network
///   errors wait 250 ms more each try (at most 16 s).
/// - A refused connect follows the response's advice: HTTP errors 5 s doubling (at most 320 s),
///   a 429 `TooManyConnections` one minute doubling (at most 16 min), a rate-limit window until
///   its reset; errors no retry fixes (401, 403, 402, a usage cap, 409 no rules) stop.
/// - `disconnect_type` `InvalidRules` stops: the rules must be fixed first. `SlowReader` and
///   `ClientApplicationStateDegraded` reconnect with [`Reconnect::slow_consumer`] set.
/// - The schedules start over once a connection has stayed up for
///   [`StreamPolicy::healthy_after`].
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use twerr_core::{ErrorResponse, StreamDecision, StreamEvent, StreamPolicy, StreamState};
///
/// let mut state = StreamState::new(StreamPolicy::default());
/// let now = SystemTime::now();
/// assert_eq!(state.on(StreamEvent::Connected, now), StreamDecision::Continue);
/// assert_eq!(state.on(StreamEvent::Line(br#"{"data":{"id":"1"}}"#), now), StreamDecision::Deliver);
/// assert_eq!(state.on(StreamEvent::KeepAlive, now), StreamDecision::Continue);
///
/// // The connection drops: reconnect at once; the reconnect meets a 503: wait 5 s.
/// let StreamDecision::Reconnect(first) = state.on(StreamEvent::Ended, now) else { panic!() };
/// assert_eq!(first.wait(), Duration::ZERO);
/// let overloaded = ErrorResponse::parse(503, br#"{"title":"Service Unavailable","type":"about:blank","status":503}"#);
/// let StreamDecision::Reconnect(then) = state.on(StreamEvent::Refused(&overloaded), now) else { panic!() };
/// assert_eq!(then.wait(), Duration::from_secs(5));
///
/// // A revoked token: stop, whatever the count.
/// let revoked = ErrorResponse::parse(401, br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#);
/// assert!(matches!(state.on(StreamEvent::Refused(&revoked), now), StreamDecision::Stop(_)));
/// ```
#[derive(Clone, Debug)]
pub struct StreamState {
    policy: StreamPolicy,
    /// When the current connection was established; `None` while not connected.
    connected_at: Option<SystemTime>,
    /// The one immediate reconnect after a drop was taken since the last healthy connection.
    immediate_taken: bool,
    network_errors: u32,
    backoffs: u32,
    connections: u32,
    resets: u32,
}

impl StreamState {
    /// A stream about to connect for the first time.
    pub fn new(policy: StreamPolicy) -> Self {
        StreamState {
            policy,
            connected_at: None,
            immediate_taken: false,
            network_errors: 0,
            backoffs: 0,
            connections: 0,
            resets: 0,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &StreamPolicy {
        &self.policy
    }

    /// Whether a connection is established (since [`StreamEvent::Connected`], until it
    /// ends).
    pub fn is_connected(&self) -> bool {
        self.connected_at.is_some()
    }

    /// What to do after `event`, which happened at `now` (any clock, used consistently).
    pub fn on(&mut self, event: StreamEvent<'_>, now: SystemTime) -> StreamDecision {
        match event {
            StreamEvent::Connected => {
                self.connected_at = Some(now);
                StreamDecision::Continue
            }
            StreamEvent::Line(line) => match error_line(line) {
                None => StreamDecision::Deliver,
                Some(response) => self.error_line(response, now),
            },
            StreamEvent::KeepAlive => StreamDecision::Continue,
            StreamEvent::Stalled => self.dropped(ReconnectCause::Stalled, now),
            StreamEvent::Ended => self.dropped(ReconnectCause::Ended, now),
            StreamEvent::NetworkError => self.dropped(ReconnectCause::NetworkError, now),
            StreamEvent::Refused(response) => self.refused(response, now),
        }
    }

    /// The connection is gone: at once the first time after an established connection, then
    /// the network-error schedule.
    fn dropped(&mut self, cause: ReconnectCause, now: SystemTime) -> StreamDecision {
        let was_connected = self.end_connection(now);
        if was_connected && !self.immediate_taken {
            self.immediate_taken = true;
            return StreamDecision::Reconnect(Reconnect::new(Duration::ZERO, cause, false));
        }
        let wait = self.policy.network_wait(self.network_errors);
        self.network_errors = self.network_errors.saturating_add(1);
        let at_cap = wait >= self.policy.retry_policy().network_cap();
        StreamDecision::Reconnect(Reconnect::new(wait, cause, at_cap))
    }

    /// Ends the current connection, if any; starts the schedules over when it was healthy.
    /// Whether there was one.
    fn end_connection(&mut self, now: SystemTime) -> bool {
        let Some(since) = self.connected_at.take() else {
            return false;
        };
        let lived = now.duration_since(since).unwrap_or(Duration::ZERO);
        if lived >= self.policy.healthy_after() {
            *self = StreamState::new(self.policy);
        }
        true
    }

    fn refused(&mut self, response: &ErrorResponse, now: SystemTime) -> StreamDecision {
        self.end_connection(now);
        let (wait, at_cap) = match plan(response) {
            Plan::Never => return stop(StopKind::Refused, response.clone(), now, &self.policy),
            Plan::AfterReset(_) => {
                let wait = response.retry_delay(self.resets, now);
                self.resets = self.resets.saturating_add(1);
                (wait.unwrap_or(Duration::ZERO), false)
            }
            Plan::Backoff(schedule, wake) => {
                let policy = self.policy;
                let (wait, cap) = match schedule {
                    Schedule::Connections => {
                        let wait = policy.connections_wait(self.connections);
                        self.connections = self.connections.saturating_add(1);
                        (wait, policy.connections_cap())
                    }
                    Schedule::Errors => {
                        let wait = policy.backoff_wait(self.backoffs);
                        self.backoffs = self.backoffs.saturating_add(1);
                        (wait, policy.retry_policy().backoff_cap())
                    }
                };
                let asked = wake.wait(now).unwrap_or(Duration::ZERO);
                (wait.max(asked), wait >= cap)
            }
        };
        let cause = ReconnectCause::Refused(response.clone());
        StreamDecision::Reconnect(Reconnect::new(wait, cause, at_cap))
    }

    fn error_line(&mut self, response: ErrorResponse, now: SystemTime) -> StreamDecision {
        let disconnect = response
            .all_errors()
            .any(|error| error.problem() == Some(Problem::OperationalDisconnect));
        if disconnect {
            if decision::disconnect_type(&response).as_deref() == Some("InvalidRules") {
                self.end_connection(now);
                return stop(StopKind::InvalidRules, response, now, &self.policy);
            }
        } else if matches!(plan(&response), Plan::Never) {
            self.end_connection(now);
            return stop(StopKind::ErrorLine, response, now, &self.policy);
        }
        self.dropped(ReconnectCause::Disconnected(response), now)
    }
}

fn stop(
    kind: StopKind,
    response: ErrorResponse,
    now: SystemTime,
    policy: &StreamPolicy,
) -> StreamDecision {
    let block = Observation::from_response(&response, now, policy.retry_policy()).take_block();
    StreamDecision::Stop(StreamStop::new(kind, response, block))
}

/// The line as an error, when it is one by the parser's rule: a JSON value with errors and no
/// `data` member. A line that starts with a non-null `data` member is data by the same rule,
/// and is known so without parsing it (nearly every line of a stream).
fn error_line(line: &[u8]) -> Option<ErrorResponse> {
    if let Some(rest) = line.strip_prefix(br#"{"data":"#) {
        if rest
            .first()
            .is_some_and(|first| matches!(first, b'{' | b'['))
        {
            return None;
        }
    }
    let response = ErrorResponse::parse(200u16, line);
    response.is_error().then_some(response)
}
