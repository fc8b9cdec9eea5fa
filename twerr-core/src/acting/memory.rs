//! The in-memory store: one [`RateLimitBook`] behind a mutex, for the tasks of one process,
//! and the stream leases of that process.

use std::collections::HashMap;
use std::future::ready;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::{
    Acquire, BlockEntry, BookKey, CredentialId, LeaseAnswer, LeaseHolder, LeaseKey, Observation,
    Permit, RateLimitBook, RateLimitStore, StoreFuture,
};
use crate::Reach;

/// A [`RateLimitStore`] in this process's memory. Every operation finishes at once (the lock
/// is held only to count), so the futures are ready when created.
///
/// Its stream leases are this process's: they keep one connection per app and stream among
/// the tasks that share the store, and expire by the `now` its callers pass (one clock for the
/// whole process). Across processes, use a shared store (Redis).
#[derive(Debug, Default)]
pub struct MemoryStore {
    book: Mutex<RateLimitBook>,
    /// Each lease's holder and when it expires (the callers' clock).
    leases: Mutex<HashMap<LeaseKey, (LeaseHolder, SystemTime)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The book, for inspection (e.g. in tests).
    pub fn book(&self) -> MutexGuard<'_, RateLimitBook> {
        // A panic while counting cannot leave the book inconsistent in a way worse than a lost
        // count, so a poisoned lock is used as it is.
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn leases(&self) -> MutexGuard<'_, HashMap<LeaseKey, (LeaseHolder, SystemTime)>> {
        // Each change is one insert or remove: a poisoned map is consistent.
        self.leases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `now + ttl`; a `ttl` too long for the clock never expires in practice.
fn expiry(now: SystemTime, ttl: Duration) -> SystemTime {
    now.checked_add(ttl)
        .unwrap_or(SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 40))
}

impl RateLimitStore for MemoryStore {
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire> {
        let answer = self.book().acquire(key, now);
        Box::pin(ready(Ok(answer)))
    }

    fn record<'a>(
        &'a self,
        permit: Permit,
        observation: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        self.book().record(permit, observation, now);
        Box::pin(ready(Ok(())))
    }

    fn release<'a>(&'a self, permit: Permit, _now: SystemTime) -> StoreFuture<'a, ()> {
        self.book().release(permit);
        Box::pin(ready(Ok(())))
    }

    fn blocks<'a>(&'a self, _now: SystemTime) -> StoreFuture<'a, Vec<BlockEntry>> {
        Box::pin(ready(Ok(self.book().blocks())))
    }

    fn lift<'a>(&'a self, reach: Reach, holder: CredentialId) -> StoreFuture<'a, bool> {
        Box::pin(ready(Ok(self.book().lift(reach, holder))))
    }

    fn acquire_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, LeaseAnswer> {
        let mut leases = self.leases();
        let answer = match leases.get(lease) {
            Some(&(other, expires)) if other != holder && expires > now => LeaseAnswer::Held {
                expires_in: Some(expires.duration_since(now).unwrap_or(Duration::ZERO)),
            },
            _ => {
                leases.insert(lease.clone(), (holder, expiry(now, ttl)));
                LeaseAnswer::Granted
            }
        };
        Box::pin(ready(Ok(answer)))
    }

    fn renew_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        let mut leases = self.leases();
        let renewed = match leases.get_mut(lease) {
            Some((ours, expires)) if *ours == holder && *expires > now => {
                *expires = expiry(now, ttl);
                true
            }
            _ => false,
        };
        Box::pin(ready(Ok(renewed)))
    }

    fn release_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        let mut leases = self.leases();
        let held = leases
            .get(lease)
            .is_some_and(|&(ours, expires)| ours == holder && expires > now);
        if held {
            leases.remove(lease);
        }
        Box::pin(ready(Ok(held)))
    }
}
