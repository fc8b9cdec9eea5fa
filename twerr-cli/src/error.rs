//! What a subcommand hands back to `main`: text for stdout and an exit status, or a failure
//! for stderr.

use std::fmt;
use std::io;

/// Exit status: the value is well-formed but not in the table.
pub const NOT_IN_TABLE: u8 = 1;
/// Exit status: the input cannot be used (clap uses the same for bad arguments).
pub const UNUSABLE: u8 = 2;

/// A subcommand's answer.
#[derive(Debug)]
pub struct Outcome {
    /// What to print on stdout.
    pub text: Output,
    /// The exit status: 0, or [`NOT_IN_TABLE`].
    pub exit: u8,
    /// One-line remarks for stderr (each printed as `twerr: note: ...`) that do not change
    /// the answer, e.g. how ambiguous input was read.
    pub notes: Vec<String>,
}

/// Writes a streamed answer to stdout.
pub type Writer = Box<dyn FnOnce(&mut dyn io::Write) -> io::Result<()>>;

/// What goes to stdout: text made whole, or a writer that streams it, so a long answer is
/// never built in memory before it is written.
pub enum Output {
    /// The whole text.
    Text(String),
    /// Writes the answer.
    Stream(Writer),
}

impl Output {
    /// Writes the answer to `out`.
    pub fn write_to(self, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Output::Text(text) => out.write_all(text.as_bytes()),
            Output::Stream(write) => write(out),
        }
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Output::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}

impl Outcome {
    /// An answer with exit status 0.
    pub fn ok(text: String) -> Self {
        Self {
            text: Output::Text(text),
            exit: 0,
            notes: Vec::new(),
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
