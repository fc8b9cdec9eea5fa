//! Blocks shared through Redis by two middleware instances (two workers of one app): the
//! block one learns stops the other, exactly one probe per interval reaches the server across
//! both, and a successful probe lifts the block for both.

mod common;

use std::time::{Duration, SystemTime};

use common::{JumpSleeper, RedisServer, TestClock, XServer, at, client};
use reqwest_middleware::ClientWithMiddleware;
use twerr_core::{RateLimitStore, Reach};
use twerr_reqwest::{NotSent, NotSentReason};

const START: u64 = 1_800_000_000;
const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAblocksTestBearerToken0000000000000000";

/// What one GET came to: the server's status, or not sent because of a block.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Sent(u16),
    Blocked,
}

async fn get(client: &ClientWithMiddleware, url: &str) -> Outcome {
    match client.get(url).bearer_auth(TOKEN).send().await {
        Ok(response) => Outcome::Sent(response.status().as_u16()),
        Err(error) => match NotSent::find(&error).map(NotSent::reason) {
            Some(NotSentReason::Blocked(_)) => Outcome::Blocked,
            other => panic!("neither sent nor blocked: {other:?} ({error})"),
        },
    }
}

/// Eight requests at once, four through each instance.
async fn crowd(clients: &[ClientWithMiddleware; 2], url: &str) -> Vec<Outcome> {
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (client, url) = (clients[i % 2].clone(), url.to_owned());
        tasks.push(tokio::spawn(async move { get(&client, &url).await }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("the task"));
    }
    outcomes
}

async fn next_probe(store: &dyn RateLimitStore, now: SystemTime) -> (SystemTime, u32) {
    let listed = store.blocks(now).await.expect("blocks");
    assert_eq!(listed.len(), 1, "the app's one block: {listed:?}");
    assert_eq!(listed[0].block().reach(), Reach::App);
    (listed[0].next_probe(), listed[0].failed_probes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_learned_by_one_worker_stops_the_other_and_one_probe_goes_per_interval() {
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 1000).await;
    let url = x.url("/2/users/me");
    let (store_a, store_b) = (common::store(&redis).await, common::store(&redis).await);
    let clients = [
        client(common::middleware(
            store_a.clone(),
            &clock,
            JumpSleeper::new(&clock),
        )),
        client(common::middleware(
            store_b.clone(),
            &clock,
            JumpSleeper::new(&clock),
        )),
    ];

    // The app's usage is capped: the first worker learns it from X.
    x.set_capped(true);
    assert_eq!(get(&clients[0], &url).await, Outcome::Sent(429));
    assert_eq!(x.hits().len(), 1);
    // Both workers stop sending: nothing more reaches the server.
    assert!(
        crowd(&clients, &url)
            .await
            .iter()
            .all(|o| *o == Outcome::Blocked)
    );
    assert_eq!(
        x.hits().len(),
        1,
        "the block learned by one stops the other"
    );

    let (first, failed) = next_probe(&*store_b, at(START)).await;
    assert_eq!(failed, 0);
    assert!(first > at(START), "the first probe waits");
    clock.advance_to(first - Duration::from_secs(1));
    assert!(
        crowd(&clients, &url)
            .await
            .iter()
            .all(|o| *o == Outcome::Blocked)
    );
    assert_eq!(x.hits().len(), 1, "no probe before its time");

    // The probe's time: of eight requests across both workers, exactly one goes; it fails.
    clock.advance_to(first);
    let outcomes = crowd(&clients, &url).await;
    let sent: Vec<_> = outcomes
        .iter()
        .filter(|o| **o != Outcome::Blocked)
        .collect();
    assert_eq!(
        sent,
        [&Outcome::Sent(429)],
        "exactly one probe: {outcomes:?}"
    );
    assert_eq!(x.hits().len(), 2);

    // A failing probe waits longer; again one probe at its time, across both.
    let (second, failed) = next_probe(&*store_a, first).await;
    assert_eq!(failed, 1, "the failed probe is counted");
    assert!(
        second.duration_since(first).unwrap_or_default()
            >= first.duration_since(at(START)).unwrap_or_default(),
        "the interval does not shrink"
    );
    clock.advance_to(second - Duration::from_secs(1));
    assert!(
        crowd(&clients, &url)
            .await
            .iter()
            .all(|o| *o == Outcome::Blocked)
    );
    assert_eq!(x.hits().len(), 2, "one probe per interval");

    // The cap is raised: the next probe succeeds and lifts the block for both workers.
    x.set_capped(false);
    clock.advance_to(second);
    let outcomes = crowd(&clients, &url).await;
    let sent = outcomes.iter().filter(|o| **o != Outcome::Blocked).count();
    assert!(sent >= 1, "the probe went: {outcomes:?}");
    assert!(
        outcomes.iter().all(|o| *o != Outcome::Sent(429)),
        "{outcomes:?}"
    );
    let before = x.hits().len();
    for client in &clients {
        assert_eq!(
            get(client, &url).await,
            Outcome::Sent(200),
            "lifted for both"
        );
    }
    assert_eq!(x.hits().len(), before + 2);
    assert!(store_a.blocks(second).await.expect("blocks").is_empty());
}
