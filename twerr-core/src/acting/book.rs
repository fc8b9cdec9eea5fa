//! The rate-limit book: the windows last reported per key, counted down for requests in
//! flight, and the usage caps per credential.

use std::collections::HashMap;
use std::time::SystemTime;

use super::{Acquire, BookKey, CredentialId, Observation, Permit, UsageCap, WindowReport};

/// Every this many operations, entries whose window has reset and that have nothing in
/// flight are dropped, so a book over many endpoints does not grow without bound.
const SWEEP_EVERY: u32 = 1024;

/// The windows last reported per [`BookKey`], and usage caps per credential.
///
/// Its counting is exact:
/// - [`acquire`](Self::acquire) takes one from `remaining` and counts one in flight; with no
///   known window (or one whose reset instant has come) it lets the request go, counted in flight;
///   with `remaining` at 0 it answers [`Acquire::Wait`] until the reset.
/// - [`record`](Self::record) ends the permit, then applies the response's window: with the
///   same reset, `remaining = min(local, reported - others still in flight)`; a later reset
///   replaces the window (`reported - others in flight`); an earlier one is ignored, so a late,
///   stale response moves nothing backwards.
/// - [`release`](Self::release) (a cancelled request, a network error) ends the permit
///   without giving its slot back: the server may have counted it.
/// - A usage cap makes every key of its credential answer [`Acquire::Exhausted`] until the
///   cap's `until`.
///
/// Resets are kept in local time ([`WindowReport::resets_at`]). The book is plain data:
/// [`MemoryStore`](crate::MemoryStore) shares one behind a mutex.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use twerr_core::{Acquire, BookKey, CredentialId, Observation, RateLimitBook, WindowReport};
///
/// let mut book = RateLimitBook::default();
/// let key = BookKey::new(CredentialId::from_bytes([1; 16]), "GET api.x.com /2/users/me");
/// let now = SystemTime::now();
/// let reset = now + Duration::from_secs(600);
/// let Acquire::Go(permit) = book.acquire(&key, now) else { panic!() };
/// // The response said: 1 request left in this window.
/// let window = WindowReport { limit: Some(75), remaining: 1, reset, resets_at: reset };
/// book.record(permit, Observation { window: Some(window), usage_cap: None }, now);
/// let Acquire::Go(last) = book.acquire(&key, now) else { panic!() };
/// assert_eq!(book.acquire(&key, now), Acquire::Wait { until: reset });
/// book.release(last);
/// ```
#[derive(Debug, Default)]
pub struct RateLimitBook {
    entries: HashMap<BookKey, Entry>,
    caps: HashMap<CredentialId, UsageCap>,
    operations: u32,
}

#[derive(Debug, Default)]
struct Entry {
    window: Option<WindowReport>,
    in_flight: u64,
}

impl RateLimitBook {
    /// Asks to send a request under `key` at `now`.
    pub fn acquire(&mut self, key: &BookKey, now: SystemTime) -> Acquire {
        self.tick(now);
        if let Some(cap) = self.caps.get(&key.credential()) {
            if cap.until > now {
                return Acquire::Exhausted(cap.clone());
            }
            self.caps.remove(&key.credential());
        }
        // One lookup; cloning a key only bumps its endpoint's reference count.
        let entry = self.entries.entry(key.clone()).or_default();
        if entry.window.is_some_and(|w| w.resets_at <= now) {
            entry.window = None;
        }
        match &mut entry.window {
            Some(window) if window.remaining == 0 => {
                return Acquire::Wait {
                    until: window.resets_at,
                };
            }
            Some(window) => window.remaining -= 1,
            None => {}
        }
        entry.in_flight = entry.in_flight.saturating_add(1);
        Acquire::Go(Permit::new(key.clone()))
    }

    /// A response arrived for `permit` at `now`.
    pub fn record(&mut self, permit: Permit, observation: Observation, now: SystemTime) {
        self.tick(now);
        let key = permit.key();
        if let Some(cap) = observation.usage_cap {
            let later = self
                .caps
                .get(&key.credential())
                .is_none_or(|known| known.until < cap.until);
            if later && cap.until > now {
                self.caps.insert(key.credential(), cap);
            }
        }
        let entry = self.entries.entry(key.clone()).or_default();
        entry.in_flight = entry.in_flight.saturating_sub(1);
        let Some(report) = observation.window.filter(|w| w.resets_at > now) else {
            return;
        };
        let others = entry.in_flight;
        let reported = report.remaining.saturating_sub(others);
        match &mut entry.window {
            Some(window) if window.reset == report.reset => {
                window.remaining = window.remaining.min(reported);
                window.limit = report.limit.or(window.limit);
            }
            Some(window) if window.reset > report.reset => {}
            _ => {
                entry.window = Some(WindowReport {
                    remaining: reported,
                    ..report
                })
            }
        }
    }

    /// No response arrived for `permit`.
    pub fn release(&mut self, permit: Permit) {
        if let Some(entry) = self.entries.get_mut(permit.key()) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
        }
    }

    /// The window known for `key` (after the counting above), if any.
    pub fn window(&self, key: &BookKey) -> Option<WindowReport> {
        self.entries.get(key).and_then(|entry| entry.window)
    }

    /// Requests under `key` in flight.
    pub fn in_flight(&self, key: &BookKey) -> u64 {
        self.entries.get(key).map_or(0, |entry| entry.in_flight)
    }

    fn tick(&mut self, now: SystemTime) {
        self.operations = self.operations.wrapping_add(1);
        if self.operations % SWEEP_EVERY == 0 {
            self.entries.retain(|_, entry| {
                entry.in_flight > 0 || entry.window.is_some_and(|w| w.resets_at > now)
            });
            self.caps.retain(|_, cap| cap.until > now);
        }
    }
}
