//! One test per body in fixtures/real-error-bodies.json: what Twitter really sent.
//!
//! Body facts (codes, messages, slugs) are asserted as written in the body; facts about codes
//! and problem types (their retry advice, their HTTP correspondence) are taken from the
//! generated table, so adding or correcting a table row never breaks these tests.
#![cfg(feature = "std")]

mod common;

use common::{codes, entry, expected_retry, extras, messages, raw_extras};
use serde_json::json;
use twerr_core::{BodyFormat, Code, ErrorResponse, Problem, Status};

/// Parses fixture `id` with its reported status, or `fallback` when the report had none.
fn parse(id: &str, fallback: u16) -> (u16, ErrorResponse) {
    let (status, body) = entry(id);
    let status = status.unwrap_or(fallback);
    (status, ErrorResponse::parse(status, &body))
}

/// A v1.1 body with one error: code, message, error, no raw copy, advice from the table.
fn one_v11_error(id: &str, fallback: u16, code: u16, message: &str) -> ErrorResponse {
    let (status, response) = parse(id, fallback);
    assert_eq!(response.format(), BodyFormat::Json);
    assert_eq!(codes(&response), [Some(code)]);
    assert_eq!(messages(&response), [Some(message)]);
    assert!(response.is_error());
    assert_eq!(response.problem(), None);
    assert_eq!(response.raw_body(), None);
    assert_eq!(response.effective_status(), Status::from_u16(status));
    assert_eq!(response.retry(), expected_retry(status, &[code], &[]));
    response
}

#[test]
fn dev_00_duplicate_status() {
    one_v11_error("dev-00", 403, 187, "Status is a duplicate.");
}

#[test]
fn dev_01_message_before_code() {
    one_v11_error("dev-01", 404, 34, "Sorry, that page does not exist");
}

#[test]
fn dev_03_could_not_authenticate() {
    one_v11_error("dev-03", 401, 32, "Could not authenticate you.");
}

#[test]
fn dev_05_bad_authentication_data() {
    one_v11_error("dev-05", 400, 215, "Bad Authentication data");
}

#[test]
fn dev_07_rate_limit_exceeded() {
    let response = one_v11_error("dev-07", 429, 88, "Rate limit exceeded");
    assert_eq!(
        response.errors().first().and_then(|e| e.code()),
        Some(Code::from_u16(88))
    );
}

#[test]
fn dev_09_python_repr_is_not_json_and_no_code_is_guessed() {
    let (status, response) = parse("dev-09", 403);
    let (_, body) = entry("dev-09");
    assert_eq!(response.format(), BodyFormat::Json);
    assert!(response.errors().is_empty());
    assert!(response.is_error());
    assert_eq!(response.raw_body().map(str::as_bytes), Some(&body[..]));
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
}

#[test]
fn dev_10_undocumented_code_453() {
    one_v11_error(
        "dev-10",
        403,
        453,
        "You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.twitter.com/en/portal/product",
    );
}

#[test]
fn dev_11_daily_status_update_limit() {
    one_v11_error(
        "dev-11",
        403,
        185,
        "User is over daily status update limit.",
    );
}

#[test]
fn dev_14_timestamp_out_of_bounds_keeps_the_servers_wording() {
    let response = one_v11_error("dev-14", 401, 135, "Timestamp out of bounds");
    assert_eq!(
        response.errors().first().and_then(|e| e.code()),
        Some(Code::from_u16(135))
    );
}

#[test]
fn dev_16_callback_url_not_approved() {
    // The report had no status; oauth/request_token answers 415 with HTTP 403.
    one_v11_error(
        "dev-16",
        403,
        415,
        "Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings",
    );
}

#[test]
fn dev_19_extra_members_are_kept() {
    let response = one_v11_error(
        "dev-19",
        403,
        326,
        "To protect our users from spam and other malicious activity, this account is temporarily locked. Please log in to https://twitter.com to unlock your account.",
    );
    let error = &response.errors()[0];
    assert_eq!(
        extras(error),
        [
            ("sub_error_code", json!(0)),
            (
                "bounce_location",
                json!("https://twitter.com/account/access")
            )
        ]
    );
    assert_eq!(
        raw_extras(error)[0].1,
        "0",
        "extra members are raw JSON text"
    );
}

/// A v1 `{"error", "request"}` body.
fn v1_error(id: &str, fallback: u16, message: &str, request: &str) {
    let (status, response) = parse(id, fallback);
    assert_eq!(codes(&response), [None]);
    assert_eq!(messages(&response), [Some(message)]);
    assert_eq!(extras(&response.errors()[0]), [("request", json!(request))]);
    assert!(response.is_error());
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
}

#[test]
fn dev_23_error_and_request() {
    v1_error(
        "dev-23",
        401,
        "Not authorized.",
        "/1.1/statuses/user_timeline.json",
    );
    let (_, response) = parse("dev-23", 401);
    // Raw JSON text keeps Twitter's escaped slashes.
    assert_eq!(
        raw_extras(&response.errors()[0])[0].1,
        r#""\/1.1\/statuses\/user_timeline.json""#
    );
}

#[test]
fn dev_25_request_before_error() {
    // The report had no status; "Could not authenticate" is a 401.
    v1_error(
        "dev-25",
        401,
        "Could not authenticate with OAuth.",
        "/1/help/test.json",
    );
}

#[test]
fn dev_29_xml_errors_with_code_attribute() {
    let (status, response) = parse("dev-29", 410);
    assert_eq!(response.format(), BodyFormat::Xml);
    assert_eq!(codes(&response), [Some(68)]);
    assert_eq!(
        messages(&response),
        [Some(
            "The Twitter REST API v1 is no longer active. Please migrate to API v1.1. https://dev.twitter.com/docs/api/1.1/overview."
        )]
    );
    assert!(response.is_error());
    assert_eq!(response.retry(), expected_retry(status, &[68], &[]));
}

#[test]
fn dev_33_xml_v1_hash() {
    // The report had no status; the docs example is a failed lookup.
    let (status, response) = parse("dev-33", 404);
    assert_eq!(response.format(), BodyFormat::Xml);
    assert_eq!(codes(&response), [None]);
    assert_eq!(
        messages(&response),
        [Some("No direct message with that ID found.")]
    );
    assert_eq!(
        extras(&response.errors()[0]),
        [("request", json!("/direct_messages/destroy/456.xml"))]
    );
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
}

#[test]
fn dev_35_errors_as_a_string() {
    let (status, response) = parse("dev-35", 403);
    assert_eq!(codes(&response), [None]);
    assert_eq!(messages(&response), [Some("Status is a duplicate.")]);
    assert!(response.is_error());
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
}

#[test]
fn dev_38_media_processing_error_is_not_a_code() {
    let (_, response) = parse("dev-38", 200);
    let media = response.media_error().expect("processing_info.error");
    assert_eq!(
        (media.code(), media.name(), media.message()),
        (
            Some(1),
            Some("InvalidMedia"),
            Some("Unsupported video format")
        )
    );
    assert!(response.errors().is_empty());
    assert!(!response.is_error(), "the STATUS request itself succeeded");
    assert_eq!(response.retry(), None);
    assert_eq!(response.raw_body(), None);
}

#[test]
fn dev_39_plain_text() {
    let (status, response) = parse("dev-39", 401);
    assert_eq!(response.format(), BodyFormat::Text);
    assert!(response.errors().is_empty());
    assert_eq!(
        response.raw_body(),
        Some("Failed to validate oauth signature and token")
    );
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
    assert_eq!(
        response.to_string(),
        format!(
            "{}: Failed to validate oauth signature and token",
            Status::from_u16(401)
        )
    );
}

#[test]
fn dev_41_html_page_keeps_its_title() {
    let (status, response) = parse("dev-41", 401);
    assert_eq!(response.format(), BodyFormat::Html);
    assert_eq!(response.html_title(), Some("Error 401 Unauthorized"));
    assert_eq!(response.raw_body(), None);
    assert!(response.errors().is_empty());
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
}

#[test]
fn dev_43_empty_body() {
    let (status, response) = parse("dev-43", 422);
    assert_eq!(response.format(), BodyFormat::Empty);
    assert!(response.errors().is_empty());
    assert_eq!(response.raw_body(), None);
    assert!(response.is_error());
    assert_eq!(response.retry(), expected_retry(status, &[], &[]));
    assert_eq!(response.to_string(), Status::from_u16(422).to_string());
}

/// A v2 top-level problem: type, slug, title, detail; advice from the type, else the status.
fn v2_problem(id: &str, type_uri: &str, title: &str, detail: &str) -> ErrorResponse {
    let (status, response) = parse(id, 0);
    let problem = response.problem().expect("a top-level problem");
    assert_eq!(problem.problem_type(), Some(type_uri));
    assert_eq!(problem.problem(), Some(Problem::from_type(type_uri)));
    assert_eq!(problem.slug(), type_uri.rsplit('/').next());
    assert_eq!(problem.title(), Some(title));
    assert_eq!(problem.detail(), Some(detail));
    assert_eq!(problem.code(), None);
    assert!(response.is_error());
    assert_eq!(response.raw_body(), None);
    assert_eq!(response.retry(), expected_retry(status, &[], &[type_uri]));
    response
}

#[test]
fn dev_45_about_blank_429() {
    let response = v2_problem(
        "dev-45",
        "about:blank",
        "Too Many Requests",
        "Too Many Requests",
    );
    let problem = response.problem().expect("problem");
    assert_eq!(problem.slug(), Some("about:blank"));
    assert_eq!(problem.status(), Some(Status::from_u16(429)));
    assert!(response.errors().is_empty());
}

#[test]
fn dev_48_about_blank_duplicate_content() {
    let response = v2_problem(
        "dev-48",
        "about:blank",
        "Forbidden",
        "You are not allowed to create a Tweet with duplicate content.",
    );
    assert_eq!(
        response.problem().and_then(|p| p.status()),
        Some(Status::from_u16(403))
    );
}

#[test]
fn dev_50_client_forbidden_keeps_its_members() {
    let response = v2_problem(
        "dev-50",
        "https://api.twitter.com/2/problems/client-forbidden",
        "Client Forbidden",
        "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    );
    let problem = response.problem().expect("problem");
    assert_eq!(
        extras(problem),
        [
            ("client_id", json!("*******")),
            (
                "registration_url",
                json!("https://developer.twitter.com/en/docs/projects/overview")
            ),
            (
                "required_enrollment",
                json!("Appropriate Level of API Access")
            ),
            ("reason", json!("client-not-enrolled")),
        ]
    );
}

#[test]
fn dev_52_unsupported_authentication_pretty_printed() {
    let response = v2_problem(
        "dev-52",
        "https://api.twitter.com/2/problems/unsupported-authentication",
        "Unsupported Authentication",
        "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
    );
    assert_eq!(
        response.problem().and_then(|p| p.status()),
        Some(Status::from_u16(403))
    );
}

#[test]
fn dev_56_streaming_connection() {
    let response = v2_problem(
        "dev-56",
        "https://api.twitter.com/2/problems/streaming-connection",
        "ConnectionException",
        "This stream is currently at the maximum allowed connection limit.",
    );
    let problem = response.problem().expect("problem");
    assert_eq!(
        extras(problem),
        [("connection_issue", json!("TooManyConnections"))]
    );
    assert_eq!(problem.status(), None);
}

/// An `invalid-request` problem with one parameter error.
fn invalid_request(id: &str, message: &str) {
    let response = v2_problem(
        id,
        "https://api.twitter.com/2/problems/invalid-request",
        "Invalid Request",
        "One or more parameters to your request was invalid.",
    );
    assert_eq!(codes(&response), [None]);
    assert_eq!(messages(&response), [Some(message)]);
    assert_eq!(
        extras(&response.errors()[0]),
        [("parameters", json!({"ids": []}))]
    );
}

#[test]
fn dev_58_invalid_request() {
    invalid_request("dev-58", "The ids query parameter can not be empty");
}

#[test]
fn dev_62_invalid_request_pretty_printed() {
    invalid_request("dev-62", "The `ids` query parameter can not be empty");
}

/// v2 partial errors on HTTP 200 with no `data`: a failure, status from the problem type.
fn only_partial_errors(id: &str, type_uri: &str, title: &str, detail: &str) -> ErrorResponse {
    let (status, response) = parse(id, 200);
    assert_eq!(status, 200);
    assert!(response.is_error(), "200 with only errors is a failure");
    assert_eq!(response.problem(), None);
    let [error] = response.errors() else {
        panic!("one error expected: {response:?}")
    };
    assert_eq!(error.problem_type(), Some(type_uri));
    assert_eq!(error.problem(), Some(Problem::from_type(type_uri)));
    assert_eq!((error.title(), error.detail()), (Some(title), Some(detail)));
    let problem = Problem::from_type(type_uri);
    let effective = problem.status().unwrap_or(Status::from_u16(200));
    assert_eq!(response.effective_status(), effective);
    assert_eq!(
        response.retry(),
        expected_retry(effective.as_u16(), &[], &[type_uri])
    );
    response
}

#[test]
fn dev_63_resource_not_found_on_200() {
    let response = only_partial_errors(
        "dev-63",
        "https://api.twitter.com/2/problems/resource-not-found",
        "Not Found Error",
        "Could not find tweet with id: [1508806917874978822].",
    );
    let names: Vec<_> = extras(&response.errors()[0])
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        ["value", "resource_type", "parameter", "resource_id"]
    );
}

#[test]
fn dev_66_not_authorized_for_resource_on_200() {
    let response = only_partial_errors(
        "dev-66",
        "https://api.twitter.com/2/problems/not-authorized-for-resource",
        "Authorization Error",
        "Sorry, you are not authorized to see the Tweet with ids: [1000082502030065665].",
    );
    assert!(extras(&response.errors()[0]).contains(&("section", json!("data"))));
}

#[test]
fn dev_67_usage_capped() {
    let response = v2_problem(
        "dev-67",
        "https://api.twitter.com/2/problems/usage-capped",
        "UsageCapExceeded",
        "Usage cap exceeded: Monthly product cap",
    );
    let names: Vec<_> = extras(response.problem().expect("problem"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["account_id", "product_name", "period", "scope"]);
}

#[test]
fn every_fixture_entry_has_a_test() {
    let tested = [
        "dev-00", "dev-01", "dev-03", "dev-05", "dev-07", "dev-09", "dev-10", "dev-11", "dev-14",
        "dev-16", "dev-19", "dev-23", "dev-25", "dev-29", "dev-33", "dev-35", "dev-38", "dev-39",
        "dev-41", "dev-43", "dev-45", "dev-48", "dev-50", "dev-52", "dev-56", "dev-58", "dev-62",
        "dev-63", "dev-66", "dev-67",
    ];
    let ids: Vec<String> = common::entries()
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids, tested);
}
