//! Regression tests for inputs that once made `twerr classify` lose an error, give the wrong
//! advice or print what it should not: the reproductions of the hardening report.

mod common;

use common::{json, twerr};
use serde_json::Value;

/// An HTTP/2 pseudo-header refused the capture; read as a body instead (`--status`), a
/// usage-capped 429 was advised `after-reset` instead of `never`.
#[test]
fn a_pseudo_header_line_is_skipped_and_the_capture_still_read() {
    let capture = br#"HTTP/2 429
:status: 429

{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}"#;
    let capture = String::from_utf8_lossy(capture).replace('\n', "\r\n");
    let run = twerr(
        &["classify", "--now", "1700000000", "--json"],
        capture.as_bytes(),
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let report = json(&run);
    assert_eq!(report["status"], 429);
    assert_eq!(report["retry"], "never");
    assert_eq!(report["problem"]["slug"], "usage-capped");
    assert!(
        run.stderr.contains("line 2 of the capture") && run.stderr.contains("skipped it"),
        "{run:#?}"
    );
}

/// A body that starts with `HTTP/` after a final response is that response's body.
#[test]
fn a_body_starting_with_http_is_not_taken_for_another_response() {
    let run = twerr(
        &["classify", "--json"],
        b"HTTP/1.1 400 Bad Request\r\n\r\nHTTP/1.1 505 not supported here\r\n",
    );
    let report = json(&run);
    assert_eq!(report["status"], 400);
    assert_eq!(report["raw_body"], "HTTP/1.1 505 not supported here\r\n");
}

/// CR-only line endings dropped the body, and with it the error.
#[test]
fn cr_only_line_endings_keep_the_body() {
    let run = twerr(
        &["classify", "--json"],
        b"HTTP/1.1 200 OK\r\r{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}",
    );
    let report = json(&run);
    assert_eq!(report["is_error"], true);
    assert_eq!(report["errors"][0]["code"], 88);
}

/// An error line among the data lines of a stream body is read.
#[test]
fn a_stream_error_line_is_read() {
    let run = twerr(
        &["classify", "--status", "200", "--json"],
        b"{\"data\":{}}\r\n{\"errors\":[{\"title\":\"operational-disconnect\",\"detail\":\"x\",\"type\":\"https://api.twitter.com/2/problems/operational-disconnect\"}]}",
    );
    let report = json(&run);
    assert_eq!(report["is_error"], true);
    assert_eq!(report["errors"][0]["slug"], "operational-disconnect");
}

/// `--json` output strict parsers refused: a lone surrogate, `1e400`, 200 levels of nesting.
#[test]
fn json_output_is_strict_json() {
    let deep = "[".repeat(200) + &"]".repeat(200);
    let body = format!(
        r#"{{"errors":[{{"code":88,"message":"a\ud800b","big":1e400,"deep":{deep},"s":"\udc00"}}]}}"#
    );
    let run = twerr(&["classify", "--status", "429", "--json"], body.as_bytes());
    // `json` parses into a `serde_json::Value`, as strict readers do.
    let report = json(&run);
    assert_eq!(report["schema"], 2);
    let error = &report["errors"][0];
    assert_eq!(error["message"], "a\u{FFFD}b");
    assert_eq!(error["extra_raw"], serde_json::json!(["big", "deep", "s"]));
    assert_eq!(error["extra"]["big"], "1e400");
    assert_eq!(error["extra"]["deep"], Value::from(deep));
}

/// Control, line-breaking and bidi characters from a body reached the terminal.
#[test]
fn text_output_escapes_what_drives_a_terminal() {
    let body = "{\"errors\":[{\"code\":88,\"message\":\"a\u{2028}b\u{85}c\u{b}d\u{c}e\u{1b}[2Jf\u{202e}g\"}]}";
    let run = twerr(&["classify", "--status", "429"], body.as_bytes());
    assert!(
        !run.stdout
            .chars()
            .any(|c| c != '\n' && twerr_core::escape::is_escaped(c)),
        "{run:#?}"
    );
    assert!(
        run.stdout
            .contains(r"a\u{2028}b\u{85}c\u{b}d\u{c}e\u{1b}[2Jf\u{202e}g"),
        "{run:#?}"
    );
}

/// Millions of errors were all kept and the whole output built in memory: now 10,000 are
/// kept, the rest counted, and the report says so.
#[test]
fn a_huge_error_list_is_bounded_and_counted() {
    let n = 300_000;
    let body = format!(r#"{{"errors":[{}]}}"#, vec![r#"{"code":453}"#; n].join(","));
    let run = twerr(&["classify", "--status", "403"], body.as_bytes());
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains(&format!(
            "Body       json, 10000 errors shown, and {} more not kept",
            n - 10_000
        )),
        "{}",
        run.stdout.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(run.stdout.matches("Error ").count(), 10_000);
    let run = twerr(&["classify", "--status", "403", "--json"], body.as_bytes());
    let report = json(&run);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(10_000));
    assert_eq!(report["omitted_errors"], n - 10_000);
}

/// A gzip or UTF-16 body came out as text with no hint of why.
#[test]
fn compressed_and_utf16_bodies_get_a_hint() {
    let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\x56\x4a";
    let run = twerr(&["classify", "--status", "429"], gzip);
    assert!(run.stderr.contains("gzip-compressed"), "{run:#?}");
    let utf16: Vec<u8> = "\u{feff}{\"errors\":[{\"code\":88}]}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let run = twerr(&["classify", "--status", "429"], &utf16);
    assert!(run.stderr.contains("UTF-16"), "{run:#?}");
    // An ordinary body gets none.
    let run = twerr(
        &["classify", "--status", "429"],
        br#"{"errors":[{"code":88}]}"#,
    );
    assert_eq!(run.stderr, "");
}

/// `explain USAGE-CAPPED` found nothing: a person's typing is matched in any case.
#[test]
fn explain_matches_a_slug_in_any_case() {
    let lower = twerr(&["explain", "usage-capped"], b"");
    let upper = twerr(&["explain", "USAGE-CAPPED"], b"");
    assert_eq!(lower.code, 0, "{lower:#?}");
    assert_eq!((upper.code, &upper.stdout), (0, &lower.stdout));
}
