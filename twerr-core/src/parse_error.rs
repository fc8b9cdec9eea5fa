//! The error of `FromStr` for the table types.

use core::fmt;

/// The text given to [`Status::from_str`](crate::Status) or [`Code::from_str`](crate::Code)
/// is not a decimal number from 0 to 65535.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    kind: ParseErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParseErrorKind {
    Empty,
    InvalidDigit,
    TooLarge,
}

impl ParseError {
    /// Classifies why `text` is not a `u16`; `what` names the type ("status", "code").
    ///
    /// Public only for the code `twerr_macros::error_table!` generates, which also expands
    /// outside this crate (the macro's UI tests); not part of the API.
    #[doc(hidden)]
    pub fn new(what: &'static str, text: &str) -> Self {
        let kind = if text.is_empty() {
            ParseErrorKind::Empty
        } else if text.bytes().all(|b| b.is_ascii_digit()) {
            ParseErrorKind::TooLarge
        } else {
            ParseErrorKind::InvalidDigit
        };
        Self { what, kind }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            ParseErrorKind::Empty => "the text is empty",
            ParseErrorKind::InvalidDigit => "the text is not a decimal number",
            ParseErrorKind::TooLarge => "the number is larger than 65535",
        };
        write!(
            f,
            "invalid {}: {why}; expected a decimal number from 0 to 65535",
            self.what
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseError {}
