//! Serde (feature `serde`): table types as numbers and strings, responses in the CLI's shape.
#![cfg(feature = "serde")]

mod common;

use serde_json::{Value, json};
use twerr_core::{Code, ErrorResponse, Problem, Retry, Status};

#[test]
fn status_and_code_are_numbers_and_unknown_values_survive() {
    for n in [0u16, 88, 187, 429, 453, common::unknown_code(), 65535] {
        let code = Code::from_u16(n);
        assert_eq!(serde_json::to_string(&code).ok(), Some(n.to_string()));
        assert_eq!(
            serde_json::from_str::<Code>(&n.to_string()).ok(),
            Some(code)
        );
        let status = Status::from_u16(n);
        assert_eq!(serde_json::to_value(status).ok(), Some(json!(n)));
        assert_eq!(
            serde_json::from_value::<Status>(json!(n)).ok(),
            Some(status)
        );
    }
    for bad in ["65536", "-1", "\"88\"", "1.5"] {
        assert!(serde_json::from_str::<Code>(bad).is_err(), "{bad}");
    }
}

#[test]
fn retry_is_its_table_spelling() {
    for retry in [Retry::Never, Retry::Backoff, Retry::AfterReset] {
        let text = serde_json::to_string(&retry).unwrap_or_default();
        assert_eq!(text, format!("\"{}\"", retry.as_str()));
        assert_eq!(serde_json::from_str::<Retry>(&text).ok(), Some(retry));
    }
    assert!(serde_json::from_str::<Retry>("\"sometimes\"").is_err());
}

#[test]
fn problem_is_its_slug() {
    for &problem in Problem::ALL {
        let text = serde_json::to_string(&problem).unwrap_or_default();
        assert_eq!(text, format!("\"{}\"", problem.slug().unwrap_or_default()));
        assert_eq!(serde_json::from_str::<Problem>(&text).ok(), Some(problem));
    }
    let unknown =
        serde_json::from_str::<Problem>("\"https://api.x.com/2/problems/no-such-thing\"").ok();
    assert_eq!(unknown, Some(Problem::Unknown));
    // Unknown is null, not a placeholder slug, and reads back as unknown.
    assert_eq!(
        serde_json::to_string(&Problem::Unknown).ok().as_deref(),
        Some("null")
    );
    assert_eq!(
        serde_json::from_str::<Problem>("null").ok(),
        Some(Problem::Unknown)
    );
    assert_eq!(
        serde_json::from_str::<Vec<Option<Problem>>>("[null]").ok(),
        Some(vec![None])
    );
    assert_eq!(
        serde_json::from_str::<Problem>("\"about:blank\"").ok(),
        Some(Problem::from_type("about:blank"))
    );
}

#[test]
fn response_shape() {
    let (_, body) = common::entry("dev-07");
    let r = ErrorResponse::from_parts(
        429u16,
        [
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1795557600"),
        ],
        &body,
    );
    let value = serde_json::to_value(&r).unwrap_or_default();
    let code = Code::from_u16(88);
    assert_eq!(
        value,
        json!({
            "status": 429, "effective_status": 429, "format": "json", "is_error": true,
            "errors": [{"code": 88, "known": code.is_known(), "name": code.is_known().then(|| code.name()),
                        "message": "Rate limit exceeded", "slug": null, "type": null, "title": null,
                        "detail": null, "status": null, "extra": {}}],
            "problem": null, "media_error": null, "html_title": null, "raw_body": null,
            "retry": r.retry().map(Retry::as_str),
            "rate_limit": {"limit": null, "remaining": 0, "reset": 1795557600u64, "app_24h": null,
                           "user_24h": null, "retry_after": null, "retry_after_at": null, "date": null},
        })
    );
}

#[test]
fn problem_and_extras_as_json_values() {
    let (_, body) = common::entry("dev-50");
    let r = ErrorResponse::parse(403u16, &body);
    let value = serde_json::to_value(&r).unwrap_or_default();
    let problem = &value["problem"];
    assert_eq!(problem["slug"], "client-forbidden");
    assert_eq!(
        problem["type"],
        "https://api.twitter.com/2/problems/client-forbidden"
    );
    assert_eq!(problem["title"], "Client Forbidden");
    assert_eq!(problem["extra"]["reason"], "client-not-enrolled");
    let known = Problem::from_type("client-forbidden");
    assert_eq!(problem["known"], known.is_known());
    assert_eq!(
        problem["name"],
        if known.is_known() {
            json!(known.name())
        } else {
            Value::Null
        }
    );

    let (_, body) = common::entry("dev-58");
    let value = serde_json::to_value(ErrorResponse::parse(400u16, &body)).unwrap_or_default();
    assert_eq!(
        value["errors"][0]["extra"]["parameters"],
        json!({"ids": []})
    );
}

#[test]
fn retry_after_date_and_seconds() {
    let r = ErrorResponse::from_parts(
        429u16,
        [
            ("retry-after", "Tue, 24 Nov 2026 22:00:00 GMT"),
            ("date", "Tue, 24 Nov 2026 21:59:00 GMT"),
        ],
        b"",
    );
    let value = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(value["rate_limit"]["retry_after"], 60);
    assert_eq!(value["rate_limit"]["retry_after_at"], 1_795_557_600u64);
}

#[test]
fn extras_are_written_verbatim_and_repeated_names_numbered() {
    let body = r#"{"errors":[{"code":34,"big":123456789012345678901234567890,"f":1.00,"e":-0.5E+3,"s":"a\u00e9\"b","dup":1,"dup":"two","o":{"k":[true, null]},"dup":[3],"dup#2":"literal","message":"m"}]}"#;
    let r = ErrorResponse::parse(404u16, body.as_bytes());
    let text = serde_json::to_string(&r).unwrap_or_default();
    let extra = r#""extra":{"big":123456789012345678901234567890,"f":1.00,"e":-0.5E+3,"s":"a\u00e9\"b","dup":1,"dup#2":"two","o":{"k":[true, null]},"dup#3":[3],"dup#2#2":"literal"}}"#;
    assert!(text.contains(extra), "{text}");
    // Still one JSON document, every key once.
    let value: Value = serde_json::from_str(&text).unwrap_or_default();
    let keys = value["errors"][0]["extra"]
        .as_object()
        .map(|o| o.len())
        .unwrap_or_default();
    assert_eq!(keys, 9);
    // The pretty form keeps values verbatim too.
    let pretty = serde_json::to_string_pretty(&r).unwrap_or_default();
    assert!(
        pretty.contains(r#""big": 123456789012345678901234567890,"#),
        "{pretty}"
    );
    assert!(pretty.contains(r#""f": 1.00,"#), "{pretty}");
}

#[test]
fn an_extra_too_deep_for_a_value_is_written_verbatim() {
    let deep = "[".repeat(1000) + &"]".repeat(1000);
    let body = format!(r#"{{"errors":[{{"code":88,"deep":{deep}}}]}}"#);
    let r = ErrorResponse::parse(429u16, body.as_bytes());
    let text = serde_json::to_string(&r).unwrap_or_default();
    assert!(text.contains(&format!(r#""extra":{{"deep":{deep}}}"#)));
}
