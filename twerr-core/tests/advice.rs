//! Retry advice from real-shaped responses at fixed times: delays, and the advice in `{:#}`.
#![cfg(feature = "std")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twerr_core::{Code, ErrorResponse, Retry, Status};

/// The instant `secs` after the epoch.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// 2026-11-24T21:50:00Z.
const NOW: u64 = 1_795_557_000;
/// 2026-11-24T22:00:00Z.
const RESET: u64 = 1_795_557_600;

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
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(601)));
    assert_eq!(
        r.retry_delay(7, at(NOW)),
        Some(Duration::from_secs(601)),
        "attempt does not matter"
    );
    assert_eq!(
        r.retry_delay(0, at(RESET + 3600)),
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
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(901)));
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
        ("retry-after", "60"),
    ]);
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(601)));
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
        r.retry_delay(0, at(NOW)),
        Some(Duration::from_secs(1_795_600_000 - NOW + 1))
    );
}

#[test]
fn after_reset_without_headers_waits_fifteen_minutes() {
    assert_eq!(
        rate_limited(&[]).retry_delay(0, at(NOW)),
        Some(Duration::from_secs(900))
    );
    // A window with requests left is not what stopped us (a usage cap, say).
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "39999"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(900)));
}

#[test]
fn after_reset_never_waits_past_a_day() {
    let r = rate_limited(&[("retry-after", "31536000")]);
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(86_400)));
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "253402300799"),
    ]);
    assert_eq!(r.retry_delay(0, at(NOW)), Some(Duration::from_secs(86_400)));
}

#[test]
fn date_header_corrects_a_skewed_clock() {
    // The local clock is an hour fast; the server says it is 21:50.
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
        ("date", "Tue, 24 Nov 2026 21:50:00 GMT"),
    ]);
    assert_eq!(
        r.retry_delay(0, at(NOW + 3600)),
        Some(Duration::from_secs(601))
    );
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
        .filter_map(|a| r.retry_delay(a, at(NOW)))
        .map(|d| d.as_secs())
        .collect();
    assert_eq!(delays, [5, 10, 20, 40, 80, 160, 320, 320, 320]);
    assert_eq!(
        r.retry_delay(u32::MAX, at(NOW)),
        Some(Duration::from_secs(320))
    );
}

#[test]
fn never_and_success_have_no_delay() {
    let r = ErrorResponse::parse(
        403u16,
        br#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#,
    );
    assert_eq!(r.retry(), Code::from_u16(187).retry());
    assert_eq!(r.retry_delay(0, at(NOW)), None);
    let ok = ErrorResponse::parse(200u16, br#"{"data":{}}"#);
    assert_eq!(ok.retry_delay(0, at(NOW)), None);
}

#[test]
fn after_reset_counts_fractions_of_a_second() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    let now = at(NOW) + Duration::from_millis(250);
    assert_eq!(r.retry_delay(0, now), Some(Duration::from_millis(600_750)));
    // A clock before 1970 (or before any reset) waits for the whole window, capped at a day.
    assert_eq!(
        r.retry_delay(0, UNIX_EPOCH),
        Some(Duration::from_secs(86_400))
    );
}

#[test]
fn plain_display_is_the_failure_and_alternate_adds_the_advice() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
    ]);
    let failure = format!("{}: 88 Rate limit exceeded", Status::from_u16(429));
    assert_eq!(r.to_string(), failure);
    assert_eq!(
        format!("{r:#}"),
        format!("{failure}; retry after 2026-11-24T22:00:00Z")
    );
    let r = rate_limited(&[("retry-after", "30")]);
    assert_eq!(format!("{r:#}"), format!("{failure}; retry after 30 s"));
    let r = rate_limited(&[
        ("retry-after", "30"),
        ("date", "Tue, 24 Nov 2026 21:59:30 GMT"),
    ]);
    assert_eq!(
        format!("{r:#}"),
        format!("{failure}; retry after 2026-11-24T22:00:00Z")
    );
    assert_eq!(
        format!("{:#}", rate_limited(&[])),
        format!("{failure}; retry after the rate-limit window resets")
    );
    // In an error chain the response reads like any other error: no advice.
    let err: Box<dyn std::error::Error + Send + Sync> = Box::new(rate_limited(&[]));
    assert_eq!(err.to_string(), failure);
}

#[test]
fn alternate_display_of_backoff_and_never() {
    let r = ErrorResponse::parse(503u16, b"");
    assert_eq!(r.retry(), Status::from_u16(503).retry());
    let status = Status::from_u16(503).to_string();
    assert_eq!(r.to_string(), status);
    match r.retry() {
        Some(Retry::Backoff) => {
            assert_eq!(format!("{r:#}"), format!("{status}; retry with backoff"))
        }
        _ => assert_eq!(format!("{r:#}"), status),
    }
    let duplicate = ErrorResponse::parse(
        403u16,
        br#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#,
    );
    assert_eq!(
        duplicate.retry(),
        Some(Retry::Never),
        "table fact this test relies on"
    );
    assert_eq!(format!("{duplicate:#}"), duplicate.to_string());
    // A success has no advice either.
    let ok = ErrorResponse::parse(200u16, br#"{"data":{}}"#);
    assert_eq!(format!("{ok:#}"), ok.to_string());
}
