//! Small text helpers shared by `explain` and `classify`.

use std::fmt::Write as _;

use twerr_core::Retry;

/// Width of the label column in `explain` and `classify` output.
const LABEL: usize = 10;

/// Lines of `Label     value`, the value's continuation lines indented to match.
#[derive(Default)]
pub struct Lines(String);

impl Lines {
    /// A line with no label (a heading).
    pub fn plain(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    /// A labelled line.
    pub fn field(&mut self, label: &str, value: &str) {
        let _ = writeln!(self.0, "{label:<LABEL$} {value}");
    }

    /// A continuation of the previous field.
    pub fn more(&mut self, value: &str) {
        let _ = writeln!(self.0, "{:<LABEL$} {value}", "");
    }

    /// The text.
    pub fn finish(self) -> String {
        self.0
    }
}

/// Retry advice in words. `None` means the value itself does not decide (`unset` says why).
pub fn retry_words(retry: Option<Retry>, unset: &'static str) -> String {
    match retry {
        Some(Retry::Never) => "never: the same request fails the same way; fix the request, \
                               the credentials or the account first"
            .to_owned(),
        Some(Retry::Backoff) => "with backoff: transient server trouble; retry with exponential \
                                 backoff, and only requests that are safe to repeat"
            .to_owned(),
        Some(Retry::AfterReset) => "after the reset: rate limited; wait until the window resets \
                                    (x-rate-limit-reset, Retry-After), then retry"
            .to_owned(),
        None => unset.to_owned(),
    }
}

/// Text from a response or the table, safe to print on a terminal: control characters
/// (escape sequences included) are shown escaped, long text is cut at `max` characters.
pub fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A wait in seconds, with minutes and hours spelled out when it is long.
pub fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{secs} s ({} min {} s)", secs / 60, secs % 60),
        _ => format!("{secs} s ({} h {} min)", secs / 3600, secs / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(5), "5 s");
        assert_eq!(duration(901), "901 s (15 min 1 s)");
        assert_eq!(duration(86_400), "86400 s (24 h 0 min)");
    }

    #[test]
    fn clean_escapes_controls_and_cuts() {
        assert_eq!(clean("a\u{1b}[31mb\nc", 100), "a\\u{1b}[31mb\\nc");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("abc", 3), "abc");
    }

    #[test]
    fn lines_align_labels() {
        let mut lines = Lines::default();
        lines.plain("Code 88");
        lines.field("HTTP", "429");
        lines.more("next");
        assert_eq!(lines.finish(), "Code 88\nHTTP       429\n           next\n");
    }
}
