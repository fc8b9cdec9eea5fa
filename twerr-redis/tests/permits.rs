//! Permits nobody ends: they expire on Redis's clock after the permit lifetime, whatever the
//! callers' clocks say, and releasing one never panics, even outside a runtime.

mod common;

use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use common::{RedisServer, at};
use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use twerr_core::{
    Acquire, BookKey, CredentialId, Observation, Permit, RateLimitStore, WindowKind, WindowReport,
};
use twerr_redis::RedisStore;

const START: u64 = 1_800_000_000;
const LIFETIME: Duration = Duration::from_millis(300);

fn key(credential: u8) -> BookKey {
    let id = CredentialId::from_bytes([credential; 16]);
    BookKey::new(id, id, "GET api.x.com /2/users/me")
}

async fn store(server: &RedisServer, lifetime: Duration) -> Arc<RedisStore> {
    RedisStore::builder()
        .timeout(Duration::from_secs(5))
        .permit_lifetime(lifetime)
        .connect(&server.url())
        .await
        .expect("connect to the test redis-server")
}

async fn go(store: &RedisStore, key: &BookKey, now: SystemTime) -> Permit {
    match store.acquire(key, now).await.expect("acquire") {
        Acquire::Go(permit) => permit,
        other => panic!("expected Go, got {other:?}"),
    }
}

async fn redis_ms(inspect: &mut MultiplexedConnection) -> u64 {
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(inspect).await.expect("TIME");
    secs * 1000 + micros / 1000
}

/// Deadlines in a permit set, in Redis milliseconds.
async fn deadlines(inspect: &mut MultiplexedConnection, set: &str) -> Vec<u64> {
    let entries: Vec<(String, f64)> = inspect.zrange_withscores(set, 0, -1).await.expect("ZRANGE");
    entries.into_iter().map(|(_, score)| score as u64).collect()
}

/// A worker acquires the whole window and dies with its 5 requests in flight. While they
/// count, the next window is assumed to be 5 - 5 = 0; once their deadlines pass on Redis's
/// clock they are pruned and the next window has its 5.
#[tokio::test]
async fn a_dead_workers_permits_stop_counting_after_the_lifetime() {
    let redis = RedisServer::start();
    let mut inspect = redis.inspect().await;
    let (dying, survivor) = (store(&redis, LIFETIME).await, store(&redis, LIFETIME).await);
    let key = key(1);
    let names = survivor.key_names(&key);
    let (now, reset) = (at(START), at(START + 60));
    let first = go(&survivor, &key, now).await;
    let seen = Observation::new()
        .with_window(WindowReport::new(WindowKind::Endpoint, 5, reset).with_limit(Some(5)));
    survivor.record(first, seen, now).await.expect("record");

    let before = redis_ms(&mut inspect).await;
    for _ in 0..5 {
        let _lost = go(&dying, &key, now).await; // never recorded nor released
    }
    let after = redis_ms(&mut inspect).await;
    drop(dying);
    for set in [&names.credential_permits, &names.app_permits] {
        let times = deadlines(&mut inspect, set).await;
        assert_eq!(times.len(), 5, "{set}");
        let lifetime = u64::try_from(LIFETIME.as_millis()).unwrap_or(0);
        for deadline in times {
            assert!(
                (before + lifetime..=after + lifetime).contains(&deadline),
                "a deadline is Redis's time at the grant plus the lifetime: {before}..{after} \
                 + {lifetime} vs {deadline}"
            );
        }
    }
    // A caller whose clock runs a day ahead, sharing the app's permit set, cannot end them
    // early: deadlines are on Redis's clock.
    let ahead = now + Duration::from_secs(86_400);
    let colleague = BookKey::new(key.app(), CredentialId::from_bytes([9; 16]), key.endpoint());
    let permit = go(&survivor, &colleague, ahead).await;
    survivor.release(permit, ahead).await.expect("release");
    assert_eq!(deadlines(&mut inspect, &names.app_permits).await.len(), 5);

    // Wait (bounded) until Redis's clock has passed every deadline; nothing is asserted about
    // how long that took.
    let last = deadlines(&mut inspect, &names.credential_permits)
        .await
        .into_iter()
        .max()
        .unwrap_or(0);
    for _ in 0..1000 {
        if redis_ms(&mut inspect).await > last {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(redis_ms(&mut inspect).await > last, "Redis's clock moved");
    let mut went = 0;
    while let Acquire::Go(permit) = survivor.acquire(&key, reset).await.expect("acquire") {
        went += 1;
        survivor.release(permit, reset).await.expect("release");
        assert!(went <= 5, "more than the window");
    }
    assert_eq!(
        went, 5,
        "the leaked permits no longer count against the next window"
    );
}

fn key_other_app() -> BookKey {
    BookKey::new(
        CredentialId::from_bytes([2; 16]),
        CredentialId::from_bytes([1; 16]),
        "GET api.x.com /2/users/me",
    )
}

/// A key's expiry comes from what it holds: calls that add nothing to it do not push it out.
#[tokio::test]
async fn unrelated_calls_do_not_push_a_keys_expiry() {
    let redis = RedisServer::start();
    let mut inspect = redis.inspect().await;
    let store = store(&redis, Duration::from_secs(300)).await;
    let key = key(3);
    let names = store.key_names(&key);
    let now = at(START);
    let permit = go(&store, &key, now).await;
    let seen = Observation::new().with_window(
        WindowReport::new(WindowKind::Endpoint, 100, at(START + 60)).with_limit(Some(100)),
    );
    store.record(permit, seen, now).await.expect("record");
    let held = go(&store, &key, now).await; // in flight throughout
    let ttl = |name: String| {
        let mut inspect = inspect.clone();
        async move { inspect.pttl::<_, i64>(name).await.expect("PTTL") }
    };
    let (line, permits) = (
        ttl(names.credential_line.clone()).await,
        ttl(names.credential_permits.clone()).await,
    );
    // The line lives for its window and the assumed next one (60 s + 900 s) plus the margin.
    assert!((900_000..=1_020_000).contains(&line), "{line}");
    for _ in 0..20 {
        let other = go(&store, &key, now).await;
        store.release(other, now).await.expect("release");
    }
    let permit = go(&store, &key_other_app(), now).await;
    store.release(permit, now).await.expect("release");
    assert!(ttl(names.credential_line.clone()).await <= line);
    // The permit set's expiry is its latest deadline plus the margin: the permits acquired
    // and released since came later, and once released hold it no longer than that.
    assert!(ttl(names.credential_permits.clone()).await <= permits + 1_000);
    store.release(held, now).await.expect("release");
    let exists: bool = inspect
        .exists(&names.credential_permits)
        .await
        .expect("EXISTS");
    assert!(!exists, "an empty permit set is gone");
}

/// A request future dropped where no tokio runtime is current releases its permit there:
/// the release is polled on a plain thread. It must not panic; the permit, not released,
/// expires on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releasing_outside_a_runtime_never_panics() {
    let redis = RedisServer::start();
    let store = store(&redis, Duration::from_secs(300)).await;
    let key = key(4);
    let permit = go(&store, &key, at(START)).await;
    let plain = Arc::clone(&store);
    let polled = std::thread::spawn(move || {
        let mut release = plain.release(permit, at(START));
        let mut cx = Context::from_waker(Waker::noop());
        matches!(release.as_mut().poll(&mut cx), Poll::Ready(Ok(())))
    })
    .join();
    assert_eq!(
        polled.ok(),
        Some(true),
        "the release finished without a runtime, no panic"
    );
    let mut inspect = redis.inspect().await;
    let left = deadlines(&mut inspect, &store.key_names(&key).credential_permits).await;
    assert_eq!(left.len(), 1, "the permit waits for its deadline");
    assert!(store.is_connected(), "no runtime is no outage");
}
