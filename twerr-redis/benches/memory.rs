//! Bytes each kind of key takes in Redis (`MEMORY USAGE`, key name and overhead included),
//! written by the store itself through its scripts against a real `redis-server`.
//!
//! `cargo bench -p twerr-redis --bench memory`
#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twerr_core::{
    Acquire, Block, BookKey, Cause, CredentialId, Observation, Problem, RateLimitStore, Reach,
    WindowKind, WindowReport,
};

const ENDPOINT: &str = "GET api.x.com /2/users/{id}/tweets";

async fn usage(inspect: &mut redis::aio::MultiplexedConnection, key: &str) -> u64 {
    redis::cmd("MEMORY")
        .arg("USAGE")
        .arg(key)
        .arg("SAMPLES")
        .arg("0")
        .query_async::<Option<u64>>(inspect)
        .await
        .expect("MEMORY USAGE")
        .unwrap_or(0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = common::RedisServer::start();
    runtime.block_on(async {
        let store = common::store(&server).await;
        let mut inspect = server.inspect().await;
        let now = UNIX_EPOCH
            + Duration::from_secs(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            );
        let app = CredentialId::from_bytes([0xa1; 16]);
        let key = BookKey::new(app, CredentialId::from_bytes([0xc1; 16]), ENDPOINT);
        let window = |kind, remaining, secs| {
            WindowReport::new(kind, remaining, now + Duration::from_secs(secs))
                .with_limit(Some(900))
        };
        let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
            panic!("goes")
        };
        let seen = Observation::new()
            .with_window(window(WindowKind::Endpoint, 899, 900))
            .with_window(window(WindowKind::App24Hour, 99_999, 86_000))
            .with_window(window(WindowKind::User24Hour, 9_999, 86_000))
            .with_block(Some(
                Block::new(Cause::Problem(Problem::UsageCapped), Reach::Credential)
                    .with_until(Some(now + Duration::from_secs(900)))
                    .with_period_scope(Some("Monthly".into()), Some("Product".into())),
            ));
        store.record(permit, seen, now).await.expect("record");
        let names = store.key_names(&key);
        let mut permits = Vec::new();
        let mut in_flight = Vec::new();
        for n in [1, 10] {
            while permits.len() < n {
                // A fresh credential of the same app: its block does not stop these.
                let other = BookKey::new(app, CredentialId::from_bytes([0xc2; 16]), ENDPOINT);
                let Ok(Acquire::Go(permit)) = store.acquire(&other, now).await else {
                    panic!("goes")
                };
                permits.push(permit);
            }
            let other = store.key_names(&BookKey::new(
                app,
                CredentialId::from_bytes([0xc2; 16]),
                ENDPOINT,
            ));
            in_flight.push((n, usage(&mut inspect, &other.credential_permits).await));
        }
        println!("MEMORY USAGE in bytes (redis-server, endpoint {ENDPOINT:?}):");
        for (what, name) in [
            ("credential line (15m + user24h)", &names.credential_line),
            ("app line (app24h)", &names.app_line),
            ("credential block (usage cap)", &names.credential_block),
            ("app block generation", &names.generation),
        ] {
            println!("  {what}: {}", usage(&mut inspect, name).await);
        }
        for (n, bytes) in in_flight {
            println!("  permit set with {n} in flight: {bytes}");
        }
        for permit in permits {
            store.release(permit, now).await.expect("release");
        }
    });
}
