//! `twerr status` against a real redis-server that two workers (twerr-reqwest middleware on a
//! `RedisStore`) filled by talking to a local server: every window, block and permit in
//! flight listed with its numbers, JSON schema 1, `--lift` of exactly one block, and the
//! stores it must not misread (empty, another version, corrupt, unreachable).

mod common;
mod fleet;

use std::time::{Duration, Instant};

use common::{Run, assert_refused, json, twerr_env};
use fleet::{NOW, RedisServer, XServer, ok, problem, worker};
use serde_json::Value;

const USAGE_CAPPED: &str = r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.x.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}"#;
const CREDITS_DEPLETED: &str = r#"{"title":"Payment Required","detail":"credits depleted","type":"https://api.x.com/2/problems/credits-depleted"}"#;

/// `twerr status` on `redis` with the fleet's clock, in UTC, plus `args`.
fn status(redis: &RedisServer, args: &[&str]) -> Run {
    let url = redis.url();
    let now = NOW.to_string();
    let mut all = vec!["status", "--redis", &url, "--now", &now];
    all.extend(args);
    twerr_env(all.iter().map(std::ffi::OsStr::new), &[("TZ", "UTC")], b"")
}

/// Two workers of two apps: windows of every kind, a usage cap (app alpha), a 402 (app
/// beta), and one request still on its way when `twerr status` looks.
async fn fill(redis: &RedisServer) -> XServer {
    let server = XServer::start(vec![
        (
            "GET /2/users/me alice",
            ok(&[
                ("x-rate-limit", 75, 74, NOW + 600),
                ("x-user-limit-24hour", 1000, 999, NOW + 80_000),
                ("x-app-limit-24hour", 10_000, 9_990, NOW + 50_000),
            ]),
        ),
        (
            "GET /2/users/me bob",
            ok(&[("x-rate-limit", 75, 0, NOW + 300)]),
        ),
        (
            "GET /2/tweets/search/recent alice",
            problem(429, USAGE_CAPPED),
        ),
        (
            "GET /2/users/me carol",
            ok(&[
                ("x-rate-limit", 75, 73, NOW + 700),
                ("x-app-limit-24hour", 10_000, 5_000, NOW + 40_000),
            ]),
        ),
        ("POST /2/tweets carol", problem(402, CREDITS_DEPLETED)),
        ("GET /held dave", ok(&[])),
    ])
    .await;
    let (alpha, beta) = (worker(redis, "alpha").await, worker(redis, "beta").await);
    // Dave's request is on its way (its permits in flight) until the server answers it; sent
    // first, before the blocks would hold it back.
    let held = beta.get(server.url("/held")).bearer_auth("dave").send();
    drop(tokio::spawn(held)); // answered by `release` at the end of the test
    server.held_arrived().await;
    let send = async |request: reqwest_middleware::RequestBuilder, token: &str| {
        request
            .bearer_auth(token)
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16()
    };
    assert_eq!(
        send(alpha.get(server.url("/2/users/me")), "alice").await,
        200
    );
    assert_eq!(send(alpha.get(server.url("/2/users/me")), "bob").await, 200);
    let search = server.url("/2/tweets/search/recent");
    assert_eq!(send(alpha.get(&search), "alice").await, 429);
    assert_eq!(
        send(beta.get(server.url("/2/users/me")), "carol").await,
        200
    );
    assert_eq!(send(beta.post(server.url("/2/tweets")), "carol").await, 402);
    server
}

/// The output with the run's own addresses made stable: the HTTP server's port, the socket.
fn stable(text: &str, redis: &RedisServer, server: &XServer) -> String {
    let port = server.port.to_string();
    text.replace(
        &format!("127.0.0.1:{port}"),
        &format!("127.0.0.1:{}", "X".repeat(port.len())),
    )
    .replace(&redis.socket().display().to_string(), "REDIS")
}

fn window<'a>(output: &'a Value, endpoint: &str, credential: Value, kind: &str) -> &'a Value {
    let all = output["windows"].as_array().expect("windows");
    let found: Vec<&Value> = all
        .iter()
        .filter(|w| {
            w["endpoint"]
                .as_str()
                .is_some_and(|e| e.ends_with(endpoint))
                && w["credential"] == credential
                && w["kind"] == kind
        })
        .collect();
    assert_eq!(found.len(), 1, "{endpoint} {credential} {kind} in {all:#?}");
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_window_block_and_permit_of_the_fleet_is_listed() {
    let redis = RedisServer::start();
    let server = fill(&redis).await;
    let alice = twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, "alice");
    let short = |id: twerr_core::CredentialId| Value::from(id.to_string());

    let run = tokio::task::block_in_place(|| status(&redis, &["--json"]));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let output = json(&run);
    assert_eq!(output["schema"], 1);
    // Exactly the members `twerr status --help` documents: the first column of its schema.
    let help = common::twerr(&["status", "--help"], b"").stdout;
    let schema = help
        .split("schema 1:")
        .nth(1)
        .expect("the schema in --help");
    let mut documented: Vec<String> = schema
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .flat_map(|l| {
            let name = l.trim_start().split("  ").next().unwrap_or_default();
            name.split(", ")
                .map(|n| n.trim_end_matches("[]").to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    documented.sort();
    let members: Vec<&String> = output.as_object().unwrap().keys().collect();
    assert_eq!(members, documented.iter().collect::<Vec<_>>());
    assert_eq!(output["now"], NOW);
    assert_eq!(output["cluster_node"], false);
    assert_eq!(output["masters"], serde_json::json!([]));
    assert_eq!(
        output["windows"].as_array().map(Vec::len),
        Some(6),
        "{output:#}"
    );
    let me = "/2/users/me";
    let numbers = |w: &Value| {
        (
            w["remaining"].clone(),
            w["limit"].clone(),
            w["reset"].clone(),
        )
    };
    let expect = |remaining: u64, limit: u64, reset: u64| {
        (
            Value::from(remaining),
            Value::from(limit),
            Value::from(reset),
        )
    };
    let alice_15m = window(&output, me, short(alice), "15m");
    assert_eq!(numbers(alice_15m), expect(74, 75, NOW + 600));
    assert_eq!(
        numbers(window(&output, me, short(alice), "user24h")),
        expect(999, 1000, NOW + 80_000)
    );
    let bob = twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, "bob");
    assert_eq!(
        numbers(window(&output, me, short(bob), "15m")),
        expect(0, 75, NOW + 300)
    );
    let carol = twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, "carol");
    assert_eq!(
        numbers(window(&output, me, short(carol), "15m")),
        expect(73, 75, NOW + 700)
    );
    let alpha_app = alice_15m["app"].clone();
    let app_windows: Vec<&Value> = output["windows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "app24h")
        .collect();
    let by_app = |app: &Value| {
        app_windows
            .iter()
            .find(|w| w["app"] == *app)
            .map(|w| numbers(w))
    };
    // Alice's response said 9990; Bob's request to the endpoint after it counts one more in
    // the app's window (his response did not report it).
    assert_eq!(
        by_app(&alpha_app),
        Some(expect(9_989, 10_000, NOW + 50_000))
    );
    let beta_app = window(&output, me, short(carol), "15m")["app"].clone();
    assert_eq!(by_app(&beta_app), Some(expect(5_000, 10_000, NOW + 40_000)));
    assert!(app_windows.iter().all(|w| w["credential"].is_null()));

    // Two app blocks, each with its cause, reach and probe schedule as the store keeps them.
    let blocks = output["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 2, "{blocks:#?}");
    let block = |app: &Value| blocks.iter().find(|b| b["app"] == *app).expect("a block");
    let capped = block(&alpha_app);
    assert_eq!(capped["id"], format!("app:{}", alpha_app.as_str().unwrap()));
    assert_eq!(
        (&capped["reach"], &capped["holder"], &capped["cause"]),
        (
            &Value::from("app"),
            &alpha_app,
            &Value::from("usage-capped")
        )
    );
    assert_eq!(
        (&capped["period"], &capped["scope"]),
        (&Value::from("Monthly"), &Value::from("Product"))
    );
    let broke = block(&beta_app);
    assert_eq!(broke["cause"], "credits-depleted");
    assert_eq!(broke["until"], Value::Null, "out of credits: no known end");
    assert_eq!(broke["writes_only"], false);
    let store = twerr_redis::RedisStore::connect(&redis.url())
        .await
        .unwrap();
    let now = std::time::UNIX_EPOCH + Duration::from_secs(NOW);
    let kept = twerr_core::RateLimitStore::blocks(&*store, now)
        .await
        .unwrap();
    for entry in &kept {
        let listed = block(&Value::from(entry.holder().to_string()));
        let secs = |t: std::time::SystemTime| {
            let d = t.duration_since(std::time::UNIX_EPOCH).unwrap();
            d.as_secs() + u64::from(d.subsec_nanos() > 0)
        };
        assert_eq!(listed["next_probe"], secs(entry.next_probe()));
        assert_eq!(
            listed["until"],
            Value::from(entry.block().until().map(secs))
        );
        assert_eq!(listed["failed_probes"], entry.failed_probes());
        assert_eq!(listed["probe_in_flight"], false);
    }
    assert_eq!(kept.len(), 2);

    // Dave's request holds one permit on his line and one on the app's.
    let flights = output["in_flight"].as_array().expect("in_flight");
    let dave = twerr_reqwest::credential_key_v1(twerr_reqwest::DEFAULT_HASHING_KEY, "dave");
    assert_eq!(flights.len(), 2, "{flights:#?}");
    assert!(
        flights
            .iter()
            .all(|f| f["permits"] == 1 && f["app"] == beta_app)
    );
    assert!(flights.iter().any(|f| f["credential"] == short(dave)));
    assert!(flights.iter().any(|f| f["credential"].is_null()));
    // Never a full hash: every hash is its first 8 hex digits.
    assert!(!run.stdout.contains(&alice.to_hex()), "{}", run.stdout);

    let run = tokio::task::block_in_place(|| status(&redis, &[]));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    insta::assert_snapshot!("fleet", stable(&run.stdout, &redis, &server));
    server.release();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lift_lifts_exactly_the_one_block_named() {
    let redis = RedisServer::start();
    let server = fill(&redis).await;
    let before = json(&tokio::task::block_in_place(|| status(&redis, &["--json"])));
    let id = before["blocks"][0]["id"].as_str().unwrap().to_owned();
    let other = before["blocks"][1]["id"].clone();

    // Standard input is not a terminal here: no lift without --yes.
    let run = tokio::task::block_in_place(|| status(&redis, &["--lift", &id]));
    assert_refused(&run, "--yes");
    for malformed in [
        "app",
        "app:xyz",
        "app:3f2a",
        "team:3f2a9c1d",
        "app:3f2a9c1d@00000000",
    ] {
        let run = tokio::task::block_in_place(|| status(&redis, &["--lift", malformed, "--yes"]));
        assert_refused(&run, "app:HASH or credential:HASH");
    }
    let run = tokio::task::block_in_place(|| status(&redis, &["--lift", "app:00000000", "--yes"]));
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.contains(&id), "the blocks there are: {run:#?}");

    let run = tokio::task::block_in_place(|| status(&redis, &["--lift", &id, "--yes"]));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert!(
        run.stdout
            .starts_with(&format!("Lifted {id} (app blocked by")),
        "{run:#?}"
    );
    let after = json(&tokio::task::block_in_place(|| status(&redis, &["--json"])));
    let ids: Vec<&Value> = after["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["id"])
        .collect();
    assert_eq!(ids, [&other], "exactly one block lifted");
    assert_eq!(after["windows"], before["windows"], "windows untouched");
    let run = tokio::task::block_in_place(|| status(&redis, &["--lift", &id, "--yes"]));
    assert_eq!(run.code, 1, "{run:#?}");
    server.release();
}

#[test]
fn an_unreachable_redis_fails_within_a_second_without_the_password() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("redis://watcher:s3cr3t-pw@127.0.0.1:{port}/0");
    let started = Instant::now();
    let run = common::twerr(&["status", "--redis", &url], b"");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_refused(
        &run,
        &format!("could not connect to Redis at 127.0.0.1:{port}"),
    );
    assert!(
        !run.stderr.contains("s3cr3t") && !run.stderr.contains("watcher"),
        "{run:#?}"
    );
    let run = common::twerr(&["status", "--redis", "redis://:s3cr3t-pw@[bad"], b"");
    assert_refused(&run, "not a usable Redis URL");
    assert!(!run.stderr.contains("s3cr3t"), "{run:#?}");
}

#[tokio::test]
async fn empty_foreign_and_corrupt_stores_are_reported_not_misread() {
    let redis = RedisServer::start();
    let run = status(&redis, &[]);
    assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{run:#?}");
    assert!(
        run.stdout
            .contains("Nothing this version of twerr reads under the prefix \"twerr\"")
    );

    let mut c = redis.connection().await;
    let app = "0123456789abcdef".repeat(2);
    let line = format!("twerr:v2:{{{app}}}:line:c:{app}:GET api.x.com /2/users/me");
    let set = |args: &[&str]| {
        let mut command = redis::cmd(args[0]);
        for arg in &args[1..] {
            command.arg(*arg);
        }
        command
    };
    for command in [
        set(&["SET", "twerr:v1:{abc}:window:x", "1"]),
        set(&[
            "HSET",
            &line,
            "15m",
            "7:garbage:75",
            "user24h",
            "3:1705500000000000:100",
        ]),
        set(&[
            "HSET",
            &format!("twerr:v2:{{{app}}}:block:a"),
            "cause",
            "s:402",
            "writes",
            "maybe",
        ]),
        set(&[
            "SET",
            &format!("twerr:v2:{{{app}}}:line:a:GET api.x.com /2/x"),
            "a string",
        ]),
        set(&[
            "SET",
            &format!("twerr:v2:{{{app}}}:lease:sample"),
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ]),
    ] {
        let _: redis::Value = command.query_async(&mut c).await.unwrap();
    }
    let run = status(&redis, &["--json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let output = json(&run);
    assert_eq!(output["other_versions"], serde_json::json!({"v1": 1}));
    let windows = output["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 1, "only the readable window: {windows:#?}");
    assert_eq!(
        (&windows[0]["kind"], &windows[0]["remaining"]),
        (&Value::from("user24h"), &Value::from(3))
    );
    let unreadable = output["unreadable"].as_array().unwrap();
    let raws: Vec<(&str, &str)> = unreadable
        .iter()
        .map(|u| {
            (
                u["field"].as_str().unwrap_or("-"),
                u["raw"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        raws,
        [
            ("-", "cause=s:402 writes=maybe"),
            ("-", "string"),
            ("15m", "7:garbage:75")
        ],
        "{unreadable:#?}"
    );
    assert_eq!(output["blocks"], serde_json::json!([]));
    assert_eq!(output["leases"][0]["holder"], "0f1e2d3c");
    assert_eq!(output["leases"][0]["expires_in_ms"], Value::Null);
    let run = status(&redis, &[]);
    assert!(
        run.stdout.contains("field 15m: \"7:garbage:75\""),
        "{run:#?}"
    );
    assert!(run.stdout.contains("1 key(s) of key layout v1"), "{run:#?}");
    assert!(!run.stdout.contains(&app), "never a full hash: {run:#?}");

    // Watching: one frame a second, here two, one JSON object per line.
    let run = status(&redis, &["--watch", "--watch-count", "2", "--json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let frames: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0], frames[1]);
}
