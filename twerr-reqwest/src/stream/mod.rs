//! A reconnecting reader of X's streaming endpoints: lines out, reconnects decided by
//! [`twerr_core::StreamState`], one connection per app and stream through a lease in the store.

mod connect;
mod lease;
mod lines;
mod reader;

use std::error::Error;
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use twerr_core::{EndpointLabel, Reconnect, StreamPolicy, StreamStop};

pub use reader::LineStream;

use crate::{NotSent, Sleeper, TokioSleeper, TwerrMiddleware, identity};

/// The default longest line: 4 MiB. A post with every expansion is well under 100 KiB; a line
/// that long means the stream is not X's (or not newline-delimited).
pub const DEFAULT_MAX_LINE: usize = 4 * 1024 * 1024;

/// The default lease time: 30 s. The holder renews every 10 s; when it dies, a waiting worker
/// connects within 40 s (the lease time and one wait between asks).
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);

/// The most `backfill_minutes` X recovers: 5. X's docs (xdevplatform/docs
/// `x-api/powerstream/handling-disconnections.mdx`): backfill recovers disconnections of up to
/// 5 minutes; longer gaps need the search endpoints.
pub const MAX_BACKFILL_MINUTES: u8 = 5;

impl TwerrMiddleware {
    /// A reader of the stream `request` opens (e.g.
    /// `client.get("https://api.x.com/2/tweets/search/stream").bearer_auth(token)`), sent
    /// through `client`, whose chain must hold this middleware: see [`StreamBuilder`].
    pub fn stream(&self, request: reqwest_middleware::RequestBuilder) -> StreamBuilder {
        StreamBuilder {
            middleware: self.clone(),
            request,
            policy: StreamPolicy::default(),
            max_line: DEFAULT_MAX_LINE,
            backfill: None,
            timer: Arc::new(TokioSleeper),
            lease_ttl: DEFAULT_LEASE_TTL,
        }
    }
}

/// Configures a [`LineStream`]: from [`TwerrMiddleware::stream`].
///
/// The stream connects through the client the request was made with, so the middleware
/// counts the connect, remembers a block it meets (a revoked token, no credits) and refuses
/// to send while one holds; it does not retry the connect itself: the stream decides every
/// reconnect by [`StreamPolicy`]. Waits between reconnects use the middleware's sleeper;
/// the stall watchdog and the lease renewal use the [timer](Self::timer).
#[must_use]
pub struct StreamBuilder {
    middleware: TwerrMiddleware,
    request: reqwest_middleware::RequestBuilder,
    policy: StreamPolicy,
    max_line: usize,
    backfill: Option<u8>,
    timer: Arc<dyn Sleeper>,
    lease_ttl: Duration,
}

impl StreamBuilder {
    /// The reconnect timings and the stall timeout (default: [`StreamPolicy::default`], X's
    /// rules).
    pub fn policy(mut self, policy: StreamPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The longest line accepted (default [`DEFAULT_MAX_LINE`]); a longer one ends the stream
    /// with [`StreamError::LineTooLong`] instead of growing a buffer without bound.
    pub fn max_line_length(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Asks X to resend what was missed (`backfill_minutes`, at most
    /// [`MAX_BACKFILL_MINUTES`]) on a reconnect whose gap since the last byte is at most
    /// five minutes. Only some access levels have it; the first connect never asks. Lines
    /// may then arrive twice: deduplicate by id.
    pub fn backfill_minutes(mut self, minutes: u8) -> Self {
        self.backfill = Some(minutes.clamp(1, MAX_BACKFILL_MINUTES));
        self
    }

    /// The timer of the stall watchdog and the lease renewal (default [`TokioSleeper`]; tests
    /// use tokio's paused time or a timer of their own).
    pub fn timer(mut self, timer: Arc<dyn Sleeper>) -> Self {
        self.timer = timer;
        self
    }

    /// How long the lease lasts without a renewal (default [`DEFAULT_LEASE_TTL`]); renewed
    /// every third of it. When the holder dies, another worker connects within about 4/3 of
    /// it.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_millis(3));
        self
    }

    /// The stream. It connects on its first poll.
    pub fn start(self) -> LineStream {
        let inner = Arc::clone(&self.middleware.inner);
        // The stream's endpoint for observers: a request that cannot be built now fails at
        // the connect, which says why.
        let label = self
            .request
            .try_clone()
            .and_then(|builder| builder.build().ok())
            .map_or(EndpointLabel::OTHER, |request| {
                identity::label(request.method(), request.url())
            });
        let leasing = lease::Leasing {
            store: Arc::clone(&inner.store),
            clock: Arc::clone(&inner.clock),
            timer: Arc::clone(&self.timer),
            ttl: self.lease_ttl,
            warned: AtomicBool::new(false),
            observer: inner.observer.clone(),
            label,
        };
        let setup = connect::Setup {
            inner,
            template: Mutex::new(self.request),
            leasing: Arc::new(leasing),
        };
        LineStream::new(
            Arc::new(setup),
            self.policy,
            self.max_line,
            self.backfill,
            self.timer,
        )
    }
}

impl fmt::Debug for StreamBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamBuilder")
            .field("policy", &self.policy)
            .field("max_line", &self.max_line)
            .field("backfill", &self.backfill)
            .field("lease_ttl", &self.lease_ttl)
            .finish_non_exhaustive()
    }
}

/// What a [`LineStream`] yields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamItem {
    /// A data line, without its `\r\n`: one JSON object. Keep-alives are never delivered, nor
    /// is the unfinished line of a dropped connection.
    Line(Bytes),
    /// The connection ended or was refused; the stream waits [`Reconnect::wait`] and connects
    /// again. [`Reconnect::slow_consumer`] asks the consumer to keep up; [`Reconnect::at_cap`]
    /// says the stream is not recovering by itself.
    Reconnecting(Reconnect),
    /// The store no longer confirms this worker's lease (another worker took over, or the
    /// store is unreachable): the connection was closed; the stream waits for the lease
    /// again.
    LeaseLost,
}

/// Why a [`LineStream`] ended. After it, the stream yields nothing more.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The stream state stopped: reconnecting cannot help until a person acts (a revoked
    /// token, no credits, invalid rules); [`StreamStop`] has the response and its block.
    Stopped(StreamStop),
    /// The middleware refused to send the connect: a block holds (a revoked credential, an
    /// app without credits), recorded before or by another worker.
    NotSent(NotSent),
    /// A line was longer than the [maximum](StreamBuilder::max_line_length).
    LineTooLong {
        /// The maximum.
        max: usize,
    },
    /// The request could not be built or sent (an invalid URL, another middleware's error).
    Request(reqwest_middleware::Error),
    /// The stream cannot work as set up.
    Setup(&'static str),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Stopped(stop) => write!(f, "{stop}"),
            StreamError::NotSent(not_sent) => write!(f, "stream not connected: {not_sent}"),
            StreamError::LineTooLong { max } => write!(
                f,
                "a stream line is longer than {max} bytes (raise max_line_length if the \
                 stream is right)"
            ),
            StreamError::Request(error) => write!(f, "stream request failed: {error}"),
            StreamError::Setup(why) => write!(f, "stream set up wrongly: {why}"),
        }
    }
}

impl Error for StreamError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            StreamError::Stopped(stop) => Some(stop),
            StreamError::NotSent(not_sent) => Some(not_sent),
            StreamError::Request(error) => Some(error),
            StreamError::LineTooLong { .. } | StreamError::Setup(_) => None,
        }
    }
}
