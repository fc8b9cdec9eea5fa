//! The heap an in-memory [`RateLimitBook`] holds (the book of `MemoryStore`, and of every
//! `RedisStore`'s fallback) at 10^6 credential x endpoint lines, and the longest pause of one
//! book operation there (its sweep of lines whose windows are over included).
//!
//! ```text
//! cargo run --release -p twerr-redis --example book_memory
//! ```
//!
//! Bytes are counted by a global allocator that tallies what is requested from the system
//! allocator (its own bookkeeping not included), before and after each step:
//!
//! 1. 100,000 credentials of 10 apps each send one request to each of 10 endpoints; every
//!    response reports the 15-minute, user 24-hour and app 24-hour windows: 10^6 credential
//!    lines and 100 app lines.
//! 2. 4,096 requests on those lines, each book call timed: the median and the longest.
//! 3. 100,000 of the credentials are blocked (a usage cap with its period and scope).
//! 4. The clock moves two days on, past every window and its assumed successor; the blocks
//!    are lifted; 10^6 operations on one other line let the sweep drop the expired lines.
//! 5. 10^6 fresh lines again: the memory of the first ones is reused.
#![allow(missing_docs)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use twerr_core::{
    Acquire, Block, BookKey, Cause, CredentialId, Observation, Problem, RateLimitBook, Reach,
    WindowKind, WindowReport,
};

#[global_allocator]
static HEAP: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

const CREDENTIALS: u32 = 100_000;
const APPS: u32 = 10;
const ENDPOINTS: [&str; 10] = [
    "GET api.x.com /2/users/{id}/tweets",
    "GET api.x.com /2/users/{id}/mentions",
    "GET api.x.com /2/users/{id}/followers",
    "GET api.x.com /2/users/{id}/following",
    "GET api.x.com /2/users/{id}/liked_tweets",
    "GET api.x.com /2/users/by/username/{username}",
    "GET api.x.com /2/users/me",
    "GET api.x.com /2/tweets/{id}",
    "GET api.x.com /2/tweets/search/recent",
    "POST api.x.com /2/tweets",
];

/// Bytes requested and not yet freed.
fn heap() -> i64 {
    let stats = HEAP.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

fn credential(n: u32) -> CredentialId {
    let mut bytes = [0xc0; 16];
    bytes[..4].copy_from_slice(&n.to_le_bytes());
    CredentialId::from_bytes(bytes)
}

fn key(n: u32, endpoint: &str) -> BookKey {
    let app = CredentialId::from_bytes([0xa0 + (n % APPS) as u8; 16]);
    BookKey::new(app, credential(n), endpoint)
}

/// One request under every credential x endpoint at `now`, each answered with three windows.
fn fill(book: &mut RateLimitBook, now: SystemTime, salt: u32) {
    let window = |kind, limit: u64, secs| {
        let reset = now + Duration::from_secs(secs);
        WindowReport::new(kind, limit - 1, reset).with_limit(Some(limit))
    };
    let seen = || {
        Observation::new()
            .with_window(window(WindowKind::Endpoint, 900, 900))
            .with_window(window(WindowKind::User24Hour, 10_000, 86_000))
            .with_window(window(WindowKind::App24Hour, 100_000, 86_000))
    };
    for n in 0..CREDENTIALS {
        for endpoint in ENDPOINTS {
            let Acquire::Go(permit) = book.acquire(&key(n + salt, endpoint), now) else {
                panic!("a fresh line goes")
            };
            book.record(permit, seen(), now);
        }
    }
}

fn mib(bytes: i64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let t0 = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    let lines = i64::from(CREDENTIALS) * ENDPOINTS.len() as i64;
    let mut book = RateLimitBook::default();
    let empty = heap();

    fill(&mut book, t0, 0);
    let filled = heap();
    println!(
        "{lines} credential lines + {} app lines: {:.1} MiB, {} bytes per line",
        APPS as usize * ENDPOINTS.len(),
        mib(filled - empty),
        (filled - empty) / lines
    );

    // Every call timed on its own: the longest is the sweep (if any) at 10^6 live lines.
    let mut calls = Vec::new();
    let now = t0 + Duration::from_secs(1);
    for n in 0..4096 {
        let key = key(n * 7 % CREDENTIALS, ENDPOINTS[n as usize % ENDPOINTS.len()]);
        let start = Instant::now();
        let answer = book.acquire(&key, now);
        calls.push(start.elapsed());
        let Acquire::Go(permit) = answer else {
            panic!("a roomy window goes")
        };
        let start = Instant::now();
        book.record(permit, Observation::new(), now);
        calls.push(start.elapsed());
    }
    calls.sort_unstable();
    println!(
        "book calls at {lines} live lines ({}): median {:?}, p99.9 {:?}, longest {:?}",
        calls.len(),
        calls[calls.len() / 2],
        calls[calls.len() * 999 / 1000],
        calls[calls.len() - 1]
    );

    let before = heap();
    let cap = Block::new(Cause::Problem(Problem::UsageCapped), Reach::Credential)
        .with_until(Some(t0 + Duration::from_secs(900)))
        .with_period_scope(Some("Monthly".into()), Some("Product".into()));
    for n in 0..CREDENTIALS {
        let Acquire::Go(permit) = book.acquire(&key(n, ENDPOINTS[0]), now) else {
            panic!("not blocked yet")
        };
        book.record(
            permit,
            Observation::new().with_block(Some(cap.clone())),
            now,
        );
    }
    let blocked = heap();
    println!(
        "{CREDENTIALS} credential blocks: {:.1} MiB, {} bytes per block",
        mib(blocked - before),
        (blocked - before) / i64::from(CREDENTIALS)
    );

    // Two days on: every window and its assumed successor are over.
    let later = t0 + Duration::from_secs(2 * 86_400);
    for n in 0..CREDENTIALS {
        book.lift(Reach::Credential, credential(n));
    }
    // A line of another app, without windows: it never waits.
    let other = BookKey::new(
        CredentialId::from_bytes([0xee; 16]),
        credential(u32::MAX),
        ENDPOINTS[0],
    );
    let start = Instant::now();
    for _ in 0..500_000 {
        let Acquire::Go(permit) = book.acquire(&other, later) else {
            panic!("an unknown line goes")
        };
        book.record(permit, Observation::new(), later);
    }
    let swept = heap();
    println!(
        "after expiry, the blocks lifted and 10^6 operations ({:?}): {:.1} MiB still held \
         ({} bytes per line once held)",
        start.elapsed(),
        mib(swept - empty),
        (swept - empty) / lines
    );

    fill(&mut book, later, CREDENTIALS);
    let refilled = heap();
    println!(
        "{lines} fresh lines after that: {:.1} MiB ({} bytes per line; first fill {})",
        mib(refilled - empty),
        (refilled - empty) / lines,
        (filled - empty) / lines
    );
}
