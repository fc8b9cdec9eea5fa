//! TwerrMiddleware's retries of server trouble and network errors, with reqwest against a
//! real server on 127.0.0.1; the clock, sleeper and jitter are injected.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use reqwest_middleware::ClientBuilder;
use twerr_core::{ErrorResponse, RetryPolicy};
use twerr_reqwest::{NotSent, RequestOptions, TwerrMiddleware, TwerrResponseExt};

#[tokio::test]
async fn over_capacity_backs_off_on_get_and_is_not_retried_on_post() {
    let server = Server::start([reply(503, &[], OVER_CAPACITY), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(h.sleeper.slept(), [secs(5)]);

    server.push(reply(503, &[], OVER_CAPACITY));
    let response = h
        .client
        .post(server.url("/2/tweets"))
        .body("{}")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 503);
    assert_eq!(attempts(&response).0, 1);
    let parsed = response
        .extensions()
        .get::<ErrorResponse>()
        .expect("ErrorResponse");
    assert_eq!(
        parsed.errors()[0].code(),
        Some(twerr_core::Code::from_u16(130))
    );
    assert_eq!(h.sleeper.slept(), [secs(5)], "no second wait");
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get_only() {
    let server = Server::start([Reply::Drop, ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(h.sleeper.slept(), [Duration::from_millis(250)]);

    server.push(Reply::Drop);
    let error = h
        .client
        .post(server.url("/2/tweets"))
        .body("{}")
        .send()
        .await
        .expect_err("not resent");
    assert!(NotSent::find(&error).is_none());
    assert_eq!(server.received().len(), 3);
    assert_eq!(h.sleeper.slept().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_any_method() {
    // A port that was just free: nothing listens there, so every connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let h = harness(CAPTURE_DATE, |b| b);
    let error = h
        .client
        .post(format!("http://127.0.0.1:{port}/2/tweets"))
        .body("{}")
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(&error, reqwest_middleware::Error::Reqwest(e) if e.is_connect()));
    let ms = Duration::from_millis;
    assert_eq!(
        h.sleeper.slept(),
        [ms(250), ms(500), ms(750), ms(1000)],
        "5 attempts, linear"
    );
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date() {
    let server = Server::start([reply(503, &[("retry-after", "30")], OVER_CAPACITY), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    h.client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    assert_eq!(h.sleeper.slept(), [secs(30)], "longer than the 5 s backoff");

    // An HTTP date two minutes after the clock.
    let server = Server::start([
        reply(
            503,
            &[("retry-after", "Tue, 16 Jan 2024 15:48:40 GMT")],
            OVER_CAPACITY,
        ),
        ok(),
    ])
    .await;
    let h = harness(CAPTURE_DATE, |b| b);
    h.client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    assert_eq!(h.sleeper.slept(), [secs(120)]);
}

#[tokio::test]
async fn retries_can_be_turned_off_per_request() {
    let server = Server::start([reply(503, &[], OVER_CAPACITY)]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/2/tweets/20"))
        .with_extension(RequestOptions::new().no_retries())
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 503);
    assert!(h.sleeper.slept().is_empty());
}

#[tokio::test]
async fn the_default_middleware_sleeps_in_real_time() {
    let server = Server::start([reply(503, &[], OVER_CAPACITY), ok()]).await;
    let policy = RetryPolicy::default()
        .with_backoff_first(Duration::from_millis(20))
        .with_max_jitter(Duration::ZERO);
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(TwerrMiddleware::builder().policy(policy).build())
        .build();
    let response = client
        .get(server.url("/2/tweets/20"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&response), (2, Duration::from_millis(20)));
}

#[test]
fn policy_and_shared_store_are_settable() {
    let store: Arc<dyn twerr_core::RateLimitStore> = Arc::new(twerr_core::MemoryStore::new());
    let middleware = TwerrMiddleware::builder().store(Arc::clone(&store)).build();
    assert!(Arc::ptr_eq(middleware.store(), &store));
    let shown = format!("{middleware:?}");
    assert!(shown.contains("max_error_body"), "{shown}");
}

#[tokio::test]
async fn a_redirect_loop_is_handed_back_as_bare_reqwest_hands_it_back() {
    let server = Server::answering(|_| reply(302, &[("location", "/2/tweets/20")], b"")).await;
    let url = server.url("/2/tweets/20");
    let bare = reqwest::Client::new()
        .get(&url)
        .send()
        .await
        .expect_err("too many redirects");
    assert!(bare.is_redirect(), "{bare}");
    let by_bare = server.received().len();
    assert_eq!(by_bare, 11, "the first request and 10 redirects");

    let h = harness(CAPTURE_DATE, |b| b);
    let error = h
        .client
        .get(&url)
        .send()
        .await
        .expect_err("too many redirects");
    assert!(
        matches!(&error, reqwest_middleware::Error::Reqwest(e) if e.is_redirect()),
        "{error}"
    );
    assert_eq!(server.received().len() - by_bare, by_bare, "not resent");
    assert!(h.sleeper.slept().is_empty());
}

/// A 5xx proves nothing about whether the server acted, whatever its body says: a POST
/// answered 500, 502 or 503 with code 88 is not resent (a second POST would be a duplicate
/// post); only a 429 proves the request was rejected unprocessed.
#[tokio::test]
async fn a_post_answered_5xx_with_code_88_is_never_sent_twice() {
    let body = br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#;
    for status in [500, 502, 503] {
        let server = Server::start([reply(status, &[], body), ok()]).await;
        let h = harness(CAPTURE_DATE, |b| b);
        let response = h
            .client
            .post(server.url("/2/tweets"))
            .bearer_auth("t")
            .send()
            .await
            .expect("response");
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(server.received().len(), 1, "{status}: sent once");
        assert_eq!(
            response.twerr_give_up(),
            Some(twerr_core::GiveUp::NotIdempotent)
        );
    }
    // The same failure on a GET, safe to repeat, is waited out and resent.
    let server = Server::start([reply(503, &[], body), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/2/users/me"))
        .bearer_auth("t")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(server.received().len(), 2);
}
