//! What the store leaves in Redis: the v2 layout, every key expires by what it holds, no
//! credential in clear, and what it reads back is validated.

mod common;

use std::time::{Duration, SystemTime};

use common::{JumpSleeper, RedisServer, TestClock, XServer, all_keys, at, client, middleware};
use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use twerr_core::{
    Acquire, Block, BookKey, Cause, CredentialId, Observation, Problem, RateLimitStore, Reach,
    WindowKind, WindowReport,
};

const START: u64 = 1_800_000_000;
/// A Bearer token shaped like X's app-only tokens (made up).
const TOKEN: &str =
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2Xz";

fn window(remaining: u64, reset: SystemTime) -> Observation {
    Observation::new()
        .with_window(WindowReport::new(WindowKind::Endpoint, remaining, reset).with_limit(Some(15)))
}

fn key(credential: u8, endpoint: &str) -> BookKey {
    let id = CredentialId::from_bytes([credential; 16]);
    BookKey::new(id, id, format!("GET api.x.com /{endpoint}"))
}

/// Every string a key holds: hash fields and values, set members, a string's value.
async fn contents(inspect: &mut MultiplexedConnection, key: &str) -> Vec<String> {
    let kind: String = redis::cmd("TYPE")
        .arg(key)
        .query_async(inspect)
        .await
        .expect("TYPE");
    match kind.as_str() {
        "hash" => {
            let fields: Vec<(String, String)> = inspect.hgetall(key).await.expect("HGETALL");
            fields.into_iter().flat_map(|(k, v)| [k, v]).collect()
        }
        "zset" => inspect.zrange(key, 0, -1).await.expect("ZRANGE"),
        "string" => vec![inspect.get(key).await.expect("GET")],
        other => panic!("{key} is a {other}"),
    }
}

/// Traffic through the middleware: windows on two endpoints, a usage cap (a block), and a
/// request still in flight (acquired, not yet answered).
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
    let in_flight = key(9, "2/spaces");
    let Acquire::Go(_permit) = store.acquire(&in_flight, at(START)).await.expect("acquire") else {
        panic!("goes")
    };

    let mut inspect = redis.inspect().await;
    let keys = all_keys(&mut inspect).await;
    let count = |part: &str| keys.iter().filter(|k| k.contains(part)).count();
    assert_eq!(count(":line:c:"), 3, "three endpoints' windows: {keys:?}");
    assert_eq!(count(":block:a"), 1, "the usage cap, the app's: {keys:?}");
    assert_eq!(count(":gen"), 1, "the app's block generation: {keys:?}");
    assert_eq!(
        count(":flight:"),
        2,
        "the permit in flight, in both lines: {keys:?}"
    );
    // The longest a key here may live: a 15-minute window and its assumed successor plus the
    // margin; a block a day after its next probe (at most the policy's hour away), its
    // generation the permit lifetime longer.
    let window = Duration::from_secs(1800) + twerr_redis::MAX_EXPIRY_MARGIN;
    let block = Duration::from_secs(25 * 3600) + twerr_redis::MAX_EXPIRY_MARGIN;
    for key in &keys {
        assert!(key.starts_with("twerr:v2:{"), "{key}");
        let longest = if key.ends_with(":block:a") {
            block
        } else if key.ends_with(":gen") {
            block + twerr_redis::DEFAULT_PERMIT_LIFETIME
        } else {
            window
        };
        let ttl: i64 = inspect.pttl(key).await.expect("PTTL");
        assert!(ttl > 0, "{key} has no expiry ({ttl})");
        assert!(
            u128::try_from(ttl).unwrap_or(0) <= longest.as_millis(),
            "{key} outlives what it holds and the margin: {ttl} ms"
        );
        assert!(!key.contains(TOKEN) && !key.contains(&TOKEN[..24]), "{key}");
        assert!(!key.contains('?'), "no query string in {key}");
        for value in contents(&mut inspect, key).await {
            assert!(!value.contains(&TOKEN[..24]), "{key}: {value}");
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
    let key = key(5, "2/users/me");
    let now = SystemTime::now();
    let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
        panic!("goes")
    };
    // A window without a limit: no successor is assumed, the line ends at its reset.
    let seen = Observation::new().with_window(WindowReport::new(
        WindowKind::Endpoint,
        0,
        now + Duration::from_millis(200),
    ));
    store.record(permit, seen, now).await.expect("record");
    let mut inspect = redis.inspect().await;
    let name = store.key_names(&key).credential_line;
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
async fn a_reset_years_ahead_never_gives_a_long_expiry() {
    let redis = RedisServer::start();
    let store = common::store(&redis).await;
    let mut inspect = redis.inspect().await;
    let now = at(START);
    let key = key(4, "2/users/me");
    let names = store.key_names(&key);
    // Reported by a response: ignored, no key written for it.
    let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
        panic!("goes")
    };
    let far = at(253_402_300_799);
    store
        .record(permit, window(0, far), now)
        .await
        .expect("record");
    let exists: bool = inspect
        .exists(&names.credential_line)
        .await
        .expect("EXISTS");
    assert!(!exists, "a malformed reset is not kept");
    // Written by a foreign or broken worker: not trusted, and replaced with a real window.
    let stored = format!("0:{}:15", 253_402_300_799_000_000u64);
    let _: () = inspect
        .hset(&names.credential_line, "15m", &stored)
        .await
        .expect("HSET");
    let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
        panic!("a reset in the year 9999 was trusted")
    };
    store.release(permit, now).await.expect("release");
    let ttl: i64 = inspect.pttl(&names.credential_line).await.expect("PTTL");
    assert!(ttl < 0, "the dropped window left no long-lived key: {ttl}");
}

#[tokio::test]
async fn corrupt_or_foreign_values_are_not_trusted() {
    let redis = RedisServer::start();
    let store = common::store(&redis).await;
    let mut inspect = redis.inspect().await;
    let now = at(START);
    let reset_us = (START + 60) * 1_000_000;

    // A window whose numbers are not numbers, or out of range, is no window: the request goes.
    for (i, stored) in [
        "0:soon:15".to_owned(),
        "0:-1:15".to_owned(),
        "0:1e300:15".to_owned(),
        "0:99999999999999999999:15".to_owned(),
        format!("-3:{reset_us}:15"),
        format!("0:{reset_us}:lots"),
        format!("0:{reset_us}"),
    ]
    .iter()
    .enumerate()
    {
        let key = key(6, &format!("corrupt-{i}"));
        let name = store.key_names(&key).credential_line;
        let _: () = inspect.hset(&name, "15m", stored).await.expect("HSET");
        let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
            panic!("{stored:?} was trusted")
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
    // A valid window written by another worker holds.
    let shared = key(6, "shared");
    let _: () = inspect
        .hset(
            store.key_names(&shared).credential_line,
            "15m",
            format!("0:{reset_us}:15"),
        )
        .await
        .expect("HSET");
    assert_eq!(
        store.acquire(&shared, now).await.expect("acquire"),
        Acquire::Wait {
            until: at(START + 60)
        }
    );

    // Values of another type at every key are dropped, not an error.
    let foreign = key(7, "foreign");
    let names = store.key_names(&foreign);
    for name in [
        &names.credential_line,
        &names.app_line,
        &names.credential_block,
    ] {
        let _: () = inspect.set(name, "hello").await.expect("SET");
    }
    for name in [&names.credential_permits, &names.app_block] {
        let _: () = inspect.rpush(name, "until").await.expect("RPUSH");
    }
    let Ok(Acquire::Go(permit)) = store.acquire(&foreign, now).await else {
        panic!("a foreign value was trusted")
    };
    store.release(permit, now).await.expect("release");
    // A permit set of foreign entries: a deadline no permit can have is pruned.
    let _: () = inspect
        .zadd(&names.credential_permits, "leaked", 9.0e15)
        .await
        .expect("ZADD");
    let Ok(Acquire::Go(permit)) = store.acquire(&foreign, now).await else {
        panic!("goes")
    };
    let left: Vec<String> = inspect
        .zrange(&names.credential_permits, 0, -1)
        .await
        .expect("ZRANGE");
    assert_eq!(left.len(), 1, "only the new permit counts: {left:?}");
    store.release(permit, now).await.expect("release");

    // A block whose end or cause is not what the scripts write does not block; members that
    // are not plain text are left out.
    let capped = key(8, "2/x");
    let block_key = store.key_names(&capped).credential_block;
    for fields in [
        [
            ("cause", "p:usage-capped"),
            ("writes", "0"),
            ("until", "later"),
        ],
        [("cause", "q:1"), ("writes", "0"), ("period", "Monthly")],
        [("cause", "s:429"), ("writes", "yes"), ("period", "Monthly")],
    ] {
        let _: () = inspect.del(&block_key).await.expect("DEL");
        let _: () = inspect
            .hset_multiple(&block_key, &fields)
            .await
            .expect("HSET");
        let Ok(Acquire::Go(permit)) = store.acquire(&capped, now).await else {
            panic!("a corrupt block was trusted: {fields:?}")
        };
        store.release(permit, now).await.expect("release");
    }
    let until = (START + 900) * 1_000_000;
    let next = (START + 60) * 1_000_000;
    let valid = [
        ("cause", "p:usage-capped".to_owned()),
        ("writes", "0".to_owned()),
        ("until", until.to_string()),
        ("period", "Monthly".to_owned()),
        ("scope", "<script>\n".to_owned()),
        ("first", "60000000".to_owned()),
        ("max", "3600000000".to_owned()),
        ("next", next.to_string()),
        ("failed", "0".to_owned()),
        ("gen", "1".to_owned()),
    ];
    // Any schedule field missing or corrupt: dropped.
    for broken in ["first", "max", "next", "failed", "gen"] {
        for value in [None, Some("-1"), Some("1e9"), Some("99999999999999999")] {
            let _: () = inspect.del(&block_key).await.expect("DEL");
            let fields: Vec<_> = valid
                .iter()
                .filter(|(name, _)| *name != broken)
                .cloned()
                .chain(value.map(|v| (broken, v.to_owned())))
                .collect();
            let _: () = inspect
                .hset_multiple(&block_key, &fields)
                .await
                .expect("HSET");
            let Ok(Acquire::Go(permit)) = store.acquire(&capped, now).await else {
                panic!("a corrupt block was trusted: {fields:?}")
            };
            store.release(permit, now).await.expect("release");
        }
    }
    let _: () = inspect
        .hset_multiple(&block_key, &valid)
        .await
        .expect("HSET");
    let expected = Block::new(Cause::Problem(Problem::UsageCapped), Reach::Credential)
        .with_until(Some(at(START + 900)))
        .with_period_scope(Some("Monthly".into()), None)
        .with_probing(Duration::from_secs(60), Duration::from_secs(3600));
    match store.acquire(&capped, now).await.expect("acquire") {
        Acquire::Blocked(block) => assert_eq!(
            block, expected,
            "a block written by another worker holds; a member that is not plain text is left \
             out"
        ),
        other => panic!("{other:?}"),
    }
    assert!(store.is_connected(), "nothing here is an outage");
}
