//! A Redis user that may connect but not run scripts: one clear report, the store stays on
//! its local book, and no reconnection loop warns every second.

mod common;

use std::time::{Duration, SystemTime};

use common::{Logs, RedisServer};
use twerr_core::{Acquire, BookKey, CredentialId, RateLimitStore};
use twerr_redis::RedisStore;

const PASSWORD: &str = "acl-test-Secr3tPassw0rd";

async fn acl(redis: &RedisServer, rules: &[&str]) {
    let mut admin = redis.inspect().await;
    let _: () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("worker")
        .arg(rules)
        .query_async(&mut admin)
        .await
        .expect("ACL SETUSER");
}

fn url(redis: &RedisServer) -> String {
    format!(
        "redis+unix://{}?user=worker&pass={PASSWORD}",
        redis.socket().display()
    )
}

#[tokio::test]
async fn a_user_that_may_not_run_scripts_is_refused_at_connect() {
    let redis = RedisServer::start();
    let password = format!(">{PASSWORD}");
    acl(
        &redis,
        &["on", &password, "~*", "&*", "+@all", "-evalsha", "-eval"],
    )
    .await;
    let error = RedisStore::connect(&url(&redis))
        .await
        .expect_err("the user may not run scripts");
    let text = error.to_string();
    assert!(text.contains("may not run twerr's scripts"), "{text}");
    assert!(text.contains("+@scripting"), "says what to grant: {text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn scripts_denied_after_connecting_are_reported_once_and_not_retried() {
    let logs = Logs::capture();
    let redis = RedisServer::start();
    let password = format!(">{PASSWORD}");
    acl(&redis, &["on", &password, "~*", "&*", "+@all"]).await;
    let store = RedisStore::builder()
        .timeout(Duration::from_secs(5))
        .retry_every(Duration::from_millis(1))
        .connect(&url(&redis))
        .await
        .expect("connect");
    acl(&redis, &["-evalsha", "-eval"]).await;
    let id = CredentialId::from_bytes([3; 16]);
    let key = BookKey::new(id, id, "GET api.x.com /2/users/me");
    // Twenty requests, each long after the reconnection pause: every one is answered (by the
    // local book), none reconnects.
    for _ in 0..20 {
        let now = SystemTime::now();
        let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
            panic!("the local book answers")
        };
        store.release(permit, now).await.expect("release");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!store.is_connected(), "stays on the local book");
    assert_eq!(
        logs.count("may not run twerr's scripts"),
        1,
        "{}",
        logs.text()
    );
    assert_eq!(logs.count("unreachable"), 0, "{}", logs.text());
    assert_eq!(logs.count("reachable again"), 0, "{}", logs.text());
    assert!(!logs.text().contains(PASSWORD));
    let mut admin = redis.inspect().await;
    let clients: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query_async(&mut admin)
        .await
        .expect("CLIENT LIST");
    assert!(
        clients.matches("user=worker").count() <= 1,
        "no reconnection opened another connection: {clients}"
    );
}
