//! What the store leaves in Redis: every key expires, no credential in clear, and what it
//! reads back is validated.

mod common;

use std::time::{Duration, SystemTime};

use common::{JumpSleeper, RedisServer, TestClock, XServer, all_keys, at, client, middleware};
use redis::AsyncCommands;
use twerr_core::{Acquire, BookKey, CredentialId, Observation, RateLimitStore, WindowReport};

const START: u64 = 1_800_000_000;
/// A Bearer token shaped like X's app-only tokens (made up).
const TOKEN: &str =
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2Xz";

fn window(remaining: u64, resets_at: SystemTime) -> Observation {
    Observation {
        window: Some(WindowReport {
            limit: Some(15),
            remaining,
            reset: resets_at,
            resets_at,
        }),
        usage_cap: None,
    }
}

/// Traffic through the middleware: windows on two endpoints, a usage cap, and a request
/// still in flight (acquired, not yet answered).
#[tokio::test]
async fn every_key_expires_and_none_holds_a_token() {
    let redis = RedisServer::start();
    let clock = TestClock::new(at(START));
    let x = XServer::start(&clock, 5).await;
    let store = common::store(&redis).await;
    let http = client(middleware(store.clone(), &clock, JumpSleeper::new(&clock)));
    for path in [
        "/2/users/me",
        "/2/tweets/20?expansions=author_id",
        "/capped/2/tweets",
    ] {
        let response = http.get(x.url(path)).bearer_auth(TOKEN).send().await;
        assert!(response.is_ok(), "{path}");
    }
    let in_flight = BookKey::new(CredentialId::from_bytes([9; 16]), "GET api.x.com /2/spaces");
    let Acquire::Go(_permit) = store.acquire(&in_flight, at(START)).await.expect("acquire") else {
        panic!("goes")
    };

    let mut inspect = redis.inspect().await;
    let keys = all_keys(&mut inspect).await;
    assert!(
        keys.len() >= 4,
        "two windows, a cap and an in-flight count: {keys:?}"
    );
    assert!(keys.iter().any(|k| k.ends_with(":cap")), "{keys:?}");
    let window_ends = Duration::from_secs(900) + twerr_redis::MAX_EXPIRY_MARGIN;
    for key in &keys {
        let ttl: i64 = inspect.pttl(key).await.expect("PTTL");
        assert!(ttl > 0, "{key} has no expiry ({ttl})");
        assert!(
            u128::try_from(ttl).unwrap_or(0) <= window_ends.as_millis(),
            "{key} outlives its window and the margin: {ttl} ms"
        );
        assert!(!key.contains(TOKEN) && !key.contains(&TOKEN[..24]), "{key}");
        assert!(!key.contains('?'), "no query string in {key}");
        let fields: Vec<(String, String)> = inspect.hgetall(key).await.expect("HGETALL");
        for (name, value) in fields {
            assert!(!value.contains(&TOKEN[..24]), "{key} {name} = {value}");
        }
    }
}

#[tokio::test]
async fn a_key_disappears_when_its_window_is_over() {
    // Real time, briefly: Redis expires keys on its own clock.
    let redis = RedisServer::start();
    let store = twerr_redis::RedisStore::builder()
        .expiry_margin(Duration::from_millis(50))
        .connect(&redis.url())
        .await
        .expect("connect");
    let key = BookKey::new(
        CredentialId::from_bytes([5; 16]),
        "GET api.x.com /2/users/me",
    );
    let now = SystemTime::now();
    let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
        panic!("goes")
    };
    let seen = window(0, now + Duration::from_millis(200));
    store.record(permit, seen, now).await.expect("record");
    let mut inspect = redis.inspect().await;
    let name = store.window_key(&key);
    let ttl: i64 = inspect.pttl(&name).await.expect("PTTL");
    // 200 ms of window (rounded up to the next millisecond, never down) and 50 ms of margin.
    assert!(
        (1..=251).contains(&ttl),
        "window 200 ms + margin 50 ms, got {ttl}"
    );
    let mut gone = false;
    for _ in 0..200 {
        let exists: bool = inspect.exists(&name).await.expect("EXISTS");
        if !exists {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(gone, "{name} still there 2 s after its window ended");
}

#[tokio::test]
async fn corrupt_or_foreign_values_are_not_trusted() {
    let redis = RedisServer::start();
    let store = common::store(&redis).await;
    let mut inspect = redis.inspect().await;
    let now = at(START);
    let credential = CredentialId::from_bytes([6; 16]);
    let key = |endpoint: &str| BookKey::new(credential, format!("GET api.x.com /{endpoint}"));

    // A window whose numbers are not numbers, or out of range, is no window: the request goes.
    let corrupt: [&[(&str, &str)]; 4] = [
        &[
            ("remaining", "0"),
            ("reset", "soon"),
            ("resets_at", "1900000000000000"),
        ],
        &[("remaining", "0"), ("reset", "1"), ("resets_at", "-1")],
        &[("remaining", "0"), ("reset", "1"), ("resets_at", "1e300")],
        &[
            ("remaining", "0"),
            ("reset", "1"),
            ("resets_at", "99999999999999999999"),
        ],
    ];
    for (i, fields) in corrupt.iter().enumerate() {
        let key = key(&format!("corrupt-{i}"));
        let name = store.window_key(&key);
        let _: () = inspect.hset_multiple(&name, fields).await.expect("HSET");
        let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
            panic!("{fields:?} was trusted")
        };
        // The store rewrites the key from the next response.
        store
            .record(permit, window(0, now + Duration::from_secs(60)), now)
            .await
            .expect("record");
        assert_eq!(
            store.acquire(&key, now).await.expect("acquire"),
            Acquire::Wait {
                until: now + Duration::from_secs(60)
            }
        );
    }

    // A value of another type at a window or cap key is dropped, not an error.
    let foreign = key("foreign");
    let _: () = inspect
        .set(store.window_key(&foreign), "hello")
        .await
        .expect("SET");
    let _: () = inspect
        .rpush(store.cap_key(&foreign), "until")
        .await
        .expect("RPUSH");
    let Ok(Acquire::Go(permit)) = store.acquire(&foreign, now).await else {
        panic!("a foreign value was trusted")
    };
    store.release(permit, now).await.expect("release");

    // A cap whose end is not a number does not cap; members that are not plain text are
    // left out.
    let capped = BookKey::new(CredentialId::from_bytes([8; 16]), "GET api.x.com /2/x");
    let cap = store.cap_key(&capped);
    let _: () = inspect.hset(&cap, "until", "later").await.expect("HSET");
    let Ok(Acquire::Go(permit)) = store.acquire(&capped, now).await else {
        panic!("a corrupt cap was trusted")
    };
    store.release(permit, now).await.expect("release");
    let until = (START + 900) * 1_000_000;
    let _: () = inspect
        .hset_multiple(
            &cap,
            &[
                ("until", until.to_string()),
                ("period", "Monthly".to_owned()),
                ("scope", "<script>\n".to_owned()),
            ],
        )
        .await
        .expect("HSET");
    match store.acquire(&capped, now).await.expect("acquire") {
        Acquire::Exhausted(cap) => {
            assert_eq!(cap.until, at(START + 900));
            assert_eq!(cap.period.as_deref(), Some("Monthly"));
            assert_eq!(
                cap.scope, None,
                "a member that is not plain text is dropped"
            );
        }
        other => panic!("a valid cap written by another worker holds: {other:?}"),
    }
    assert!(store.is_connected(), "nothing here is an outage");
}
