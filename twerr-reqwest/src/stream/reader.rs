//! The stream itself: lines from the open connection, events to the stream state, its
//! answers carried out.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use futures_core::Stream;
use http_body::Body as _;
use tracing::{info, warn};
use twerr_core::{
    Observer, Reconnect, ReconnectEvent, ReconnectReason, StreamDecision, StreamEvent,
    StreamPolicy, StreamState, StreamStop,
};

use super::connect::{Answer, Setup, connect};
use super::lease::{LeaseGuard, lock};
use super::lines::Lines;
use super::{MAX_BACKFILL_MINUTES, StreamError, StreamItem};
use crate::{NotSentReason, Sleeper};

type Connecting = Pin<Box<dyn Future<Output = (Answer, Option<LeaseGuard>)> + Send>>;
type Timer = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A stream of data lines from one of X's streaming endpoints that reconnects by X's rules:
/// a [`futures_core::Stream`] of [`StreamItem`]s, ending with a [`StreamError`] when
/// reconnecting cannot help. Made by [`StreamBuilder::start`](super::StreamBuilder::start).
///
/// Cancel-safe: dropping it at any point closes the connection, stops the lease renewal and
/// releases the lease; an unfinished line is dropped with it.
pub struct LineStream {
    setup: Arc<Setup>,
    state: StreamState,
    phase: Phase,
    /// The lease while the stream reads (while it connects, the connect holds it).
    lease: Option<LeaseGuard>,
    lines: Lines,
    timer: Arc<dyn Sleeper>,
    backfill: Option<u8>,
    /// When the last byte arrived (the middleware's clock), for the backfill's gap.
    last_byte: Option<SystemTime>,
}

enum Phase {
    Connecting(Connecting),
    Reading {
        watchdog: Timer,
        /// When the chunk being split arrived.
        now: SystemTime,
    },
    Done,
}

/// What the open connection gave.
enum Read {
    Data(bytes::Bytes),
    Event(StreamEvent<'static>),
    Lost,
    Pending,
}

impl LineStream {
    pub(super) fn new(
        setup: Arc<Setup>,
        policy: StreamPolicy,
        max_line: usize,
        backfill: Option<u8>,
        timer: Arc<dyn Sleeper>,
    ) -> Self {
        let phase = Phase::Connecting(Box::pin(connect(
            Arc::clone(&setup),
            Duration::ZERO,
            None,
            None,
        )));
        LineStream {
            setup,
            state: StreamState::new(policy),
            phase,
            lease: None,
            lines: Lines::new(max_line),
            timer,
            backfill,
            last_byte: None,
        }
    }

    fn now(&self) -> SystemTime {
        self.setup.inner.clock.now()
    }

    /// Closes the connection (dropping any unfinished line) and connects again after `wait`.
    fn reconnect_after(&mut self, wait: Duration) {
        if let Some(lease) = &self.lease {
            drop(lock(&lease.slot).body.take());
        }
        self.lines.clear();
        let backfill = self.backfill.filter(|_| {
            self.last_byte.is_some_and(|last| {
                let gap = (self.now() + wait).duration_since(last).unwrap_or_default();
                gap <= Duration::from_secs(60 * u64::from(MAX_BACKFILL_MINUTES))
            })
        });
        let connecting = connect(Arc::clone(&self.setup), wait, self.lease.take(), backfill);
        self.phase = Phase::Connecting(Box::pin(connecting));
    }

    fn reconnect(&mut self, reconnect: Reconnect) -> StreamItem {
        let key = self.lease.as_ref().map(|lease| lease.key().clone());
        let stream = key.as_ref().map(|key| key.stream().to_owned());
        if reconnect.slow_consumer() || reconnect.at_cap() {
            warn!(stream, reconnect = %reconnect, at_cap = reconnect.at_cap(), "twerr: stream reconnecting");
        } else {
            info!(stream, reconnect = %reconnect, "twerr: stream reconnecting");
        }
        let event = ReconnectEvent::new(
            self.setup.leasing.label,
            ReconnectReason::from(reconnect.cause()),
            reconnect.wait(),
        )
        .with_at_cap(reconnect.at_cap());
        self.observe(|o| o.on_reconnect(&event));
        self.reconnect_after(reconnect.wait());
        StreamItem::Reconnecting(reconnect)
    }

    /// Ends the stream with `error`, closing the connection and releasing the lease.
    fn fail(&mut self, error: StreamError) -> Poll<Option<Result<StreamItem, StreamError>>> {
        warn!(error = %error, "twerr: stream stopped");
        self.phase = Phase::Done;
        self.lease = None;
        self.lines.clear();
        Poll::Ready(Some(Err(error)))
    }

    fn stop(&mut self, stop: StreamStop) -> Poll<Option<Result<StreamItem, StreamError>>> {
        self.fail(StreamError::Stopped(stop))
    }

    /// Carries out the state's answer to an event that is not a line.
    fn decided(
        &mut self,
        decision: StreamDecision,
    ) -> Option<Poll<Option<Result<StreamItem, StreamError>>>> {
        match decision {
            StreamDecision::Deliver | StreamDecision::Continue => None,
            StreamDecision::Reconnect(reconnect) => {
                Some(Poll::Ready(Some(Ok(self.reconnect(reconnect)))))
            }
            StreamDecision::Stop(stop) => Some(self.stop(stop)),
        }
    }

    fn connected(
        &mut self,
        answer: Answer,
    ) -> Option<Poll<Option<Result<StreamItem, StreamError>>>> {
        let now = self.now();
        match answer {
            Answer::Connected(body) => {
                let Some(lease) = &self.lease else {
                    return Some(self.fail(StreamError::Setup("connected without a lease")));
                };
                lock(&lease.slot).body = Some(body);
                let _ = self.state.on(StreamEvent::Connected, now);
                self.phase = Phase::Reading {
                    watchdog: self.timer.sleep(self.state.policy().stall_timeout()),
                    now,
                };
                None
            }
            Answer::Refused(response) => {
                let decision = self.state.on(StreamEvent::Refused(&response), now);
                self.decided(decision)
            }
            Answer::NetworkError => {
                let decision = self.state.on(StreamEvent::NetworkError, now);
                self.decided(decision)
            }
            Answer::NotSent(not_sent) => match not_sent.reason() {
                NotSentReason::Window => {
                    // The connect's rate-limit window is used up: connect after its reset.
                    let wait = not_sent
                        .until()
                        .and_then(|until| until.duration_since(now).ok())
                        .unwrap_or(self.state.policy().backoff_wait(0));
                    info!(
                        wait_ms = wait.as_millis() as u64,
                        "twerr: stream connect window used up; waiting"
                    );
                    let label = self.setup.leasing.label;
                    let event = ReconnectEvent::new(label, ReconnectReason::Window, wait);
                    self.observe(|o| o.on_reconnect(&event));
                    self.reconnect_after(wait);
                    None
                }
                _ => Some(self.fail(StreamError::NotSent(not_sent))),
            },
            Answer::Failed(error) => Some(self.fail(error)),
        }
    }

    /// Polls the open connection, then the watchdog.
    fn read(&mut self, cx: &mut Context<'_>) -> Read {
        let Some(lease) = &self.lease else {
            return Read::Lost;
        };
        let polled = {
            let mut slot = lock(&lease.slot);
            if !slot.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                slot.waker = Some(cx.waker().clone());
            }
            match slot.body.as_mut() {
                None => return Read::Lost,
                Some(body) => Pin::new(body).poll_frame(cx),
            }
        };
        match polled {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => Read::Data(data),
                // Trailers: nothing to read.
                Err(_) => Read::Data(bytes::Bytes::new()),
            },
            Poll::Ready(Some(Err(error))) => {
                info!(error = %error, "twerr: the stream's connection broke");
                Read::Event(StreamEvent::NetworkError)
            }
            Poll::Ready(None) => Read::Event(StreamEvent::Ended),
            Poll::Pending => match &mut self.phase {
                Phase::Reading { watchdog, .. } => match watchdog.as_mut().poll(cx) {
                    Poll::Ready(()) => Read::Event(StreamEvent::Stalled),
                    Poll::Pending => Read::Pending,
                },
                _ => Read::Pending,
            },
        }
    }
}

impl Stream for LineStream {
    type Item = Result<StreamItem, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::Connecting(connecting) => {
                    let Poll::Ready((answer, lease)) = connecting.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    this.lease = lease;
                    if let Some(done) = this.connected(answer) {
                        return done;
                    }
                }
                Phase::Reading { now, .. } => {
                    let now = *now;
                    match this.lines.next() {
                        Err(_) => {
                            let max = this.lines_max();
                            return this.fail(StreamError::LineTooLong { max });
                        }
                        Ok(Some(line)) if line.is_empty() => {
                            let _ = this.state.on(StreamEvent::KeepAlive, now);
                        }
                        Ok(Some(line)) => match this.state.on(StreamEvent::Line(&line), now) {
                            StreamDecision::Deliver => {
                                return Poll::Ready(Some(Ok(StreamItem::Line(line))));
                            }
                            decision => {
                                if let Some(done) = this.decided(decision) {
                                    return done;
                                }
                            }
                        },
                        Ok(None) => match this.read(cx) {
                            Read::Data(data) => {
                                let now = this.now();
                                this.last_byte = Some(now);
                                this.lines.push(data);
                                let stall = this.state.policy().stall_timeout();
                                this.phase = Phase::Reading {
                                    watchdog: this.timer.sleep(stall),
                                    now,
                                };
                            }
                            Read::Event(event) => {
                                let decision = this.state.on(event, this.now());
                                if let Some(done) = this.decided(decision) {
                                    return done;
                                }
                            }
                            Read::Lost => {
                                let _ = this.state.on(StreamEvent::Ended, this.now());
                                this.lease = None;
                                this.reconnect_after(Duration::ZERO);
                                return Poll::Ready(Some(Ok(StreamItem::LeaseLost)));
                            }
                            Read::Pending => return Poll::Pending,
                        },
                    }
                }
            }
        }
    }
}

impl LineStream {
    fn lines_max(&self) -> usize {
        self.lines.max()
    }

    /// Tells the middleware's observer, when it has one.
    fn observe(&self, tell: impl FnOnce(&dyn Observer)) {
        if let Some(observer) = &self.setup.inner.observer {
            tell(&**observer);
        }
    }
}

impl fmt::Debug for LineStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.phase {
            Phase::Connecting(_) => "connecting",
            Phase::Reading { .. } => "reading",
            Phase::Done => "done",
        };
        f.debug_struct("LineStream")
            .field("phase", &phase)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
