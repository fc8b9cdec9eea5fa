//! Blocks: failures that reach beyond one request (a credential, an app), remembered so the
//! requests they reach fail without being sent.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::CredentialId;
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
    probe_first: Duration,
    probe_max: Duration,
}

/// The probe schedule of a block that was not given one: a minute, doubling to an hour.
const DEFAULT_PROBE_FIRST: Duration = Duration::from_secs(60);
const DEFAULT_PROBE_MAX: Duration = Duration::from_secs(60 * 60);

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
            probe_first: DEFAULT_PROBE_FIRST,
            probe_max: DEFAULT_PROBE_MAX,
        }
    }

    /// The same block with its probe schedule: the first probe after `first`, each failing
    /// probe doubling the wait up to `max` (a block with a known end waits `max` from the
    /// start). [`Observation::from_response`](crate::Observation::from_response) takes both
    /// from the [`RetryPolicy`](crate::RetryPolicy).
    #[must_use = "returns a changed copy"]
    pub fn with_probing(mut self, first: Duration, max: Duration) -> Self {
        self.probe_first = first;
        self.probe_max = max.max(first);
        self
    }

    /// The wait before the first probe.
    pub fn probe_first(&self) -> Duration {
        self.probe_first
    }

    /// The longest wait between two probes.
    pub fn probe_max(&self) -> Duration {
        self.probe_max
    }

    /// The wait before the probe after `failed` failed probes: doubling from
    /// [`probe_first`](Self::probe_first) up to [`probe_max`](Self::probe_max); always the
    /// maximum when the end is announced ([`until`](Self::until)).
    pub fn probe_wait(&self, failed: u32) -> Duration {
        if self.until.is_some() {
            return self.probe_max;
        }
        let factor = 1u32.checked_shl(failed).unwrap_or(u32::MAX);
        self.probe_first.saturating_mul(factor).min(self.probe_max)
    }

    /// Whether the block reaches a request with this method (a writes-only block lets GET,
    /// HEAD and OPTIONS through).
    pub fn reaches_method(&self, method: &str) -> bool {
        !self.writes_only
            || !["GET", "HEAD", "OPTIONS"]
                .iter()
                .any(|read| read.eq_ignore_ascii_case(method))
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

/// A block as a store holds it, for a person to see ([`RateLimitStore::blocks`]).
///
/// [`RateLimitStore::blocks`]: crate::RateLimitStore::blocks
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockEntry {
    holder: CredentialId,
    block: Block,
    next_probe: SystemTime,
    failed_probes: u32,
}

impl BlockEntry {
    /// A block of `holder` (the credential or app its [`Block::reach`] names), whose next
    /// probe goes at `next_probe` (server clock) after `failed_probes` failed ones.
    pub fn new(
        holder: CredentialId,
        block: Block,
        next_probe: SystemTime,
        failed_probes: u32,
    ) -> Self {
        BlockEntry {
            holder,
            block,
            next_probe,
            failed_probes,
        }
    }

    /// The credential or app blocked (as its hash), by [`Block::reach`].
    pub fn holder(&self) -> CredentialId {
        self.holder
    }

    /// The block.
    pub fn block(&self) -> &Block {
        &self.block
    }

    /// When the next probe may go (server clock).
    pub fn next_probe(&self) -> SystemTime {
        self.next_probe
    }

    /// Probes that failed since the block was set.
    pub fn failed_probes(&self) -> u32 {
        self.failed_probes
    }
}
