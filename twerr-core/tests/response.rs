//! What the type promises beyond parsing: its size, thread safety, `check`, `all_errors` and
//! the one-line `Display` of an error.
#![cfg(feature = "std")]

mod common;

use std::mem::size_of;

use common::{entries, entry};
use twerr_core::{ApiError, ErrorResponse};

/// No header at all.
const NONE: [(&str, &str); 0] = [];

#[test]
fn a_response_is_two_words_and_crosses_threads() {
    assert!(size_of::<ErrorResponse>() <= 2 * size_of::<usize>());
    // What clippy's `result_large_err` looks at: the `Err` side of a result is no bigger.
    assert!(size_of::<Result<(), ErrorResponse>>() <= 2 * size_of::<usize>());
    let response = ErrorResponse::parse(429u16, br#"{"errors":[{"code":88}]}"#);
    let handle = std::thread::spawn(move || response.to_string());
    let line = handle.join().unwrap_or_default();
    assert!(line.starts_with("429"), "{line}");
    let boxed: Box<dyn std::error::Error + Send + Sync + 'static> =
        Box::new(ErrorResponse::parse(500u16, b""));
    assert!(boxed.to_string().starts_with("500"));
}

#[test]
fn check_is_err_exactly_when_is_error() {
    let mut failures = 0;
    let mut successes = 0;
    for e in entries() {
        let id = e["id"].as_str().unwrap_or_default();
        let (status, body) = entry(id);
        for status in status.into_iter().chain([200, 404]) {
            let parsed = ErrorResponse::from_parts(status, NONE, &body);
            match ErrorResponse::check(status, NONE, &body) {
                Err(response) => {
                    assert!(parsed.is_error(), "{id} with {status}");
                    assert_eq!(response, parsed, "{id} with {status}");
                    failures += 1;
                }
                Ok(()) => {
                    assert!(!parsed.is_error(), "{id} with {status}");
                    successes += 1;
                }
            }
        }
    }
    assert!(
        failures > 0 && successes > 0,
        "{failures} failures, {successes} successes"
    );
}

#[test]
fn check_accepts_partial_errors_and_failed_media_processing() {
    // v2 partial errors beside `data`, on 200 (the shape of dev-63, with the `data` it lacks).
    let body = br#"{"data":[{"id":"20","text":"just setting up my twttr"}],"errors":[{"value":"1","detail":"Could not find tweet with ids: [1].","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#;
    assert_eq!(ErrorResponse::check(200u16, NONE, body), Ok(()));
    assert_eq!(
        ErrorResponse::from_parts(200u16, NONE, body).errors().len(),
        1
    );
    // dev-63 itself, errors and no `data` on 200, is a failure.
    let (status, body) = entry("dev-63");
    assert!(ErrorResponse::check(status.unwrap_or(200), NONE, &body).is_err());
    // dev-38: a media STATUS answer whose processing failed, on 200.
    let (status, body) = entry("dev-38");
    let status = status.unwrap_or(200);
    assert_eq!(ErrorResponse::check(status, NONE, &body), Ok(()));
    assert!(ErrorResponse::parse(status, &body).media_error().is_some());
}

#[test]
fn check_keeps_the_headers() {
    let headers = [
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1795557600"),
    ];
    let err = ErrorResponse::check(429u16, headers, br#"{"errors":[{"code":88}]}"#);
    let remaining = err
        .err()
        .and_then(|r| r.rate_limit().and_then(|l| l.remaining()));
    assert_eq!(remaining, Some(0));
}

#[test]
fn all_errors_is_the_problem_then_the_errors_in_body_order() {
    // dev-50: a v2 problem; dev-62: an invalid-request problem with its errors.
    for id in ["dev-50", "dev-62", "dev-00"] {
        let (status, body) = entry(id);
        let r = ErrorResponse::parse(status.unwrap_or(400), &body);
        let expected: Vec<&ApiError> = r.problem().into_iter().chain(r.errors()).collect();
        let all: Vec<&ApiError> = r.all_errors().collect();
        assert_eq!(all, expected, "{id}");
        assert!(!all.is_empty(), "{id}");
    }
    let r = ErrorResponse::parse(
        400u16,
        br#"{"errors":[{"message":"one"},{"message":"two"}],"title":"Invalid Request","type":"https://api.twitter.com/2/problems/invalid-request"}"#,
    );
    let texts: Vec<String> = r.all_errors().map(ToString::to_string).collect();
    assert_eq!(texts, ["invalid-request: Invalid Request", "one", "two"]);
}

#[test]
fn an_error_displays_as_one_line_of_its_own() {
    let r = ErrorResponse::parse(
        403u16,
        b"{\"errors\":[{\"code\":187,\"message\":\"Status is\\na duplicate.\"}]}",
    );
    let error = r.errors().first().map(ToString::to_string);
    assert_eq!(error.as_deref(), Some("187 Status is a duplicate."));
    let r = ErrorResponse::parse(
        400u16,
        br#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#,
    );
    let error = r.errors().first().map(ToString::to_string);
    assert_eq!(
        error.as_deref(),
        Some("invalid_request: Value passed for the token was invalid.")
    );
    // The response's line is its errors' lines.
    let line = r.to_string();
    assert!(
        line.ends_with(": invalid_request: Value passed for the token was invalid."),
        "{line}"
    );
}
