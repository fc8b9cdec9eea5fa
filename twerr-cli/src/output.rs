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
        Some(other) => other.as_str().to_owned(),
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

/// A Unix time as an RFC 3339 UTC timestamp, `2024-01-16T16:00:00Z`.
pub fn timestamp(unix: u64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`,
/// for non-negative day counts).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
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
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_705_420_800), "2024-01-16T16:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_326_548_979), "2012-01-14T13:49:39Z");
        // The far future must not overflow or panic.
        assert_eq!(
            timestamp(u64::MAX).len(),
            "584554051223-11-09T07:00:15Z".len()
        );
    }

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
