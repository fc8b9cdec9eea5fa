//! Table mistakes as compiler errors: `<path as written>:LINE:COL: what is wrong; how to fix`.

use core::ops::Range;

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// One mistake found in the table: where (a byte range of the table text) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub span: Range<usize>,
    pub message: String,
}

impl Diag {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
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

/// One `compile_error!` per message, all pointing at the macro's argument.
pub fn compile_errors<I>(messages: I, span: Span) -> TokenStream
where
    I: IntoIterator<Item = String>,
{
    messages
        .into_iter()
        .map(|message| quote_spanned! {span=> ::core::compile_error! { #message } })
        .collect()
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
