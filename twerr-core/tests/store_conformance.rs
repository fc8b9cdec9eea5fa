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

/// A store written before leases existed: only the required methods.
struct WithoutLeases(twerr_core::MemoryStore);

impl twerr_core::RateLimitStore for WithoutLeases {
    fn acquire<'a>(
        &'a self,
        key: &'a twerr_core::BookKey,
        now: std::time::SystemTime,
    ) -> twerr_core::StoreFuture<'a, twerr_core::Acquire> {
        self.0.acquire(key, now)
    }
    fn record<'a>(
        &'a self,
        permit: twerr_core::Permit,
        observation: twerr_core::Observation,
        now: std::time::SystemTime,
    ) -> twerr_core::StoreFuture<'a, ()> {
        self.0.record(permit, observation, now)
    }
    fn release<'a>(
        &'a self,
        permit: twerr_core::Permit,
        now: std::time::SystemTime,
    ) -> twerr_core::StoreFuture<'a, ()> {
        self.0.release(permit, now)
    }
}

#[test]
fn a_store_without_leases_says_unsupported_and_the_suite_skips_the_lease_checks() {
    let store = WithoutLeases(twerr_core::MemoryStore::new());
    let lease = twerr_core::LeaseKey::new(twerr_core::CredentialId::from_bytes([7; 16]), "s");
    let holder = twerr_core::LeaseHolder::random();
    let ttl = std::time::Duration::from_secs(30);
    let now = std::time::SystemTime::now();
    let answer = block_on(twerr_core::RateLimitStore::acquire_lease(
        &store, &lease, holder, ttl, now,
    ));
    assert!(answer.is_err_and(|error| error.is_unsupported()));
    block_on(twerr_core::conformance::run(&store));
}
