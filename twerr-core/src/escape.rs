//! Text from a response, made safe to print: one line, no terminal control.
//!
//! A response body is written by whoever answered (the API, a proxy, an attacker in between),
//! and its text ends up in log lines and terminals. Everything twerr prints from a body goes
//! through [`escaped`]: the characters that break a line, move the cursor, drive a terminal or
//! reorder the text shown are written as Rust escapes (`\n`, `\u{1b}`, `\u{202e}`), so a log
//! line stays one line and reads as what it holds. A backslash is left as it is: the output is
//! for reading, not for unescaping.

use core::fmt;

/// Whether `c` is escaped when twerr prints text from a response:
///
/// - every control character (C0, DEL and C1: tab, line feed, carriage return, vertical tab,
///   form feed, ESC, U+0085 next line, ...);
/// - the Unicode line and paragraph separators U+2028 and U+2029;
/// - the bidirectional formatting characters, which reorder what a terminal shows (the
///   embeddings and overrides U+202A to U+202E, the isolates U+2066 to U+2069, the marks
///   U+200E, U+200F and U+061C).
pub const fn is_escaped(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// `text` for printing: the characters [`is_escaped`] names written as Rust escapes, the rest
/// as it is.
///
/// ```
/// let shown = twerr_core::escape::escaped("a\u{1b}[2Jb\u{2028}c\td\u{202e}e").to_string();
/// assert_eq!(shown, r"a\u{1b}[2Jb\u{2028}c\td\u{202e}e");
/// ```
pub fn escaped(text: &str) -> impl fmt::Display + '_ {
    Escaped(text)
}

struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0)
    }
}

/// Writes `text` escaped, in runs: most text has nothing to escape.
pub(crate) fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_escaped(c)) {
        f.write_str(rest.get(..at).unwrap_or_default())?;
        match c {
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "\\u{{{:x}}}", u32::from(c))?,
        }
        rest = rest.get(at + c.len_utf8()..).unwrap_or_default();
    }
    f.write_str(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_break_and_terminal_control_is_escaped() {
        for c in [
            '\n', '\r', '\u{b}', '\u{c}', '\u{1b}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202e}',
            '\u{2067}', '\u{7f}',
        ] {
            let shown = escaped(&format!("a{c}b")).to_string();
            assert!(
                shown.is_ascii() && shown.starts_with("a\\") && shown.ends_with('b'),
                "{c:?}: {shown}"
            );
        }
        assert_eq!(escaped("plain é ✓").to_string(), "plain é ✓");
    }
}
