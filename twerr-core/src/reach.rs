//! How far a failure reaches: which other requests fail for the same reason.

use core::fmt;

/// How far a failure reaches beyond the request that met it: which later requests would fail
/// for the same reason, so a client can stop sending them instead of spending one request
/// each to find out.
///
/// The variants are ordered by breadth, `Request < Window < Credential < App`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reach {
    /// Only this request: another request may well succeed (a duplicate, a bad parameter).
    Request,
    /// The endpoint's rate-limit window for this credential: the rate-limit book's job.
    Window,
    /// Every request made with this credential (a revoked or expired token, a suspended
    /// account).
    Credential,
    /// Every request of the app or account, whatever the credential (out of credits, a spend
    /// cap, a usage cap).
    App,
}

impl Reach {
    /// The spelling used in `error-table.toml` and in serialised output: `"request"`,
    /// `"window"`, `"credential"` or `"app"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reach::Request => "request",
            Reach::Window => "window",
            Reach::Credential => "credential",
            Reach::App => "app",
        }
    }

    /// Parses the spelling of [`Reach::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [Reach::Request, Reach::Window, Reach::Credential, Reach::App]
            .into_iter()
            .find(|reach| reach.as_str() == name)
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
