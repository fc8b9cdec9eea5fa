//! The store conformance suite against the in-memory store.
#![cfg(feature = "store-conformance")]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The in-memory store's futures are ready when created, so polling needs no executor.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

#[test]
fn memory_store_conforms() {
    block_on(twerr_core::conformance::run(&twerr_core::MemoryStore::new()));
}

#[test]
fn the_store_works_as_a_shared_trait_object() {
    fn assert_send_sync<T: Send + Sync + 'static + ?Sized>() {}
    assert_send_sync::<dyn twerr_core::RateLimitStore>();
    let store: std::sync::Arc<dyn twerr_core::RateLimitStore> =
        std::sync::Arc::new(twerr_core::MemoryStore::new());
    block_on(twerr_core::conformance::run(&*store));
}
