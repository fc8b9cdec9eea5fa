//! Generated bodies of every shape the parser reads, at any size: what the linear-time test
//! (`tests/linear.rs`) and the `hostile` benchmark (`benches/hostile.rs`) grow.
//!
//! Each shape repeats the unit that once made parsing, or writing the result, superlinear:
//! `<request>`s beside `<error>`s (copied onto every error), nested `<error>`s, repeated member
//! names (numbered by retrying from 2), millions of entries (all kept), stream lines, repeated
//! top-level `error` members.
#![allow(dead_code)]

/// A generated body: its name, the status it is parsed with, and a maker for `n` units.
pub struct Shape {
    pub name: &'static str,
    pub status: u16,
    pub make: fn(usize) -> Vec<u8>,
}

/// Every shape.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "xml_requests_beside_errors",
        status: 401,
        make: xml_requests,
    },
    Shape {
        name: "xml_nested_errors",
        status: 403,
        make: xml_nested,
    },
    Shape {
        name: "xml_flat_errors",
        status: 429,
        make: xml_flat,
    },
    Shape {
        name: "json_entries",
        status: 403,
        make: json_entries,
    },
    Shape {
        name: "json_repeated_member",
        status: 404,
        make: json_repeated_member,
    },
    Shape {
        name: "json_stream_lines",
        status: 200,
        make: json_stream,
    },
    Shape {
        name: "json_repeated_top_error",
        status: 400,
        make: json_top_errors,
    },
    Shape {
        name: "json_error_list_member",
        status: 400,
        make: json_error_list,
    },
    Shape {
        name: "json_deep_extra",
        status: 400,
        make: json_deep_extra,
    },
    Shape {
        name: "json_escapes",
        status: 400,
        make: json_escapes,
    },
    Shape {
        name: "html_page",
        status: 503,
        make: html,
    },
    Shape {
        name: "plain_text",
        status: 500,
        make: text,
    },
];

fn xml_requests(n: usize) -> Vec<u8> {
    format!(
        "<hash>{}{}</hash>",
        "<request>r</request>".repeat(n),
        "<error>e</error>".repeat(n)
    )
    .into_bytes()
}

fn xml_nested(n: usize) -> Vec<u8> {
    format!(
        "<errors>{}{}</errors>",
        r#"<error code="415">o"#.repeat(n),
        "t</error>".repeat(n)
    )
    .into_bytes()
}

fn xml_flat(n: usize) -> Vec<u8> {
    format!(
        "<errors>{}</errors>",
        r#"<error code="88">Rate limit exceeded</error>"#.repeat(n)
    )
    .into_bytes()
}

fn json_entries(n: usize) -> Vec<u8> {
    format!(
        r#"{{"errors":[{}{{"code":453}}]}}"#,
        r#"{"code":453},"#.repeat(n)
    )
    .into_bytes()
}

fn json_repeated_member(n: usize) -> Vec<u8> {
    format!(r#"{{"errors":[{{"code":34{}}}]}}"#, r#","x":1"#.repeat(n)).into_bytes()
}

fn json_stream(n: usize) -> Vec<u8> {
    let mut body = "{\"data\":{\"id\":\"1\",\"text\":\"a tweet\"}}\r\n".repeat(n);
    body.push_str(r#"{"errors":[{"title":"operational-disconnect","detail":"x","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}"#);
    body.into_bytes()
}

fn json_top_errors(n: usize) -> Vec<u8> {
    format!(
        r#"{{"errors":[{{"code":88}}]{}}}"#,
        r#","error":"b""#.repeat(n)
    )
    .into_bytes()
}

fn json_error_list(n: usize) -> Vec<u8> {
    format!(r#"{{"error":[{}"z"]}}"#, r#""a","#.repeat(n)).into_bytes()
}

fn json_deep_extra(n: usize) -> Vec<u8> {
    format!(
        r#"{{"errors":[{{"code":88,"deep":{}{}}}]}}"#,
        "[".repeat(n),
        "]".repeat(n)
    )
    .into_bytes()
}

fn json_escapes(n: usize) -> Vec<u8> {
    format!(
        r#"{{"errors":[{{"code":88,"message":"{}","x":"{}"}}]}}"#,
        r"a\ud800\n\u2028".repeat(n),
        r"\ud83d\ude00".repeat(n)
    )
    .into_bytes()
}

fn html(n: usize) -> Vec<u8> {
    format!(
        "<html><head><title>Over capacity</title></head><body>{}</body></html>",
        "<p>x</p>".repeat(n)
    )
    .into_bytes()
}

fn text(n: usize) -> Vec<u8> {
    "Failed to validate oauth signature and token. "
        .repeat(n)
        .into_bytes()
}
