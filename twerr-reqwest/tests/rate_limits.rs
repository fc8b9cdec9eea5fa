//! TwerrMiddleware and rate limits, with reqwest against a real server on 127.0.0.1 answering
//! with recorded responses; the clock, sleeper and jitter are injected, so every wait is
//! asserted exactly.

mod common;

use std::sync::Arc;

use common::*;
use twerr_core::ErrorResponse;
use twerr_reqwest::{NotSent, NotSentReason};

#[tokio::test]
async fn rate_limited_waits_until_the_reset_measured_from_date_then_succeeds() {
    let server = Server::start([capture_reply("rate-limit-88-date.crlf.txt"), ok()]).await;
    // The local clock runs 90 s ahead of the server's `Date`.
    let h = harness(CAPTURE_DATE + 90, |b| b);
    let response = h
        .client
        .get(server.url("/2/users/20"))
        .bearer_auth("AAAA")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(h.sleeper.slept(), [secs(801)], "reset - Date + 1 s margin");
    assert_eq!(attempts(&response), (2, secs(801)));
    assert_eq!(server.received().len(), 2);
    assert!(
        response.extensions().get::<ErrorResponse>().is_none(),
        "a success has no ErrorResponse"
    );
}

#[tokio::test]
async fn a_usage_cap_is_sent_once_kept_intact_and_then_fails_fast() {
    let server = Server::start([capture_reply("proxy-usage-capped.crlf.txt"), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .get(server.url("/2/tweets/search/recent?query=x"))
        .bearer_auth("capped")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 429);
    let parsed = response
        .extensions()
        .get::<ErrorResponse>()
        .cloned()
        .expect("ErrorResponse");
    assert_eq!(
        parsed.problem().and_then(|p| p.problem()),
        Some(twerr_core::Problem::UsageCapped)
    );
    assert_eq!(
        response.bytes().await.expect("body"),
        capture("proxy-usage-capped.crlf.txt").2
    );
    assert!(h.sleeper.slept().is_empty());

    // Later requests of the same app (an app-only token is its app), any endpoint, are not
    // sent.
    let error = h
        .client
        .get(server.url("/2/users/me"))
        .bearer_auth("capped")
        .send()
        .await
        .expect_err("fails fast");
    let limited = NotSent::find(&error).expect("NotSent");
    assert_eq!(limited.until(), None, "nothing announces when a cap ends");
    let NotSentReason::Blocked(block) = limited.reason() else {
        panic!("a usage cap blocks: {limited}");
    };
    assert_eq!(
        (block.period(), block.scope()),
        (Some("Monthly"), Some("Product"))
    );
    assert_eq!(server.received().len(), 1);
    // Another app is not capped.
    let other = h
        .client
        .get(server.url("/2/users/me"))
        .bearer_auth("other")
        .send()
        .await
        .expect("response");
    assert_eq!(other.status(), 200);
    // After the first probe interval, one request probes; its success lifts the cap.
    h.clock.advance(secs(5 * 60));
    server.push(ok());
    server.push(ok());
    for _ in 0..2 {
        let again = h
            .client
            .get(server.url("/2/users/me"))
            .bearer_auth("capped")
            .send()
            .await
            .expect("response");
        assert_eq!(again.status(), 200);
    }
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn a_daily_limit_hours_away_is_not_waited_for() {
    let reset = (CAPTURE_DATE + 5 * 3600).to_string();
    let (status, body) = real_body("dev-45"); // about:blank 429
    let headers = [
        ("x-app-limit-24hour-limit", "1500"),
        ("x-app-limit-24hour-remaining", "0"),
        ("x-app-limit-24hour-reset", reset.as_str()),
    ];
    let server = Server::start([reply(status, &headers, &body)]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    let response = h
        .client
        .post(server.url("/2/tweets"))
        .bearer_auth("app")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.bytes().await.expect("body"), body);
    assert!(h.sleeper.slept().is_empty());
    // The book remembers the window: the next request is not sent, and says when to retry.
    let error = h
        .client
        .post(server.url("/2/tweets"))
        .bearer_auth("app")
        .send()
        .await
        .expect_err("not sent");
    let limited = NotSent::find(&error).expect("NotSent");
    assert_eq!(
        (limited.until(), limited.reason()),
        (Some(at(CAPTURE_DATE + 5 * 3600)), &NotSentReason::Window)
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_success_with_nothing_left_holds_back_only_its_own_key() {
    let reset = (CAPTURE_DATE + 60).to_string();
    let exhausted = reply(
        200,
        &[
            ("x-rate-limit-limit", "15"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", &reset),
        ],
        br#"{"data":[]}"#,
    );
    let server = Server::start([exhausted]).await;
    server.fallback(ok());
    let h = harness(CAPTURE_DATE, |b| b);
    let lookup = server.url("/2/users/by/username/jack");
    h.client
        .get(&lookup)
        .bearer_auth("one")
        .send()
        .await
        .expect("first");
    // Another credential, another endpoint: sent at once.
    h.client
        .get(&lookup)
        .bearer_auth("two")
        .send()
        .await
        .expect("other credential");
    h.client
        .get(server.url("/2/users/me"))
        .bearer_auth("one")
        .send()
        .await
        .expect("other endpoint");
    assert!(h.sleeper.slept().is_empty());
    // The same endpoint under another name (the username collapses) waits for the reset.
    let response = h
        .client
        .get(server.url("/2/users/by/username/twitterdev"))
        .bearer_auth("one")
        .send()
        .await
        .expect("after the reset");
    assert_eq!(h.sleeper.slept(), [secs(60)]);
    assert_eq!(attempts(&response), (1, secs(60)));
    assert_eq!(server.received().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_requests_against_a_window_of_five_send_five() {
    let reset = (CAPTURE_DATE + 600).to_string();
    let remaining = |n: u32| {
        reply(
            200,
            &[
                ("x-rate-limit-limit", "15"),
                ("x-rate-limit-remaining", &n.to_string()),
                ("x-rate-limit-reset", &reset),
            ],
            b"{}",
        )
    };
    let server = Server::start([remaining(5)]).await;
    for n in (0..5).rev() {
        server.push(remaining(n));
    }
    let h = harness(CAPTURE_DATE, |b| b.wait_for_window(false));
    h.client
        .get(server.url("/2/tweets/search/recent"))
        .bearer_auth("t")
        .send()
        .await
        .expect("priming");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = h.client.clone();
            let url = server.url("/2/tweets/search/recent?query=rust");
            tokio::spawn(async move { client.get(url).bearer_auth("t").send().await })
        })
        .collect();
    let (mut sent, mut limited) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(response) if response.status() == 200 => sent += 1,
            Err(error) if NotSent::find(&error).is_some() => limited += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    // Never more than the window: the book counts every request in flight against what a
    // response reports. When a response overtakes an earlier request's on the way back, the
    // earlier one is counted twice (the server counted it, and it is still in flight), so one
    // request fewer may go in that window: the safe side.
    assert_eq!(sent + limited, 20);
    assert!((4..=5).contains(&sent), "{sent} sent of a window of 5");
    assert_eq!(
        server.received().len(),
        1 + sent,
        "the priming request and the ones that went"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_request_is_no_longer_in_flight_but_keeps_its_slot() {
    let reset = (CAPTURE_DATE + 600).to_string();
    let window = reply(
        200,
        &[
            ("x-rate-limit-remaining", "3"),
            ("x-rate-limit-reset", &reset),
        ],
        b"{}",
    );
    let server = Server::start([window, Reply::Hang]).await;
    let store = Arc::new(twerr_core::MemoryStore::new());
    let shared: Arc<dyn twerr_core::RateLimitStore> = store.clone();
    let h = harness(CAPTURE_DATE, |b| b.store(shared));
    let url = server.url("/2/users/20");
    h.client
        .get(&url)
        .bearer_auth("t")
        .send()
        .await
        .expect("first");
    let client = h.client.clone();
    let pending = url.clone();
    let task = tokio::spawn(async move { client.get(pending).bearer_auth("t").send().await });
    for _ in 0..1_000_000 {
        if server.received().len() == 2 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        server.received().len(),
        2,
        "the second request reached the server"
    );
    task.abort();
    assert!(task.await.is_err(), "cancelled");
    // An app-only Bearer token is its own app.
    let token = twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, "t");
    let key = twerr_core::BookKey::new(
        token,
        token,
        twerr_reqwest::endpoint_key_v2(
            &reqwest::Method::GET,
            &reqwest::Url::parse(&url).expect("url"),
        ),
    );
    let book = store.book();
    assert_eq!(
        book.in_flight(&key),
        0,
        "the cancelled request is no longer in flight"
    );
    assert_eq!(
        book.windows(&key).first().map(|w| w.remaining()),
        Some(2),
        "its slot stays used"
    );
}

/// X's windows keep their limit: when a window of 5 resets with 20 tasks waiting for it, the
/// book assumes the next window has 5 too, so 5 go and 15 wait for the following reset,
/// instead of all 20 going and 15 being answered 429. The server counts its own windows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_reset_only_the_next_windows_limit_goes() {
    const LIMIT: u64 = 5;
    let first_reset = CAPTURE_DATE + 60;
    let count = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = Arc::clone(&count);
    let server = Server::answering(move |_| {
        let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (window, used) = (n / LIMIT, n % LIMIT + 1);
        if window > 1 {
            return reply(
                429,
                &[],
                br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
            );
        }
        let reset = (first_reset + window * 900).to_string();
        let remaining = (LIMIT - used).to_string();
        reply(
            200,
            &[
                ("x-rate-limit-limit", "5"),
                ("x-rate-limit-remaining", &remaining),
                ("x-rate-limit-reset", &reset),
            ],
            b"{}",
        )
    })
    .await;
    let h = harness(CAPTURE_DATE, |b| b.wait_for_window(false));
    let url = server.url("/2/tweets/search/recent");
    for _ in 0..LIMIT {
        h.client
            .get(&url)
            .bearer_auth("t")
            .send()
            .await
            .expect("first window");
    }
    h.clock.advance(secs(60));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = h.client.clone();
            let url = url.clone();
            tokio::spawn(async move { client.get(url).bearer_auth("t").send().await })
        })
        .collect();
    let (mut ok, mut limited, mut refused) = (0, 0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(response) if response.status() == 200 => ok += 1,
            Ok(response) if response.status() == 429 => limited += 1,
            Err(error) if NotSent::find(&error).is_some() => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(limited, 0, "no request answered 429");
    // Five, or four when a response overtakes another's on the way back (see above).
    assert!((4..=5).contains(&ok), "{ok} went");
    assert_eq!(ok + refused, 20);
    assert_eq!(server.received().len(), 5 + ok);
}
