//! The store on a real Redis Cluster of three masters and three replicas (feature
//! `cluster`): the conformance suite, one slot per app, blocks and `inspect` across every
//! master, and a master killed while requests go through the middleware.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::cluster::RedisCluster;
use common::{JumpSleeper, TestClock, XServer, at, client};
use twerr_core::{
    Acquire, Block, BookKey, Cause, CredentialId, LeaseHolder, LeaseKey, Observation, Problem,
    RateLimitStore, Reach, RetryPolicy,
};
use twerr_redis::RedisStore;

const START: u64 = 1_800_000_000;

async fn connect(cluster: &RedisCluster, timeout: Duration) -> Arc<RedisStore> {
    RedisStore::builder()
        .timeout(timeout)
        .retry_every(Duration::from_millis(200))
        .connect_cluster(cluster.urls())
        .await
        .expect("connect to the test cluster")
}

fn book_key(app: u8, credential: u8) -> BookKey {
    BookKey::new(
        CredentialId::from_bytes([app; 16]),
        CredentialId::from_bytes([credential; 16]),
        "GET api.x.com /2/users/{id}/tweets",
    )
}

/// Every key on every master (`KEYS *` on each node that holds slots).
async fn keys_by_master(cluster: &RedisCluster) -> BTreeMap<u16, Vec<String>> {
    let mut found = BTreeMap::new();
    for port in cluster.ports() {
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).expect("a URL");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("connect to a node");
        let role: Vec<redis::Value> = redis::cmd("ROLE")
            .query_async(&mut connection)
            .await
            .expect("ROLE");
        if role.first() != Some(&redis::Value::BulkString(b"master".to_vec())) {
            continue;
        }
        found.insert(port, common::all_keys(&mut connection).await);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_store_conforms_keeps_each_app_in_one_slot_and_reads_every_master() {
    let cluster = RedisCluster::start();
    let store = connect(&cluster, Duration::from_secs(5)).await;
    twerr_core::conformance::run(&*store).await;
    twerr_core::conformance::run_leases(&*store).await;
    assert!(store.is_connected(), "every answer came from the cluster");

    // Every key kind of one app hashes to one slot.
    let key = book_key(7, 8);
    let names = store.key_names(&key);
    let lease = LeaseKey::new(key.app(), "GET api.x.com /2/tweets/search/stream");
    let holder = LeaseHolder::random();
    store
        .acquire_lease(&lease, holder, Duration::from_secs(60), at(START))
        .await
        .expect("a lease");
    let all = [
        &names.credential_line,
        &names.app_line,
        &names.credential_permits,
        &names.app_permits,
        &names.credential_block,
        &names.app_block,
        &names.credential_probe,
        &names.app_probe,
        &names.generation,
    ];
    let slot = cluster.slot(&names.credential_line);
    for name in all {
        assert_eq!(cluster.slot(name), slot, "{name}");
    }
    let leases: Vec<String> = keys_by_master(&cluster)
        .await
        .into_values()
        .flatten()
        .filter(|k| k.contains(&key.app().to_hex()) && k.contains(":lease:"))
        .collect();
    assert_eq!(leases.len(), 1, "{leases:?}");
    assert_eq!(cluster.slot(&leases[0]), slot);

    // A usage-capped block in apps on every master: `blocks` lists them all, `lift` finds
    // one wherever it lives, and `inspect` reads every master.
    let now = at(START);
    let mut masters = BTreeMap::new();
    for app in 1..=40u8 {
        let key = book_key(app, app.wrapping_add(100));
        let master = cluster.master_of(&store.key_names(&key).credential_block);
        if masters.contains_key(&master) {
            continue;
        }
        let Acquire::Go(permit) = store.acquire(&key, now).await.expect("acquire") else {
            panic!("a fresh key goes");
        };
        let block = Block::new(Cause::Problem(Problem::UsageCapped), Reach::Credential);
        let observation = Observation::new().with_block(Some(block));
        store
            .record(permit, observation, now)
            .await
            .expect("record");
        masters.insert(master, key);
    }
    assert_eq!(masters.len(), 3, "one app on each master");
    let blocks = store.blocks(now).await.expect("blocks");
    let held: Vec<CredentialId> = masters.values().map(BookKey::credential).collect();
    for credential in &held {
        assert!(
            blocks.iter().any(|b| b.holder() == *credential),
            "{credential:?} listed from its master: {blocks:?}"
        );
    }
    let inspector = twerr_redis::inspect::Inspector::connect(
        &cluster.urls()[0],
        "twerr",
        Duration::from_secs(5),
    )
    .await
    .expect("inspect the cluster");
    let snapshot = inspector.snapshot().await.expect("a snapshot");
    assert!(snapshot.cluster);
    assert_eq!(
        snapshot.masters,
        {
            let mut m: Vec<String> = masters.keys().map(|p| format!("127.0.0.1:{p}")).collect();
            m.sort();
            m
        },
        "every master read"
    );
    assert_eq!(snapshot.blocks.len(), blocks.len());
    assert_eq!(snapshot.leases.len(), 1);
    let lines = keys_by_master(&cluster)
        .await
        .into_values()
        .flatten()
        .filter(|k| k.contains(":line:"))
        .count();
    assert!(lines > 3);
    let windows: std::collections::BTreeSet<_> = snapshot
        .windows
        .iter()
        .map(|w| (w.app, w.credential, w.endpoint.clone()))
        .collect();
    assert_eq!(windows.len(), lines, "every line on every master");
    assert!(store.lift(Reach::Credential, held[2]).await.expect("lift"));
    let after = store.blocks(now).await.expect("blocks");
    assert_eq!(after.len(), blocks.len() - 1);
    assert!(after.iter().all(|b| b.holder() != held[2]));
}

const TOKENS: [&str; 4] = [
    "AAAAAAAAAAAAAAAAAAAAAclusterTestBearerToken000000000000000001",
    "AAAAAAAAAAAAAAAAAAAAAclusterTestBearerToken000000000000000002",
    "AAAAAAAAAAAAAAAAAAAAAclusterTestBearerToken000000000000000003",
    "AAAAAAAAAAAAAAAAAAAAAclusterTestBearerToken000000000000000004",
];

/// One worker, 16 tasks, 4 credentials with windows of 25, the test clock jumping to each
/// reset the middleware waits for; the master holding the most windows is killed mid-run.
/// One process alone never exceeds a window, outage or not (the crate's documented bound):
/// no request fails and none is answered 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_killed_mid_run_fails_no_request_and_exceeds_no_window() {
    let mut cluster = RedisCluster::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 25).await;
    let url = x.url("/2/users/me");
    let store = connect(&cluster, Duration::from_millis(250)).await;
    // Sixteen tasks on four windows: a task may wait through many windows in a row (the
    // others take each one first); it must not give up for that.
    let policy = RetryPolicy::default()
        .with_max_single_wait(Duration::from_secs(86_400))
        .with_max_total_wait(Duration::from_secs(365 * 86_400))
        .with_max_attempts(10_000);
    let client = client(
        twerr_reqwest::TwerrMiddleware::builder()
            .store(store.clone())
            .clock(clock.clone())
            .sleeper(JumpSleeper::new(&clock))
            .jitter(Arc::new(twerr_core::NoJitter))
            .policy(policy)
            .build(),
    );
    // Each window known before the crowd comes.
    for token in TOKENS {
        assert_eq!(common::status_of(&client, &url, token).await, 200);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for task in 0..16 {
        let (client, url, stop) = (client.clone(), url.clone(), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut i = task;
            while !stop.load(Ordering::Relaxed) {
                let token = TOKENS[i % TOKENS.len()];
                let sent = client.get(&url).bearer_auth(token).send().await;
                statuses.push(sent.map(|r| r.status().as_u16()).map_err(|e| e.to_string()));
                i += 1;
            }
            statuses
        }));
    }
    common::eventually("100 requests before the kill", || x.hits().len() >= 100).await;
    let by_master = keys_by_master(&cluster).await;
    let (&victim, _) = by_master
        .iter()
        .max_by_key(|(_, keys)| keys.iter().filter(|k| k.contains(":line:")).count())
        .expect("masters");
    let victim_key = by_master[&victim]
        .iter()
        .find(|k| k.contains(":line:"))
        .expect("a window on the victim")
        .clone();
    let slot = cluster.slot(&victim_key);
    cluster.kill(victim);
    let before_failover = x.hits().len();
    tokio::task::block_in_place(|| cluster.wait_failover(slot, victim));
    let after_failover = x.hits().len();
    common::eventually("the store back on the cluster", || store.is_connected()).await;
    let back = x.hits().len();
    common::eventually("100 more requests after the failover", || {
        x.hits().len() >= back + 100
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.extend(task.await.expect("a task"));
    }
    let failed: Vec<_> = statuses.iter().filter(|s| s.is_err()).collect();
    assert!(failed.is_empty(), "no request fails: {failed:?}");
    let hits = x.hits();
    let over: Vec<_> = hits.iter().filter(|h| h.status != 200).collect();
    assert!(
        over.is_empty(),
        "no window exceeded: {} of {} requests answered 429",
        over.len(),
        hits.len()
    );
    assert!(
        after_failover > before_failover,
        "requests went on during the failover ({before_failover} before it, {after_failover} after)"
    );
}
