//! UTC timestamps for log lines, computed from epoch seconds (no date-time dependency, no
//! `std`).

use core::fmt;

/// A moment as UTC epoch seconds, displayed in RFC 3339 form: `2026-11-24T22:00:00Z`.
///
/// This is the form the log line of `ErrorResponse` (feature `std`) uses for a reset
/// ([`from_system_time`](Self::from_system_time) converts one):
/// computed from the number alone, in the proleptic Gregorian calendar without leap seconds,
/// so it needs neither `std` nor a date-time crate. Years past 9999 are written with more
/// digits.
///
/// ```
/// use twerr_core::UnixTime;
///
/// assert_eq!(UnixTime(1_795_557_600).to_string(), "2026-11-24T22:00:00Z");
/// assert_eq!(UnixTime(0).to_string(), "1970-01-01T00:00:00Z");
/// // Ordered as the numbers are.
/// assert!(UnixTime(0) < UnixTime(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

#[cfg(feature = "std")]
impl UnixTime {
    /// The whole seconds from the epoch to `time` (a fraction is dropped); `None` for an
    /// instant before 1970. This is how a [`SystemTime`](std::time::SystemTime) of this crate's
    /// API (a rate-limit reset, a `Date` header) is shown in RFC 3339 form.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use twerr_core::UnixTime;
    ///
    /// let reset = UNIX_EPOCH + Duration::from_millis(1_795_557_600_500);
    /// let shown = UnixTime::from_system_time(reset).map(|t| t.to_string());
    /// assert_eq!(shown.as_deref(), Some("2026-11-24T22:00:00Z"));
    /// ```
    pub fn from_system_time(time: std::time::SystemTime) -> Option<UnixTime> {
        let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(UnixTime(since.as_secs()))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0 / 86_400;
        let secs = self.0 % 86_400;
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// restricted to dates from 1970 on, so all arithmetic is unsigned).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, the start of a 400-year era, so leap days end each year.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1st, 0..=365
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The days from 1970-01-01 to the proleptic Gregorian date `year-month-day` (Howard
/// Hinnant's `days_from_civil`, the inverse of [`civil_from_days`]); `None` for a date that
/// does not exist or lies before 1970.
#[cfg(feature = "std")]
pub(crate) fn days_from_civil(year: u32, month: u32, day: u32) -> Option<u64> {
    let (year, month, day) = (u64::from(year), u64::from(month), u64::from(day));
    if year < 1970 || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y % 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    // A day past the month's end (February 30th) names another date: refuse it.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

#[cfg(test)]
mod tests {
    // The crate may be `no_std`; the tests format into strings.
    extern crate std;
    use std::string::ToString;

    use super::UnixTime;

    #[test]
    fn known_instants() {
        assert_eq!(UnixTime(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(UnixTime(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(UnixTime(1_619_190_978).to_string(), "2021-04-23T15:16:18Z");
        assert_eq!(UnixTime(1_795_557_600).to_string(), "2026-11-24T22:00:00Z");
        assert_eq!(UnixTime(4_107_542_399).to_string(), "2100-02-28T23:59:59Z");
        assert_eq!(UnixTime(4_107_542_400).to_string(), "2100-03-01T00:00:00Z");
        assert_eq!(
            UnixTime(253_402_300_799).to_string(),
            "9999-12-31T23:59:59Z"
        );
    }

    #[test]
    fn the_largest_moment_does_not_overflow() {
        assert_eq!(
            UnixTime(u64::MAX).to_string(),
            "584554051223-11-09T07:00:15Z"
        );
    }

    #[cfg(feature = "std")]
    #[test]
    fn agrees_with_httpdate_every_day_for_a_century() {
        for day in 0..36_525u64 {
            let secs = day * 86_400 + 45_296;
            let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            let http = httpdate::fmt_http_date(time); // "Sun, 06 Nov 1994 08:49:37 GMT"
            let ours = UnixTime(secs).to_string();
            let months = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let (y, rest) = ours.split_at(4);
            let month = rest
                .get(1..3)
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(0);
            let d = rest.get(4..6).unwrap_or("");
            let expected = format!(
                "{d} {} {y} 12:34:56",
                months.get(month.wrapping_sub(1)).unwrap_or(&"?")
            );
            assert!(http.contains(&expected), "{http} vs {ours}");
        }
    }
}
