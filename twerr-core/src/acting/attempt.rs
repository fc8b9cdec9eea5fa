//! The retry state of one request: each outcome plus `now` gives done, wait then resend, or
//! give up (and why).

use std::fmt;
use std::time::{Duration, SystemTime};

use super::{Jitter, RetryPolicy};
use crate::{ErrorResponse, Retry};

/// Whether an HTTP method may be repeated without changing the result: GET, HEAD, PUT,
/// DELETE and OPTIONS (RFC 9110, section 9.2.2; TRACE is left out: nobody sends it to an
/// API). Any case is accepted.
pub fn is_idempotent_method(method: &str) -> bool {
    ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// What came of one attempt. Non-exhaustive: a later release may tell more kinds of failure
/// apart (only twerr matches on it).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The server answered (any status; a success is [`Decision::Done`]).
    Response(&'a ErrorResponse),
    /// No answer arrived. `sent: false` when the request certainly never reached the server
    /// (connection refused, DNS failure): resending is then safe for any method.
    NetworkError {
        /// Whether any of the request may have been sent.
        sent: bool,
    },
}

/// What to do after an attempt.
///
/// Exhaustive on purpose: a retry loop must handle each of the three, and a fourth would
/// change what every loop has to do, so it would be a breaking change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a decision says whether to stop, wait and resend, or give up"]
pub enum Decision {
    /// It succeeded: stop.
    Done,
    /// Wait this long (jitter included), then resend.
    Retry {
        /// The wait.
        wait: Duration,
    },
    /// Stop and report the failure.
    GiveUp(GiveUp),
}

/// Why a failed request is not retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUp {
    /// The advice is [`Retry::Never`] (a usage cap among them): the same request fails again.
    NotRetryable,
    /// A backoff or network-error retry of a request that is not safe to repeat: it may have
    /// been processed already. A rate-limited answer allows a resend of any method only as an
    /// HTTP 429, which proves the request was rejected unprocessed.
    NotIdempotent,
    /// The caller said the request cannot be sent again (a streaming body, an OAuth 1.0a
    /// signature that would be repeated).
    NotResendable,
    /// The policy's attempts are used up.
    AttemptsExhausted {
        /// Attempts made, the first included.
        attempts: u32,
    },
    /// The wait is longer than the policy's single wait allows (compared before jitter).
    WaitTooLong {
        /// The wait that was refused.
        wait: Duration,
        /// When it would have ended: when to try again.
        until: SystemTime,
    },
    /// The wait would take the request past the policy's total wait.
    TotalWaitExceeded {
        /// Waited so far.
        waited: Duration,
        /// The wait that was refused.
        wait: Duration,
    },
}

impl GiveUp {
    /// A name of few values for labels and logs: `not_retryable`, `not_idempotent`,
    /// `not_resendable`, `attempts_exhausted`, `wait_too_long` or `total_wait_exceeded`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            GiveUp::NotRetryable => "not_retryable",
            GiveUp::NotIdempotent => "not_idempotent",
            GiveUp::NotResendable => "not_resendable",
            GiveUp::AttemptsExhausted { .. } => "attempts_exhausted",
            GiveUp::WaitTooLong { .. } => "wait_too_long",
            GiveUp::TotalWaitExceeded { .. } => "total_wait_exceeded",
        }
    }
}

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiveUp::NotRetryable => f.write_str("not retryable"),
            GiveUp::NotIdempotent => f.write_str("not safe to repeat"),
            GiveUp::NotResendable => f.write_str("cannot be resent"),
            GiveUp::AttemptsExhausted { attempts } => {
                write!(f, "gave up after {attempts} attempts")
            }
            GiveUp::WaitTooLong { wait, until } => {
                write!(f, "wait of {}s is too long", wait.as_secs())?;
                match crate::UnixTime::from_system_time(*until) {
                    Some(at) => write!(f, "; try again after {at}"),
                    None => Ok(()),
                }
            }
            GiveUp::TotalWaitExceeded { waited, wait } => write!(
                f,
                "waited {}s already, {}s more is too long",
                waited.as_secs(),
                wait.as_secs()
            ),
        }
    }
}

/// The retry state of one request under a [`RetryPolicy`].
///
/// Call [`decide`](Self::decide) after every attempt; it counts attempts and waits. Waits the
/// rate-limit book asks for before a send go through [`wait_until`](Self::wait_until), so
/// they count against the same limits.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use twerr_core::{Decision, ErrorResponse, NoJitter, Outcome, RetryPolicy, RetryState};
///
/// let mut state = RetryState::new(RetryPolicy::default(), true);
/// let overloaded = ErrorResponse::parse(503, br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#);
/// let now = SystemTime::now();
/// let wait = Duration::from_secs(5);
/// assert_eq!(state.decide(Outcome::Response(&overloaded), now, &NoJitter), Decision::Retry { wait });
/// let ok = ErrorResponse::parse(200, b"{}");
/// assert_eq!(state.decide(Outcome::Response(&ok), now, &NoJitter), Decision::Done);
/// assert_eq!((state.attempts(), state.waited()), (2, wait));
/// ```
///
/// # Reconnecting a filtered stream
///
/// A stream is one long GET: a dropped connection is a network error (linear backoff, as X's
/// reconnection guidance says), an HTTP error follows its advice (a 429 waits for the reset, a
/// 503 backs off), and a connection that delivered data starts the count over.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use twerr_core::{Decision, ErrorResponse, NoJitter, Outcome, RetryPolicy, RetryState};
///
/// enum Connection { Dropped { after_lines: u32 }, Refused(ErrorResponse) }
///
/// // Stands in for `GET /2/tweets/search/stream`: overloaded, then a stream that drops
/// // after 3 lines, then one that drops at once, then a revoked token no retry fixes.
/// fn connect(n: u32) -> Connection {
///     match n {
///         0 => Connection::Refused(ErrorResponse::parse(503, br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#)),
///         1 => Connection::Dropped { after_lines: 3 },
///         2 => Connection::Dropped { after_lines: 0 },
///         _ => Connection::Refused(ErrorResponse::parse(401, br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#)),
///     }
/// }
///
/// // A stream reconnects for as long as it takes.
/// let policy = RetryPolicy::default()
///     .with_max_attempts(u32::MAX)
///     .with_max_total_wait(Duration::MAX);
/// let mut state = RetryState::new(policy, true);
/// let mut waits = Vec::new();
/// let mut now = UNIX_EPOCH + Duration::from_secs(1_795_557_000);
/// for n in 0..10 {
///     let connection = connect(n);
///     let decision = match &connection {
///         Connection::Dropped { after_lines } => {
///             if *after_lines > 0 {
///                 state = RetryState::new(policy, true); // it worked: start over
///             }
///             state.decide(Outcome::NetworkError { sent: true }, now, &NoJitter)
///         }
///         Connection::Refused(response) => state.decide(Outcome::Response(response), now, &NoJitter),
///     };
///     match decision {
///         Decision::Retry { wait } => {
///             waits.push(wait);
///             now += wait; // tokio::time::sleep(wait).await
///         }
///         Decision::Done | Decision::GiveUp(_) => break,
///     }
/// }
/// let ms = Duration::from_millis;
/// assert_eq!(waits, [Duration::from_secs(5), ms(250), ms(500)]);
/// ```
#[derive(Clone, Debug)]
pub struct RetryState {
    policy: RetryPolicy,
    idempotent: bool,
    resendable: bool,
    attempts: u32,
    backoffs: u32,
    network_errors: u32,
    waited: Duration,
}

impl RetryState {
    /// A request about to be sent for the first time. `idempotent`: whether it is safe to
    /// repeat ([`is_idempotent_method`] of its method, unless the caller knows better).
    pub fn new(policy: RetryPolicy, idempotent: bool) -> Self {
        RetryState {
            policy,
            idempotent,
            resendable: true,
            attempts: 0,
            backoffs: 0,
            network_errors: 0,
            waited: Duration::ZERO,
        }
    }

    /// Marks the request as impossible to send again: every retry becomes
    /// [`GiveUp::NotResendable`].
    #[must_use = "returns the changed state; the original is unchanged"]
    pub fn not_resendable(mut self) -> Self {
        self.resendable = false;
        self
    }

    /// Attempts decided so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time waited so far, jitter included.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// The policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Decides what follows an attempt that ended at `now` with `outcome`; counts it.
    pub fn decide(
        &mut self,
        outcome: Outcome<'_>,
        now: SystemTime,
        jitter: &dyn Jitter,
    ) -> Decision {
        self.attempts = self.attempts.saturating_add(1);
        let wait = match outcome {
            Outcome::Response(response) => match response.retry() {
                None => return Decision::Done,
                Some(Retry::Never) => return Decision::GiveUp(GiveUp::NotRetryable),
                Some(Retry::Backoff) if !self.idempotent => {
                    return Decision::GiveUp(GiveUp::NotIdempotent);
                }
                Some(Retry::Backoff) => {
                    // The policy's schedule, unless the response asks for longer (its
                    // `Retry-After`, or X's 1-minute schedule for a 429): the computation
                    // `ErrorResponse::retry_delay` and `{:#}` use.
                    let wait = self.policy.backoff_wait(self.backoffs);
                    let floor = crate::advice::backoff_floor(response, self.backoffs, now);
                    self.backoffs = self.backoffs.saturating_add(1);
                    wait.max(floor)
                }
                // Rate limited: a 429 proves the request was rejected unprocessed, so any
                // method may be resent. A rate-limit code on any other status (a 5xx whose
                // body says 88) proves nothing: the server may have acted on it.
                Some(Retry::AfterReset)
                    if !self.idempotent && response.status().as_u16() != 429 =>
                {
                    return Decision::GiveUp(GiveUp::NotIdempotent);
                }
                Some(Retry::AfterReset) => after_reset_wait(response, self.attempts - 1, now),
            },
            Outcome::NetworkError { sent: true } if !self.idempotent => {
                return Decision::GiveUp(GiveUp::NotIdempotent);
            }
            Outcome::NetworkError { .. } => {
                let wait = self.policy.network_wait(self.network_errors);
                self.network_errors = self.network_errors.saturating_add(1);
                wait
            }
        };
        if !self.resendable {
            return Decision::GiveUp(GiveUp::NotResendable);
        }
        if self.attempts >= self.policy.max_attempts() {
            return Decision::GiveUp(GiveUp::AttemptsExhausted {
                attempts: self.attempts,
            });
        }
        match self.admit(wait, now, jitter) {
            Ok(wait) => Decision::Retry { wait },
            Err(give_up) => Decision::GiveUp(give_up),
        }
    }

    /// A wait until `until` before the next send (the book's window is exhausted): the wait,
    /// jitter included, counted against the policy's limits; zero when `until` has passed.
    pub fn wait_until(
        &mut self,
        until: SystemTime,
        now: SystemTime,
        jitter: &dyn Jitter,
    ) -> Result<Duration, GiveUp> {
        let wait = until.duration_since(now).unwrap_or_default();
        if wait.is_zero() {
            return Ok(wait);
        }
        self.admit(wait, now, jitter)
    }

    fn admit(
        &mut self,
        wait: Duration,
        now: SystemTime,
        jitter: &dyn Jitter,
    ) -> Result<Duration, GiveUp> {
        if wait > self.policy.max_single_wait() {
            let until = now.checked_add(wait).unwrap_or(now);
            return Err(GiveUp::WaitTooLong { wait, until });
        }
        let wait = wait.saturating_add(jitter.sample(self.policy.max_jitter()));
        if self.waited.saturating_add(wait) > self.policy.max_total_wait() {
            return Err(GiveUp::TotalWaitExceeded {
                waited: self.waited,
                wait,
            });
        }
        self.waited = self.waited.saturating_add(wait);
        Ok(wait)
    }
}

/// The wait [`ErrorResponse::retry_delay`] advises for a rate-limited response.
fn after_reset_wait(response: &ErrorResponse, retries: u32, now: SystemTime) -> Duration {
    response.retry_delay(retries, now).unwrap_or_default()
}
