//! The clock and the sleeper: injected, so tests control time and never wait on it.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

/// Where the middleware reads the time.
pub trait Clock: Send + Sync + Debug + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// A monotonic instant, when the clock has one (default: none). The middleware measures
    /// the time since the last trusted `Date` with it, so a step of the wall clock (NTP
    /// correcting a clock a day off) does not move its idea of the server's time. Without one,
    /// the server's time is the wall clock moved by the skew the last `Date` showed.
    fn monotonic(&self) -> Option<Instant> {
        None
    }
}

/// [`SystemTime::now`], and [`Instant::now`] as its monotonic instant.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn monotonic(&self) -> Option<Instant> {
        Some(Instant::now())
    }
}

/// How the middleware waits. Dropping the future cancels the wait (and with it the request).
pub trait Sleeper: Send + Sync + Debug + 'static {
    /// A future that completes after `wait`.
    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// `tokio::time::sleep`: needs a tokio runtime with the time driver enabled.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(wait))
    }
}
