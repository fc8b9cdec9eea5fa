//! The error of a request the middleware did not send.

use std::error::Error;
use std::fmt;
use std::time::SystemTime;

/// The request was not sent: its window is exhausted (and waiting was not allowed or would
/// take too long) or its credential is usage-capped. Nothing reached the server.
///
/// It arrives as [`reqwest_middleware::Error::Middleware`]; [`RateLimited::find`] or
/// `downcast_ref` gets it back:
///
/// ```
/// # fn handle(error: reqwest_middleware::Error) {
/// use twerr_reqwest::RateLimited;
///
/// if let Some(limited) = RateLimited::find(&error) {
///     eprintln!("try again after {:?}: {}", limited.until, limited.reason);
/// }
/// // The same, by hand:
/// if let reqwest_middleware::Error::Middleware(inner) = &error {
///     let _: Option<&RateLimited> = inner.downcast_ref::<RateLimited>();
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimited {
    /// When sending may succeed again (local clock).
    pub until: SystemTime,
    /// Why the request was not sent.
    pub reason: RateLimitReason,
}

/// Why a request was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitReason {
    /// The endpoint's window is used up until its reset.
    Window,
    /// The credential hit a usage cap (problem `usage-capped`); remembered for
    /// [`RetryPolicy::usage_cap_memory`](twerr_core::RetryPolicy::usage_cap_memory).
    UsageCapped {
        /// The cap's `period` (`Daily`, `Monthly`), when the API said.
        period: Option<Box<str>>,
        /// The cap's `scope` (`Account`, `Product`), when the API said.
        scope: Option<Box<str>>,
    },
}

impl RateLimited {
    /// The `RateLimited` inside a reqwest-middleware error, if that is what it is.
    pub fn find(error: &reqwest_middleware::Error) -> Option<&RateLimited> {
        match error {
            reqwest_middleware::Error::Middleware(inner) => inner.downcast_ref(),
            reqwest_middleware::Error::Reqwest(_) => None,
        }
    }
}

impl fmt::Display for RateLimitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RateLimitReason::Window => f.write_str("rate-limit window exhausted"),
            RateLimitReason::UsageCapped { period, scope } => {
                f.write_str("usage cap exceeded")?;
                match (period, scope) {
                    (Some(period), Some(scope)) => write!(f, " ({period}, {scope})"),
                    (Some(one), None) | (None, Some(one)) => write!(f, " ({one})"),
                    (None, None) => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request not sent: {}", self.reason)?;
        match twerr_core::UnixTime::from_system_time(self.until) {
            Some(at) => write!(f, "; try again after {at}"),
            None => Ok(()),
        }
    }
}

impl Error for RateLimited {}
