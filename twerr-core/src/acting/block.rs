//! Blocks: failures that reach beyond one request (a credential, an app), remembered so the
//! requests they reach fail without being sent.

use std::fmt;
use std::time::SystemTime;

use crate::{Code, Problem, Reach, Status};

/// The table row a failure was recognised by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// An HTTP status (no error in the body said more).
    Status(Status),
    /// A v1.1 error code.
    Code(Code),
    /// A v2 problem type.
    Problem(Problem),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Status(status) => write!(f, "HTTP {status}"),
            Cause::Code(code) => write!(f, "code {code}"),
            Cause::Problem(problem) => match (problem.slug(), problem.message()) {
                (Some(slug), Some(title)) => write!(f, "problem {slug} ({title})"),
                (Some(slug), None) => write!(f, "problem {slug}"),
                _ => f.write_str("an unknown problem type"),
            },
        }
    }
}

/// A failure that reaches beyond its request: while it holds, requests under its
/// [`reach`](Self::reach) fail without being sent.
///
/// Built by [`Observation::from_response`](crate::Observation::from_response) from the
/// table's facts about the response's errors; kept by the book and its stores.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Block {
    cause: Cause,
    reach: Reach,
    writes_only: bool,
    until: Option<SystemTime>,
    period: Option<Box<str>>,
    scope: Option<Box<str>>,
}

impl Block {
    /// A block of `reach` (a credential or an app) for `cause`, with no known end.
    pub fn new(cause: Cause, reach: Reach) -> Self {
        Block {
            cause,
            reach,
            writes_only: false,
            until: None,
            period: None,
            scope: None,
        }
    }

    /// The same block, reaching only writing requests (POST, PUT, DELETE, PATCH): reads
    /// still go.
    #[must_use = "returns a changed copy"]
    pub fn with_writes_only(mut self, writes_only: bool) -> Self {
        self.writes_only = writes_only;
        self
    }

    /// The same block with a known end (on the server's clock).
    #[must_use = "returns a changed copy"]
    pub fn with_until(mut self, until: Option<SystemTime>) -> Self {
        self.until = until;
        self
    }

    /// The same block with the problem's `period` and `scope` members (a usage cap's
    /// `Daily`/`Monthly` and `Account`/`Product`).
    #[must_use = "returns a changed copy"]
    pub fn with_period_scope(mut self, period: Option<Box<str>>, scope: Option<Box<str>>) -> Self {
        self.period = period;
        self.scope = scope;
        self
    }

    /// The table row the failure was recognised by.
    pub fn cause(&self) -> Cause {
        self.cause
    }

    /// How far it reaches: [`Reach::Credential`] or [`Reach::App`].
    pub fn reach(&self) -> Reach {
        self.reach
    }

    /// Whether only writing requests are blocked.
    pub fn writes_only(&self) -> bool {
        self.writes_only
    }

    /// When it ends, where that is known (on the server's clock); `None`: nothing announces
    /// an end (credits run out until someone buys more).
    pub fn until(&self) -> Option<SystemTime> {
        self.until
    }

    /// The problem's `period` member (`Daily`, `Monthly`), when present.
    pub fn period(&self) -> Option<&str> {
        self.period.as_deref()
    }

    /// The problem's `scope` member (`Account`, `Product`), when present.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} blocked by {}", self.reach, self.cause)?;
        if self.writes_only {
            f.write_str(" (writes only)")?;
        }
        match (&self.period, &self.scope) {
            (Some(period), Some(scope)) => write!(f, " ({period}, {scope})")?,
            (Some(one), None) | (None, Some(one)) => write!(f, " ({one})")?,
            (None, None) => {}
        }
        if let Some(at) = self.until.and_then(crate::UnixTime::from_system_time) {
            write!(f, " until {at}")?;
        }
        Ok(())
    }
}
