//! The rate-limit book: the windows last reported, each kind on its own, counted down for
//! requests in flight, and the blocks per credential and per app.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use super::swept::SweptMap;
use super::{
    Acquire, Block, BlockEntry, BookKey, CredentialId, Observation, Permit, WindowKind,
    WindowReport,
};
use crate::Reach;

/// Lines each acquire visits (plus two for each line added since) to drop those with nothing
/// in flight whose windows are over, going round all of them in turn: a book over many
/// credentials and endpoints does not grow without bound, and no operation pauses to sweep
/// them all at once.
const SWEEP_PER_OPERATION: usize = 1;

/// Up to this many lines, the book is swept whole now and then instead (see `tick`).
const SMALL_BOOK: usize = 256;

/// The windows last reported, counted down for requests in flight, and the blocks.
///
/// A request under a [`BookKey`] counts against up to three windows, each kept on its own:
/// the endpoint's 15-minute window and the user 24-hour window of its credential, and the app
/// 24-hour window of its app (shared by every credential of the app). Every instant is on the
/// server's clock: callers pass `now` corrected by their [`ClockSkew`](crate::ClockSkew).
///
/// Its counting is exact:
/// - [`acquire`](Self::acquire) takes one from every known window's `remaining` and counts
///   one in flight; with a window at 0 it answers [`Acquire::Wait`] until the latest reset
///   among the exhausted windows.
/// - When a window's reset passes and its limit is known, the next window is assumed to have
///   the same limit (X keeps `x-rate-limit-limit`), running from the old reset for the
///   window's length (15 minutes or 24 hours), less the requests still in flight, until a
///   response says otherwise. So the tasks waiting for a reset do not all go at once.
/// - [`record`](Self::record) ends the permit, then applies each reported window: with the
///   same reset, `remaining = min(local, reported - others still in flight)`; a later reset
///   replaces the window (`reported - others in flight`); an earlier one is ignored, so a
///   late, stale response moves nothing backwards. A reset further ahead than the window's
///   length (plus 15 minutes) is malformed and ignored.
/// - [`release`](Self::release) (a cancelled request, a network error) ends the permit
///   without giving its slot back: the server may have counted it.
/// - A block (a failure that reaches a credential or a whole app) makes every request it
///   reaches answer [`Acquire::Blocked`], except one probe per interval: after the block's
///   first wait ([`Block::probe_first`]), exactly one request goes (its permit
///   [`is_probe`](Permit::is_probe)); a failing probe doubles the wait up to
///   [`Block::probe_max`]; a success lifts the block at once, but only the success of a
///   request granted after the block was set (a request in flight when the failure arrived
///   proves nothing). A probe released without a response frees its slot at once.
///
/// The book is plain data: [`MemoryStore`](crate::MemoryStore) shares one behind a mutex.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use twerr_core::{
///     Acquire, BookKey, CredentialId, Observation, RateLimitBook, WindowKind, WindowReport,
/// };
///
/// let mut book = RateLimitBook::default();
/// let user = CredentialId::from_bytes([1; 16]);
/// let app = CredentialId::from_bytes([2; 16]);
/// let key = BookKey::new(app, user, "GET api.x.com /2/users/me");
/// let now = SystemTime::now();
/// let reset = now + Duration::from_secs(600);
/// let Acquire::Go(permit) = book.acquire(&key, now) else { panic!() };
/// // The response said: 1 request left in this window.
/// let window = WindowReport::new(WindowKind::Endpoint, 1, reset).with_limit(Some(75));
/// book.record(permit, Observation::new().with_window(window), now);
/// let Acquire::Go(last) = book.acquire(&key, now) else { panic!() };
/// assert_eq!(book.acquire(&key, now), Acquire::Wait { until: reset });
/// book.release(last);
/// ```
#[derive(Debug, Default)]
pub struct RateLimitBook {
    lines: SweptMap<LineKey, Line>,
    blocks: HashMap<(Reach, CredentialId), BlockState>,
    /// Counts blocks set; a permit carries the count at its grant, so a success can tell
    /// whether its request was granted after a block was set.
    epoch: u64,
    /// Acquires since a small book was last swept whole.
    unswept: usize,
}

#[derive(Debug)]
struct BlockState {
    block: Block,
    /// The book's epoch when the block was set.
    epoch: u64,
    failed_probes: u32,
    next_probe: SystemTime,
    /// A probe is out: no other goes until it ends.
    probing: bool,
}

impl BlockState {
    fn reaches(&self, key: &BookKey) -> bool {
        self.block.reaches_method(key.method())
    }
}

/// A credential's line (its 15-minute and user 24-hour windows of an endpoint) or an app's
/// (its app 24-hour window of an endpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
struct LineKey {
    owner: CredentialId,
    endpoint: Arc<str>,
    endpoint_hash: u64,
    app: bool,
}

impl std::hash::Hash for LineKey {
    // The endpoint by the hash its key computed once; equality still compares the text.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.owner.hash(state);
        state.write_u64(self.endpoint_hash);
        self.app.hash(state);
    }
}

#[derive(Debug, Default)]
struct Line {
    in_flight: u64,
    /// Credential lines: the 15-minute window, the user 24-hour window; app lines: the app
    /// 24-hour window.
    windows: [Option<WindowReport>; 2],
}

fn slot(kind: WindowKind) -> usize {
    match kind {
        WindowKind::User24Hour => 1,
        _ => 0,
    }
}

/// The blocks that may reach a key: its credential's and its app's.
fn owners(key: &BookKey) -> [(Reach, CredentialId); 2] {
    [
        (Reach::Credential, key.credential()),
        (Reach::App, key.app()),
    ]
}

fn later(now: SystemTime, wait: std::time::Duration) -> SystemTime {
    now.checked_add(wait).unwrap_or(now)
}

fn line_keys(key: &BookKey) -> [LineKey; 2] {
    let line = |owner, app| LineKey {
        owner,
        endpoint: Arc::clone(key.endpoint_arc()),
        endpoint_hash: key.endpoint_hash(),
        app,
    };
    [line(key.credential(), false), line(key.app(), true)]
}

impl Line {
    /// Moves windows whose reset has come into their assumed successor (limit known) or
    /// forgets them.
    fn roll(&mut self, now: SystemTime) {
        let in_flight = self.in_flight;
        for window in self.windows.iter_mut() {
            let Some(w) = window else { continue };
            if w.reset() > now {
                continue;
            }
            *window = w.limit().and_then(|limit| {
                let length = w.kind().length();
                let behind = now.duration_since(w.reset()).unwrap_or_default();
                let periods = u32::try_from(behind.as_nanos() / length.as_nanos().max(1))
                    .unwrap_or(u32::MAX)
                    .saturating_add(1);
                let reset = w.reset().checked_add(length.checked_mul(periods)?)?;
                Some(w.with_remaining(limit.saturating_sub(in_flight)))
                    .map(|next| WindowReport::new(next.kind(), next.remaining(), reset))
                    .map(|next| next.with_limit(Some(limit)))
            });
        }
    }

    /// The latest reset among its exhausted windows, if any is.
    fn exhausted_until(&self) -> Option<SystemTime> {
        let exhausted = self.windows.iter().flatten().filter(|w| w.remaining() == 0);
        exhausted.map(WindowReport::reset).max()
    }

    /// Counts a request: one less in every known window, one more in flight.
    fn take(&mut self) {
        for w in self.windows.iter_mut().flatten() {
            *w = w.with_remaining(w.remaining() - 1);
        }
        self.in_flight = self.in_flight.saturating_add(1);
    }

    /// Undoes [`take`](Self::take) for a request that did not go after all.
    fn give_back(&mut self) {
        for w in self.windows.iter_mut().flatten() {
            *w = w.with_remaining(w.remaining().saturating_add(1));
        }
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A reported window, counted against the requests still in flight: with the same reset,
    /// `min(local, reported - others in flight)`; a later reset replaces the window; an
    /// earlier one is stale and ignored.
    fn apply(&mut self, report: &WindowReport) {
        let reported = report.remaining().saturating_sub(self.in_flight);
        let known = &mut self.windows[slot(report.kind())];
        match known {
            Some(w) if w.reset() == report.reset() => {
                *w = w
                    .with_remaining(w.remaining().min(reported))
                    .with_limit(report.limit().or(w.limit()));
            }
            Some(w) if w.reset() > report.reset() => {}
            _ => *known = Some(report.with_remaining(reported)),
        }
    }

    /// Whether the line still says anything at `now`.
    fn live(&self, now: SystemTime) -> bool {
        self.in_flight > 0
            || self.windows.iter().flatten().any(|w| {
                w.reset()
                    .checked_add(w.kind().length())
                    .is_none_or(|end| end > now)
            })
    }
}

impl RateLimitBook {
    /// Asks to send a request under `key` at `now` (server clock).
    pub fn acquire(&mut self, key: &BookKey, now: SystemTime) -> Acquire {
        self.tick(now);
        let owners = owners(key);
        // Blocks first: a request a block reaches goes only as that block's probe.
        let mut probe = false;
        for owner in &owners {
            if let Some(state) = self.blocks.get(owner).filter(|state| state.reaches(key)) {
                if state.probing || now < state.next_probe {
                    return Acquire::Blocked(state.block.clone());
                }
                probe = true;
            }
        }
        // One lookup per line: take the slot, and give it back if another window waits.
        let mut wait: Option<SystemTime> = None;
        let mut taken = [false; 2];
        for (line_key, taken) in line_keys(key).into_iter().zip(&mut taken) {
            let line = self.lines.entry(line_key);
            line.roll(now);
            match line.exhausted_until() {
                Some(until) => wait = Some(wait.map_or(until, |known| known.max(until))),
                None => {
                    line.take();
                    *taken = true;
                }
            }
        }
        if let Some(until) = wait {
            for (line_key, taken) in line_keys(key).iter().zip(taken) {
                if let Some(line) = self.lines.get_mut(line_key).filter(|_| taken) {
                    line.give_back();
                }
            }
            return Acquire::Wait { until };
        }
        if probe {
            for owner in &owners {
                if let Some(state) = self.blocks.get_mut(owner).filter(|s| s.reaches(key)) {
                    state.probing = true;
                }
            }
        }
        let permit = Permit::new(key.clone()).with_id(self.epoch);
        Acquire::Go(permit.with_probe(probe))
    }

    /// A response arrived for `permit` at `now` (server clock).
    pub fn record(&mut self, permit: Permit, mut observation: Observation, now: SystemTime) {
        // No sweep here: acquiring sweeps, once per request.
        let key = permit.key();
        match observation.take_block() {
            Some(block) => self.block(&permit, block, now),
            None => self.unblock(&permit, observation.succeeded(), now),
        }
        for line_key in line_keys(key) {
            let app = line_key.app;
            let line = self.lines.entry(line_key);
            line.in_flight = line.in_flight.saturating_sub(1);
            let reports = observation.windows().iter();
            for report in reports.filter(|report| report.kind().per_app() == app) {
                if report.kind().accepts_reset(report.reset(), now) {
                    line.apply(report);
                }
            }
        }
    }

    /// No response arrived for `permit`.
    pub fn release(&mut self, permit: Permit) {
        if permit.is_probe() {
            // A dropped or cancelled probe frees its slot: the next request may probe.
            for owner in owners(permit.key()) {
                if let Some(state) = self.blocks.get_mut(&owner) {
                    state.probing = false;
                }
            }
        }
        for line_key in line_keys(permit.key()) {
            if let Some(line) = self.lines.get_mut(&line_key) {
                line.in_flight = line.in_flight.saturating_sub(1);
            }
        }
    }

    /// Counts a request that a shared store let go under `key` at `now`, whatever this book
    /// would have answered: one more in flight, and one less in every window known here. A
    /// store that keeps this book as its fallback calls it for each grant, so the book knows
    /// the requests it did not hand out itself. End the permit like any other.
    pub fn grant(&mut self, key: &BookKey, now: SystemTime) -> Permit {
        self.tick(now);
        for line_key in line_keys(key) {
            let line = self.lines.entry(line_key);
            line.roll(now);
            for w in line.windows.iter_mut().flatten() {
                *w = w.with_remaining(w.remaining().saturating_sub(1));
            }
            line.in_flight = line.in_flight.saturating_add(1);
        }
        Permit::new(key.clone()).with_id(self.epoch)
    }

    /// Takes in the windows a shared store holds for `key` at `now`, each already counted
    /// down for every request in flight: with the reset known here, the lower `remaining`
    /// (and the limit when none is known); a later reset replaces the window; an earlier or
    /// malformed one is ignored. Nothing is subtracted for requests in flight, and nothing
    /// here ever rises: the book only learns that less remains.
    pub fn adopt(&mut self, key: &BookKey, windows: &[WindowReport], now: SystemTime) {
        let [credential, app] = line_keys(key);
        for report in windows {
            let kind = report.kind();
            if !kind.accepts_reset(report.reset(), now) {
                continue;
            }
            let line_key = if kind.per_app() { &app } else { &credential };
            let line = self.lines.entry(line_key.clone());
            line.roll(now);
            let known = &mut line.windows[slot(kind)];
            match known {
                Some(w) if w.reset() == report.reset() => {
                    *w = w
                        .with_remaining(w.remaining().min(report.remaining()))
                        .with_limit(w.limit().or(report.limit()));
                }
                Some(w) if w.reset() > report.reset() => {}
                _ => *known = Some(*report),
            }
        }
    }

    /// The windows known for `key` (after the counting above): those of its credential, then
    /// its app's.
    pub fn windows(&self, key: &BookKey) -> Vec<WindowReport> {
        line_keys(key)
            .iter()
            .filter_map(|line_key| self.lines.get(line_key))
            .flat_map(|line| line.windows.iter().flatten().copied())
            .collect()
    }

    /// Requests under `key`'s credential and endpoint in flight.
    pub fn in_flight(&self, key: &BookKey) -> u64 {
        let [credential, _] = line_keys(key);
        self.lines.get(&credential).map_or(0, |line| line.in_flight)
    }

    /// The blocks held at `now`, for a person to see.
    pub fn blocks(&self) -> Vec<BlockEntry> {
        let mut entries: Vec<_> = self
            .blocks
            .iter()
            .map(|((_, holder), state)| {
                BlockEntry::new(
                    *holder,
                    state.block.clone(),
                    state.next_probe,
                    state.failed_probes,
                )
            })
            .collect();
        entries.sort_by_key(|entry| (entry.block().reach(), entry.holder()));
        entries
    }

    /// Lifts the block of `holder` at `reach` (a person fixed its cause); whether there was
    /// one.
    pub fn lift(&mut self, reach: Reach, holder: CredentialId) -> bool {
        self.blocks.remove(&(reach, holder)).is_some()
    }

    /// A response said `block`: set it, or count a failed probe.
    fn block(&mut self, permit: &Permit, block: Block, now: SystemTime) {
        let holder = match block.reach() {
            Reach::App => permit.key().app(),
            Reach::Credential => permit.key().credential(),
            _ => return,
        };
        let owner = (block.reach(), holder);
        match self.blocks.get_mut(&owner) {
            Some(state) => {
                if permit.is_probe() {
                    state.failed_probes = state.failed_probes.saturating_add(1);
                    state.probing = false;
                }
                state.next_probe = later(now, block.probe_wait(state.failed_probes));
                state.block = block;
            }
            None => {
                self.epoch = self.epoch.saturating_add(1);
                let next_probe = later(now, block.probe_wait(0));
                self.blocks.insert(
                    owner,
                    BlockState {
                        block,
                        epoch: self.epoch,
                        failed_probes: 0,
                        next_probe,
                        probing: false,
                    },
                );
            }
        }
    }

    /// A response without a block: a success of a request granted after a block was set
    /// lifts it; a probe that neither failed nor succeeded (a rate limit, a bad request)
    /// frees its slot for the next interval.
    fn unblock(&mut self, permit: &Permit, succeeded: bool, now: SystemTime) {
        for owner in owners(permit.key()) {
            let Some(state) = self.blocks.get_mut(&owner) else {
                continue;
            };
            if !state.reaches(permit.key()) {
                continue;
            }
            if succeeded && permit.id() >= state.epoch {
                self.blocks.remove(&owner);
            } else if permit.is_probe() {
                state.probing = false;
                state.next_probe = later(now, state.block.probe_wait(state.failed_probes));
            }
        }
    }

    /// The sweep's share of an operation: a few lines visited, the expired ones dropped.
    /// Answers how many lines it visited.
    fn tick(&mut self, now: SystemTime) -> usize {
        let keep = |line: &Line| line.live(now);
        if self.lines.len() > SMALL_BOOK {
            return self.lines.sweep(SWEEP_PER_OPERATION, keep);
        }
        // A small book is swept whole every SMALL_BOOK acquires: a visit on every call would
        // cost more than the few lines it could drop, and a whole sweep of so few is short.
        self.unswept += 1;
        if self.unswept < SMALL_BOOK {
            return 0;
        }
        self.unswept = 0;
        self.lines.sweep(SMALL_BOOK, keep)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn key(n: u32) -> BookKey {
        let mut credential = [0xc0; 16];
        credential[..4].copy_from_slice(&n.to_le_bytes());
        let app = CredentialId::from_bytes([0xa0; 16]);
        BookKey::new(
            app,
            CredentialId::from_bytes(credential),
            "GET api.x.com /2/users/me",
        )
    }

    #[test]
    fn each_operation_visits_a_few_lines_and_a_turn_drops_every_expired_one() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let mut book = RateLimitBook::default();
        // 1,000 credentials with a 15-minute window, 1,000 with a user 24-hour window, and
        // the app's 24-hour window.
        for n in 0..2000 {
            let (kind, secs) = match n < 1000 {
                true => (WindowKind::Endpoint, 900),
                false => (WindowKind::User24Hour, 86_000),
            };
            let Acquire::Go(permit) = book.acquire(&key(n), t0) else {
                panic!("a fresh line goes")
            };
            let reset = t0 + Duration::from_secs(secs);
            let seen = Observation::new()
                .with_window(WindowReport::new(kind, 50, reset).with_limit(Some(100)))
                .with_window(WindowReport::new(WindowKind::App24Hour, 5_000, reset));
            book.record(permit, seen, t0);
        }
        let Acquire::Go(in_flight) = book.acquire(&key(0), t0) else {
            panic!("goes")
        };
        assert_eq!(book.lines.len(), 2001);
        // The 15-minute windows and the ones assumed to follow them are over.
        let later = t0 + Duration::from_secs(1801);
        let mut turn = 0;
        while book.lines.len() > 1002 {
            assert_eq!(book.tick(later), SWEEP_PER_OPERATION);
            turn += 1;
            assert!(
                turn <= 2001 / SWEEP_PER_OPERATION + 1,
                "a turn drops them all"
            );
        }
        // Kept: the line with a request in flight, the 24-hour windows and the app's (the
        // only window left under the others).
        assert_eq!(book.in_flight(&key(0)), 1);
        assert!((1..1000).all(|n| book.windows(&key(n)).len() == 1));
        assert!((1000..2000).all(|n| book.windows(&key(n)).len() == 2));
        let kept = book.lines.len();
        for _ in 0..1000 {
            assert_eq!(book.tick(later), SWEEP_PER_OPERATION);
        }
        assert_eq!(book.lines.len(), kept);
        // An operation that adds a line pays two more visits for it.
        let Acquire::Go(fresh) = book.acquire(&key(5000), later) else {
            panic!("a fresh line goes")
        };
        assert_eq!(book.tick(later), SWEEP_PER_OPERATION + 2);
        book.release(fresh);
        book.release(in_flight);
    }

    #[test]
    fn a_small_book_is_swept_whole_every_few_hundred_acquires() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let mut book = RateLimitBook::default();
        for n in 0..50 {
            let Acquire::Go(permit) = book.acquire(&key(n), t0) else {
                panic!("goes")
            };
            let seen = Observation::new().with_window(WindowReport::new(
                WindowKind::Endpoint,
                5,
                t0 + Duration::from_secs(60),
            ));
            book.record(permit, seen, t0);
        }
        // The windows are over. Within SMALL_BOOK acquires (50 were counted already) the
        // whole book is swept once, every line visited, the app's included; no call before.
        let later = t0 + Duration::from_secs(60 + 15 * 60 + 1);
        let visits: Vec<usize> = (0..SMALL_BOOK).map(|_| book.tick(later)).collect();
        let swept: Vec<_> = visits.iter().filter(|&&v| v > 0).collect();
        assert_eq!(swept, [&51]);
        assert_eq!(visits.iter().position(|&v| v > 0), Some(SMALL_BOOK - 51));
        assert_eq!(book.lines.len(), 0);
    }
}
