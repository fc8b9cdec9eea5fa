//! Rate-limit headers, including malformed and absurd ones.
#![cfg(feature = "std")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twerr_core::{RateLimit, RetryAfter, Window};

/// The instant `secs` after the epoch.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// 2026-11-24T21:50:00Z.
const NOW: u64 = 1_795_557_000;
/// 2026-11-24T22:00:00Z.
const RESET: u64 = 1_795_557_600;

fn limits(headers: &[(&str, &str)]) -> Option<RateLimit> {
    RateLimit::from_headers(headers.iter().copied())
}

#[test]
fn reads_every_header_in_any_case() {
    let l = limits(&[
        ("x-rate-limit-limit", "900"),
        ("X-Rate-Limit-Remaining", "0"),
        ("X-RATE-LIMIT-RESET", "1795557600"),
        ("x-app-limit-24hour-limit", "10000"),
        ("x-app-limit-24hour-remaining", "9999"),
        ("x-app-limit-24hour-reset", "1795600000"),
        ("X-User-Limit-24hour-Limit", "17"),
        ("Retry-After", "120"),
        ("Date", "Tue, 24 Nov 2026 21:50:00 GMT"),
        ("content-type", "application/json"),
    ])
    .expect("rate limits");
    assert_eq!(
        (l.limit(), l.remaining(), l.reset()),
        (Some(900), Some(0), Some(at(RESET)))
    );
    let app = l.app_24h().expect("app window");
    assert_eq!(
        (app.limit, app.remaining, app.reset),
        (Some(10000), Some(9999), Some(at(1_795_600_000)))
    );
    let user = l.user_24h().expect("user window");
    assert_eq!(
        (user.limit, user.remaining, user.reset),
        (Some(17), None, None)
    );
    assert_eq!(
        l.retry_after(),
        Some(RetryAfter::Delay(Duration::from_secs(120)))
    );
    assert_eq!(l.date(), Some(at(NOW)));
}

#[test]
fn values_as_bytes_and_strings() {
    let owned: Vec<(String, Vec<u8>)> = vec![("x-rate-limit-limit".into(), b" 15\t".to_vec())];
    assert_eq!(
        RateLimit::from_headers(owned).and_then(|l| l.limit()),
        Some(15)
    );
}

#[test]
fn malformed_and_absurd_values_are_none() {
    for bad in [
        "",
        " ",
        "-1",
        "+5",
        "1.5",
        "1e3",
        "0x10",
        "ten",
        "18446744073709551616",
        "15 15",
        "\u{661}",
    ] {
        assert_eq!(
            limits(&[("x-rate-limit-limit", bad)]),
            None,
            "limit {bad:?}"
        );
        assert_eq!(limits(&[("retry-after", bad)]), None, "retry-after {bad:?}");
    }
    // Epochs before 2006 or after 9999 (milliseconds, say) are not resets.
    for bad in ["900", "0", "1795557600000", "253402300800"] {
        assert_eq!(
            limits(&[("x-rate-limit-reset", bad)]),
            None,
            "reset {bad:?}"
        );
    }
    for bad in [
        "yesterday",
        "Tue, 24 Nov 2026 25:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ] {
        assert_eq!(limits(&[("date", bad)]), None, "date {bad:?}");
        assert_eq!(limits(&[("retry-after", bad)]), None, "retry-after {bad:?}");
    }
    let invalid_utf8: [(&str, &[u8]); 1] = [("x-rate-limit-limit", b"\xFF15")];
    assert_eq!(RateLimit::from_headers(invalid_utf8), None);
    // A bad value does not erase a good one.
    let l = limits(&[
        ("x-rate-limit-remaining", "3"),
        ("x-rate-limit-remaining", "lots"),
    ]);
    assert_eq!(l.and_then(|l| l.remaining()), Some(3));
}

#[test]
fn retry_after_seconds_past_a_year_are_absurd() {
    const YEAR: u64 = 365 * 24 * 60 * 60;
    for (value, expected) in [
        ("0", Some(0)),
        ("120", Some(120)),
        ("31536000", Some(YEAR)),
        ("31536001", None),
        // An epoch sent where seconds belong.
        ("1795557600", None),
        ("18446744073709551615", None),
    ] {
        let l = limits(&[("retry-after", value)]);
        assert_eq!(
            l.and_then(|l| l.retry_after()),
            expected.map(|secs| RetryAfter::Delay(Duration::from_secs(secs))),
            "retry-after {value:?}"
        );
    }
    // An absurd value does not erase a good one.
    let l = limits(&[
        ("retry-after", "60"),
        ("retry-after", "18446744073709551615"),
    ]);
    assert_eq!(
        l.and_then(|l| l.retry_after()),
        Some(RetryAfter::Delay(Duration::from_secs(60)))
    );
}

#[test]
fn retry_after_as_an_http_date() {
    for date in [
        "Tue, 24 Nov 2026 22:00:00 GMT",
        "Tuesday, 24-Nov-26 22:00:00 GMT",
        "Tue Nov 24 22:00:00 2026",
    ] {
        let l = limits(&[("Retry-After", date)]).expect("retry-after");
        assert_eq!(l.retry_after(), Some(RetryAfter::At(at(RESET))), "{date}");
    }
}

#[test]
fn nothing_relevant_is_none() {
    assert_eq!(limits(&[]), None);
    assert_eq!(
        limits(&[
            ("x-rate-limit-class", "api"),
            ("x-rate-limit-", "1"),
            ("x", "1")
        ]),
        None
    );
    assert!(!Window::default().is_exhausted() && Window::default().is_empty());
}
