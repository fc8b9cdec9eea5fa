//! Connecting: a clear error quickly, never a password in it; AUTH works.

mod common;

use std::error::Error;
use std::time::Duration;

use common::RedisServer;
use twerr_core::{Acquire, BookKey, CredentialId, RateLimitStore};
use twerr_redis::{ConnectError, RedisStore};

const PASSWORD: &str = "s3cret-Passw0rd";

fn message(error: &ConnectError) -> String {
    let mut text = format!("{error} / {error:?}");
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(" / {inner}"));
        source = inner.source();
    }
    text
}

#[test]
fn the_error_is_a_plain_std_error() {
    fn check<E: Error + Send + Sync + 'static>() {}
    check::<ConnectError>();
}

#[tokio::test]
async fn an_unreachable_redis_is_a_clear_error_without_the_password() {
    // Nothing listens on port 1 of the loopback: refused at once.
    let url = format!("redis://worker:{PASSWORD}@127.0.0.1:1/");
    let error = RedisStore::connect(&url)
        .await
        .expect_err("nothing listens there");
    let text = message(&error);
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(
        !text.contains(PASSWORD) && !text.contains("worker"),
        "{text}"
    );
    assert!(!error.is_timeout());
    let source = error.source().expect("the driver's error is the source");
    assert!(
        source
            .downcast_ref::<redis::RedisError>()
            .is_some_and(|e| e.is_io_error()),
        "{source:?}"
    );
}

#[tokio::test]
async fn a_redis_that_never_answers_times_out() {
    // A socket that accepts connections and never says a word.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let url = format!("redis://:{PASSWORD}@127.0.0.1:{port}/");
    let error = RedisStore::builder()
        .connect_timeout(Duration::from_millis(200))
        .connect(&url)
        .await
        .expect_err("no answer");
    assert!(error.is_timeout(), "{error}");
    assert!(!message(&error).contains(PASSWORD), "{error}");
}

#[tokio::test]
async fn auth_works_and_a_wrong_password_is_not_repeated() {
    let redis = RedisServer::start_with(&["--requirepass", PASSWORD]);
    let socket = redis.socket();
    let wrong = "wr0ng-batteryStaple";
    let url = |password: &str| format!("redis+unix://{}?pass={password}", socket.display());
    let error = RedisStore::connect(&url(wrong))
        .await
        .expect_err("wrong password");
    let text = message(&error);
    assert!(!text.contains(wrong), "{text}");
    assert!(
        text.to_lowercase().contains("auth") || text.contains("WRONGPASS"),
        "{text}"
    );

    let store = RedisStore::connect(&url(PASSWORD))
        .await
        .expect("the right password");
    let id = CredentialId::from_bytes([1; 16]);
    let key = BookKey::new(id, id, "GET api.x.com /2/users/me");
    let now = std::time::SystemTime::now();
    let Ok(Acquire::Go(permit)) = store.acquire(&key, now).await else {
        panic!("goes")
    };
    store.release(permit, now).await.expect("release");
    assert!(store.is_connected());
}

#[tokio::test]
async fn a_url_that_is_not_redis_is_refused_without_its_secrets() {
    for url in [
        "http://user:hunter2hunter2@127.0.0.1/",
        "redis://user:hunter2hunter2@[::1/",
        "not a url at all hunter2hunter2",
    ] {
        let error = RedisStore::connect(url).await.expect_err(url);
        let text = message(&error);
        assert!(!text.contains("hunter2hunter2"), "{url}: {text}");
    }
}

#[tokio::test]
async fn a_prefix_with_a_brace_is_refused_before_connecting() {
    // Nothing listens there: the prefix is refused first, with what to change.
    let error = RedisStore::builder()
        .prefix("app-{7}")
        .connect("redis://127.0.0.1:1/")
        .await
        .expect_err("a brace in the prefix");
    let text = error.to_string();
    assert!(
        text.contains("prefix") && text.contains("app-{7}"),
        "{text}"
    );
    assert!(!error.is_timeout());
}
