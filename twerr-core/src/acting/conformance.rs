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
//! The stream-lease checks run only when the store supports leases (its
//! [`acquire_lease`](RateLimitStore::acquire_lease) does not answer `unsupported`). One of them
//! lets 30 ms of real time pass (a blocking sleep), so that a shared store's own clock expires a
//! 10 ms lease.
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
    Acquire, Block, BookKey, Cause, CredentialId, LeaseAnswer, LeaseHolder, LeaseKey, Observation,
    Permit, RateLimitStore, WindowKind, WindowReport,
};
use crate::{Problem, Reach};

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
    passed_reset_without_limit_goes(store).await;
    next_window_is_assumed_from_the_limit(store).await;
    windows_are_kept_apart(store).await;
    app_window_is_shared_by_the_app(store).await;
    far_reset_is_ignored(store).await;
    credential_block_probes_once_per_interval(store).await;
    a_success_granted_before_the_block_does_not_lift_it(store).await;
    app_block_reaches_the_whole_app(store).await;
    a_writes_only_block_lets_reads_go(store).await;
    blocks_are_listed_and_lifted(store).await;
    keys_are_separate(store).await;
    concurrent_acquires_get_exactly_the_remaining_slots(store).await;
    if supports_leases(store).await {
        run_leases(store).await;
    }
}

/// Runs the stream-lease checks (a store that supports leases; [`run`] calls this when the
/// store does not answer `unsupported`).
///
/// # Panics
///
/// When `store` breaks a rule of [`RateLimitStore::acquire_lease`], or answers with an error.
pub async fn run_leases(store: &dyn RateLimitStore) {
    a_lease_has_one_holder(store).await;
    lease_keys_are_separate(store).await;
    only_the_holder_renews(store).await;
    only_the_holder_releases(store).await;
    an_expired_lease_is_taken_over(store).await;
    concurrent_lease_acquires_grant_exactly_one(store).await;
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

/// A key of a credential that is its own app (an app-only Bearer token).
fn key(credential: CredentialId, endpoint: &str) -> BookKey {
    BookKey::new(
        credential,
        credential,
        format!("GET conformance.test /{endpoint}"),
    )
}

fn app_key(app: CredentialId, credential: CredentialId, endpoint: &str) -> BookKey {
    BookKey::new(app, credential, format!("GET conformance.test /{endpoint}"))
}

fn report(kind: WindowKind, remaining: u64, reset: SystemTime) -> WindowReport {
    WindowReport::new(kind, remaining, reset).with_limit(Some(15))
}

fn window(remaining: u64, reset: SystemTime) -> Observation {
    Observation::new().with_window(report(WindowKind::Endpoint, remaining, reset))
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

/// `remaining` counts down by one per acquire; at 0 the answer is Wait until the reset.
pub async fn counts_down_to_wait(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "countdown");
    let reset = now + secs(60);
    let first = go(store, &key, now).await;
    record(store, first, window(2, reset), now).await;
    assert_eq!(
        count_goes(store, &key, now, 5).await,
        2,
        "2 remaining, 2 sends"
    );
    assert_eq!(
        acquire(store, &key, now).await,
        Acquire::Wait { until: reset },
        "an exhausted window waits until its reset"
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
    let (early, late) = (now + secs(60), now + secs(600));

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

/// From the reset instant on, a window whose limit is unknown no longer holds requests back.
pub async fn passed_reset_without_limit_goes(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "passed-reset");
    let reset = now + secs(60);
    let p = go(store, &key, now).await;
    let seen = Observation::new().with_window(WindowReport::new(WindowKind::Endpoint, 0, reset));
    record(store, p, seen, now).await;
    assert_eq!(
        acquire(store, &key, now + secs(59)).await,
        Acquire::Wait { until: reset }
    );
    assert_eq!(
        count_goes(store, &key, reset, 30).await,
        31,
        "no limit known: the next window is unknown, nothing holds requests back"
    );
}

/// When a window with a known limit resets, the next one is assumed to have that limit for
/// the window's length from the old reset: exactly `limit` requests go, the rest wait.
pub async fn next_window_is_assumed_from_the_limit(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "next-window");
    let reset = now + secs(60);
    let p = go(store, &key, now).await;
    let seen = Observation::new()
        .with_window(WindowReport::new(WindowKind::Endpoint, 0, reset).with_limit(Some(5)));
    record(store, p, seen, now).await;
    let in_flight = go_after(store, &key, reset).await;
    assert_eq!(
        count_goes(store, &key, reset, 20).await,
        3,
        "the next window has the last reported limit (5), less the 2 sent or in flight"
    );
    let next = reset + WindowKind::Endpoint.length();
    assert_eq!(
        acquire(store, &key, reset).await,
        Acquire::Wait { until: next },
        "the rest wait for the following reset"
    );
    release(store, in_flight, reset).await;
}

/// One request acquired at `at`, left in flight (the first of the new window).
async fn go_after(store: &dyn RateLimitStore, key: &BookKey, at: SystemTime) -> Permit {
    let first = go(store, key, at).await;
    let second = go(store, key, at).await;
    release(store, first, at).await;
    second
}

/// Each window a response reports is kept on its own: an exhausted 15-minute window holds
/// requests back until its own reset, not the 24-hour window's, even after a response in
/// which the 24-hour window was the tighter one.
pub async fn windows_are_kept_apart(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "apart");
    let (short, day) = (now + secs(600), now + secs(20 * 3600));
    let p1 = go(store, &key, now).await;
    let p2 = go(store, &key, now).await;
    let first = Observation::new()
        .with_window(report(WindowKind::Endpoint, 50, short))
        .with_window(report(WindowKind::User24Hour, 3, day));
    record(store, p1, first, now).await;
    let second = Observation::new()
        .with_window(report(WindowKind::Endpoint, 0, short))
        .with_window(report(WindowKind::User24Hour, 2, day));
    record(store, p2, second, now).await;
    assert_eq!(
        acquire(store, &key, now).await,
        Acquire::Wait { until: short },
        "the exhausted 15-minute window binds until its own reset"
    );
    let after = go(store, &key, short).await;
    release(store, after, short).await;
}

/// The app 24-hour window is the app's: every credential of the app counts against it;
/// another app's credentials do not.
pub async fn app_window_is_shared_by_the_app(store: &dyn RateLimitStore) {
    let now = base();
    let (app, other_app) = (fresh_credential(), fresh_credential());
    let (alice, bob, carol) = (fresh_credential(), fresh_credential(), fresh_credential());
    let day = now + secs(20 * 3600);
    let p = go(store, &app_key(app, alice, "app-window"), now).await;
    let seen = Observation::new().with_window(report(WindowKind::App24Hour, 2, day));
    record(store, p, seen, now).await;
    let went = count_goes(store, &app_key(app, bob, "app-window"), now, 5).await;
    assert_eq!(went, 2, "bob shares the app's window alice heard of");
    assert_eq!(
        acquire(store, &app_key(app, alice, "app-window"), now).await,
        Acquire::Wait { until: day }
    );
    let free = go(store, &app_key(other_app, carol, "app-window"), now).await;
    release(store, free, now).await;
}

/// A reset further ahead than any X window (24 hours plus a margin) is malformed: ignored.
pub async fn far_reset_is_ignored(store: &dyn RateLimitStore) {
    let now = base();
    let key = key(fresh_credential(), "far-reset");
    let p = go(store, &key, now).await;
    let far = now + secs(10 * 365 * 24 * 3600);
    let seen = Observation::new().with_window(report(WindowKind::Endpoint, 0, far));
    record(store, p, seen, now).await;
    let next = go(store, &key, now).await;
    release(store, next, now).await;
}

fn usage_cap(reach: Reach) -> Block {
    Block::new(Cause::Problem(Problem::UsageCapped), reach)
        .with_probing(secs(60), secs(240))
        .with_period_scope(Some("Monthly".into()), Some("Product".into()))
}

fn blocked(block: Block) -> Observation {
    Observation::new().with_block(Some(block))
}

async fn probe(store: &dyn RateLimitStore, key: &BookKey, now: SystemTime) -> Permit {
    let permit = go(store, key, now).await;
    assert!(permit.is_probe(), "{key:?}: expected the block's probe");
    permit
}

/// A credential's block makes every endpoint of that credential Blocked, its details kept;
/// other credentials of the app go. One probe goes per interval; a failing probe doubles the
/// interval; a success of the probe lifts the block.
pub async fn credential_block_probes_once_per_interval(store: &dyn RateLimitStore) {
    let now = base();
    let app = fresh_credential();
    let (revoked, other) = (fresh_credential(), fresh_credential());
    let block = usage_cap(Reach::Credential);
    let p = go(store, &app_key(app, revoked, "block-a"), now).await;
    record(store, p, blocked(block.clone()), now).await;
    assert_eq!(
        acquire(store, &app_key(app, revoked, "block-b"), now + secs(59)).await,
        Acquire::Blocked(block.clone()),
        "the block holds for every endpoint of the credential, its details kept"
    );
    let free = go(store, &app_key(app, other, "block-a"), now).await;
    assert!(!free.is_probe());
    release(store, free, now).await;

    let first = now + secs(60);
    let p1 = probe(store, &app_key(app, revoked, "block-a"), first).await;
    assert_eq!(
        acquire(store, &app_key(app, revoked, "block-b"), first).await,
        Acquire::Blocked(block.clone()),
        "one probe per interval"
    );
    record(store, p1, blocked(block.clone()), first).await;
    let second = first + secs(120);
    assert_eq!(
        acquire(store, &app_key(app, revoked, "block-a"), second - secs(1)).await,
        Acquire::Blocked(block.clone()),
        "a failing probe doubles the interval"
    );
    let p2 = probe(store, &app_key(app, revoked, "block-a"), second).await;
    record(store, p2, Observation::new().with_success(true), second).await;
    let lifted = go(store, &app_key(app, revoked, "block-b"), second).await;
    assert!(!lifted.is_probe(), "a successful probe lifts the block");
    release(store, lifted, second).await;
}

/// A request in flight when the block arrived proves nothing by succeeding.
pub async fn a_success_granted_before_the_block_does_not_lift_it(store: &dyn RateLimitStore) {
    let now = base();
    let app = fresh_credential();
    let user = fresh_credential();
    let key = app_key(app, user, "in-flight");
    let early = go(store, &key, now).await;
    let failed = go(store, &key, now).await;
    record(store, failed, blocked(usage_cap(Reach::App)), now).await;
    record(store, early, Observation::new().with_success(true), now).await;
    assert!(
        matches!(acquire(store, &key, now).await, Acquire::Blocked(_)),
        "still blocked"
    );
}

/// An app's block makes every credential of the app Blocked; another app's go. A probe
/// released without a response frees its slot at once.
pub async fn app_block_reaches_the_whole_app(store: &dyn RateLimitStore) {
    let now = base();
    let (app, other_app) = (fresh_credential(), fresh_credential());
    let (alice, bob) = (fresh_credential(), fresh_credential());
    let block = usage_cap(Reach::App);
    let p = go(store, &app_key(app, alice, "app-block"), now).await;
    record(store, p, blocked(block.clone()), now).await;
    assert_eq!(
        acquire(store, &app_key(app, bob, "app-block-2"), now).await,
        Acquire::Blocked(block.clone())
    );
    let free = go(store, &app_key(other_app, bob, "app-block"), now).await;
    release(store, free, now).await;
    let at = now + secs(60);
    let dropped = probe(store, &app_key(app, bob, "app-block"), at).await;
    release(store, dropped, at).await;
    let again = probe(store, &app_key(app, alice, "app-block"), at).await;
    release(store, again, at).await;
}

/// A block that reaches writes only lets reads go.
pub async fn a_writes_only_block_lets_reads_go(store: &dyn RateLimitStore) {
    let now = base();
    let app = fresh_credential();
    let user = fresh_credential();
    let post = BookKey::new(app, user, "POST conformance.test /writes");
    let get = BookKey::new(app, user, "GET conformance.test /writes");
    let block = usage_cap(Reach::App).with_writes_only(true);
    let p = go(store, &post, now).await;
    record(store, p, blocked(block.clone()), now).await;
    assert_eq!(acquire(store, &post, now).await, Acquire::Blocked(block));
    let read = go(store, &get, now).await;
    assert!(!read.is_probe());
    record(store, read, Observation::new().with_success(true), now).await;
    assert!(
        matches!(acquire(store, &post, now).await, Acquire::Blocked(_)),
        "a read's success does not lift a writes-only block"
    );
}

/// A person sees the blocks and lifts one (where the store supports it).
pub async fn blocks_are_listed_and_lifted(store: &dyn RateLimitStore) {
    let now = base();
    let app = fresh_credential();
    let user = fresh_credential();
    let key = app_key(app, user, "listed");
    let block = usage_cap(Reach::App);
    let p = go(store, &key, now).await;
    record(store, p, blocked(block.clone()), now).await;
    let listed = match store.blocks(now).await {
        Ok(listed) => listed,
        Err(error) if error.is_unsupported() => return,
        Err(error) => panic!("blocks failed: {error}"),
    };
    let ours = listed.iter().find(|entry| entry.holder() == app);
    let ours = ours.unwrap_or_else(|| panic!("the app's block is listed: {listed:?}"));
    assert_eq!(ours.block(), &block);
    assert_eq!(ours.next_probe(), now + secs(60));
    match store.lift(Reach::App, app).await {
        Ok(lifted) => assert!(lifted, "there was a block to lift"),
        Err(error) => panic!("lift failed: {error}"),
    }
    let after = go(store, &key, now).await;
    assert!(!after.is_probe());
    release(store, after, now).await;
    assert_eq!(store.lift(Reach::App, app).await.ok(), Some(false));
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

const STREAM: &str = "GET conformance.test /2/tweets/search/stream";

fn fresh_lease() -> LeaseKey {
    LeaseKey::new(fresh_credential(), STREAM)
}

fn holder() -> LeaseHolder {
    LeaseHolder::from_bytes(*fresh_credential().as_bytes())
}

async fn supports_leases(store: &dyn RateLimitStore) -> bool {
    let (lease, me, now) = (fresh_lease(), holder(), base());
    match store.acquire_lease(&lease, me, secs(60), now).await {
        Ok(_) => {
            let _ = store.release_lease(&lease, me, now).await;
            true
        }
        Err(error) if error.is_unsupported() => false,
        Err(error) => panic!("acquire_lease failed: {error}"),
    }
}

async fn take(
    store: &dyn RateLimitStore,
    lease: &LeaseKey,
    holder: LeaseHolder,
    ttl: Duration,
    now: SystemTime,
) -> LeaseAnswer {
    match store.acquire_lease(lease, holder, ttl, now).await {
        Ok(answer) => answer,
        Err(error) => panic!("acquire_lease failed: {error}"),
    }
}

async fn renew(
    store: &dyn RateLimitStore,
    lease: &LeaseKey,
    holder: LeaseHolder,
    ttl: Duration,
    now: SystemTime,
) -> bool {
    match store.renew_lease(lease, holder, ttl, now).await {
        Ok(renewed) => renewed,
        Err(error) => panic!("renew_lease failed: {error}"),
    }
}

async fn free(
    store: &dyn RateLimitStore,
    lease: &LeaseKey,
    holder: LeaseHolder,
    now: SystemTime,
) -> bool {
    match store.release_lease(lease, holder, now).await {
        Ok(released) => released,
        Err(error) => panic!("release_lease failed: {error}"),
    }
}

fn assert_held(answer: LeaseAnswer, ttl: Duration, what: &str) {
    match answer {
        LeaseAnswer::Held { expires_in } => assert!(
            expires_in.is_none_or(|left| left <= ttl),
            "{what}: a lease cannot expire later than its ttl ({ttl:?}): {expires_in:?}"
        ),
        other => panic!("{what}: expected Held, got {other:?}"),
    }
}

/// A free lease is granted; while it holds, another holder is told Held (with at most the ttl
/// left) and the holder itself is granted again.
pub async fn a_lease_has_one_holder(store: &dyn RateLimitStore) {
    let (lease, a, b, now) = (fresh_lease(), holder(), holder(), base());
    assert_eq!(
        take(store, &lease, a, secs(60), now).await,
        LeaseAnswer::Granted
    );
    let answer = take(store, &lease, b, secs(60), now + secs(1)).await;
    assert_held(answer, secs(60), "another holder while the lease holds");
    assert_eq!(
        take(store, &lease, a, secs(60), now + secs(1)).await,
        LeaseAnswer::Granted,
        "the holder asking again is granted"
    );
    assert!(free(store, &lease, a, now + secs(1)).await);
}

/// A lease is per app and stream: another stream of the app, or the same stream of another
/// app, is a lease of its own.
pub async fn lease_keys_are_separate(store: &dyn RateLimitStore) {
    let (lease, a, b, now) = (fresh_lease(), holder(), holder(), base());
    assert_eq!(
        take(store, &lease, a, secs(60), now).await,
        LeaseAnswer::Granted
    );
    let other_stream = LeaseKey::new(lease.app(), "GET conformance.test /2/tweets/sample/stream");
    let other_app = fresh_lease();
    for other in [&other_stream, &other_app] {
        assert_eq!(
            take(store, other, b, secs(60), now).await,
            LeaseAnswer::Granted,
            "{other:?} is not {lease:?}"
        );
        assert!(free(store, other, b, now).await);
    }
    assert!(free(store, &lease, a, now).await);
}

/// Only the holder renews; a renewal sets the expiry to the new ttl from now.
pub async fn only_the_holder_renews(store: &dyn RateLimitStore) {
    let (lease, a, b, now) = (fresh_lease(), holder(), holder(), base());
    assert_eq!(
        take(store, &lease, a, secs(2), now).await,
        LeaseAnswer::Granted
    );
    assert!(
        !renew(store, &lease, b, secs(60), now).await,
        "another holder cannot renew"
    );
    assert!(
        renew(store, &lease, a, secs(60), now).await,
        "the holder renews"
    );
    match take(store, &lease, b, secs(60), now).await {
        LeaseAnswer::Held {
            expires_in: Some(left),
        } => assert!(
            left > secs(2),
            "the renewal set the expiry 60 s ahead, not the first 2 s: {left:?}"
        ),
        answer => assert_held(answer, secs(60), "after a renewal"),
    }
    assert!(free(store, &lease, a, now).await);
}

/// Only the holder releases; a released lease is free at once.
pub async fn only_the_holder_releases(store: &dyn RateLimitStore) {
    let (lease, a, b, now) = (fresh_lease(), holder(), holder(), base());
    assert_eq!(
        take(store, &lease, a, secs(60), now).await,
        LeaseAnswer::Granted
    );
    assert!(
        !free(store, &lease, b, now).await,
        "another holder cannot release"
    );
    let answer = take(store, &lease, b, secs(60), now).await;
    assert_held(answer, secs(60), "after another holder's release");
    assert!(free(store, &lease, a, now).await, "the holder releases");
    assert_eq!(
        take(store, &lease, b, secs(60), now).await,
        LeaseAnswer::Granted,
        "a released lease is free"
    );
    assert!(
        !free(store, &lease, a, now).await,
        "a lease released once is no longer the old holder's"
    );
    assert!(free(store, &lease, b, now).await);
}

/// When its ttl passes without a renewal, a lease expires: its holder can no longer renew or
/// release it, and another holder takes it.
pub async fn an_expired_lease_is_taken_over(store: &dyn RateLimitStore) {
    let (lease, a, b, now) = (fresh_lease(), holder(), holder(), base());
    let ttl = Duration::from_millis(10);
    assert_eq!(take(store, &lease, a, ttl, now).await, LeaseAnswer::Granted);
    // A shared store measures the ttl on its own clock: let it pass for real. A store of one
    // process reads the later `now`.
    std::thread::sleep(Duration::from_millis(30));
    let later = now + secs(1);
    assert!(
        !renew(store, &lease, a, secs(60), later).await,
        "an expired lease cannot be renewed, even by its holder"
    );
    assert_eq!(
        take(store, &lease, b, secs(60), later).await,
        LeaseAnswer::Granted,
        "another holder takes an expired lease over"
    );
    assert!(
        !free(store, &lease, a, later).await,
        "the old holder cannot release the new holder's lease"
    );
    assert!(free(store, &lease, b, later).await);
}

/// Ten holders asking for one free lease at once: exactly one is granted.
pub async fn concurrent_lease_acquires_grant_exactly_one(store: &dyn RateLimitStore) {
    let (lease, now) = (fresh_lease(), base());
    let holders: Vec<LeaseHolder> = (0..10).map(|_| holder()).collect();
    let mut pending: Vec<Option<Pin<Box<dyn Future<Output = _> + Send + '_>>>> = holders
        .iter()
        .map(|&h| Some(store.acquire_lease(&lease, h, secs(60), now)))
        .collect();
    let mut answers = vec![None; holders.len()];
    poll_fn(|cx| {
        for (slot, answer) in pending.iter_mut().zip(answers.iter_mut()) {
            if let Some(future) = slot {
                if let Poll::Ready(result) = future.as_mut().poll(cx) {
                    *answer = Some(match result {
                        Ok(answer) => answer,
                        Err(error) => panic!("acquire_lease failed: {error}"),
                    });
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
    let granted: Vec<LeaseHolder> = holders
        .iter()
        .zip(&answers)
        .filter(|(_, answer)| **answer == Some(LeaseAnswer::Granted))
        .map(|(&h, _)| h)
        .collect();
    assert_eq!(
        granted.len(),
        1,
        "exactly one holder is granted: {answers:?}"
    );
    assert!(free(store, &lease, granted[0], now).await);
}
