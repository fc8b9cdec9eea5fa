//! The JSON fast path against the serde path, which defines behaviour: for any body, the fast
//! path either gives up or reads exactly what the serde path reads (every field, the extras,
//! their order, the counts), and `parse` is what the serde path reads.
//!
//! The case counts are pinned here: about 2,000 per normal run, fifty times that in the
//! ignored run (`cargo test -p twerr-core --test fast_path -- --ignored`).

#![cfg(feature = "std")]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::mutate;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use twerr_core::ErrorResponse;

/// Parses `body` both ways; `true` when the fast path answered (and agreed).
fn agree(status: u16, body: &[u8]) -> Result<bool, TestCaseError> {
    let (serde, fast) = ErrorResponse::__parse_by_both_paths(status, body);
    let shown = String::from_utf8_lossy(body);
    prop_assert_eq!(
        &ErrorResponse::parse(status, body),
        &serde,
        "parse differs from the serde path on {} {:?}",
        status,
        shown
    );
    let Some(fast) = fast else {
        return Ok(false);
    };
    prop_assert_eq!(
        &fast,
        &serde,
        "the fast path differs on {} {:?}",
        status,
        shown
    );
    // What is written out too (the extras' order, `extra_raw`), which `==` reads by accessor.
    #[cfg(feature = "serde")]
    prop_assert_eq!(
        serde_json::to_string(&fast).ok(),
        serde_json::to_string(&serde).ok()
    );
    Ok(true)
}

/// Runs `cases` cases of `strategy` through [`agree`]; how many the fast path answered.
fn run<S: Strategy<Value = (u16, Vec<u8>)>>(cases: u32, strategy: S) -> u32 {
    let answered = AtomicU32::new(0);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&strategy, |(status, body)| {
        if agree(status, &body)? {
            answered.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    answered.into_inner()
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        prop::sample::select(vec![200u16, 201, 400, 401, 403, 404, 429, 500, 503]),
        any::<u16>(),
    ]
}

/// Any bytes, and any bytes after a `{` (where the fast path starts reading).
fn arbitrary() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let bytes = prop::collection::vec(any::<u8>(), 0..256);
    let body = prop_oneof![bytes.clone(), bytes.prop_map(|b| [&b"{"[..], &b].concat())];
    (status(), body)
}

/// The real JSON bodies, edited (bytes replaced, inserted, deleted) and perhaps cut short.
fn mutated() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let bodies: Vec<Vec<u8>> = common::json_bodies().into_iter().map(|(_, b)| b).collect();
    // Bytes that change what JSON means more often than random ones do.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[],:\"\\ \nu0e-.ntf\xFF".to_vec()),
    ];
    let edits = prop::collection::vec((any::<Index>(), byte, any::<u8>()), 0..6);
    (
        status(),
        any::<Index>(),
        edits,
        prop::option::of(any::<Index>()),
    )
        .prop_map(move |(status, which, edits, cut)| {
            let body = which.get(&bodies).clone();
            (status, mutate(body, &edits, cut))
        })
}

/// Blanks between tokens: none, JSON's four, and rarely form feed (which JSON does not allow).
fn blank() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        30 => prop::sample::select(vec!["", "", " ", "\n    ", "\t", "\r\n"]),
        1 => Just("\x0c"),
    ]
}

/// A member value: the scalars of real bodies, their edge cases, strings of any text, escapes
/// (valid and unpaired), nested values, and now and then something JSON does not allow.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<u32>().prop_map(|n| n.to_string()),
        2 => prop::sample::select(vec![
            "0", "65535", "65536", "-1", "1.5", "1e400", "-0", "1E+2", "-12.5e-3",
        ])
        .prop_map(String::from),
        4 => any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        3 => "[a-zA-Z .:/-]{0,40}".prop_map(|s| format!("\"{s}\"")),
        2 => prop::sample::select(vec![
            r#""https:\/\/api.twitter.com\/2\/problems\/usage-capped""#,
            r#""caf\u00e9 \ud83d\ude00""#,
            r#""lone \ud800 surrogate""#,
            r#""tab\there\n""#,
            r#""\"quoted\" \\ \b\f\r""#,
        ])
        .prop_map(String::from),
        1 => prop::sample::select(vec!["null", "true", "false"]).prop_map(String::from),
        2 => prop::sample::select(vec![
            r#"{"ids":[]}"#,
            "[1, 2]",
            r#"{"a":{"b":[null,"x"]}}"#,
            "[]",
            "{}",
            r#"[{"code":88}]"#,
        ])
        .prop_map(String::from),
        1 => prop::sample::select(vec![
            "007", "1.", "-", "2e", "nul", "True", "[1,]", r#""bad \x escape""#,
            r#""short \u12""#, "\"raw\ttab\"",
            // A byte that is not UTF-8, put in by `fast_shaped`.
            "\"bad \u{a4} byte\"",
        ])
        .prop_map(String::from),
    ]
}

/// A member name: the ones the parser interprets, the ones real bodies carry, and odd ones.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "code", "message", "title", "detail", "type", "status", "value", "parameter",
            "resource_id", "resource_type", "parameters", "client_id", "reason", "request",
            "error", "error_description", "section", "name", "state",
        ])
        .prop_map(String::from),
        1 => any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()
            .trim_matches('"').to_owned()),
        1 => prop::sample::select(vec!["co\\u0064e", "x\ny", "errors", "data", "\u{e9}", "processing_info"])
            .prop_map(String::from),
    ]
}

/// An object of `members`, with blanks between its tokens.
fn object(members: Vec<(String, String)>, blanks: Vec<&str>) -> String {
    let mut blanks = blanks.into_iter().cycle();
    let mut out = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (a, b) = (blanks.next().unwrap_or(""), blanks.next().unwrap_or(""));
        out.push_str(&format!("{a}\"{name}\"{b}:{a}{value}{b}"));
    }
    out.push('}');
    out
}

fn members(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((name(), value()), len)
}

fn blanks() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(blank(), 1..8)
}

/// An entry of `errors`: a v1.1 error (either order), a v2 problem, any members, a string.
fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u32..70_000, "[a-zA-Z .]{0,30}", any::<bool>()).prop_map(|(code, text, flip)| {
            if flip {
                format!(r#"{{"message":"{text}","code":{code}}}"#)
            } else {
                format!(r#"{{"code":{code},"message":"{text}"}}"#)
            }
        }),
        4 => (members(0..8), blanks()).prop_map(|(m, b)| object(m, b)),
        1 => value(),
    ]
}

/// Bodies of the shapes the fast path reads, and near them.
fn fast_shaped() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let entries = prop::collection::vec(entry(), 0..6).prop_map(|e| format!("[{}]", e.join(",")));
    let errors = prop_oneof![
        6 => entries,
        1 => entry(),
        1 => value(),
    ];
    let top = prop_oneof![
        Just(None),
        Just(Some((
            "data".to_owned(),
            r#"{"id":"1","text":"hi \u00e9"}"#.to_owned()
        ))),
        Just(Some(("data".to_owned(), "null".to_owned()))),
        Just(Some(("data".to_owned(), "[]".to_owned()))),
        Just(Some((
            "meta".to_owned(),
            r#"{"result_count":1}"#.to_owned()
        ))),
        Just(Some((
            "includes".to_owned(),
            r#"{"users":[{"id":"2"}]}"#.to_owned()
        ))),
        // A media status's failure, and ones near it.
        (members(0..4), blanks(), value()).prop_map(|(m, b, v)| {
            let error = object(m, b);
            Some((
                "processing_info".to_owned(),
                format!(r#"{{"state":"failed","progress_percent":12,"error":{error},"x":{v}}}"#),
            ))
        }),
        value().prop_map(|v| Some(("processing_info".to_owned(), format!(r#"{{"error":{v}}}"#)))),
        value().prop_map(|v| Some(("processing_info".to_owned(), v))),
    ];
    let body = (
        errors,
        any::<bool>(),
        top,
        members(0..6),
        blanks(),
        blank(),
        prop_oneof![
            8 => prop::sample::select(vec!["", "", "\n", " \r\n"]),
            1 => prop::sample::select(vec!["\n{\"errors\":[{\"code\":88}]}", " x", "]"]),
        ],
    )
        .prop_map(
            |(errors, has_errors, top, mut members, blanks, lead, tail)| {
                if has_errors {
                    members.insert(members.len() / 2, ("errors".to_owned(), errors));
                }
                members.extend(top);
                let body = format!("{lead}{}{tail}", object(members, blanks));
                // U+00A4 stands for a byte that is not UTF-8 (a String cannot hold one).
                let mut bytes = Vec::with_capacity(body.len());
                for part in body.split('\u{a4}') {
                    bytes.extend_from_slice(part.as_bytes());
                    bytes.push(0xFF);
                }
                bytes.pop();
                bytes
            },
        );
    (status(), body)
}

/// The cases of one normal run, by kind: arbitrary bytes, edited real bodies, fast shapes.
const CASES: [u32; 3] = [500, 750, 750];

fn check_all(scale: u32) {
    let [arbitrary_cases, mutated_cases, shaped_cases] = CASES.map(|n| n * scale);
    run(arbitrary_cases, arbitrary());
    run(mutated_cases, mutated());
    let answered = run(shaped_cases, fast_shaped());
    // The generator must reach the fast path, or the comparison above compares nothing.
    assert!(
        answered >= shaped_cases / 4,
        "the fast path answered only {answered} of {shaped_cases} bodies of its shapes"
    );
}

#[test]
fn the_fast_path_gives_up_or_agrees() {
    check_all(1);
}

#[test]
#[ignore = "about 100,000 cases: run with --ignored"]
fn the_fast_path_gives_up_or_agrees_at_length() {
    check_all(50);
}

/// Every real body of the shapes the fast path reads is read by it, and read alike: the JSON
/// bodies that are one object.
#[test]
fn the_fast_path_reads_the_real_bodies_of_its_shapes() {
    let mut read = 0;
    for (id, body) in common::json_bodies() {
        let (status, _) = common::entry(&id);
        let status = status.unwrap_or(400);
        let answered = agree(status, &body).unwrap_or_else(|e| panic!("{id}: {e}"));
        let value = serde_json::from_slice::<serde_json::Value>(&body).ok();
        let shaped = value.is_some_and(|v| v.is_object());
        assert_eq!(answered, shaped, "{id}");
        read += usize::from(answered);
    }
    assert!(
        read >= 20,
        "only {read} real bodies were read by the fast path"
    );
}

/// Bodies past the error cap, streams and bodies with bad UTF-8 agree too.
#[test]
fn the_fast_path_agrees_on_large_streamed_and_broken_bodies() {
    let entry = r#"{"code":88,"message":"Rate limit exceeded"}"#;
    let many = format!(r#"{{"errors":[{}]}}"#, vec![entry; 10_005].join(","));
    for status in [200, 429] {
        assert_eq!(agree(status, many.as_bytes()).ok(), Some(true));
        let stream = format!("{many}\n{many}");
        assert_eq!(agree(status, stream.as_bytes()).ok(), Some(false));
        let broken = br#"{"errors":[{"code":34,"message":"bad \xFF byte"}]}"#;
        assert_eq!(agree(status, broken).ok(), Some(false));
    }
    let response = ErrorResponse::parse(429u16, many.as_bytes());
    assert_eq!(
        (response.errors().len(), response.omitted_errors()),
        (10_000, 5)
    );
}
