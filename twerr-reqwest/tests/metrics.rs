//! `MetricsObserver` with a real recorder (metrics-util's debugging recorder) against a real
//! local server: a scripted run with a 429 wait, a 503 resend, give-ups, a block and a stream
//! reconnect gives exactly these names, labels and values, and no label carries the token, the
//! host or the query.

mod common;

use std::collections::BTreeMap;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;

use common::*;
use futures_core::Stream;
use metrics::Unit;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use twerr_core::NoJitter;
use twerr_reqwest::{MetricsObserver, StreamItem, TwerrMiddleware};

const TOKEN: &str = "AAAA-alice-token";
const OTHER_TOKEN: &str = "AAAA-bob-token";
/// In every query and in the unknown path: no label may contain it.
const SECRET: &str = "QSECRET";

/// X's 402 when the account's credits are gone (koala73/worldmonitor #7156, production).
const CREDITS_DEPLETED: &[u8] = br#"{"title":"Payment Required","detail":"credits depleted","type":"https://api.x.com/2/problems/credits-depleted"}"#;

#[derive(Debug, PartialEq)]
enum Value {
    Counter(u64),
    Gauge(f64),
    Histogram(Vec<f64>),
}

fn limited(status: u16, remaining: u64, reset: u64) -> Reply {
    let (remaining, reset) = (remaining.to_string(), reset.to_string());
    reply(
        status,
        &[
            ("content-type", "application/json"),
            ("x-rate-limit-limit", "15"),
            ("x-rate-limit-remaining", &remaining),
            ("x-rate-limit-reset", &reset),
        ],
        b"{}",
    )
}

#[test]
fn a_scripted_run_gives_exactly_these_names_labels_and_values() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // Every task runs on this thread, inside the local recorder's scope.
    let slept = metrics::with_local_recorder(&recorder, || runtime.block_on(run()));
    assert_eq!(slept, [secs(61), secs(5)]);

    let mut seen = BTreeMap::new();
    for (key, unit, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        for label in key.labels() {
            let value = label.value();
            assert!(
                !value.contains(SECRET)
                    && !value.contains("token")
                    && !value.contains("127.0.0.1")
                    && !value.contains('?'),
                "{}={value}",
                label.key()
            );
        }
        let labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        let value = match value {
            DebugValue::Counter(n) => Value::Counter(n),
            DebugValue::Gauge(g) => Value::Gauge(g.into_inner()),
            DebugValue::Histogram(h) => {
                Value::Histogram(h.iter().map(|v| v.into_inner()).collect())
            }
        };
        if key.name() == "twerr_wait_seconds" {
            assert_eq!(unit, Some(Unit::Seconds));
        }
        seen.insert(format!("{}{{{}}}", key.name(), labels.join(",")), value);
    }
    let users = "endpoint=GET /2/users/{id}";
    let expected: BTreeMap<String, Value> = [
        (
            format!("twerr_waits_total{{{users},reason=rate_limited}}"),
            Value::Counter(1),
        ),
        (
            format!("twerr_waits_total{{{users},reason=backoff}}"),
            Value::Counter(1),
        ),
        (
            format!("twerr_wait_seconds{{{users},reason=rate_limited}}"),
            Value::Histogram(vec![61.0]),
        ),
        (
            format!("twerr_wait_seconds{{{users},reason=backoff}}"),
            Value::Histogram(vec![5.0]),
        ),
        (
            format!("twerr_resends_total{{{users},reason=rate_limited}}"),
            Value::Counter(1),
        ),
        (
            format!("twerr_resends_total{{{users},reason=backoff}}"),
            Value::Counter(1),
        ),
        (
            "twerr_give_ups_total{endpoint=POST /2/tweets,reason=not_idempotent}".to_owned(),
            Value::Counter(1),
        ),
        (
            "twerr_give_ups_total{endpoint=GET /2/users/me,reason=not_retryable}".to_owned(),
            Value::Counter(1),
        ),
        (
            "twerr_blocked_total{endpoint=GET /2/users/me,kind=credits-depleted,reach=app}"
                .to_owned(),
            Value::Counter(1),
        ),
        (
            "twerr_stream_reconnects_total{endpoint=GET /2/tweets/search/stream,reason=ended}"
                .to_owned(),
            Value::Counter(1),
        ),
        // Alice last reported 12, Bob 5: the lowest, not the latest.
        (
            format!("twerr_window_remaining{{{users},kind=15m}}"),
            Value::Gauge(5.0),
        ),
        (
            "twerr_window_remaining{endpoint=other,kind=15m}".to_owned(),
            Value::Gauge(7.0),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(seen, expected);
}

/// The scripted run; the waits slept.
async fn run() -> Vec<std::time::Duration> {
    let d = CAPTURE_DATE;
    let server = Server::start([
        // Alice: rate limited until d+60, resent after 61 s (the reset and a second's margin).
        limited(429, 0, d + 60),
        limited(200, 14, d + 900),
        // Bob, same endpoint, has less left.
        limited(200, 5, d + 900),
        // Alice again: 13 left, then a 503 resent after 5 s, 12 left.
        limited(200, 13, d + 900),
        reply(503, &[], b""),
        limited(200, 12, d + 900),
        // A POST is not resent after a 503.
        reply(503, &[], b""),
        // A path outside the templates.
        limited(200, 7, d + 900),
        // A stream: one line, then a clean end.
        chunked(200, &[], b"{\"data\":{\"id\":\"1\"}}\r\n"),
        // No credits: the app is blocked.
        reply(
            402,
            &[("content-type", "application/problem+json")],
            CREDITS_DEPLETED,
        ),
    ])
    .await;
    let clock = FakeClock::new(at(d));
    let sleeper = FakeSleeper::new(clock.clone());
    let middleware = TwerrMiddleware::builder()
        .clock(clock)
        .sleeper(sleeper.clone())
        .jitter(Arc::new(NoJitter))
        .app("bot")
        .observer(Arc::new(MetricsObserver::new()))
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware.clone())
        .build();
    let alice = format!("/2/users/2244994945?user.fields={SECRET}");
    let bob = format!("/2/users/783214?user.fields={SECRET}");
    assert_eq!(get(&client, &server, &alice, TOKEN).await, Some(200));
    assert_eq!(get(&client, &server, &bob, OTHER_TOKEN).await, Some(200));
    assert_eq!(get(&client, &server, &alice, TOKEN).await, Some(200));
    assert_eq!(get(&client, &server, &alice, TOKEN).await, Some(200));
    let post = client.post(server.url("/2/tweets")).bearer_auth(TOKEN);
    assert_eq!(post.send().await.expect("sent").status(), 503);
    let labs = format!("/labs/{SECRET}/1?q={SECRET}");
    assert_eq!(get(&client, &server, &labs, TOKEN).await, Some(200));

    let request = client
        .get(server.url(&format!("/2/tweets/search/stream?tweet.fields={SECRET}")))
        .bearer_auth(TOKEN);
    let mut stream = middleware.stream(request).start();
    let line = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
    assert!(matches!(line, Some(Ok(StreamItem::Line(_)))), "{line:?}");
    let ended = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
    assert!(
        matches!(ended, Some(Ok(StreamItem::Reconnecting(_)))),
        "{ended:?}"
    );
    drop(stream);

    assert_eq!(get(&client, &server, "/2/users/me", TOKEN).await, Some(402));
    assert_eq!(
        get(&client, &server, "/2/users/me", OTHER_TOKEN).await,
        None
    );
    assert_eq!(
        server.received().len(),
        10,
        "the blocked request was not sent"
    );
    sleeper.slept()
}

/// The status, or `None` when the middleware did not send the request.
async fn get(
    client: &ClientWithMiddleware,
    server: &Server,
    path: &str,
    token: &str,
) -> Option<u16> {
    let sent = client.get(server.url(path)).bearer_auth(token).send().await;
    sent.ok().map(|response| response.status().as_u16())
}
