//! Several workers (middleware instances, each with its own Redis connection) against one
//! local server that counts X's window: they share what any of them was told.

mod common;

use std::time::Duration;

use common::{GateSleeper, JumpSleeper, RedisServer, TestClock, XServer, at, client, middleware};
use twerr_core::{
    Acquire, BookKey, CredentialId, Observation, RateLimitStore, RetryPolicy, WindowKind,
    WindowReport,
};

fn window(limit: Option<u64>, remaining: u64, reset: std::time::SystemTime) -> Observation {
    Observation::new()
        .with_window(WindowReport::new(WindowKind::Endpoint, remaining, reset).with_limit(limit))
}

fn book_key(credential: u8) -> BookKey {
    let id = CredentialId::from_bytes([credential; 16]);
    BookKey::new(id, id, "GET api.x.com /2/users/me")
}

const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAworkers-test-bearer-token";
const START: u64 = 1_800_000_000;

async fn get(client: &reqwest_middleware::ClientWithMiddleware, url: &str) -> u16 {
    common::status_of(client, url, TOKEN).await
}

#[tokio::test]
async fn a_second_worker_waits_for_the_reset_the_first_was_told_about() {
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 3).await;
    let url = x.url("/2/users/me");
    let (sleeps_a, sleeps_b) = (JumpSleeper::new(&clock), JumpSleeper::new(&clock));
    let a = client(middleware(
        common::store(&redis).await,
        &clock,
        sleeps_a.clone(),
    ));
    let b = client(middleware(
        common::store(&redis).await,
        &clock,
        sleeps_b.clone(),
    ));
    for _ in 0..3 {
        assert_eq!(get(&a, &url).await, 200);
    }
    // The server told worker A: 0 left until START + 900. B has never sent a request.
    assert_eq!(get(&b, &url).await, 200);
    assert_eq!(sleeps_b.slept(), vec![Duration::from_secs(900)]);
    assert_eq!(sleeps_a.slept(), Vec::<Duration>::new());
    let hits = x.hits();
    assert_eq!(hits.len(), 4);
    assert!(
        hits.iter().all(|h| h.status == 200),
        "no request was rejected"
    );
    assert_eq!(
        hits[3].at,
        at(START + 900),
        "B sent at the reset, not before"
    );
}

#[tokio::test]
async fn a_worker_restarted_mid_window_still_waits() {
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 2).await;
    let url = x.url("/2/tweets/search/recent?query=rust");
    {
        let first = client(middleware(
            common::store(&redis).await,
            &clock,
            JumpSleeper::new(&clock),
        ));
        assert_eq!(get(&first, &url).await, 200);
        assert_eq!(get(&first, &url).await, 200);
        clock.advance_to(at(START + 300));
    } // the worker stops: its client, middleware and connection are gone
    let sleeps = JumpSleeper::new(&clock);
    let restarted = client(middleware(
        common::store(&redis).await,
        &clock,
        sleeps.clone(),
    ));
    assert_eq!(get(&restarted, &url).await, 200);
    assert_eq!(sleeps.slept(), vec![Duration::from_secs(600)]);
    assert!(x.hits().iter().all(|h| h.status == 200));
}

/// A window of 5 and 20 tasks across four instances, each with its own Redis connection: in
/// every window exactly 5 requests reach the server. At each reset the next window is
/// assumed to have the same limit (the server keeps it), so the tasks waiting for that reset
/// do not all go at once: 5 go, the rest wait for the following reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_tasks_over_four_instances_send_five_per_window() {
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 5).await;
    let url = x.url("/2/users/by/username/jack");
    let gate = GateSleeper::new(&clock);
    let patient = RetryPolicy::default().with_max_total_wait(Duration::from_secs(2 * 3600));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let store = common::store(&redis).await;
        let middleware = twerr_reqwest::TwerrMiddleware::builder()
            .store(store)
            .clock(clock.clone())
            .sleeper(gate.clone())
            .jitter(std::sync::Arc::new(twerr_core::NoJitter))
            .policy(patient)
            .build();
        clients.push(client(middleware));
    }
    // One request tells the instances the window: 4 left until START + 900, limit 5.
    assert_eq!(get(&clients[0], &url).await, 200);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (client, url) = (clients[i % 4].clone(), url.clone());
        tasks.push(tokio::spawn(async move { get(&client, &url).await }));
    }
    let waiting = gate.waiting.subscribe();
    // (window start, tasks done by then, sleeps begun by then): 4 go in the first window and
    // 16 wait; 5 go at each reset and the rest wait again.
    let steps = [
        (0, 4, 16),
        (900, 9, 27),
        (1800, 14, 33),
        (2700, 19, 34),
        (3600, 20, 34),
    ];
    for (offset, done, slept) in steps {
        clock.advance_to(at(START + offset));
        // The clock moves only once the window's requests are answered and recorded and the
        // rest are asleep: a clock that jumped while a response was on its way would look
        // like a skewed `Date`.
        common::eventually(
            &format!("window +{offset}: {done} done, {slept} asleep"),
            || {
                *waiting.borrow() >= slept
                    && tasks.iter().filter(|t| t.is_finished()).count() >= done
            },
        )
        .await;
        let in_window = x
            .hits()
            .iter()
            .filter(|h| h.at >= at(START + offset) && h.at < at(START + offset + 900))
            .count();
        let expected = if offset == 3600 { 1 } else { 5 };
        assert_eq!(in_window, expected, "requests in the window from +{offset}");
        assert_eq!(
            *waiting.borrow(),
            slept,
            "no task woke early or slept twice"
        );
    }
    for task in tasks {
        let done = tokio::time::timeout(Duration::from_secs(30), task).await;
        assert_eq!(done.expect("the task ends").expect("the task"), 200);
    }
    let hits = x.hits();
    assert_eq!(
        hits.len(),
        21,
        "every task sent once: nothing lost or repeated"
    );
    assert!(
        hits.iter().all(|h| h.status == 200),
        "no request was rejected: {hits:?}"
    );
}

/// Two processes' responses arriving out of order: the one about an earlier window, arriving
/// last, moves nothing backwards.
#[tokio::test]
async fn a_late_stale_response_from_another_worker_is_ignored() {
    let redis = RedisServer::start();
    let (a, b) = (common::store(&redis).await, common::store(&redis).await);
    let key = book_key(3);
    let now = at(START);
    let window = |remaining, reset| window(Some(75), remaining, reset);
    let Ok(Acquire::Go(old)) = a.acquire(&key, now).await else {
        panic!("first acquire goes")
    };
    let Ok(Acquire::Go(new)) = b.acquire(&key, now).await else {
        panic!("second acquire goes")
    };
    // B's response, about the new window, arrives first: 4 left, but A's request is still in
    // flight and takes one of them. A's response, about the old window, arrives last.
    b.record(new, window(4, at(START + 900)), now)
        .await
        .expect("record");
    a.record(old, window(0, at(START + 60)), now)
        .await
        .expect("record");
    let mut went = 0;
    loop {
        let store: &dyn RateLimitStore = if went % 2 == 0 { &*a } else { &*b };
        match store.acquire(&key, now).await.expect("acquire") {
            Acquire::Go(permit) => {
                went += 1;
                store.release(permit, now).await.expect("release");
            }
            Acquire::Wait { until } => {
                assert_eq!(until, at(START + 900), "the later window holds");
                break;
            }
            other => panic!("{other:?}"),
        }
        assert!(went <= 3, "more than the 3 left went");
    }
    assert_eq!(went, 3);
    assert!(a.is_connected() && b.is_connected());
}

#[tokio::test]
async fn separate_prefixes_do_not_share() {
    let redis = RedisServer::start();
    let store = |prefix: &'static str| {
        let url = redis.url();
        async move {
            twerr_redis::RedisStore::builder()
                .prefix(prefix)
                .connect(&url)
                .await
                .expect("connect")
        }
    };
    let key = book_key(4);
    let (one, other) = (store("app-one").await, store("app-two").await);
    let Ok(Acquire::Go(permit)) = one.acquire(&key, at(START)).await else {
        panic!("goes")
    };
    let exhausted = window(None, 0, at(START + 900));
    one.record(permit, exhausted, at(START))
        .await
        .expect("record");
    assert_eq!(
        one.acquire(&key, at(START)).await.expect("acquire"),
        Acquire::Wait {
            until: at(START + 900)
        }
    );
    let Ok(Acquire::Go(free)) = other.acquire(&key, at(START)).await else {
        panic!("another prefix is another namespace")
    };
    other.release(free, at(START)).await.expect("release");
}
