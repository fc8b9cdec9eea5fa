//! Small text helpers shared by `explain` and `classify`.

use std::fmt::Write as _;

use twerr_core::{Reach, Retry};

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

/// What else fails, in words, and what twerr does about it: the `Reach` line of
/// `twerr explain`.
pub fn reach_words(reach: Reach, writes_only: bool) -> String {
    let requests = if writes_only {
        "writing request (POST, PUT, DELETE)"
    } else {
        "request"
    };
    let reads = if writes_only {
        "; reads still work"
    } else {
        ""
    };
    let probe = "twerr stops sending there and lets one probe through now and then, lifting the \
                 block as soon as one succeeds";
    match reach {
        Reach::Request => "request: this request only; other requests are not affected".to_owned(),
        Reach::Window => {
            "window: the endpoint's rate-limit window for this credential; twerr waits for \
                          its reset before sending there again; other endpoints and credentials \
                          go on"
                .to_owned()
        }
        Reach::Credential => format!(
            "credential: every {requests} made with the same credential fails too, on any \
             endpoint{reads}; {probe}; other credentials go on"
        ),
        Reach::App => format!(
            "app: every {requests} of the app or account fails too, whatever the \
             credential{reads}; {probe}"
        ),
        // A reach added later: say what is known.
        other => format!("{other}"),
    }
}

/// Retry advice in words for a row whose reach blocks: what a person must do, derived from
/// the reach. `None` when the reach does not block (then [`retry_words`] says it).
pub fn blocked_retry_words(
    retry: Option<Retry>,
    reach: Option<Reach>,
    writes_only: bool,
) -> Option<String> {
    if retry != Some(Retry::Never) {
        return None;
    }
    let words = match (reach?, writes_only) {
        (Reach::Credential, false) => {
            "never by itself: the credential or its account must be fixed first (a new token, \
             an unlocked or reinstated account)"
        }
        (Reach::Credential, true) => {
            "never by itself: this credential may write again only once its user's limit or \
             restriction ends; reads still work"
        }
        (Reach::App, false) => {
            "never by itself: the account must be fixed first (top up its credits, raise its \
             spend cap) or the usage period must end"
        }
        (Reach::App, true) => {
            "never by itself: the app must be allowed to write again first (its permissions or \
             access level); reads still work"
        }
        _ => return None,
    };
    Some(words.to_owned())
}

/// Text from a response or the table, safe to print on a terminal: the characters
/// [`twerr_core::escape::is_escaped`] names (controls, escape sequences, line and paragraph
/// separators, bidi overrides) are shown escaped as the library's `Display` shows them, and
/// long text is cut at `max` characters.
pub fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if twerr_core::escape::is_escaped(c) {
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
        // Line breaks a terminal or a log reader honours, and reordering marks.
        assert_eq!(
            clean("a\u{2028}b\u{85}c\u{b}d\u{c}e\u{202e}f", 100),
            r"a\u{2028}b\u{85}c\u{b}d\u{c}e\u{202e}f"
        );
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
