//! The fallback book knows what this process got from Redis: a short stall does not grant a
//! second window, and what Redis forgot in an empty restart is used and written back.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{JumpSleeper, RedisServer, TestClock, XServer, all_keys, at};
use twerr_core::RetryPolicy;

const START: u64 = 1_800_000_000;

/// A client whose middleware fails at once on an exhausted window and never resends (so the
/// server's count is the requests the store let go).
fn fail_fast(
    store: Arc<twerr_redis::RedisStore>,
    clock: &Arc<TestClock>,
) -> reqwest_middleware::ClientWithMiddleware {
    let middleware = twerr_reqwest::TwerrMiddleware::builder()
        .store(store)
        .clock(Arc::clone(clock) as Arc<dyn twerr_reqwest::Clock>)
        .sleeper(JumpSleeper::new(clock))
        .jitter(Arc::new(twerr_core::NoJitter))
        .policy(RetryPolicy::default().with_max_attempts(1))
        .wait_for_window(false)
        .build();
    common::client(middleware)
}

/// The status, or `None` when the middleware did not send the request.
async fn send(client: &reqwest_middleware::ClientWithMiddleware, url: &str) -> Option<u16> {
    match client.get(url).bearer_auth("fallback-token").send().await {
        Ok(response) => Some(response.status().as_u16()),
        Err(error) => {
            assert!(
                twerr_reqwest::NotSent::find(&error).is_some(),
                "only a request the store held back fails: {error}"
            );
            None
        }
    }
}

/// Spawns `n` requests; each gives its status or `None` when not sent.
fn burst(
    http: &reqwest_middleware::ClientWithMiddleware,
    url: &Arc<String>,
    n: usize,
) -> Vec<tokio::task::JoinHandle<Option<u16>>> {
    (0..n)
        .map(|_| {
            let (http, url) = (http.clone(), Arc::clone(url));
            tokio::spawn(async move { send(&http, &url).await })
        })
        .collect()
}

#[tokio::test]
async fn a_short_stall_does_not_grant_a_second_window() {
    let redis = RedisServer::start_with(&["--enable-debug-command", "local"]);
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 50).await;
    let url = Arc::new(x.url("/2/tweets/search/recent"));
    let store = twerr_redis::RedisStore::builder()
        .timeout(Duration::from_millis(50))
        .retry_every(Duration::from_millis(20))
        .connect(&redis.url())
        .await
        .expect("connect");
    let http = fail_fast(store.clone(), &clock);
    // The window is known (49 left) before the burst.
    assert_eq!(send(&http, &url).await, Some(200));

    // 49 tasks: Redis grants the 49 left; their answers are held, so they are in flight when
    // Redis stalls.
    x.hold(true);
    let first = burst(&http, &url, 49);
    common::eventually("Redis granted the window", || x.hits().len() == 50).await;
    // Redis stalls for 0.3 s; once it does, 951 more ask (the first call waits 50 ms, then
    // the store answers from its own book).
    let mut probe = redis.inspect().await;
    let socket = redis.url();
    let stall = std::thread::spawn(move || {
        let mut connection = redis::Client::open(socket)
            .and_then(|c| c.get_connection())
            .expect("a second connection");
        redis::cmd("DEBUG")
            .arg("SLEEP")
            .arg("0.3")
            .query::<()>(&mut connection)
            .expect("DEBUG SLEEP");
    });
    let mut stalled = false;
    for _ in 0..1000 {
        let cmd = redis::cmd("PING");
        let ping = cmd.query_async::<String>(&mut probe);
        if tokio::time::timeout(Duration::from_millis(20), ping)
            .await
            .is_err()
        {
            stalled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(stalled, "Redis stalled");
    let second = burst(&http, &url, 951);
    // Each is held back at once (a request sent would wait for the held answers: bounded).
    let answered = async {
        for task in second {
            assert_eq!(task.await.expect("a request task"), None);
        }
    };
    let answered = tokio::time::timeout(Duration::from_secs(3), answered).await;
    // The second burst was answered by the fallback (Redis still stalled, not back yet).
    let fell_back = !store.is_connected();
    x.hold(false);
    assert!(
        answered.is_ok(),
        "requests went during the stall: {} reached the server",
        x.hits().len()
    );
    assert!(fell_back, "the burst met the stall");
    let went = {
        let mut went = 0;
        for task in first {
            went += usize::from(task.await.expect("a request task").is_some());
        }
        went
    };
    stall.join().expect("the stall");

    assert_eq!(went, 49);
    let hits = x.hits();
    assert_eq!(
        hits.len(),
        50,
        "one window of 50 reached the server, not a second during the stall"
    );
    assert!(hits.iter().all(|h| h.status == 200), "none went over it");
}

#[tokio::test]
async fn what_workers_know_survives_an_empty_restart_and_is_written_back() {
    let mut redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 3).await;
    let url = x.url("/2/users/me");
    let address = redis.url();
    let connect = || {
        twerr_redis::RedisStore::builder()
            .timeout(Duration::from_secs(2))
            .retry_every(Duration::from_millis(20))
            .connect(&address)
    };
    let stores = [
        connect().await.expect("connect"),
        connect().await.expect("connect"),
    ];
    let workers: Vec<_> = stores
        .iter()
        .map(|s| fail_fast(s.clone(), &clock))
        .collect();
    // The first worker spends the window; the second hears from Redis that it is spent.
    for _ in 0..3 {
        assert_eq!(send(&workers[0], &url).await, Some(200));
    }
    assert_eq!(send(&workers[1], &url).await, None);
    assert_eq!(send(&workers[0], &url).await, None);

    redis.stop();
    redis.resume(); // empty: no persistence
    for (worker, store) in workers.iter().zip(&stores) {
        // While reconnecting and after: never one more request into the spent window.
        for _ in 0..200 {
            assert_eq!(send(worker, &url).await, None);
            if store.is_connected() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(store.is_connected(), "back on Redis");
        assert_eq!(send(worker, &url).await, None);
    }
    assert_eq!(x.hits().len(), 3, "no request went into the spent window");
    // Written back: a third worker that knows nothing finds the window spent in Redis.
    let fresh = connect().await.expect("connect");
    assert_eq!(send(&fail_fast(fresh, &clock), &url).await, None);
    let mut inspect = redis.inspect().await;
    assert!(
        all_keys(&mut inspect)
            .await
            .iter()
            .any(|k| k.contains(":line:c:")),
        "the window is in Redis again"
    );
    assert_eq!(x.hits().len(), 3);
}
