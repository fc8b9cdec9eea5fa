//! What the stream state answers: deliver, reconnect (now or after a wait, and why), or stop
//! (and why).

use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::{Block, ErrorResponse};

/// What to do after a [`StreamEvent`](super::StreamEvent).
///
/// Exhaustive on purpose: a stream driver must handle each of the four.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a decision says whether to deliver, reconnect or stop"]
pub enum StreamDecision {
    /// The line is data: hand it to the consumer.
    Deliver,
    /// Nothing to do (a keep-alive, a connection established): keep reading.
    Continue,
    /// Close the connection (if open), wait [`Reconnect::wait`] (zero: at once), connect again.
    Reconnect(Reconnect),
    /// Close the connection and stop: reconnecting cannot help until a person acts.
    Stop(StreamStop),
}

/// A reconnect: why, and how long to wait first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reconnect {
    wait: Duration,
    cause: ReconnectCause,
    slow_consumer: bool,
    at_cap: bool,
}

impl Reconnect {
    pub(super) fn new(wait: Duration, cause: ReconnectCause, at_cap: bool) -> Self {
        let slow_consumer = match &cause {
            ReconnectCause::Disconnected(response) => is_slow_consumer(response),
            _ => false,
        };
        Reconnect {
            wait,
            cause,
            slow_consumer,
            at_cap,
        }
    }

    /// How long to wait before connecting; zero: at once.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// Why the connection is (re)made.
    pub fn cause(&self) -> &ReconnectCause {
        &self.cause
    }

    /// Whether X said the consumer reads too slowly (`disconnect_type` `SlowReader` or
    /// `ClientApplicationStateDegraded`): the stream reconnects, but it will drop again unless
    /// the consumer keeps up (read lines without blocking; hand slow work to a queue).
    pub fn slow_consumer(&self) -> bool {
        self.slow_consumer
    }

    /// Whether the wait reached its schedule's cap (16 s, 320 s or the `TooManyConnections`
    /// cap). X advises alerting a person when it does: the stream is not recovering by itself.
    pub fn at_cap(&self) -> bool {
        self.at_cap
    }
}

impl fmt::Display for Reconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; reconnecting", self.cause)?;
        if self.wait.is_zero() {
            f.write_str(" now")?;
        } else {
            write!(f, " in {} ms", self.wait.as_millis())?;
        }
        if self.slow_consumer {
            f.write_str(" (the consumer reads too slowly: X drops slow readers)")?;
        }
        Ok(())
    }
}

/// Why a stream reconnects.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReconnectCause {
    /// The server ended the response cleanly.
    Ended,
    /// The connection failed or broke (no response, a reset, a truncated body).
    NetworkError,
    /// Nothing arrived, keep-alives included, for the stall timeout.
    Stalled,
    /// An error line in the stream (`operational-disconnect`, with its `disconnect_type`).
    Disconnected(ErrorResponse),
    /// The connect was refused with an HTTP error that a later connect may not meet (a 503, a
    /// 429 `TooManyConnections`, a rate-limit window).
    Refused(ErrorResponse),
}

impl ReconnectCause {
    /// The `disconnect_type` of a [`Disconnected`](Self::Disconnected) line
    /// (`OperationalDisconnect`, `SlowReader`, ...), when it has one.
    pub fn disconnect_type(&self) -> Option<String> {
        match self {
            ReconnectCause::Disconnected(response) => disconnect_type(response),
            _ => None,
        }
    }
}

impl fmt::Display for ReconnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReconnectCause::Ended => f.write_str("the stream ended"),
            ReconnectCause::NetworkError => f.write_str("network error"),
            ReconnectCause::Stalled => f.write_str("the stream stalled"),
            ReconnectCause::Disconnected(response) => match disconnect_type(response) {
                Some(kind) => write!(
                    f,
                    "disconnected by the server ({})",
                    crate::escape::escaped(&kind)
                ),
                None => write!(f, "disconnected by the server: {response}"),
            },
            ReconnectCause::Refused(response) => write!(f, "connect refused: {response}"),
        }
    }
}

/// Why a stream stopped: reconnecting cannot help until a person acts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamStop {
    kind: StopKind,
    response: ErrorResponse,
    block: Option<Block>,
}

/// Where the failure that stopped a stream came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopKind {
    /// The connect was refused with an error no retry fixes: a revoked or wrong credential
    /// (401), no access (403), no credits (402), a usage cap, no rules on a filtered stream
    /// (409).
    Refused,
    /// X closed the stream because its rules are invalid (`disconnect_type` `InvalidRules`):
    /// fix the rules, then connect again.
    InvalidRules,
    /// An error line in the stream whose advice is never to retry.
    ErrorLine,
}

impl StreamStop {
    pub(super) fn new(kind: StopKind, response: ErrorResponse, block: Option<Block>) -> Self {
        StreamStop {
            kind,
            response,
            block,
        }
    }

    /// Where the failure came from.
    pub fn kind(&self) -> StopKind {
        self.kind
    }

    /// The failure as X reported it (the refused response, or the error line), with its
    /// status, codes, problem types and rate-limit headers.
    pub fn response(&self) -> &ErrorResponse {
        &self.response
    }

    /// The block the failure sets where it reaches beyond the stream (a usage cap of the app,
    /// no credits), as [`Observation::from_response`](crate::Observation::from_response)
    /// reads it: other requests it reaches fail without being sent.
    pub fn block(&self) -> Option<&Block> {
        self.block.as_ref()
    }
}

impl fmt::Display for StreamStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StopKind::Refused => write!(f, "stream refused: {}", self.response)?,
            StopKind::InvalidRules => write!(
                f,
                "stream closed for invalid rules (fix the rules, then reconnect): {}",
                self.response
            )?,
            StopKind::ErrorLine => write!(f, "stream stopped by an error: {}", self.response)?,
        }
        if let Some(block) = &self.block {
            write!(f, "; {block}")?;
        }
        Ok(())
    }
}

impl Error for StreamStop {}

/// The `disconnect_type` member of the first error that has one.
pub(super) fn disconnect_type(response: &ErrorResponse) -> Option<String> {
    response.all_errors().find_map(|error| {
        let (_, raw) = error.extra().find(|(key, _)| *key == "disconnect_type")?;
        serde_json::from_str::<String>(raw).ok()
    })
}

/// X's `disconnect_type`s that say the client read too slowly.
fn is_slow_consumer(response: &ErrorResponse) -> bool {
    matches!(
        disconnect_type(response).as_deref(),
        Some("SlowReader" | "ClientApplicationStateDegraded")
    )
}
