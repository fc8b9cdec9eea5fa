//! Every body shape, beyond the real samples: orderings, variants and combinations.
#![cfg(feature = "std")]

mod common;

use common::{codes, expected_retry, extras, messages, raw_extras, unknown_code};
use serde_json::json;
use twerr_core::{ApiError, BodyFormat, Code, ErrorResponse, Problem, Retry, Status};

fn parse(status: u16, body: &str) -> ErrorResponse {
    ErrorResponse::parse(status, body.as_bytes())
}

#[test]
fn v11_errors_keep_order_and_every_entry() {
    let new = unknown_code();
    let r = parse(
        403,
        &format!(
            r#"{{"errors":[{{"code":187,"message":"Status is a duplicate."}},{{"message":"Rate limit exceeded","code":88}},{{"code":{new},"message":"new"}}]}}"#
        ),
    );
    assert_eq!(codes(&r), [Some(187), Some(88), Some(new)]);
    assert_eq!(
        messages(&r),
        [
            Some("Status is a duplicate."),
            Some("Rate limit exceeded"),
            Some("new")
        ]
    );
    assert_eq!(r.errors()[2].code(), Some(Code::from_u16(new)));
    assert_eq!(r.retry(), expected_retry(403, &[187, 88, new], &[]));
}

#[test]
fn extra_members_keep_order_and_raw_text() {
    let r = parse(
        403,
        r#"{"errors":[{"label":"x","code":64,"nested":{"a":[1, 2]},"message":"m","n":1.50}]}"#,
    );
    let error = &r.errors()[0];
    let names: Vec<&str> = error.extra().map(|(n, _)| n).collect();
    assert_eq!(names, ["label", "nested", "n"]);
    assert_eq!(raw_extras(error)[1].1, r#"{"a":[1, 2]}"#);
    assert_eq!(raw_extras(error)[2].1, "1.50");
}

#[test]
fn errors_as_string_list_null_and_odd_items() {
    let r = parse(400, r#"{"errors":["first","second"]}"#);
    assert_eq!(messages(&r), [Some("first"), Some("second")]);
    assert_eq!(codes(&r), [None, None]);

    let r = parse(400, r#"{"errors":null}"#);
    assert!(r.errors().is_empty());
    assert!(
        r.raw_body().is_some(),
        "nothing structured: the body is kept"
    );

    let r = parse(
        400,
        r#"{"errors":[null, 88, true, [], {}, "", {"code":34,"message":"x"}, 1.5]}"#,
    );
    assert_eq!(
        codes(&r),
        [Some(34)],
        "nulls, numbers, lists and empty objects are not errors"
    );

    let r = parse(
        429,
        r#"{"errors":{"code":88,"message":"Rate limit exceeded"}}"#,
    );
    assert_eq!(codes(&r), [Some(88)], "a single object instead of a list");
}

#[test]
fn v1_error_and_request_in_either_order() {
    for body in [
        r#"{"error":"Not authorized.","request":"/1/x.json"}"#,
        r#"{"request":"/1/x.json","error":"Not authorized."}"#,
    ] {
        let r = parse(401, body);
        assert_eq!(messages(&r), [Some("Not authorized.")]);
        assert_eq!(extras(&r.errors()[0]), [("request", json!("/1/x.json"))]);
        assert_eq!(r.problem(), None);
    }
}

#[test]
fn oauth2_error_and_description() {
    let r = parse(
        400,
        r#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#,
    );
    let [error] = r.errors() else {
        panic!("one error: {r:?}")
    };
    assert_eq!(error.title(), Some("invalid_request"));
    assert_eq!(
        error.message(),
        Some("Value passed for the token was invalid.")
    );
    assert_eq!(error.code(), None);
    assert_eq!(
        r.to_string(),
        format!(
            "{}: invalid_request: Value passed for the token was invalid.",
            Status::from_u16(400)
        )
    );
}

#[test]
fn error_member_holding_an_object() {
    let r = parse(
        401,
        r#"{"error":{"code":89,"message":"Invalid or expired token."}}"#,
    );
    assert_eq!(codes(&r), [Some(89)]);
}

#[test]
fn top_level_code_and_message() {
    let r = parse(
        401,
        r#"{"code":32,"message":"Could not authenticate you."}"#,
    );
    assert_eq!(codes(&r), [Some(32)]);
    assert_eq!(r.problem(), None);
}

#[test]
fn xml_errors_every_element_and_attribute() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<errors>
  <error code="415">Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings</error>
  <error code="99999" kind="x">Too big &amp; kept</error>
  <error>No code <![CDATA[<here>]]>&#33;</error>
  <error code="88"/>
</errors>"#;
    let r = parse(403, body);
    assert_eq!(r.format(), BodyFormat::Xml);
    assert_eq!(codes(&r), [Some(415), None, None, Some(88)]);
    assert_eq!(r.errors()[1].message(), Some("Too big & kept"));
    assert_eq!(
        extras(&r.errors()[1]),
        [("code", json!("99999")), ("kind", json!("x"))]
    );
    assert_eq!(r.errors()[2].message(), Some("No code <here>!"));
    assert_eq!(r.errors()[3].message(), None);
}

#[test]
fn xml_request_belongs_to_its_sibling_error_only() {
    let r = parse(
        404,
        "<a><hash><error>one</error><request>/r.xml</request></hash><error>two</error></a>",
    );
    assert_eq!(messages(&r), [Some("one"), Some("two")]);
    assert_eq!(extras(&r.errors()[0]), [("request", json!("/r.xml"))]);
    assert!(raw_extras(&r.errors()[1]).is_empty());
}

#[test]
fn broken_xml_keeps_what_closed() {
    let r = parse(
        500,
        r#"<errors><error code="131">Internal error</error><error code="1"#,
    );
    assert_eq!(codes(&r), [Some(131)]);
    let r = parse(500, "<errors><unrelated/></errors>");
    assert!(r.errors().is_empty());
    assert!(r.raw_body().is_some());
}

#[test]
fn problem_type_is_read_by_its_last_segment_on_any_host() {
    for uri in [
        "https://api.twitter.com/2/problems/usage-capped",
        "https://api.x.com/2/problems/usage-capped",
        "https://api.twitter.com/labs/1/problems/usage-capped",
    ] {
        let r = parse(
            429,
            &format!(r#"{{"type":"{uri}","title":"UsageCapExceeded","detail":"d"}}"#),
        );
        let problem = r.problem().expect("problem");
        assert_eq!(problem.slug(), Some("usage-capped"));
        assert_eq!(problem.problem(), Some(Problem::from_type("usage-capped")));
        assert_eq!(problem.problem_type(), Some(uri));
    }
}

#[test]
fn problem_status_member() {
    let r = parse(
        403,
        r#"{"type":"about:blank","title":"Forbidden","status":403}"#,
    );
    assert_eq!(
        r.problem().and_then(|p| p.status()),
        Some(Status::from_u16(403))
    );
    let r = parse(
        403,
        r#"{"type":"about:blank","title":"Forbidden","status":"403"}"#,
    );
    let problem = r.problem().expect("problem");
    assert_eq!(problem.status(), None, "a string is not a status");
    assert_eq!(extras(problem), [("status", json!("403"))]);
}

#[test]
fn invalid_request_with_several_parameters() {
    let r = parse(
        400,
        r#"{"errors":[{"parameters":{"ids":[]},"message":"a"},{"parameters":{"max_results":["1000"]},"message":"b"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}"#,
    );
    assert_eq!(messages(&r), [Some("a"), Some("b")]);
    assert_eq!(
        extras(&r.errors()[1]),
        [("parameters", json!({"max_results": ["1000"]}))]
    );
    assert_eq!(r.problem().and_then(|p| p.slug()), Some("invalid-request"));
}

#[test]
fn partial_errors_beside_data_are_a_success() {
    let r = parse(
        200,
        r#"{"data":[{"id":"20","text":"just setting up my twttr"}],"errors":[{"value":"1","detail":"Could not find tweet with ids: [1].","title":"Not Found Error","resource_type":"tweet","parameter":"ids","resource_id":"1","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#,
    );
    assert!(!r.is_error());
    assert_eq!(r.errors().len(), 1);
    assert_eq!(r.retry(), None);
    assert_eq!(r.retry_delay(0, std::time::SystemTime::UNIX_EPOCH), None);
    assert_eq!(r.effective_status(), Status::from_u16(200));
    let r = parse(200, r#"{"data":null,"errors":["gone"]}"#);
    assert!(r.is_error(), "null data is no data");
}

#[test]
fn suppressed_status_takes_the_known_codes_correspondence() {
    // Code 34 corresponds with 404 in the table; an unknown code has no correspondence.
    let unknown = unknown_code();
    let r = parse(
        200,
        &format!(
            r#"{{"errors":[{{"code":{unknown},"message":"?"}},{{"code":34,"message":"Sorry, that page does not exist"}}]}}"#
        ),
    );
    assert!(r.is_error());
    let expected = Code::from_u16(34).status().unwrap_or(Status::from_u16(200));
    assert_eq!(r.effective_status(), expected);
    assert_eq!(r.status(), Status::from_u16(200));
    assert_eq!(
        r.retry(),
        expected_retry(expected.as_u16(), &[unknown, 34], &[])
    );

    let only_unknown = format!(r#"{{"errors":[{{"code":{unknown},"message":"?"}}]}}"#);
    let r = parse(200, &only_unknown);
    assert_eq!(r.effective_status(), Status::from_u16(200));
    assert_eq!(
        r.retry(),
        Some(Retry::Never),
        "answered, nothing known: not worth repeating"
    );
}

#[test]
fn suppressed_problem_takes_its_own_status_member() {
    let body = |type_uri: &str, status: &str| {
        format!(r#"{{"type":"{type_uri}","title":"Forbidden","detail":"No.","status":{status}}}"#)
    };
    // about:blank has no correspondence in the table: the problem says what the status was.
    let r = parse(200, &body("about:blank", "403"));
    assert!(r.is_error());
    assert_eq!(r.effective_status(), Status::from_u16(403));
    assert_eq!(r.status(), Status::from_u16(200));
    assert_eq!(r.retry(), expected_retry(403, &[], &["about:blank"]));
    let r = parse(
        200,
        &body("https://example.com/problems/not-in-the-table", "429"),
    );
    assert_eq!(r.effective_status(), Status::from_u16(429));
    assert_eq!(r.retry(), Status::from_u16(429).retry());
    // Only a plausible error status counts.
    for implausible in [
        "200", "302", "399", "600", "999", "0", "-403", "403.5", "\"403\"",
    ] {
        let r = parse(200, &body("about:blank", implausible));
        assert!(r.is_error());
        assert_eq!(r.effective_status(), Status::from_u16(200), "{implausible}");
    }
    // A received error status is never replaced.
    let r = parse(500, &body("about:blank", "403"));
    assert_eq!(r.effective_status(), Status::from_u16(500));
}

#[test]
fn unknown_codes_fall_back_to_the_status() {
    let body = format!(
        r#"{{"errors":[{{"code":{},"message":"?"}}]}}"#,
        unknown_code()
    );
    for status in [400, 429, 500, 503, 599, 501] {
        let r = parse(status, &body);
        assert_eq!(
            r.retry(),
            Status::from_u16(status).retry(),
            "status {status}"
        );
    }
}

#[test]
fn most_restrictive_advice_wins() {
    let known = |retry: Retry| Code::ALL.iter().copied().find(|c| c.retry() == Some(retry));
    let (Some(never), Some(reset), Some(backoff)) = (
        known(Retry::Never),
        known(Retry::AfterReset),
        known(Retry::Backoff),
    ) else {
        panic!("the table has codes of every retry class")
    };
    let body = |a: Code, b: Code| {
        format!(
            r#"{{"errors":[{{"code":{}}},{{"code":{}}}]}}"#,
            a.as_u16(),
            b.as_u16()
        )
    };
    assert_eq!(parse(500, &body(reset, never)).retry(), Some(Retry::Never));
    assert_eq!(parse(500, &body(never, reset)).retry(), Some(Retry::Never));
    assert_eq!(
        parse(503, &body(backoff, reset)).retry(),
        Some(Retry::AfterReset)
    );
    assert_eq!(
        parse(429, &body(backoff, backoff)).retry(),
        Some(Retry::Backoff),
        "the code beats the status"
    );
}

#[test]
fn success_bodies_with_lookalike_members_are_not_errors() {
    // oEmbed answers carry "type":"rich"; a v1.1 timeline is a top-level array.
    let r = parse(
        200,
        r#"{"type":"rich","url":"https://twitter.com/x/status/1","html":"<blockquote>","version":"1.0"}"#,
    );
    assert!(!r.is_error());
    assert_eq!(r.problem(), None);
    let r = parse(
        200,
        r#"[{"id":1,"text":"hi","code":5,"message":"not an error"}]"#,
    );
    assert!(!r.is_error());
    assert!(r.errors().is_empty());
    let r = parse(200, r#"{"message":"hello"}"#);
    assert!(!r.is_error());
}

#[test]
fn problem_on_a_success_status_keeps_its_members() {
    let r = parse(
        200,
        r#"{"client_id":"1","type":"https://api.twitter.com/2/problems/client-forbidden","title":"Client Forbidden"}"#,
    );
    assert!(r.is_error());
    assert_eq!(
        extras(r.problem().expect("problem")),
        [("client_id", json!("1"))]
    );
}

#[test]
fn media_error_on_200() {
    let r = parse(
        200,
        r#"{"media_id":1,"processing_info":{"state":"failed","error":{"code":3,"name":"InvalidMedia","message":"x"}}}"#,
    );
    let media = r.media_error().expect("media error");
    assert_eq!(
        (media.code(), media.name()),
        (Some(3), Some("InvalidMedia"))
    );
    assert!(!r.is_error());
    let r = parse(
        200,
        r#"{"media_id":1,"processing_info":{"state":"succeeded","progress_percent":100}}"#,
    );
    assert_eq!(r.media_error(), None);
}

#[test]
fn success_bodies_keep_nothing() {
    for body in [
        "",
        "OK",
        "<html><title>fine</title>",
        r#"{"data":{"id":"1"}}"#,
        "{not json",
    ] {
        let r = parse(200, body);
        assert!(!r.is_error(), "{body}");
        assert_eq!(r.raw_body(), None, "{body}");
        assert_eq!(r.retry(), None);
    }
}

#[test]
fn display_lists_at_most_three_errors() {
    let r = parse(400, r#"{"errors":["a","b","c","d","e"]}"#);
    assert_eq!(
        r.to_string(),
        format!("{}: a; b; c; and 2 more", Status::from_u16(400))
    );
    let r = parse(400, r#"{"errors":[{"code":34}]}"#);
    assert_eq!(
        r.to_string(),
        format!("{}: {}", Status::from_u16(400), Code::from_u16(34)),
        "the table's words"
    );
    let r = parse(500, "line one\nline two");
    assert!(!r.to_string().contains('\n'));
}

#[test]
fn the_max_of_the_errors_advice_is_the_responses_advice() {
    // One known code per retry class, in every order and pairing: `Ord` on `Retry` is the one
    // ranking, so a caller's `max()` must agree with `retry()`.
    let classes = [Retry::Backoff, Retry::AfterReset, Retry::Never];
    let representatives: Vec<Code> = classes
        .iter()
        .filter_map(|&retry| Code::ALL.iter().copied().find(|c| c.retry() == Some(retry)))
        .collect();
    assert!(
        representatives.len() >= 2,
        "the table has codes of several classes"
    );
    for &a in &representatives {
        for &b in &representatives {
            let body = format!(
                r#"{{"errors":[{{"code":{}}},{{"code":{}}}]}}"#,
                a.as_u16(),
                b.as_u16()
            );
            let response = parse(400, &body);
            let max = response.errors().iter().filter_map(ApiError::retry).max();
            assert_eq!(max, response.retry(), "codes {a} and {b}");
            assert_eq!(max, a.retry().max(b.retry()), "codes {a} and {b}");
        }
    }
}
