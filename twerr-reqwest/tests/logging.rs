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

    let lines = capture.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let ours: Vec<_> = lines.iter().filter(|l| l.contains("twerr:")).collect();
    let credential =
        twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, secret).to_string();
    assert_eq!(ours.len(), 2, "{lines:#?}");
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
        ours[0].contains("88 Rate limit exceeded"),
        "the reason: {}",
        ours[0]
    );
    assert!(
        ours[1].contains("giving up") && ours[1].contains("not retryable"),
        "{}",
        ours[1]
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
