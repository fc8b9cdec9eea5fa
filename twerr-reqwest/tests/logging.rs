//! Every wait and give-up is a tracing event with its reason and duration; no event carries
//! a token, a header or a query string.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use reqwest_middleware::ClientBuilder;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use twerr_core::NoJitter;
use twerr_reqwest::TwerrMiddleware;

/// Keeps every event as its fields, `name=value`.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(event.metadata().level().to_string());
        event.record(&mut line);
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn waits_and_give_ups_are_logged_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start([
        capture_reply("rate-limit-88-date.crlf.txt"),
        ok(),
        capture_reply("problem-json-403-duplicate.crlf.txt"),
        // A proxy that echoes the token and the query in its 401 page.
        reply(
            401,
            &[("content-type", "text/plain")],
            b"Unauthorized: Bearer AAAA-SECRET-BEARER is not valid for /2/tweets?hidden-query=1",
        ),
    ])
    .await;
    let clock = FakeClock::new(at(1_705_420_000));
    let middleware = TwerrMiddleware::builder()
        .clock(clock.clone())
        .sleeper(FakeSleeper::new(Arc::clone(&clock)))
        .jitter(Arc::new(NoJitter))
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    let secret = "AAAA-SECRET-BEARER";
    client
        .get(server.url("/2/users/20?user.fields=hidden-query"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("response");
    client
        .post(server.url("/2/tweets?hidden-query=1"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("response");
    let echoed = client
        .get(server.url("/2/users/me"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("response");
    assert_eq!(echoed.status(), 401);

    let lines = capture.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let ours: Vec<_> = lines.iter().filter(|l| l.contains("twerr:")).collect();
    let credential =
        twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, secret).to_string();
    assert_eq!(ours.len(), 3, "{lines:#?}");
    assert!(
        ours[0].contains("waiting before resending") && ours[0].contains("wait_ms=801000"),
        "{}",
        ours[0]
    );
    assert!(
        ours[0].contains(&format!("credential={credential}")),
        "{}",
        ours[0]
    );
    assert!(
        ours[0].contains("reason=429; code 88"),
        "the reason is the status and codes: {}",
        ours[0]
    );
    assert!(
        ours[1].contains("giving up") && ours[1].contains("not retryable"),
        "{}",
        ours[1]
    );
    assert!(
        ours[2].contains("giving up") && ours[2].contains("reason=401"),
        "{}",
        ours[2]
    );
    for line in &lines {
        assert!(!line.contains("SECRET"), "a token in {line}");
        assert!(!line.contains("hidden-query"), "a query string in {line}");
        assert!(
            !line.to_ascii_lowercase().contains("authorization"),
            "a header in {line}"
        );
    }
}

/// The events of `body` run against a fresh middleware, `twerr:` ones only.
async fn events_of(
    run: impl AsyncFnOnce(reqwest_middleware::ClientWithMiddleware, &Server),
) -> Vec<String> {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start([]).await;
    server.fallback(ok());
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(
            TwerrMiddleware::builder()
                .jitter(Arc::new(NoJitter))
                .build(),
        )
        .build();
    run(client, &server).await;
    let lines = capture.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    lines.into_iter().filter(|l| l.contains("twerr:")).collect()
}

#[tokio::test]
async fn a_request_without_a_credential_is_warned_about_once_per_middleware() {
    let lines = events_of(async |client, server| {
        for _ in 0..3 {
            client
                .get(server.url("/2/users/me"))
                .send()
                .await
                .expect("sent");
        }
        let keyed = twerr_reqwest::RequestOptions::new().credential_key("user-1");
        client
            .get(server.url("/2/users/me"))
            .with_extension(keyed)
            .send()
            .await
            .expect("sent");
    })
    .await;
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("RequestOptions::credential_key") && lines[0].contains("WARN"),
        "{}",
        lines[0]
    );
    // Another middleware warns again: the warning is per instance, not per process.
    let again = events_of(async |client, server| {
        client
            .get(server.url("/2/users/me"))
            .send()
            .await
            .expect("sent");
    })
    .await;
    assert_eq!(again.len(), 1, "{again:#?}");
}

#[tokio::test]
async fn a_request_signed_before_the_middleware_is_warned_about_once() {
    let lines = events_of(async |client, server| {
        for nonce in ["a", "b"] {
            client
                .get(server.url("/2/users/me"))
                .header(
                    "authorization",
                    format!(
                        r#"OAuth oauth_consumer_key="ck", oauth_token="1-t", oauth_nonce="{nonce}""#
                    ),
                )
                .send()
                .await
                .expect("sent");
        }
    })
    .await;
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("already signed") && lines[0].contains("after TwerrMiddleware"),
        "{}",
        lines[0]
    );
}
