//! The `http` crate interop (feature `http`).
#![cfg(feature = "http")]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, Response, StatusCode};
use twerr_core::{ErrorResponse, RateLimit, Status};

#[test]
fn status_codes_convert_both_ways() {
    for n in 100..=999u16 {
        let Ok(code) = StatusCode::from_u16(n) else {
            continue;
        };
        let status = Status::from(code);
        assert_eq!(status.as_u16(), n);
        assert_eq!(StatusCode::try_from(status).ok(), Some(code));
    }
    for n in [0u16, 99, 1000, 65535] {
        assert!(StatusCode::try_from(Status::from_u16(n)).is_err(), "{n}");
    }
}

#[test]
fn response_with_headers_and_body() {
    let response = Response::builder()
        .status(429)
        .header("x-rate-limit-remaining", "0")
        .header("x-rate-limit-reset", "1795557600")
        .body(br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#.to_vec())
        .unwrap_or_default();
    let r = ErrorResponse::from_http(&response);
    assert_eq!(r.status(), Status::from_u16(429));
    assert_eq!(
        r.errors()
            .first()
            .and_then(|e| e.code())
            .map(|c| c.as_u16()),
        Some(88)
    );
    assert_eq!(
        r.rate_limit().and_then(RateLimit::reset),
        Some(UNIX_EPOCH + Duration::from_secs(1_795_557_600))
    );

    let text = Response::builder()
        .status(502)
        .body("Bad gateway")
        .unwrap_or_default();
    assert_eq!(
        ErrorResponse::from_http(&text).raw_body(),
        Some("Bad gateway")
    );
}

#[test]
fn header_map() {
    let mut map = HeaderMap::new();
    map.insert("X-Rate-Limit-Limit", HeaderValue::from_static("15"));
    map.insert(
        "retry-after",
        HeaderValue::from_bytes(b"\xFF").unwrap_or(HeaderValue::from_static("x")),
    );
    let limits = RateLimit::from_headers(&map);
    assert_eq!(
        limits.map(|l| (l.limit(), l.retry_after())),
        Some((Some(15), None))
    );
    // No rate-limit headers is visible: `None`, not a value with nothing in it.
    assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    let mut unrelated = HeaderMap::new();
    unrelated.insert("content-type", HeaderValue::from_static("application/json"));
    assert_eq!(RateLimit::from_headers(&unrelated), None);
}
