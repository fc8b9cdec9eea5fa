//! Retry classification: what a client should do after a failure.

use core::fmt;

// `spelling` and `from_spelling`: the table's spellings, from the list the table is validated
// against, so the two cannot drift apart.
twerr_macros::retry_spellings!();

/// What a client should do after a failed request, by the documented meaning of the failure.
///
/// Every error row of `error-table.toml` carries one of these; for values the table does not
/// know, [`Status::retry`](crate::Status::retry) falls back to the class of the HTTP status.
///
/// The variants are ordered by severity, `Backoff < AfterReset < Never`, so the advice for a
/// response with several errors is the [`max`](Ord::max) of theirs: a request that also failed
/// for a reason no retry fixes is not worth retrying, and one that is rate limited must wait for
/// the reset even if another error alone would allow a backoff.
///
/// The enum is exhaustive on purpose. It is twerr's own classification, not Twitter's, and a
/// retry loop should handle every class explicitly: a new class would change what every loop has
/// to do, so it is a breaking change, not something a wildcard arm may silently absorb.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Retry {
    /// Transient server trouble: retry with exponential backoff, and only requests that are
    /// safe to repeat (a blind retry of a POST is how code 187, "Status is a duplicate", is
    /// produced).
    Backoff,
    /// Rate limited: wait until the limit's window resets, then retry. Safe for any method: the
    /// request was rejected before it was processed.
    AfterReset,
    /// Repeating the request fails the same way: fix the request, the credentials or the
    /// account first.
    Never,
}

impl Retry {
    /// The spelling used in `error-table.toml` and in serialised output:
    /// `"never"`, `"backoff"` or `"after-reset"`.
    pub const fn as_str(self) -> &'static str {
        spelling(self)
    }

    /// Parses the spelling of [`Retry::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        from_spelling(name)
    }

    /// Whether retrying can succeed at all (`Backoff` or `AfterReset`).
    pub const fn is_retryable(self) -> bool {
        !matches!(self, Self::Never)
    }

    /// The class default for an HTTP status the table does not list: 429 waits for the reset;
    /// 5xx backs off, except 501 Not Implemented and 505 HTTP Version Not Supported, which no
    /// retry can fix; any other status from 400 up is never retried; below 400 is no error.
    pub const fn for_status_class(status: u16) -> Option<Self> {
        match status {
            429 => Some(Self::AfterReset),
            501 | 505 => Some(Self::Never),
            500..=599 => Some(Self::Backoff),
            400.. => Some(Self::Never),
            _ => None,
        }
    }
}

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
