//! Hostile and broken input: no panic, no stack overflow, no invented code, bounded copies.
#![cfg(feature = "std")]

mod common;

use common::{codes, extras, messages, raw_extras};
use serde_json::json;
use twerr_core::{BodyFormat, ErrorResponse, Status};

/// The most of an unstructured body that is kept.
const RAW_LIMIT: usize = 4096;

fn parse(status: u16, body: &[u8]) -> ErrorResponse {
    ErrorResponse::parse(status, body)
}

#[test]
fn numbers_that_are_not_codes_keep_their_text() {
    for raw in [
        "65536",
        "-1",
        "88.0",
        "1e2",
        "\"88\"",
        "true",
        "{\"n\":88}",
        "18446744073709551616",
        "-0",
    ] {
        let body = format!(r#"{{"errors":[{{"code":{raw},"message":"m"}}]}}"#);
        let r = parse(400, body.as_bytes());
        assert_eq!(codes(&r), [None], "{raw} is not a code");
        assert_eq!(raw_extras(&r.errors()[0]), [("code", raw)], "{raw} is kept");
    }
    let r = parse(400, br#"{"errors":[{"code":65535},{"code":0}]}"#);
    assert_eq!(codes(&r), [Some(65535), Some(0)]);
}

#[test]
fn null_members_are_absent() {
    let r = parse(
        400,
        br#"{"errors":[{"code":null,"message":null,"x":null}]}"#,
    );
    let [error] = r.errors() else {
        panic!("one error: {r:?}")
    };
    assert_eq!((error.code(), error.message()), (None, None));
    assert_eq!(extras(error), [("x", json!(null))]);
}

#[test]
fn byte_order_mark_is_ignored() {
    let r = parse(
        401,
        b"\xEF\xBB\xBF{\"errors\":[{\"code\":32,\"message\":\"Could not authenticate you.\"}]}",
    );
    assert_eq!(r.format(), BodyFormat::Json);
    assert_eq!(codes(&r), [Some(32)]);
    let r = parse(
        401,
        b"\xEF\xBB\xBF<errors><error code=\"32\">x</error></errors>",
    );
    assert_eq!(codes(&r), [Some(32)]);
    let r = parse(401, b"\xEF\xBB\xBF");
    assert_eq!(r.format(), BodyFormat::Empty);
}

#[test]
fn invalid_utf8() {
    // In a text body: a lossy copy.
    let r = parse(502, b"Bad \xFF\xFE gateway");
    assert_eq!(r.raw_body(), Some("Bad \u{FFFD}\u{FFFD} gateway"));
    // In a JSON string: decoded lossily, every error kept, nothing invented.
    let r = parse(
        400,
        b"{\"errors\":[{\"code\":34,\"message\":\"ok\"},{\"code\":88,\"message\":\"\xFF\"}]}",
    );
    assert_eq!(codes(&r), [Some(34), Some(88)]);
    assert_eq!(messages(&r), [Some("ok"), Some("\u{FFFD}")]);
    // A stray byte does not turn a suppress_response_codes failure into a success...
    let bad = b"{\"errors\":[{\"code\":88,\"message\":\"bad \xc3\x28\"}]}";
    let r = parse(200, bad);
    assert!(r.is_error());
    assert_eq!(codes(&r), [Some(88)]);
    assert_eq!(messages(&r), [Some("bad \u{FFFD}(")]);
    // ...nor lose the code of a failure.
    let r = parse(
        403,
        b"{\"errors\":[{\"code\":187,\"message\":\"Status is a \xE9 duplicate\"}]}",
    );
    assert_eq!(codes(&r), [Some(187)]);
    assert_eq!(r.raw_body(), None);
    // In a member name, in a kept member and at the top level (v1 and v2 shapes).
    let r = parse(
        400,
        b"{\"errors\":[{\"code\":34,\"x\xFF\":\"\xFF\",\"message\":\"m\"}]}",
    );
    assert_eq!(codes(&r), [Some(34)]);
    assert_eq!(raw_extras(&r.errors()[0]), [("x\u{FFFD}", "\"\u{FFFD}\"")]);
    let r = parse(
        401,
        b"{\"error\":\"Not \xFF authorized.\",\"request\":\"/1/x.json\"}",
    );
    assert_eq!(messages(&r), [Some("Not \u{FFFD} authorized.")]);
    let r = parse(
        429,
        b"{\"title\":\"Too Many Requests\",\"detail\":\"\xFF\",\"type\":\"about:blank\",\"status\":429}",
    );
    let problem = r.problem();
    assert_eq!(problem.and_then(|p| p.detail()), Some("\u{FFFD}"));
    assert_eq!(
        problem.and_then(|p| p.status()),
        Some(Status::from_u16(429))
    );
    // In XML: decoded lossily.
    let r = parse(
        403,
        b"<errors><error code=\"415\">bad \xFF byte</error></errors>",
    );
    assert_eq!(messages(&r), [Some("bad \u{FFFD} byte")]);
}

#[test]
fn truncated_json_keeps_complete_errors_only() {
    let full = br#"{"errors":[{"code":34,"message":"Sorry, that page does not exist"},{"code":187,"message":"Status is a duplicate."}]}"#;
    for cut in 0..full.len() {
        let r = parse(404, &full[..cut]);
        for code in codes(&r) {
            assert!(
                matches!(code, Some(34 | 187)),
                "cut {cut}: invented {code:?}"
            );
        }
        // "187" cut to "18" must not become code 18: the entry is incomplete.
        let complete = r.errors().iter().all(|e| e.message().is_some());
        assert!(complete, "cut {cut}: a partial entry was kept: {r:?}");
    }
    let r = parse(404, &full[..full.len() - 2]);
    assert_eq!(codes(&r), [Some(34), Some(187)]);
}

/// `depth` nested arrays around `inner`.
fn nested(depth: usize, inner: &str) -> String {
    let mut s = String::with_capacity(depth * 2 + inner.len());
    s.extend(std::iter::repeat_n('[', depth));
    s.push_str(inner);
    s.extend(std::iter::repeat_n(']', depth));
    s
}

#[test]
fn deep_json_does_not_overflow_the_stack() {
    const DEPTH: usize = 100_000;
    // serde_json refuses this depth when building a tree...
    assert!(serde_json::from_str::<serde_json::Value>(&nested(DEPTH, "1")).is_err());
    // ...parse skips it without recursing, wherever it is.
    let top = nested(DEPTH, "1");
    let r = parse(400, top.as_bytes());
    assert!(r.errors().is_empty());
    assert_eq!(r.format(), BodyFormat::Json);
    assert_eq!(r.raw_body().map(str::len), Some(RAW_LIMIT));

    let in_errors = format!(r#"{{"errors":[{{"code":88}},{}]}}"#, nested(DEPTH, ""));
    assert_eq!(codes(&parse(429, in_errors.as_bytes())), [Some(88)]);

    let in_extra = format!(
        r#"{{"errors":[{{"code":88,"deep":{}}}]}}"#,
        nested(DEPTH, "")
    );
    let r = parse(429, in_extra.as_bytes());
    assert_eq!(codes(&r), [Some(88)]);
    assert_eq!(raw_extras(&r.errors()[0])[0].1.len(), DEPTH * 2);

    let objects = "{\"a\":".repeat(DEPTH) + "1" + &"}".repeat(DEPTH);
    let r = parse(400, objects.as_bytes());
    assert!(r.errors().is_empty());

    // Unbalanced: an error, and still no overflow.
    let open = format!(r#"{{"errors":[{{"code":88}}],"data":{}"#, "[".repeat(DEPTH));
    let r = parse(200, open.as_bytes());
    assert_eq!(codes(&r), [Some(88)]);
}

#[test]
fn deep_xml_does_not_overflow_the_stack() {
    let body = "<a>".repeat(100_000) + r#"<error code="88">deep</error>"# + &"</a>".repeat(100_000);
    assert_eq!(codes(&parse(429, body.as_bytes())), [Some(88)]);
}

#[test]
fn ten_megabyte_bodies() {
    const SIZE: usize = 10 * 1024 * 1024;
    let text = "x".repeat(SIZE);
    let r = parse(500, text.as_bytes());
    assert_eq!(r.raw_body().map(str::len), Some(RAW_LIMIT));
    assert!(r.to_string().len() < 400, "the log line stays short");

    let html = format!("<html><body>{text}</body></html>");
    let r = parse(503, html.as_bytes());
    assert_eq!((r.format(), r.html_title()), (BodyFormat::Html, None));
    assert_eq!(r.raw_body().map(str::len), Some(RAW_LIMIT));

    let entry = r#"{"code":88,"message":"Rate limit exceeded"},"#;
    let count = SIZE / entry.len();
    let json = format!(r#"{{"errors":[{}{{"code":88}}]}}"#, entry.repeat(count));
    let r = parse(429, json.as_bytes());
    assert_eq!(r.errors().len(), count + 1, "every error is kept");

    let data = format!(r#"{{"data":"{text}"}}"#);
    let r = parse(200, data.as_bytes());
    assert!(!r.is_error());
    assert_eq!(r.raw_body(), None);

    let message = format!(r#"{{"errors":[{{"code":88,"message":"{text}"}}]}}"#);
    let r = parse(429, message.as_bytes());
    assert_eq!(r.errors()[0].message().map(str::len), Some(SIZE));
}

#[test]
fn trailing_garbage_after_json() {
    let r = parse(404, br#"{"errors":[{"code":34,"message":"x"}]} trailing"#);
    assert_eq!(codes(&r), [Some(34)]);
}

#[test]
fn escaped_member_names_and_strings() {
    let r = parse(
        400,
        br#"{"err\u006frs":[{"c\u006fde":34,"message":"caf\u00e9 \"q\" \/"}]}"#,
    );
    assert_eq!(codes(&r), [Some(34)]);
    assert_eq!(messages(&r), [Some("café \"q\" /")]);
}

#[test]
fn duplicate_members_keep_the_first_and_the_rest_as_extra() {
    let r = parse(
        400,
        br#"{"errors":[{"code":34,"code":88,"message":"a","message":"b"}]}"#,
    );
    let error = &r.errors()[0];
    assert_eq!(
        (error.code().map(|c| c.as_u16()), error.message()),
        (Some(34), Some("a"))
    );
    assert_eq!(
        extras(error),
        [("code", json!(88)), ("message", json!("b"))]
    );
}

#[test]
fn odd_statuses() {
    for status in [0u16, 1, 99, 600, 999, 65535] {
        let r = parse(status, b"");
        assert!(r.is_error(), "{status}");
        assert_eq!(r.status(), Status::from_u16(status));
        assert!(r.retry().is_some());
    }
    let r = parse(102, br#"{"errors":["x"]}"#);
    assert!(r.is_error());
}
