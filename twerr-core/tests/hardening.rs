//! Regression tests for bodies that once made twerr hang, lose an error or print what it
//! should not: one test per defect, each failing on the code before its fix.

#![cfg(feature = "std")]

use twerr_core::{ApiError, ErrorResponse};

fn codes(r: &ErrorResponse) -> Vec<Option<u16>> {
    r.all_errors()
        .map(|e| e.code().map(|c| c.as_u16()))
        .collect()
}

fn messages(r: &ErrorResponse) -> Vec<Option<&str>> {
    r.all_errors().map(ApiError::message).collect()
}

/// 4000 `<request>`s beside 4000 `<error>`s were copied onto every error: 16 million extras.
/// Now the k-th error gets the k-th request, and every request is kept once.
#[test]
fn xml_requests_are_paired_with_errors_not_copied_onto_each() {
    let n = 4000;
    let body = format!(
        "<hash>{}{}</hash>",
        (0..n)
            .map(|i| format!("<request>/r{i}</request>"))
            .collect::<String>(),
        "<error>e</error>".repeat(n)
    );
    let r = ErrorResponse::parse(401u16, body.as_bytes());
    assert_eq!(r.errors().len(), n);
    let requests: Vec<(&str, &str)> = r.errors().iter().flat_map(ApiError::extra).collect();
    assert_eq!(requests.len(), n, "one request per error");
    assert_eq!(requests.first(), Some(&("request", "\"/r0\"")));
    assert_eq!(
        requests.last().map(|r| r.1),
        Some(format!("\"/r{}\"", n - 1)).as_deref()
    );

    // The v1 shape is unchanged; more requests than errors all stay, on the last error.
    let v1 = ErrorResponse::parse(
        401u16,
        b"<hash><request>/1/a.xml</request><error>Could not authenticate you.</error></hash>",
    );
    let extra: Vec<_> = v1.errors().iter().flat_map(ApiError::extra).collect();
    assert_eq!(extra, [("request", "\"/1/a.xml\"")]);
    let two = ErrorResponse::parse(
        401u16,
        b"<hash><request>a</request><request>b</request><error>x</error></hash>",
    );
    let extra: Vec<_> = two.errors().iter().flat_map(ApiError::extra).collect();
    assert_eq!(extra, [("request", "\"a\""), ("request", "\"b\"")]);
}

/// An `<error>` inside another lost its code and ran its text into the outer one.
#[test]
fn a_nested_xml_error_keeps_its_code() {
    let r = ErrorResponse::parse(
        403u16,
        br#"<errors><error code="415">outer<error code="88">inner</error>tail</error></errors>"#,
    );
    assert_eq!(codes(&r), [Some(415), Some(88)]);
    assert_eq!(messages(&r), [Some("outer tail"), Some("inner")]);
}

/// 2.6 million entries were all kept (1.1 GB). The first 10,000 are kept, the rest counted,
/// and the log line says how many the body had.
#[test]
fn a_response_keeps_ten_thousand_errors_and_counts_the_rest() {
    let body = format!(
        r#"{{"errors":[{}]}}"#,
        vec![r#"{"code":453}"#; 10_005].join(",")
    );
    let r = ErrorResponse::parse(403u16, body.as_bytes());
    assert_eq!((r.errors().len(), r.omitted_errors()), (10_000, 5));
    assert!(r.to_string().ends_with("; and 10002 more"), "{r}");

    let xml = format!(
        "<errors>{}</errors>",
        r#"<error code="88">x</error>"#.repeat(10_003)
    );
    let r = ErrorResponse::parse(429u16, xml.as_bytes());
    assert_eq!((r.errors().len(), r.omitted_errors()), (10_000, 3));

    // A top-level error beside a full list takes its place at the front; one is counted.
    let body = format!(
        r#"{{"error":"first","errors":[{}]}}"#,
        vec![r#"{"code":88}"#; 10_000].join(",")
    );
    let r = ErrorResponse::parse(429u16, body.as_bytes());
    assert_eq!((r.errors().len(), r.omitted_errors()), (10_000, 1));
    assert_eq!(messages(&r).first(), Some(&Some("first")));
}

/// The streaming endpoints send one JSON object per line; an error line among data lines
/// was never read.
#[test]
fn every_value_of_a_stream_body_is_read() {
    let body = br#"{"data":{}}
{"errors":[{"title":"operational-disconnect","detail":"x","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}"#;
    let r = ErrorResponse::parse(200u16, body);
    assert!(r.is_error(), "an error line among data lines is a failure");
    let slugs: Vec<_> = r.all_errors().filter_map(ApiError::slug).collect();
    assert_eq!(slugs, ["operational-disconnect"]);

    // Data lines alone are a success; two problem lines are two errors.
    let data = b"{\"data\":{\"id\":\"1\"}}\r\n{\"data\":{\"id\":\"2\"}}\r\n";
    assert!(!ErrorResponse::parse(200u16, data).is_error());
    let two =
        b"{\"title\":\"a\",\"type\":\"about:blank\"}\n{\"title\":\"b\",\"type\":\"about:blank\"}";
    let r = ErrorResponse::parse(503u16, two);
    let titles: Vec<_> = r.all_errors().filter_map(ApiError::title).collect();
    assert_eq!(titles, ["a", "b"]);
    // Members of a data line do not leak into the next line's error.
    let r = ErrorResponse::parse(400u16, b"{\"message\":\"data\"}\n{\"code\":88}".as_slice());
    assert_eq!(codes(&r), [None, Some(88)]);
}

/// A repeated top-level `error` lost all but the first; an `error` list vanished.
#[test]
fn repeated_and_odd_top_level_error_members_are_kept() {
    let r = ErrorResponse::parse(
        429u16,
        br#"{"errors":[{"code":88,"message":"a"}],"error":"b","error":"c"}"#,
    );
    assert_eq!(messages(&r), [Some("a"), Some("b"), Some("c")]);
    let r = ErrorResponse::parse(400u16, br#"{"error":["a","b"],"errors":[{"code":34}]}"#);
    assert_eq!(messages(&r), [Some("a"), Some("b"), None]);
    assert_eq!(codes(&r), [None, None, Some(34)]);
    let r = ErrorResponse::parse(400u16, br#"{"error":42}"#);
    let extra: Vec<_> = r.errors().iter().flat_map(ApiError::extra).collect();
    assert_eq!(extra, [("error", "42")]);
}

/// Body text reached log lines raw: U+2028, U+0085, VT, FF, ESC sequences, bidi overrides.
#[test]
fn display_escapes_controls_line_breaks_and_bidi() {
    let hostile = "a\u{2028}b\u{85}c\u{b}d\u{c}e\u{1b}[2Jf\u{202e}g\u{2066}h\ni\rj";
    let bodies = [
        format!(
            r#"{{"errors":[{{"code":88,"message":"{}"}}]}}"#,
            hostile.escape_default()
        ),
        format!("<errors><error>{hostile}</error></errors>"),
        format!("<html><title>{hostile}</title></html>"),
        hostile.to_owned(),
    ];
    for body in &bodies {
        let r = ErrorResponse::parse(503u16, body.as_bytes());
        for line in [r.to_string(), format!("{r:#}")] {
            assert!(
                !line.chars().any(twerr_core::escape::is_escaped),
                "{line:?}"
            );
            assert!(line.contains(r"\u{202e}"), "{line:?}");
            // An HTML title's blanks (U+2028 is one) collapse to spaces, as a browser shows it.
            if r.html_title().is_none() {
                assert!(line.contains(r"\u{2028}"), "{line:?}");
            }
        }
    }
}
