//! Holding a stream's lease: taken before connecting, renewed by a task of its own while the
//! stream lives, released when the stream is dropped.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Waker};
use std::time::Duration;

use tracing::{info, warn};
use twerr_core::{
    EndpointLabel, LeaseAnswer, LeaseEvent, LeaseHolder, LeaseKey, MemoryStore, Observer,
    RateLimitStore,
};

use crate::{Clock, Sleeper};

/// The connection's body and what the renewal task tells the stream. The renewal task takes
/// the body out (closing the connection) when the lease is lost, whether or not the consumer
/// is polling.
#[derive(Default)]
pub(crate) struct Slot {
    pub(crate) body: Option<reqwest::Body>,
    pub(crate) lost: bool,
    pub(crate) waker: Option<Waker>,
}

/// What the lease needs from the stream's setup.
pub(crate) struct Leasing {
    pub(crate) store: Arc<dyn RateLimitStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) timer: Arc<dyn Sleeper>,
    pub(crate) ttl: Duration,
    /// Said once per stream: the store has no leases, the process's own are used.
    pub(crate) warned: AtomicBool,
    /// The middleware's observer.
    pub(crate) observer: Option<Arc<dyn Observer>>,
    /// The stream's endpoint, for the observer.
    pub(crate) label: EndpointLabel,
}

impl Leasing {
    /// The store's leases, or this process's when the store has none.
    fn store(&self, unsupported: bool) -> &dyn RateLimitStore {
        static PROCESS: OnceLock<MemoryStore> = OnceLock::new();
        if unsupported {
            PROCESS.get_or_init(MemoryStore::new)
        } else {
            &*self.store
        }
    }

    /// How often the holder renews: a third of the ttl, so one lost renewal still leaves a
    /// third of it before the lease can expire.
    pub(crate) fn renew_every(&self) -> Duration {
        self.ttl / 3
    }

    /// Tells the observer, when there is one.
    pub(crate) fn observe(&self, tell: impl FnOnce(&dyn Observer)) {
        if let Some(observer) = &self.observer {
            tell(&**observer);
        }
    }
}

/// A lease held by a stream. Dropping it stops the renewal and releases the lease (best
/// effort: a lost release is covered by the expiry).
pub(crate) struct LeaseGuard {
    key: LeaseKey,
    holder: LeaseHolder,
    leasing: Arc<Leasing>,
    unsupported: bool,
    pub(crate) slot: Arc<Mutex<Slot>>,
    renewal: Option<tokio::task::JoinHandle<()>>,
}

pub(crate) fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl LeaseGuard {
    /// Waits until `key` is this stream's, asking again as the holder's lease would expire.
    pub(crate) async fn acquire(leasing: Arc<Leasing>, key: LeaseKey) -> LeaseGuard {
        let holder = LeaseHolder::random();
        let mut unsupported = false;
        let mut waiting = false;
        loop {
            let now = leasing.clock.now();
            let store = leasing.store(unsupported);
            let retry = match store.acquire_lease(&key, holder, leasing.ttl, now).await {
                Ok(LeaseAnswer::Granted) => break,
                Ok(LeaseAnswer::Held { expires_in }) => {
                    if !waiting {
                        info!(
                            app = %key.app(),
                            stream = key.stream(),
                            "twerr: another worker holds the stream's connection; waiting"
                        );
                        waiting = true;
                    }
                    let every = leasing.renew_every();
                    expires_in.map_or(every, |left| left.min(every))
                }
                Ok(other) => {
                    warn!(answer = ?other, "twerr: the store answered a lease unknown; waiting");
                    leasing.renew_every()
                }
                Err(error) if error.is_unsupported() && !unsupported => {
                    if !leasing.warned.swap(true, Ordering::Relaxed) {
                        warn!(
                            "twerr: the store has no stream leases; one connection per app and \
                             stream is kept in this process only"
                        );
                    }
                    unsupported = true;
                    continue;
                }
                Err(error) => {
                    warn!(error = %error, "twerr: the store failed to answer for the stream's lease");
                    leasing.renew_every()
                }
            };
            leasing
                .timer
                .sleep(retry.max(Duration::from_millis(1)))
                .await;
        }
        leasing.observe(|o| o.on_lease_taken(&LeaseEvent::new(leasing.label)));
        let slot = Arc::new(Mutex::new(Slot::default()));
        let renewal = tokio::runtime::Handle::try_current().ok().map(|runtime| {
            runtime.spawn(renew(
                Arc::clone(&leasing),
                key.clone(),
                holder,
                unsupported,
                Arc::clone(&slot),
            ))
        });
        LeaseGuard {
            key,
            holder,
            leasing,
            unsupported,
            slot,
            renewal,
        }
    }

    /// Whether the renewal task found the lease lost.
    pub(crate) fn is_lost(&self) -> bool {
        lock(&self.slot).lost
    }

    /// The lease.
    pub(crate) fn key(&self) -> &LeaseKey {
        &self.key
    }
}

/// Renews the lease every third of its ttl. When the store says another holder has it, or two
/// renewals in a row fail (at least two thirds of the ttl since the last renewal), the
/// connection is closed at once, before another worker can take the lease over.
async fn renew(
    leasing: Arc<Leasing>,
    key: LeaseKey,
    holder: LeaseHolder,
    unsupported: bool,
    slot: Arc<Mutex<Slot>>,
) {
    let mut failures = 0;
    loop {
        leasing.timer.sleep(leasing.renew_every()).await;
        let now = leasing.clock.now();
        let store = leasing.store(unsupported);
        match store.renew_lease(&key, holder, leasing.ttl, now).await {
            Ok(true) => failures = 0,
            Ok(false) => break,
            Err(error) => {
                failures += 1;
                warn!(error = %error, failures, "twerr: the store failed to renew the stream's lease");
                if failures >= 2 {
                    break;
                }
            }
        }
    }
    warn!(
        app = %key.app(),
        stream = key.stream(),
        "twerr: the stream's lease is lost; closing its connection"
    );
    leasing.observe(|o| o.on_lease_lost(&LeaseEvent::new(leasing.label)));
    let (body, waker) = {
        let mut slot = lock(&slot);
        slot.lost = true;
        (slot.body.take(), slot.waker.take())
    };
    drop(body);
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        if let Some(renewal) = self.renewal.take() {
            renewal.abort();
        }
        let leasing = Arc::clone(&self.leasing);
        let (key, holder, unsupported) = (self.key.clone(), self.holder, self.unsupported);
        let mut release = Box::pin(async move {
            let now = leasing.clock.now();
            let store = leasing.store(unsupported);
            if let Err(error) = store.release_lease(&key, holder, now).await {
                warn!(error = %error, "twerr: the store failed to release the stream's lease");
            }
        });
        // An in-memory store answers at once; another store finishes on the runtime, if any
        // (else the lease expires by itself).
        let mut cx = Context::from_waker(Waker::noop());
        if release.as_mut().poll(&mut cx).is_pending() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(release);
            }
        }
    }
}
