//! A bad clock does not poison a shared book: the store keeps the server's instants, and each
//! worker judges them with its own view of the server's clock (the `Date` of the responses it
//! saw, measured since on its monotonic clock). Injected clocks; a real local server; the
//! requests that reach it are counted.

mod common;

use std::sync::Arc;

use common::*;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use twerr_core::{MemoryStore, NoJitter, RateLimitStore};
use twerr_reqwest::{NotSent, TwerrMiddleware};

const DAY: u64 = 86_400;
/// The server's time in these tests, and its `Date` header for it.
const SERVER_NOW: u64 = CAPTURE_DATE;

fn date(secs: u64) -> String {
    httpdate::fmt_http_date(at(secs))
}

/// A success that exhausts the window until 10 minutes after the server's now.
fn exhausted() -> Reply {
    let reset = (SERVER_NOW + 600).to_string();
    let date = date(SERVER_NOW);
    reply(
        200,
        &[
            ("x-rate-limit-limit", "15"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", &reset),
            ("date", &date),
        ],
        b"{}",
    )
}

fn worker(clock: Arc<FakeClock>, store: Arc<dyn RateLimitStore>) -> ClientWithMiddleware {
    let middleware = TwerrMiddleware::builder()
        .clock(clock)
        .jitter(Arc::new(NoJitter))
        .store(store)
        .wait_for_window(false)
        .build();
    ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}

async fn not_sent_until(client: &ClientWithMiddleware, server: &Server) -> std::time::SystemTime {
    let error = client
        .get(server.url("/2/users/me"))
        .bearer_auth("shared")
        .send()
        .await
        .expect_err("the window is exhausted");
    let not_sent = NotSent::find(&error).unwrap_or_else(|| panic!("{error}"));
    not_sent.until().expect("a window's reset")
}

#[tokio::test]
async fn a_worker_a_day_ahead_does_not_hold_back_a_correct_one_for_a_day() {
    let server = Server::start([exhausted(), ok()]).await;
    let store: Arc<dyn RateLimitStore> = Arc::new(MemoryStore::new());
    let ahead = FakeClock::new(at(SERVER_NOW + DAY));
    let correct = FakeClock::new(at(SERVER_NOW));
    let fast = worker(ahead.clone(), Arc::clone(&store));
    let good = worker(correct.clone(), Arc::clone(&store));
    fast.get(server.url("/2/users/me"))
        .bearer_auth("shared")
        .send()
        .await
        .expect("sent");
    // Each worker waits for the same reset, on its own clock.
    assert_eq!(
        not_sent_until(&fast, &server).await,
        at(SERVER_NOW + DAY + 600)
    );
    assert_eq!(not_sent_until(&good, &server).await, at(SERVER_NOW + 600));
    // Ten minutes later the correct worker sends: the window has reset for it too.
    correct.advance(secs(600));
    good.get(server.url("/2/users/me"))
        .bearer_auth("shared")
        .send()
        .await
        .expect("the window has reset");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_clock_corrected_by_ntp_does_not_refuse_for_a_day() {
    let server = Server::start([exhausted(), ok()]).await;
    let store: Arc<dyn RateLimitStore> = Arc::new(MemoryStore::new());
    // A day ahead when the response arrives; then NTP sets it right.
    let clock = FakeClock::new(at(SERVER_NOW + DAY));
    let client = worker(clock.clone(), store);
    client
        .get(server.url("/2/users/me"))
        .bearer_auth("shared")
        .send()
        .await
        .expect("sent");
    clock.step_wall(false, secs(DAY));
    assert_eq!(
        not_sent_until(&client, &server).await,
        at(SERVER_NOW + 600),
        "the reset 10 minutes away, on the corrected clock"
    );
    clock.advance(secs(600));
    client
        .get(server.url("/2/users/me"))
        .bearer_auth("shared")
        .send()
        .await
        .expect("sent after the reset");
    assert_eq!(server.received().len(), 2);
}
