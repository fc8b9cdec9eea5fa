//! What a subcommand hands back to `main`: text for stdout and an exit status, or a failure
//! for stderr.

use std::fmt;

/// Exit status: the value is well-formed but not in the table.
pub const NOT_IN_TABLE: u8 = 1;
/// Exit status: the input cannot be used (clap uses the same for bad arguments).
pub const UNUSABLE: u8 = 2;

/// A subcommand's answer.
#[derive(Debug)]
pub struct Outcome {
    /// What to print on stdout.
    pub text: String,
    /// The exit status: 0, or [`NOT_IN_TABLE`].
    pub exit: u8,
    /// A one-line remark for stderr (printed as `twerr: note: ...`) that does not change the
    /// answer, e.g. how ambiguous input was read.
    pub note: Option<String>,
}

impl Outcome {
    /// An answer with exit status 0.
    pub fn ok(text: String) -> Self {
        Self {
            text,
            exit: 0,
            note: None,
        }
    }
}

/// A failure: printed to stderr as `twerr: <message>`, exit status [`UNUSABLE`].
#[derive(Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
