//! How far a failure reaches: which other requests fail for the same reason.

use core::fmt;

// `spelling` and `from_spelling`: the table's spellings, from the list the table is validated
// against, so the two cannot drift apart.
twerr_macros::reach_spellings!();

/// How far a failure reaches beyond the request that met it: which later requests would fail
/// for the same reason, so a client can stop sending them instead of spending one request
/// each to find out.
///
/// It is a fact of each error row of `error-table.toml` (its `reach` key, `request` when
/// absent), read through [`Status::reach`](crate::Status::reach),
/// [`Code::reach`](crate::Code::reach) and [`Problem::reach`](crate::Problem::reach). A row
/// may also reach only writing methods ([`Code::writes_only`](crate::Code::writes_only): code
/// 261, an app that may not write, and code 185, a user's posting limit, leave reads working).
///
/// The variants are ordered by breadth, `Request < Window < Credential < App`, so the reach of
/// a response with several errors is the [`max`](Ord::max) of theirs. A reach that
/// [blocks](Reach::blocks) is one no wait heals: a person has to act (top up, raise a cap,
/// fix the credential), and until a request shows they have, sending more only adds failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reach {
    /// Only this request: another request may well succeed (a duplicate Post, a bad parameter,
    /// a signing or clock mistake of one request). The default of every error row.
    Request,
    /// The endpoint's rate-limit window for this credential (code 88, problem
    /// `rate-limit-exceeded`): the rate-limit book counts it and waits for the reset.
    Window,
    /// Every request made with this credential, on any endpoint (a revoked or expired token,
    /// a suspended or locked account): fixed by a person, not by waiting.
    Credential,
    /// Every request of the app or account, whatever the credential (out of credits, a spend
    /// cap, a usage cap, an app that may not write): fixed by a person, not by waiting.
    App,
}

impl Reach {
    /// The spelling used in `error-table.toml` and in serialised output: `"request"`,
    /// `"window"`, `"credential"` or `"app"`.
    pub const fn as_str(self) -> &'static str {
        spelling(self)
    }

    /// Parses the spelling of [`Reach::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        from_spelling(name)
    }

    /// Whether the failure applies to later requests, which a client should then not send
    /// (`Credential` or `App`; a window is counted, not blocked).
    pub const fn blocks(self) -> bool {
        matches!(self, Reach::Credential | Reach::App)
    }
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
