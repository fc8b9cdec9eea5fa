//! The store conformance suite against a real Redis: the same rules as the in-memory store.

mod common;

use common::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_conforms() {
    let server = RedisServer::start();
    let store = common::store(&server).await;
    twerr_core::conformance::run(&*store).await;
    // The lease checks run in `run` when leases are supported; run them again by name, so a
    // store that stopped supporting them fails here instead of skipping them.
    twerr_core::conformance::run_leases(&*store).await;
    assert!(
        store.is_connected(),
        "every answer came from Redis, none from the fallback"
    );
}

#[tokio::test]
async fn redis_store_conforms_under_a_custom_prefix_and_as_a_trait_object() {
    let server = RedisServer::start();
    let store: std::sync::Arc<dyn twerr_core::RateLimitStore> = twerr_redis::RedisStore::builder()
        .prefix("app-7")
        .timeout(std::time::Duration::from_secs(5))
        .connect(&server.url())
        .await
        .expect("connect");
    twerr_core::conformance::run(&*store).await;
    let mut inspect = server.inspect().await;
    let keys = common::all_keys(&mut inspect).await;
    assert!(!keys.is_empty(), "the suite left windows behind to look at");
    for key in keys {
        assert!(key.starts_with("app-7:v2:{"), "{key} is under the prefix");
    }
}
