//! The in-memory store: one [`RateLimitBook`] behind a mutex, for the tasks of one process.

use std::future::ready;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use super::{
    Acquire, BlockEntry, BookKey, CredentialId, Observation, Permit, RateLimitBook, RateLimitStore,
    StoreFuture,
};
use crate::Reach;

/// A [`RateLimitStore`] in this process's memory. Every operation finishes at once (the lock
/// is held only to count), so the futures are ready when created.
#[derive(Debug, Default)]
pub struct MemoryStore {
    book: Mutex<RateLimitBook>,
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
}
