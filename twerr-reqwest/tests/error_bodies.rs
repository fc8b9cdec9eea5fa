//! How TwerrMiddleware reads an error body it cannot read whole (longer than the cap, slower
//! than the deadline): it classifies the failure by what it read, acts on that, and hands the
//! caller the whole body. reqwest against a real server on 127.0.0.1; the slow bodies run on
//! tokio's paused clock, so seconds of trickling take none.

mod common;

use common::*;
use tokio::time::Instant;
use twerr_core::{Code, ErrorResponse, Problem, Retry, RetryPolicy};
use twerr_reqwest::{DEFAULT_ERROR_BODY_TIMEOUT, NotSent, NotSentReason, TwerrResponseExt};

/// code 131 as a v2 500 sends it: 52 bytes, so 52 s at a byte a second.
const INTERNAL_ERROR: &[u8] = br#"{"errors":[{"code":131,"message":"Internal error"}]}"#;

fn parsed(response: &reqwest::Response) -> ErrorResponse {
    response.twerr_error().cloned().expect("ErrorResponse")
}

#[tokio::test(start_paused = true)]
async fn a_trickling_error_body_is_handed_back_at_the_deadline_and_then_read_whole() {
    let server = Server::answering(|_| {
        trickling(
            500,
            &[("content-type", "application/json")],
            INTERNAL_ERROR,
            secs(1),
        )
    })
    .await;
    let policy = RetryPolicy::default();
    let h = harness(CAPTURE_DATE, |b| b.policy(policy));
    let started = Instant::now();
    let response = tokio::time::timeout(secs(40), h.client.get(server.url("/2/tweets/20")).send())
        .await
        .expect("the middleware returns before the body has arrived")
        .expect("response");
    // The status decides: a 500 to a GET is resent, every attempt read for the default time.
    let sent = server.received().len();
    assert_eq!(sent, policy.max_attempts() as usize);
    assert_eq!(attempts(&response).0 as usize, sent);
    let elapsed = started.elapsed();
    let expected = DEFAULT_ERROR_BODY_TIMEOUT * sent as u32;
    assert!(
        elapsed >= expected && elapsed < expected + secs(1),
        "{elapsed:?} for {sent} attempts"
    );
    assert_eq!(parsed(&response).retry(), Some(Retry::Backoff));
    assert_eq!(response.status(), 500);
    assert_eq!(response.content_length(), Some(INTERNAL_ERROR.len() as u64));
    // Nothing is lost: the bytes read come first, the rest as it arrives.
    let body = response.bytes().await.expect("the whole body");
    assert_eq!(body, INTERNAL_ERROR);
}

#[tokio::test(start_paused = true)]
async fn the_error_body_deadline_is_settable() {
    let server = Server::start([trickling(500, &[], INTERNAL_ERROR, secs(1))]).await;
    let h = harness(CAPTURE_DATE, |b| {
        b.policy(RetryPolicy::default().with_max_attempts(1))
            .error_body_timeout(secs(2))
    });
    let started = Instant::now();
    let response = h
        .client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    let elapsed = started.elapsed();
    assert!(elapsed >= secs(2) && elapsed < secs(3), "{elapsed:?}");
    assert_eq!(response.bytes().await.expect("body"), INTERNAL_ERROR);
}

#[tokio::test(start_paused = true)]
async fn what_arrived_before_the_deadline_classifies_the_failure() {
    // The whole error arrives with the head; only the padding after it trickles.
    let mut body = br#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#.to_vec();
    let head = body.len();
    body.extend(std::iter::repeat_n(b' ', 60));
    let Reply::Close(bytes) = reply(403, &[], &body) else {
        unreachable!()
    };
    let at = bytes.len() - body.len() + head;
    let server = Server::start([Reply::Trickle {
        bytes,
        at,
        every: secs(1),
    }])
    .await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/1.1/statuses/show/20.json"))
        .send()
        .await
        .expect("response");
    assert_eq!(
        parsed(&response).errors()[0].code(),
        Some(Code::from_u16(187))
    );
    assert_eq!(response.bytes().await.expect("body"), body);
}

/// The capture's usage-capped 429, its headers and body.
fn usage_capped() -> (Vec<(String, String)>, Vec<u8>) {
    let (status, headers, body) = capture("proxy-usage-capped.crlf.txt");
    assert_eq!(status, 429);
    (headers, body)
}

#[tokio::test]
async fn a_usage_cap_longer_than_the_read_limit_is_known_by_its_beginning() {
    let (headers, real) = usage_capped();
    // The real body, then 100 KB of blanks (still one JSON value).
    let mut padded = real.clone();
    padded.extend(std::iter::repeat_n(b'\n', 100_000));
    // The same problem with its type first and a detail of 100 KB: cut inside the detail.
    let type_first = format!(
        r#"{{"type":"https://api.twitter.com/2/problems/usage-capped","title":"UsageCapExceeded","period":"Monthly","scope":"Product","detail":"{}"}}"#,
        "x".repeat(100_000)
    )
    .into_bytes();
    for body in [padded, type_first] {
        let server =
            Server::start([Reply::Close(response(429, &headers, &body)), ok(), ok()]).await;
        let h = harness(CAPTURE_DATE, |b| b);
        let capped = h
            .client
            .get(server.url("/2/tweets/search/recent?query=x"))
            .bearer_auth("capped")
            .send()
            .await
            .expect("response");
        assert_eq!(capped.status(), 429);
        assert_eq!(
            parsed(&capped).problem().and_then(|p| p.problem()),
            Some(Problem::UsageCapped)
        );
        assert_eq!(attempts(&capped).0, 1, "not resent");
        assert!(h.sleeper.slept().is_empty());
        assert_eq!(capped.content_length(), Some(body.len() as u64));
        assert_eq!(capped.bytes().await.expect("body"), body);
        // The cap is remembered: the next request is not sent.
        let error = h
            .client
            .get(server.url("/2/users/me"))
            .bearer_auth("capped")
            .send()
            .await
            .expect_err("fails fast");
        let not_sent = NotSent::find(&error).expect("NotSent");
        assert!(
            matches!(not_sent.reason(), NotSentReason::Blocked(_)),
            "{not_sent}"
        );
        assert_eq!(server.received().len(), 1);
    }
}

#[tokio::test]
async fn a_body_over_the_cap_is_classified_by_what_is_complete_before_the_cut() {
    let (status, real) = real_body("dev-00"); // code 187, 403
    let mut body = real.clone();
    body.extend(std::iter::repeat_n(b' ', 100_000));
    // Cut after the error object: it is complete, and counts.
    let server = Server::start([reply(status, &[], &body)]).await;
    let h = harness(CAPTURE_DATE, |b| b.max_error_body(real.len() + 1));
    let response = h
        .client
        .get(server.url("/1.1/statuses/show/20.json"))
        .send()
        .await
        .expect("response");
    assert_eq!(
        parsed(&response).errors()[0].code(),
        Some(Code::from_u16(187))
    );
    assert_eq!(response.content_length(), Some(body.len() as u64));
    assert_eq!(response.bytes().await.expect("body"), body);

    // Cut inside it: nothing is taken from it, and the status decides.
    let server = Server::start([reply(status, &[], &body)]).await;
    let h = harness(CAPTURE_DATE, |b| b.max_error_body(real.len() - 10));
    let response = h
        .client
        .get(server.url("/1.1/statuses/show/20.json"))
        .send()
        .await
        .expect("response");
    let error = parsed(&response);
    assert_eq!(error.all_errors().count(), 0, "{error:?}");
    assert_eq!(error.retry(), Some(Retry::Never));
    assert_eq!(response.bytes().await.expect("body"), body);
}

#[tokio::test]
async fn a_number_at_the_cut_is_not_taken_for_a_code() {
    // Cut at 9 bytes, `{"code":8` of `{"code":88`: code 8 would be invented.
    let body = br#"{"code":88,"message":"Rate limit exceeded"}"#;
    let server = Server::start([reply(404, &[], body)]).await;
    let h = harness(CAPTURE_DATE, |b| b.max_error_body(9));
    let response = h
        .client
        .get(server.url("/1.1/statuses/show/20.json"))
        .send()
        .await
        .expect("response");
    let error = parsed(&response);
    assert_eq!(
        error.all_errors().filter_map(|e| e.code()).count(),
        0,
        "{error:?}"
    );
    assert_eq!(response.bytes().await.expect("body"), &body[..]);
}
