//! Table mistakes as one-line messages: `<path as written>:LINE:COL: what is wrong; how to fix`.
//!
//! The macro turns each error into a `compile_error!`; `twerr table check` prints them all.

use core::ops::Range;
use std::io;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The table cannot be built as it is: the macro fails the build.
    Error,
    /// The table builds, but a person should look (e.g. a row written by
    /// `twerr table diff --write` still lists what it guessed in `review`).
    Warning,
}

/// One mistake found in the table: where (a byte range of the table text) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    /// The byte range of the table text the message is about.
    pub span: Range<usize>,
    /// What is wrong and how to fix it, one line.
    pub message: String,
    /// Whether the build fails on it.
    pub severity: Severity,
}

impl Diag {
    /// An error at `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::new(span, message)
        }
    }

    /// Whether the build fails on it.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The 1-based line and column (in characters) of a byte offset; offsets past the end or
/// inside a character are clamped, never a panic.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for (at, c) in text.char_indices() {
        if at >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    line_col(text, offset).0
}

/// The full message of a diagnostic: `name:LINE:COL: message`.
pub fn render(name: &str, text: &str, diag: &Diag) -> String {
    let (line, col) = line_col(text, diag.span.start);
    format!("{name}:{line}:{col}: {}", diag.message)
}

/// Why a file could not be read, worded the same on every platform (so messages, and the
/// tests of them, read the same everywhere).
pub fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::InvalidData => "the file is not valid UTF-8".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (1, 5));
        assert_eq!(line_col(text, 6), (2, 1));
        // `=` after the two-byte `é` is the fourth character of line 2.
        assert_eq!(line_col(text, 10), (2, 4));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let text = "é\nx";
        assert_eq!(line_col(text, 1), (1, 2));
        assert_eq!(line_col(text, 99), (2, 2));
    }

    #[test]
    fn render_prefixes_the_name_and_position() {
        let diag = Diag::new(6..8, "what is wrong; how to fix");
        assert_eq!(
            render("error-table.toml", "a = 1\nb = 2", &diag),
            "error-table.toml:2:1: what is wrong; how to fix"
        );
    }
}
