//! The error of a request the middleware did not send.

use std::error::Error;
use std::fmt;
use std::time::SystemTime;

use twerr_core::{Block, GiveUp};

/// The request was not sent: a rate-limit window is exhausted (and waiting was not allowed or
/// would take too long), or a failure that reaches it holds (a usage cap, no credits, a
/// revoked credential). Nothing reached the server.
///
/// It arrives as [`reqwest_middleware::Error::Middleware`]; [`NotSent::find`] or
/// `downcast_ref` gets it back:
///
/// ```
/// # fn handle(error: reqwest_middleware::Error) {
/// use twerr_reqwest::{NotSent, NotSentReason};
///
/// if let Some(not_sent) = NotSent::find(&error) {
///     match not_sent.reason() {
///         NotSentReason::Window => eprintln!("rate limited until {:?}", not_sent.until()),
///         NotSentReason::Blocked(block) => eprintln!("an operator must act: {block}"),
///         _ => eprintln!("{not_sent}"),
///     }
/// }
/// // The same, by hand:
/// if let reqwest_middleware::Error::Middleware(inner) = &error {
///     let _: Option<&NotSent> = inner.downcast_ref::<NotSent>();
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotSent {
    until: Option<SystemTime>,
    reason: NotSentReason,
    give_up: Option<GiveUp>,
}

/// Why a request was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotSentReason {
    /// A rate-limit window of the endpoint is used up until its reset.
    Window,
    /// A failure that reaches beyond one request holds: its [`Block`] says which table row,
    /// how far it reaches and, where known, until when.
    Blocked(Block),
}

impl NotSent {
    pub(crate) fn new(
        until: Option<SystemTime>,
        reason: NotSentReason,
        give_up: Option<GiveUp>,
    ) -> Self {
        NotSent {
            until,
            reason,
            give_up,
        }
    }

    /// The `NotSent` inside a reqwest-middleware error, if that is what it is.
    pub fn find(error: &reqwest_middleware::Error) -> Option<&NotSent> {
        match error {
            reqwest_middleware::Error::Middleware(inner) => inner.downcast_ref(),
            reqwest_middleware::Error::Reqwest(_) => None,
        }
    }

    /// When sending may succeed again (local clock), where that is known: a window's reset,
    /// a block's announced end. `None`: nothing announces an end (credits run out until
    /// someone buys more).
    pub fn until(&self) -> Option<SystemTime> {
        self.until
    }

    /// Why the request was not sent.
    pub fn reason(&self) -> &NotSentReason {
        &self.reason
    }

    /// Why the middleware did not wait instead, when waiting was an option (a wait longer
    /// than the policy allows).
    pub fn give_up(&self) -> Option<GiveUp> {
        self.give_up
    }
}

impl fmt::Display for NotSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotSentReason::Window => f.write_str("rate-limit window exhausted"),
            NotSentReason::Blocked(block) => write!(f, "{block}"),
        }
    }
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request not sent: {}", self.reason)?;
        let blocked = matches!(self.reason, NotSentReason::Blocked(_));
        match self.until.and_then(twerr_core::UnixTime::from_system_time) {
            // A block shows its own end, on the server's clock.
            Some(_) if blocked => Ok(()),
            Some(at) => write!(f, "; try again after {at}"),
            None => Ok(()),
        }
    }
}

impl Error for NotSent {}
