//! The conformance suite for [`RateLimitStore`] implementations (feature
//! `store-conformance`).
//!
//! **For store implementers.** One suite checks every store against the counting
//! [`RateLimitBook`](crate::RateLimitBook) documents: the in-memory store in twerr-core's own
//! tests, a Redis store in its crate's. Enable the feature in your dev-dependencies and call
//! [`run`] from a test, on the executor your store needs:
//!
//! ```toml
//! [dev-dependencies]
//! twerr-core = { version = "0.1", features = ["store-conformance"] }
//! ```
//!
//! ```
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! // In a test, e.g. under #[tokio::test]: `run(&store).await`.
//! block_on(twerr_core::conformance::run(&twerr_core::MemoryStore::new()));
//! ```
//!
//! Every check uses keys no other run uses (a random credential), so the suite can run against
//! a shared server, and times from the real clock rounded to whole seconds (reset instants
//! are whole seconds on the wire). A store that does not conform makes a check panic with a
//! message that says which rule it broke.

use std::collections::hash_map::RandomState;
use std::future::{Future, poll_fn};
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    Acquire, BookKey, CredentialId, Observation, Permit, RateLimitStore, UsageCap, WindowReport,
};

/// Runs every check of the suite, one after the other.
///
/// # Panics
///
/// When `store` breaks a rule, or answers with an error.
pub async fn run(store: &dyn RateLimitStore) {
    unknown_key_goes(store).await;
    counts_down_to_wait(store).await;
    same_reset_keeps_the_lower_count(store).await;
    later_reset_replaces_earlier_is_ignored(store).await;
    release_ends_in_flight_but_keeps_the_slot(store).await;
    passed_reset_goes(store).await;
    usage_cap_fails_fast_per_credential(store).await;
    keys_are_separate(store).await;
    concurrent_acquires_get_exactly_the_remaining_slots(store).await;
}

fn base() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1_800_000_000, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn fresh_credential() -> CredentialId {
    let state = RandomState::new();
    let mut bytes = [0u8; 16];
    for (i, half) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = state.build_hasher();
        hasher.write_usize(i);
        half.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    CredentialId::from_bytes(bytes)
}

fn key(credential: CredentialId, endpoint: &str) -> BookKey {
    BookKey::new(credential, format!("GET conformance.test /{endpoint}"))
}

fn window(remaining: u64, reset: SystemTime) -> Observation {
    Observation {
        window: Some(WindowReport {
            limit: Some(15),
            remaining,
            reset,
            resets_at: reset,
        }),
        usage_cap: None,
    }
}

async fn acquire(store: &dyn RateLimitStore, key: &BookKey, now: SystemTime) -> Acquire {
    match store.acquire(key, now).await {
        Ok(answer) => answer,
        Err(error) => panic!("acquire failed: {error}"),
    }
}

async fn go(store: &dyn RateLimitStore, key: &BookKey, now: SystemTime) -> Permit {
    match acquire(store, key, now).await {
        Acquire::Go(permit) => permit,
        other => panic!("{key:?}: expected Go, got {other:?}"),
    }
}

async fn record(store: &dyn RateLimitStore, permit: Permit, seen: Observation, now: SystemTime) {
    if let Err(error) = store.record(permit, seen, now).await {
        panic!("record failed: {error}");
    }
}

async fn release(store: &dyn RateLimitStore, permit: Permit, now: SystemTime) {
    if let Err(error) = store.release(permit, now).await {
        panic!("release failed: {error}");
    }
}

/// Acquires until the store stops saying Go (at most `limit + 1` times); returns how many
/// went, releasing each.
async fn count_goes(store: &dyn RateLimitStore, key: &BookKey, now: SystemTime, limit: u64) -> u64 {
    let mut went = 0;
    while went <= limit {
        match acquire(store, key, now).await {
            Acquire::Go(permit) => {
                went += 1;
                release(store, permit, now).await;
            }
            _ => break,
        }
    }
    went
}

/// A key nothing is known about lets the request go.
pub async fn unknown_key_goes(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "unknown");
    let permit = go(store, &key, now).await;
    release(store, permit, now).await;
}

/// `remaining` counts down by one per acquire; at 0 the answer is Wait until the local reset.
pub async fn counts_down_to_wait(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "countdown");
    let reset = now + secs(60);
    let first = go(store, &key, now).await;
    let mut seen = window(2, reset);
    if let Some(w) = seen.window.as_mut() {
        // The local clock is 10 s ahead: the wait ends at the local reset.
        w.resets_at = reset + secs(10);
    }
    record(store, first, seen, now).await;
    assert_eq!(
        count_goes(store, &key, now, 5).await,
        2,
        "2 remaining, 2 sends"
    );
    assert_eq!(
        acquire(store, &key, now).await,
        Acquire::Wait {
            until: reset + secs(10)
        },
        "an exhausted window waits until its reset in local time"
    );
}

/// With the same reset, `remaining = min(local, reported - others in flight)`.
pub async fn same_reset_keeps_the_lower_count(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "same-reset");
    let reset = now + secs(60);
    let p1 = go(store, &key, now).await;
    let p2 = go(store, &key, now).await;
    let p3 = go(store, &key, now).await;
    // p1's response: 10 left, but p2 and p3 are still in flight and will take two of them.
    record(store, p1, window(10, reset), now).await;
    // p2's response arrives late with a higher count than the book has: the book keeps its 8.
    record(store, p2, window(12, reset), now).await;
    assert_eq!(
        count_goes(store, &key, now, 20).await,
        8,
        "min(local, reported - others in flight)"
    );
    // p3's response cannot raise the count either.
    record(store, p3, window(7, reset), now).await;
    assert_eq!(
        acquire(store, &key, now).await,
        Acquire::Wait { until: reset }
    );
}

/// A later reset replaces the window; an earlier one changes nothing.
pub async fn later_reset_replaces_earlier_is_ignored(store: &dyn RateLimitStore) {
    let now = base();
    let credential = fresh_credential();
    let (early, late) = (now + secs(60), now + secs(960));

    let key_a = key(credential, "later-replaces");
    let p1 = go(store, &key_a, now).await;
    let p2 = go(store, &key_a, now).await;
    record(store, p1, window(0, early), now).await;
    assert_eq!(
        acquire(store, &key_a, now).await,
        Acquire::Wait { until: early }
    );
    record(store, p2, window(3, late), now).await;
    assert_eq!(
        count_goes(store, &key_a, now, 10).await,
        3,
        "a later reset replaces"
    );

    let key_b = key(credential, "earlier-ignored");
    let p1 = go(store, &key_b, now).await;
    let p2 = go(store, &key_b, now).await;
    record(store, p1, window(0, late), now).await;
    record(store, p2, window(5, early), now).await;
    assert_eq!(
        acquire(store, &key_b, now).await,
        Acquire::Wait { until: late },
        "an earlier reset is stale and ignored"
    );
}

/// Release ends the in-flight count but does not give the slot back.
pub async fn release_ends_in_flight_but_keeps_the_slot(store: &dyn RateLimitStore) {
    let now = base();
    let credential = fresh_credential();
    let reset = now + secs(60);

    let key_a = key(credential, "release-in-flight");
    let p1 = go(store, &key_a, now).await;
    let p2 = go(store, &key_a, now).await;
    release(store, p1, now).await;
    record(store, p2, window(5, reset), now).await;
    assert_eq!(
        count_goes(store, &key_a, now, 10).await,
        5,
        "a released permit is no longer in flight"
    );

    let key_b = key(credential, "release-slot");
    let p0 = go(store, &key_b, now).await;
    record(store, p0, window(2, reset), now).await;
    let taken = go(store, &key_b, now).await;
    release(store, taken, now).await;
    assert_eq!(
        count_goes(store, &key_b, now, 10).await,
        1,
        "a released permit's slot stays used"
    );
}

/// From the reset instant on, the window no longer holds requests back.
pub async fn passed_reset_goes(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "passed-reset");
    let reset = now + secs(60);
    let p = go(store, &key, now).await;
    record(store, p, window(0, reset), now).await;
    assert_eq!(
        acquire(store, &key, now + secs(59)).await,
        Acquire::Wait { until: reset }
    );
    // At the reset instant the window has reset.
    let later = go(store, &key, reset).await;
    release(store, later, reset).await;
}

/// A usage cap makes every endpoint of its credential Exhausted until it ends; other
/// credentials are not affected.
pub async fn usage_cap_fails_fast_per_credential(store: &dyn RateLimitStore) {
    let now = base();
    let (capped, other) = (fresh_credential(), fresh_credential());
    let cap = UsageCap {
        until: now + secs(900),
        period: Some("Monthly".into()),
        scope: Some("Product".into()),
    };
    let p = go(store, &key(capped, "cap-a"), now).await;
    let seen = Observation {
        window: None,
        usage_cap: Some(cap.clone()),
    };
    record(store, p, seen, now).await;
    assert_eq!(
        acquire(store, &key(capped, "cap-b"), now + secs(1)).await,
        Acquire::Exhausted(cap.clone()),
        "the cap holds for every endpoint of the credential, period and scope kept"
    );
    let free = go(store, &key(other, "cap-a"), now).await;
    release(store, free, now).await;
    let after = now + secs(901);
    let again = go(store, &key(capped, "cap-a"), after).await;
    release(store, again, after).await;
}

/// An exhausted window holds back only its own credential and endpoint.
pub async fn keys_are_separate(store: &dyn RateLimitStore) {
    let now = base();
    let (a, b) = (fresh_credential(), fresh_credential());
    let reset = now + secs(60);
    let p = go(store, &key(a, "separate-1"), now).await;
    record(store, p, window(0, reset), now).await;
    assert_eq!(
        acquire(store, &key(a, "separate-1"), now).await,
        Acquire::Wait { until: reset }
    );
    for other in [key(a, "separate-2"), key(b, "separate-1")] {
        let permit = go(store, &other, now).await;
        release(store, permit, now).await;
    }
}

/// Twenty acquires polled together against a window of 5: exactly 5 go.
pub async fn concurrent_acquires_get_exactly_the_remaining_slots(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "concurrent");
    let p = go(store, &key, now).await;
    record(store, p, window(5, now + secs(60)), now).await;
    let mut pending: Vec<Option<Pin<Box<dyn Future<Output = _> + Send + '_>>>> =
        (0..20).map(|_| Some(store.acquire(&key, now))).collect();
    let mut answers = Vec::new();
    poll_fn(|cx| {
        for slot in pending.iter_mut() {
            if let Some(future) = slot {
                if let Poll::Ready(answer) = future.as_mut().poll(cx) {
                    answers.push(answer);
                    *slot = None;
                }
            }
        }
        if pending.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    let mut went = 0;
    for answer in answers {
        match answer {
            Ok(Acquire::Go(permit)) => {
                went += 1;
                release(store, permit, now).await;
            }
            Ok(Acquire::Wait { .. }) => {}
            Ok(other) => panic!("expected Go or Wait, got {other:?}"),
            Err(error) => panic!("acquire failed: {error}"),
        }
    }
    assert_eq!(went, 5, "exactly the remaining slots are handed out");
}
