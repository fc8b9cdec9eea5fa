//! The observer against a real local server: every wait, resend, give-up, window, block,
//! probe, lease and reconnect is told once, in the order it happens, with the endpoint as a
//! template and nothing of the token, the host or the query.

mod common;

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use common::*;
use futures_core::Stream;
use reqwest_middleware::ClientBuilder;
use twerr_core::{
    Block, BlockEvent, Cause, GiveUpEvent, LeaseEvent, LiftEvent, NoJitter, Observer,
    ReconnectEvent, ResendEvent, WaitEvent, WindowEvent,
};
use twerr_reqwest::{LineStream, StreamError, StreamItem, TwerrMiddleware};

/// Writes each event as one line.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<String>>);

impl Recording {
    fn push(&self, line: String) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Observer for Recording {
    fn on_wait(&self, e: &WaitEvent) {
        self.push(format!(
            "wait {} {} {}s",
            e.endpoint(),
            e.reason(),
            e.wait().as_secs()
        ));
    }
    fn on_resend(&self, e: &ResendEvent) {
        self.push(format!(
            "resend {} {} attempt {}",
            e.endpoint(),
            e.reason(),
            e.attempt()
        ));
    }
    fn on_give_up(&self, e: &GiveUpEvent) {
        let (endpoint, why, n) = (e.endpoint(), e.why().as_str(), e.attempts());
        self.push(format!("give up {endpoint} {why} after {n}"));
    }
    fn on_window(&self, e: &WindowEvent) {
        let reset = e
            .reset()
            .duration_since(at(CAPTURE_DATE))
            .unwrap_or_default();
        self.push(format!(
            "window {} {} {}/{:?} reset +{}s",
            e.endpoint(),
            e.kind().as_str(),
            e.remaining(),
            e.limit(),
            reset.as_secs()
        ));
    }
    fn on_blocked(&self, e: &BlockEvent) {
        self.push(format!("blocked {} by {}", e.endpoint(), block(e.block())));
    }
    fn on_block_set(&self, e: &BlockEvent) {
        self.push(format!("block set {} {}", e.endpoint(), block(e.block())));
    }
    fn on_block_lifted(&self, e: &LiftEvent) {
        self.push(format!("block lifted {}", e.endpoint()));
    }
    fn on_reconnect(&self, e: &ReconnectEvent) {
        self.push(format!(
            "reconnect {} {} {}s",
            e.stream(),
            e.reason(),
            e.wait().as_secs()
        ));
    }
    fn on_lease_taken(&self, e: &LeaseEvent) {
        self.push(format!("lease taken {}", e.stream()));
    }
    fn on_lease_lost(&self, e: &LeaseEvent) {
        self.push(format!("lease lost {}", e.stream()));
    }
}

/// A block's reach and the problem type that set it.
fn block(block: &Block) -> String {
    let cause = match block.cause() {
        Cause::Problem(problem) => problem.slug().unwrap_or("unknown").to_owned(),
        other => other.to_string(),
    };
    format!("{} {cause}", block.reach())
}

fn limited(status: u16, remaining: u64, reset: u64, body: &[u8]) -> Reply {
    let (remaining, reset) = (remaining.to_string(), reset.to_string());
    reply(
        status,
        &[
            ("content-type", "application/json"),
            ("x-rate-limit-limit", "15"),
            ("x-rate-limit-remaining", &remaining),
            ("x-rate-limit-reset", &reset),
        ],
        body,
    )
}

const TOKEN: &str = "AAAA-token-never-shown";

#[tokio::test]
async fn a_rate_limited_request_is_told_window_wait_resend_window() {
    let d = CAPTURE_DATE;
    let server = Server::start([
        limited(429, 0, d + 60, br#"{"title":"Too Many Requests"}"#),
        limited(200, 14, d + 900, b"{}"),
        reply(503, &[], b""),
        reply(503, &[], b""),
    ])
    .await;
    let seen = Arc::new(Recording::default());
    let h = harness(d, |b| b.observer(seen.clone()));
    let url = server.url("/2/users/2244994945?user.fields=secret-query");
    let response = h.client.get(&url).bearer_auth(TOKEN).send().await;
    assert_eq!(response.expect("sent").status(), 200);
    let response = h.client.post(server.url("/2/tweets")).bearer_auth(TOKEN);
    assert_eq!(response.send().await.expect("sent").status(), 503);
    let events = seen.take();
    assert_eq!(
        events,
        [
            "window GET /2/users/{id} 15m 0/Some(15) reset +60s",
            "wait GET /2/users/{id} rate_limited 61s",
            "resend GET /2/users/{id} rate_limited attempt 2",
            "window GET /2/users/{id} 15m 14/Some(15) reset +900s",
            "give up POST /2/tweets not_idempotent after 1",
        ]
    );
    // The waits told are the waits slept.
    assert_eq!(h.sleeper.slept(), [secs(61)]);
    for event in events {
        assert!(
            !event.contains("token") && !event.contains("secret") && !event.contains("127.0.0.1"),
            "{event}"
        );
    }
}

#[tokio::test]
async fn a_block_is_told_set_refusing_and_lifted_by_its_probe() {
    let credits = br#"{"title":"Payment Required","detail":"credits depleted","type":"https://api.x.com/2/problems/credits-depleted"}"#;
    let server = Server::start([reply(402, &[], credits), ok()]).await;
    let seen = Arc::new(Recording::default());
    let h = harness(CAPTURE_DATE, |b| b.app("bot").observer(seen.clone()));
    let me = server.url("/2/users/me");
    let status = h.client.get(&me).bearer_auth("alice").send().await;
    assert_eq!(status.expect("sent").status(), 402);
    assert!(h.client.get(&me).bearer_auth("bob").send().await.is_err());
    h.clock.advance(secs(5 * 60));
    let status = h.client.get(&me).bearer_auth("bob").send().await;
    assert_eq!(status.expect("the probe").status(), 200);
    assert_eq!(
        seen.take(),
        [
            "block set GET /2/users/me app credits-depleted",
            "give up GET /2/users/me not_retryable after 1",
            "blocked GET /2/users/me by app credits-depleted",
            "block lifted GET /2/users/me",
        ]
    );
}

#[tokio::test]
async fn a_stream_tells_its_lease_and_its_reconnects() {
    let server = Server::start([chunked(200, &[], b"{\"data\":{\"id\":\"1\"}}\r\n")]).await;
    server.fallback(Reply::Hang);
    let seen = Arc::new(Recording::default());
    let clock = FakeClock::new(at(CAPTURE_DATE));
    let middleware = TwerrMiddleware::builder()
        .clock(clock.clone())
        .sleeper(FakeSleeper::new(clock))
        .jitter(Arc::new(NoJitter))
        .observer(seen.clone())
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware.clone())
        .build();
    let request = client
        .get(server.url("/2/tweets/search/stream?tweet.fields=secret"))
        .bearer_auth(TOKEN);
    let mut stream = middleware.stream(request).start();
    assert!(matches!(
        next(&mut stream).await,
        Some(Ok(StreamItem::Line(_)))
    ));
    assert!(matches!(
        next(&mut stream).await,
        Some(Ok(StreamItem::Reconnecting(_)))
    ));
    assert_eq!(
        seen.take(),
        [
            "lease taken GET /2/tweets/search/stream",
            "reconnect GET /2/tweets/search/stream ended 0s",
        ]
    );
}

#[tokio::test]
async fn a_path_outside_the_templates_is_other() {
    let server = Server::start([limited(200, 3, CAPTURE_DATE + 900, b"{}")]).await;
    let seen = Arc::new(Recording::default());
    let h = harness(CAPTURE_DATE, |b| b.observer(seen.clone()));
    let url = server.url("/labs/secret-path/123?q=secret");
    h.client
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(seen.take(), ["window other 15m 3/Some(15) reset +900s"]);
}

async fn next(stream: &mut LineStream) -> Option<Result<StreamItem, StreamError>> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}
