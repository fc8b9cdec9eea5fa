//! The error of `FromStr` for the numbered table types.

use core::fmt;

/// The text given to `str::parse::<Status>()` or `str::parse::<Code>()` is not a decimal
/// number from 0 to 65535 (ASCII digits only: no sign, no spaces).
///
/// ```
/// use twerr_core::Code;
///
/// let error = "eighty-eight".parse::<Code>().unwrap_err();
/// assert_eq!(error.to_string(), "invalid code: the text is not a decimal number; expected a decimal number from 0 to 65535");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNumberError {
    what: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    InvalidDigit,
    TooLarge,
}

impl ParseNumberError {
    /// Reads `text` as a `u16`, or says why it is not one; `what` names the type ("status",
    /// "code").
    ///
    /// Public only for the code `twerr_macros::error_table!` generates, which also expands
    /// outside this crate (the macro's UI tests); not part of the API.
    #[doc(hidden)]
    pub fn check(what: &'static str, text: &str) -> Result<u16, Self> {
        let kind = if text.is_empty() {
            Kind::Empty
        } else if !text.bytes().all(|b| b.is_ascii_digit()) {
            Kind::InvalidDigit
        } else {
            match text.parse::<u16>() {
                Ok(n) => return Ok(n),
                Err(_) => Kind::TooLarge,
            }
        };
        Err(Self { what, kind })
    }
}

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            Kind::Empty => "the text is empty",
            Kind::InvalidDigit => "the text is not a decimal number",
            Kind::TooLarge => "the number is larger than 65535",
        };
        write!(
            f,
            "invalid {}: {why}; expected a decimal number from 0 to 65535",
            self.what
        )
    }
}

impl core::error::Error for ParseNumberError {}
