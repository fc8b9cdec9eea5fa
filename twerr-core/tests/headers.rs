//! Rate-limit headers (including malformed ones), retry delays at fixed times, the log line.

use std::time::Duration;

use twerr_core::{Code, ErrorResponse, RateLimit, Retry, RetryAfter, Status, Window};

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
        (Some(900), Some(0), Some(RESET))
    );
    let app = l.app_24h().expect("app window");
    assert_eq!(
        (app.limit, app.remaining, app.reset),
        (Some(10000), Some(9999), Some(1_795_600_000))
    );
    let user = l.user_24h().expect("user window");
    assert_eq!(
        (user.limit, user.remaining, user.reset),
        (Some(17), None, None)
    );
    assert_eq!(l.retry_after(), Some(RetryAfter::Seconds(120)));
    assert_eq!(l.date(), Some(NOW));
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
            expected.map(RetryAfter::Seconds),
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
        Some(RetryAfter::Seconds(60))
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
        assert_eq!(l.retry_after(), Some(RetryAfter::At(RESET)), "{date}");
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

fn rate_limited(headers: &[(&str, &str)]) -> ErrorResponse {
    ErrorResponse::from_parts(
        429u16,
        headers.iter().copied(),
        br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
    )
}

#[test]
fn after_reset_waits_for_the_reset_plus_a_second() {
    assert_eq!(
        Code::from_u16(88).retry(),
        Some(Retry::AfterReset),
        "table fact this test relies on"
    );
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(601)));
    assert_eq!(
        r.retry_delay(7, NOW),
        Some(Duration::from_secs(601)),
        "attempt does not matter"
    );
    assert_eq!(
        r.retry_delay(0, RESET + 3600),
        Some(Duration::from_secs(1)),
        "reset already passed"
    );
}

#[test]
fn after_reset_takes_the_latest_of_reset_and_retry_after() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
        ("retry-after", "900"),
    ]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(901)));
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
        ("retry-after", "60"),
    ]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(601)));
}

#[test]
fn after_reset_uses_the_exhausted_24_hour_window() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "10"),
        ("x-rate-limit-reset", "1795557600"),
        ("x-app-limit-24hour-remaining", "0"),
        ("x-app-limit-24hour-reset", "1795600000"),
    ]);
    assert_eq!(
        r.retry_delay(0, NOW),
        Some(Duration::from_secs(1_795_600_000 - NOW + 1))
    );
}

#[test]
fn after_reset_without_headers_waits_fifteen_minutes() {
    assert_eq!(
        rate_limited(&[]).retry_delay(0, NOW),
        Some(Duration::from_secs(900))
    );
    // A window with requests left is not what stopped us (a usage cap, say).
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "39999"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(900)));
}

#[test]
fn after_reset_never_waits_past_a_day() {
    let r = rate_limited(&[("retry-after", "31536000")]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(86_400)));
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "253402300799"),
    ]);
    assert_eq!(r.retry_delay(0, NOW), Some(Duration::from_secs(86_400)));
}

#[test]
fn date_header_corrects_a_skewed_clock() {
    // The local clock is an hour fast; the server says it is 21:50.
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
        ("date", "Tue, 24 Nov 2026 21:50:00 GMT"),
    ]);
    assert_eq!(r.retry_delay(0, NOW + 3600), Some(Duration::from_secs(601)));
}

#[test]
fn backoff_doubles_from_five_seconds_to_320() {
    assert_eq!(
        Code::from_u16(130).retry(),
        Some(Retry::Backoff),
        "table fact this test relies on"
    );
    let r = ErrorResponse::parse(
        503u16,
        br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#,
    );
    let delays: Vec<u64> = (0..9)
        .filter_map(|a| r.retry_delay(a, NOW))
        .map(|d| d.as_secs())
        .collect();
    assert_eq!(delays, [5, 10, 20, 40, 80, 160, 320, 320, 320]);
    assert_eq!(r.retry_delay(u32::MAX, NOW), Some(Duration::from_secs(320)));
}

#[test]
fn never_and_success_have_no_delay() {
    let r = ErrorResponse::parse(
        403u16,
        br#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#,
    );
    assert_eq!(r.retry(), Code::from_u16(187).retry());
    assert_eq!(r.retry_delay(0, NOW), None);
    let ok = ErrorResponse::parse(200u16, br#"{"data":{}}"#);
    assert_eq!(ok.retry_delay(0, NOW), None);
}

#[test]
fn log_line() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    assert_eq!(
        r.to_string(),
        format!(
            "{}: 88 Rate limit exceeded; retry after 2026-11-24T22:00:00Z",
            Status::from_u16(429)
        )
    );
    let r = rate_limited(&[("retry-after", "30")]);
    assert!(r.to_string().ends_with("; retry after 30 s"), "{r}");
    let r = rate_limited(&[
        ("retry-after", "30"),
        ("date", "Tue, 24 Nov 2026 21:59:30 GMT"),
    ]);
    assert!(
        r.to_string()
            .ends_with("; retry after 2026-11-24T22:00:00Z"),
        "{r}"
    );
    assert!(
        rate_limited(&[])
            .to_string()
            .ends_with("; retry after the rate-limit window resets")
    );
    let r = ErrorResponse::parse(503u16, b"");
    assert_eq!(r.retry(), Status::from_u16(503).retry());
    if r.retry() == Some(Retry::Backoff) {
        assert_eq!(
            r.to_string(),
            format!("{}; retry with backoff", Status::from_u16(503))
        );
    }
    let err: Box<dyn std::error::Error> = Box::new(r);
    assert!(err.to_string().starts_with("503"));
}
