//! Redis lost during a run and back again: every request still gets its response, the store
//! counts in its local book meanwhile (one warning per outage), then uses Redis again.

mod common;

use std::time::Duration;

use common::{
    JumpSleeper, Logs, RedisServer, TestClock, XServer, all_keys, at, client, middleware,
};

const TOKEN: &str = "outage-test-bearer-token-0123456789";
const START: u64 = 1_800_000_000;
const LOST: &str = "Redis unreachable";
const BACK: &str = "Redis is reachable again";

async fn get(client: &reqwest_middleware::ClientWithMiddleware, url: &str) -> u16 {
    common::status_of(client, url, TOKEN).await
}

/// Sends requests until the store is using Redis again (bounded: about 10 s).
async fn until_reconnected(
    store: &twerr_redis::RedisStore,
    client: &reqwest_middleware::ClientWithMiddleware,
    url: &str,
) {
    for _ in 0..500 {
        assert_eq!(get(client, url).await, 200);
        if store.is_connected() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the store did not use Redis again after it came back");
}

#[tokio::test]
async fn redis_stopped_during_a_run_and_started_again() {
    let logs = Logs::capture();
    let mut redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 3).await;
    let url = x.url("/2/users/me");
    let store = twerr_redis::RedisStore::builder()
        .timeout(Duration::from_secs(2))
        .retry_every(Duration::from_millis(20))
        .connect(&redis.url())
        .await
        .expect("connect");
    let sleeps = JumpSleeper::new(&clock);
    let http = client(middleware(store.clone(), &clock, sleeps.clone()));

    assert_eq!(get(&http, &url).await, 200);
    assert_eq!(get(&http, &url).await, 200); // 1 left until START + 900
    redis.stop();

    // The local book saw both responses: it lets the last request of the window go, then
    // waits for the reset, as Redis would have.
    assert_eq!(get(&http, &url).await, 200);
    assert!(!store.is_connected());
    assert_eq!(get(&http, &url).await, 200);
    assert_eq!(sleeps.slept(), vec![Duration::from_secs(900)]);
    for _ in 0..3 {
        assert_eq!(get(&http, &url).await, 200);
    }
    assert_eq!(
        logs.count(LOST),
        1,
        "one warning per outage:\n{}",
        logs.text()
    );
    assert_eq!(x.hits().len(), 7, "every request was sent once");
    assert!(
        x.hits().iter().all(|h| h.status == 200),
        "none went over the window"
    );

    redis.resume();
    until_reconnected(&store, &http, &url).await;
    assert_eq!(logs.count(BACK), 1, "{}", logs.text());
    assert_eq!(get(&http, &url).await, 200);
    let mut inspect = redis.inspect().await;
    assert!(
        !all_keys(&mut inspect).await.is_empty(),
        "the requests after the return are counted in Redis again"
    );

    // A second outage is a second warning.
    redis.stop();
    assert_eq!(get(&http, &url).await, 200);
    assert_eq!(get(&http, &url).await, 200);
    assert_eq!(logs.count(LOST), 2, "{}", logs.text());
    let text = logs.text();
    assert!(!text.contains(TOKEN), "no token in the logs");
    assert!(
        !text.contains("store failed"),
        "the middleware never saw a store error"
    );
}

#[tokio::test]
async fn a_redis_that_stops_answering_costs_one_timeout() {
    let logs = Logs::capture();
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 100).await;
    let url = x.url("/2/tweets");
    let store = twerr_redis::RedisStore::builder()
        .timeout(Duration::from_millis(300))
        .connect_timeout(Duration::from_millis(300))
        .retry_every(Duration::from_millis(20))
        .connect(&redis.url())
        .await
        .expect("connect");
    let http = client(middleware(store.clone(), &clock, JumpSleeper::new(&clock)));
    assert_eq!(get(&http, &url).await, 200);

    redis.signal("STOP"); // the process hangs: the socket accepts, nothing answers
    assert_eq!(get(&http, &url).await, 200);
    assert!(!store.is_connected());
    assert!(
        logs.text().contains("no reply within 300 ms"),
        "{}",
        logs.text()
    );
    // Meanwhile requests do not wait on Redis at all.
    for _ in 0..5 {
        assert_eq!(get(&http, &url).await, 200);
    }
    assert_eq!(logs.count(LOST), 1, "{}", logs.text());

    redis.signal("CONT");
    until_reconnected(&store, &http, &url).await;
    assert_eq!(
        x.hits().len(),
        x.hits().iter().filter(|h| h.status == 200).count()
    );
}
