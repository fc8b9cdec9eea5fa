//! Rate-limit headers: the 15-minute window, the v2 24-hour windows, `Retry-After`, `Date`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 2006-01-01T00:00:00Z. Twitter did not exist before; an earlier epoch is a broken value (or a
/// count of seconds mistaken for an epoch), not a time to wait for.
pub(crate) const MIN_EPOCH: u64 = 1_136_073_600;
/// 9999-12-31T23:59:59Z, the last instant an HTTP date can name. Later values (an epoch in
/// milliseconds, say) are not times either.
pub(crate) const MAX_EPOCH: u64 = 253_402_300_799;
/// One year. A longer `Retry-After` in seconds is not advice anyone follows: it is an epoch
/// sent where seconds belong, or garbage.
const MAX_RETRY_AFTER_SECS: u64 = 365 * 24 * 60 * 60;

/// One rate-limit window: the ceiling, what is left, and when it resets.
///
/// Each field is `None` when its header was absent or malformed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Window {
    /// Requests allowed in the window (`...-limit`).
    pub limit: Option<u64>,
    /// Requests left in the window (`...-remaining`).
    pub remaining: Option<u64>,
    /// When the window resets (`...-reset`, sent as UTC epoch seconds).
    pub reset: Option<SystemTime>,
}

impl Window {
    /// Whether none of the three values is known.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset.is_none()
    }

    /// Whether the window is known to be used up (`remaining` is 0).
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// The value of a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryAfter {
    /// `Retry-After: 67`: how long to wait, counted from when the response was sent; at most
    /// a year (a longer value is not read).
    Delay(Duration),
    /// `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`: the instant.
    At(SystemTime),
}

/// What the rate-limit headers of a response said.
///
/// Header names are matched in any case: Twitter sent `X-Rate-Limit-Limit` before 2017-05-08
/// and `x-rate-limit-limit` since; v1's `X-RateLimit-*` is read too. A malformed value (not a
/// plain decimal number, a date that does not parse) or an absurd one (a reset or date before
/// 2006 or after 9999, a `Retry-After` of more than a year) leaves its field `None`; parsing
/// never fails.
///
/// There is one way in, [`from_headers`](Self::from_headers), and it says when a response had
/// no rate-limit headers at all (`None`); a `RateLimit` always holds at least one value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    // Eleven optional numbers, packed (`Option<u64>` would double the size of every response
    // that carries them): slot `3 * window + field` for the three windows, then Retry-After
    // and Date. Bit `i` of `present` says slot `i` is set; bit `AT` that Retry-After was a date.
    slots: [u64; 11],
    present: u16,
}

const RETRY_AFTER: usize = 9;
const DATE: usize = 10;
const AT: u16 = 1 << 11;

impl RateLimit {
    /// Reads the rate-limit headers from `(name, value)` pairs: a `&http::HeaderMap`, a
    /// `Vec<(String, String)>`, `[(&str, &[u8]); N]`, and so on. `None` when none of them is
    /// present with a valid value.
    ///
    /// When a header repeats, the last valid value wins.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use twerr_core::RateLimit;
    ///
    /// let limits = RateLimit::from_headers([
    ///     ("x-rate-limit-remaining", "0"),
    ///     ("x-rate-limit-reset", "1795557600"),
    /// ]);
    /// let reset = limits.and_then(|l| l.reset());
    /// assert_eq!(reset, Some(UNIX_EPOCH + Duration::from_secs(1_795_557_600)));
    /// assert_eq!(RateLimit::from_headers([("content-type", "text/plain")]), None);
    /// ```
    pub fn from_headers<I, K, V>(headers: I) -> Option<RateLimit>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut limits = RateLimit::EMPTY;
        for (name, value) in headers {
            limits.apply(name.as_ref(), value.as_ref());
        }
        (!limits.is_empty()).then_some(limits)
    }

    /// No value read yet; never handed out.
    const EMPTY: RateLimit = RateLimit {
        slots: [0; 11],
        present: 0,
    };

    /// Whether no header was read.
    fn is_empty(&self) -> bool {
        self.present == 0
    }

    fn get(&self, slot: usize) -> Option<u64> {
        let value = self.slots.get(slot).copied()?;
        (self.present & (1 << slot) != 0).then_some(value)
    }

    fn set(&mut self, slot: usize, value: Option<u64>) {
        if let (Some(value), Some(place)) = (value, self.slots.get_mut(slot)) {
            *place = value;
            self.present |= 1 << slot;
        }
    }

    /// Applies one header; unknown names and invalid values change nothing.
    fn apply(&mut self, name: &str, value: &[u8]) {
        let Some(first) = name.as_bytes().first() else {
            return;
        };
        if !matches!(first, b'x' | b'X' | b'r' | b'R' | b'd' | b'D') {
            return;
        }
        if name.eq_ignore_ascii_case("retry-after") {
            match retry_after(value) {
                Some(Raw::Seconds(secs)) => {
                    self.set(RETRY_AFTER, Some(secs));
                    self.present &= !AT;
                }
                Some(Raw::At(at)) => {
                    self.set(RETRY_AFTER, Some(at));
                    self.present |= AT;
                }
                None => {}
            }
        } else if name.eq_ignore_ascii_case("date") {
            self.set(DATE, http_date(value));
        } else if let Some((window, field)) = split_window(name) {
            let number = match field {
                Field::Reset => decimal(value).filter(|t| plausible_epoch(*t)),
                Field::Limit | Field::Remaining => decimal(value),
            };
            self.set(3 * window as usize + field as usize, number);
        }
    }

    fn window_at(&self, window: WindowName) -> Window {
        let base = 3 * window as usize;
        Window {
            limit: self.get(base + Field::Limit as usize),
            remaining: self.get(base + Field::Remaining as usize),
            reset: self.get(base + Field::Reset as usize).and_then(instant),
        }
    }

    /// `x-rate-limit-limit`: requests allowed in the 15-minute window.
    pub fn limit(&self) -> Option<u64> {
        self.window().limit
    }

    /// `x-rate-limit-remaining`: requests left in the 15-minute window.
    pub fn remaining(&self) -> Option<u64> {
        self.window().remaining
    }

    /// `x-rate-limit-reset`: when the 15-minute window resets.
    pub fn reset(&self) -> Option<SystemTime> {
        self.window().reset
    }

    /// The 15-minute window as a whole (`x-rate-limit-*`).
    pub fn window(&self) -> Window {
        self.window_at(WindowName::Fifteen)
    }

    /// The app's 24-hour window (`x-app-limit-24hour-*`, v2), when any of its headers was
    /// present.
    pub fn app_24h(&self) -> Option<Window> {
        Some(self.window_at(WindowName::App24h)).filter(|w| !w.is_empty())
    }

    /// The user's 24-hour window (`x-user-limit-24hour-*`, v2), when any of its headers was
    /// present.
    pub fn user_24h(&self) -> Option<Window> {
        Some(self.window_at(WindowName::User24h)).filter(|w| !w.is_empty())
    }

    /// `Retry-After`, in seconds or as an HTTP date.
    pub fn retry_after(&self) -> Option<RetryAfter> {
        let value = self.get(RETRY_AFTER)?;
        if self.present & AT != 0 {
            instant(value).map(RetryAfter::At)
        } else {
            Some(RetryAfter::Delay(Duration::from_secs(value)))
        }
    }

    /// `Date`: the server's clock when it answered. Comparing it with the local clock reveals
    /// the skew that makes OAuth 1.0a fail with code 135.
    pub fn date(&self) -> Option<SystemTime> {
        self.get(DATE).and_then(instant)
    }

    /// The reset that keeps the client waiting: the latest reset among the exhausted windows;
    /// failing that, the 15-minute window's reset when its `remaining` is unknown.
    pub(crate) fn binding_reset(&self) -> Option<SystemTime> {
        let windows = [WindowName::Fifteen, WindowName::App24h, WindowName::User24h]
            .map(|w| self.window_at(w));
        let exhausted = windows
            .iter()
            .filter(|w| w.is_exhausted())
            .filter_map(|w| w.reset)
            .max();
        let fifteen = self.window();
        exhausted.or_else(|| fifteen.reset.filter(|_| fifteen.remaining.is_none()))
    }
}

impl core::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RateLimit")
            .field("window", &self.window())
            .field("app_24h", &self.app_24h())
            .field("user_24h", &self.user_24h())
            .field("retry_after", &self.retry_after())
            .field("date", &self.date())
            .finish()
    }
}

#[derive(Clone, Copy)]
enum WindowName {
    Fifteen = 0,
    App24h = 1,
    User24h = 2,
}

#[derive(Clone, Copy)]
enum Field {
    Limit = 0,
    Remaining = 1,
    Reset = 2,
}

/// Which window and field a header name (any case) is.
fn split_window(name: &str) -> Option<(WindowName, Field)> {
    const PREFIXES: [(&str, WindowName); 4] = [
        ("x-rate-limit-", WindowName::Fifteen),
        ("x-ratelimit-", WindowName::Fifteen),
        ("x-app-limit-24hour-", WindowName::App24h),
        ("x-user-limit-24hour-", WindowName::User24h),
    ];
    let (window, field) = PREFIXES.iter().find_map(|(prefix, window)| {
        let head = name.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| (*window, name.get(prefix.len()..).unwrap_or_default()))
    })?;
    let field = [
        ("limit", Field::Limit),
        ("remaining", Field::Remaining),
        ("reset", Field::Reset),
    ]
    .into_iter()
    .find_map(|(suffix, kind)| field.eq_ignore_ascii_case(suffix).then_some(kind))?;
    Some((window, field))
}

/// A plain decimal number (surrounding blanks allowed; no sign, fraction or exponent).
fn decimal(value: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(value).ok()?.trim_matches([' ', '\t']);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The instant `secs` after the epoch (`None` only where `SystemTime` cannot hold it).
fn instant(secs: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn plausible_epoch(secs: u64) -> bool {
    (MIN_EPOCH..=MAX_EPOCH).contains(&secs)
}

/// An HTTP date (IMF-fixdate, RFC 850 or asctime) as plausible epoch seconds.
fn http_date(value: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(value).ok()?.trim_matches([' ', '\t']);
    let time = httpdate::parse_http_date(text).ok()?;
    let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    plausible_epoch(secs).then_some(secs)
}

/// A `Retry-After` value as stored: seconds, or an instant as epoch seconds.
enum Raw {
    Seconds(u64),
    At(u64),
}

fn retry_after(value: &[u8]) -> Option<Raw> {
    match decimal(value) {
        Some(secs) => (secs <= MAX_RETRY_AFTER_SECS).then_some(Raw::Seconds(secs)),
        None => http_date(value).map(Raw::At),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_case_and_both_spellings() {
        let limits = RateLimit::from_headers([
            ("X-Rate-Limit-Limit", "15"),
            ("x-ratelimit-remaining", "14"),
            ("X-RATE-LIMIT-RESET", "1619190978"),
        ]);
        let limits = limits.unwrap_or(RateLimit::EMPTY);
        assert_eq!(
            (limits.limit(), limits.remaining(), limits.reset()),
            (Some(15), Some(14), instant(1619190978))
        );
        assert_eq!(limits.app_24h(), None);
    }

    #[test]
    fn binding_reset_prefers_exhausted_windows() {
        let mut limits = RateLimit::EMPTY;
        limits.apply("x-rate-limit-remaining", b"3");
        limits.apply("x-rate-limit-reset", b"1700000900");
        assert_eq!(limits.binding_reset(), None);
        limits.apply("x-app-limit-24hour-remaining", b"0");
        limits.apply("x-app-limit-24hour-reset", b"1700050000");
        assert_eq!(limits.binding_reset(), instant(1700050000));
        let mut unknown = RateLimit::EMPTY;
        unknown.apply("x-rate-limit-reset", b"1700000900");
        assert_eq!(unknown.binding_reset(), instant(1700000900));
    }
}
