//! The observer: what a client did and why (waits, resends, give-ups, windows, blocks,
//! reconnects, leases), for a dashboard or an alert, in arguments that never carry a
//! credential, a token, a host or a query string.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::{Block, CredentialId, GiveUp, ReconnectCause, WindowKind, WindowReport};

/// Told what a client does, as it does it: a wait, a resend, a give-up, a rate-limit window
/// seen, a request refused by a block, a block set or lifted, a stream reconnect, a stream
/// lease taken or lost. `twerr-reqwest` calls it from its middleware and its stream reader
/// (`TwerrMiddlewareBuilder::observer`); its `metrics` feature implements it on the
/// `metrics` facade.
///
/// Every method has a default that does nothing, so an observer implements only what it
/// needs, and a method added in a later release breaks no observer. Methods are called on
/// the request's task, in the order things happen: keep them quick (count, record, send to
/// a channel), never block.
///
/// Arguments are safe to log and to use as metric labels: endpoints are
/// [`EndpointLabel`]s (a method and a path template from a fixed set, or `other`), and a
/// credential appears only as an opaque [`CredentialSlot`].
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use twerr_core::{Observer, WaitEvent};
///
/// /// Counts the seconds spent waiting, and nothing else.
/// #[derive(Debug, Default)]
/// struct Waited(AtomicU64);
///
/// impl Observer for Waited {
///     fn on_wait(&self, event: &WaitEvent) {
///         self.0.fetch_add(event.wait().as_secs(), Ordering::Relaxed);
///     }
/// }
/// ```
pub trait Observer: Send + Sync + fmt::Debug + 'static {
    /// The client waits before sending or resending a request.
    fn on_wait(&self, event: &WaitEvent) {
        let _ = event;
    }

    /// The client resends a request (after the wait of an [`on_wait`](Self::on_wait) with the
    /// same reason).
    fn on_resend(&self, event: &ResendEvent) {
        let _ = event;
    }

    /// The client stops trying: the caller gets the failure.
    fn on_give_up(&self, event: &GiveUpEvent) {
        let _ = event;
    }

    /// A response reported a rate-limit window (one call per window of the response).
    fn on_window(&self, event: &WindowEvent) {
        let _ = event;
    }

    /// A request was not sent: a block reaches it.
    fn on_blocked(&self, event: &BlockEvent) {
        let _ = event;
    }

    /// A response set a block (a failure reaching its credential or its app).
    fn on_block_set(&self, event: &BlockEvent) {
        let _ = event;
    }

    /// A block's probe succeeded: the blocks reaching its request are lifted.
    fn on_block_lifted(&self, event: &LiftEvent) {
        let _ = event;
    }

    /// A stream closed its connection (or had it refused) and connects again after a wait.
    fn on_reconnect(&self, event: &ReconnectEvent) {
        let _ = event;
    }

    /// A stream took the lease of its connection (it is the one worker connecting).
    fn on_lease_taken(&self, event: &LeaseEvent) {
        let _ = event;
    }

    /// A stream lost its lease (another worker took it over, or the store stopped
    /// confirming it): its connection is closed.
    fn on_lease_lost(&self, event: &LeaseEvent) {
        let _ = event;
    }
}

/// An endpoint as a label of few values: its method and its path template
/// (`GET /2/users/{id}`), or `other` for a path outside the known templates or a method
/// outside the standard ones. The host, the path's ids and the query are never part of it.
///
/// The template is `&'static str`, so the labels a program can produce are bounded by its
/// own text (twerr-reqwest's templates are X's OpenAPI paths).
///
/// ```
/// use twerr_core::EndpointLabel;
///
/// let label = EndpointLabel::new("get", Some("/2/users/{id}"));
/// assert_eq!(label.to_string(), "GET /2/users/{id}");
/// assert_eq!(EndpointLabel::new("GET", None).to_string(), "other");
/// assert_eq!(EndpointLabel::new("BREW", Some("/2/users/{id}")), EndpointLabel::OTHER);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndpointLabel {
    /// `None` for `other`; both set otherwise.
    known: Option<(&'static str, &'static str)>,
}

/// The methods a label keeps; any other makes the label `other`.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

impl EndpointLabel {
    /// The label of every endpoint outside the known templates: `other`.
    pub const OTHER: EndpointLabel = EndpointLabel { known: None };

    /// The label of `method` (any case) on the path `template`; [`OTHER`](Self::OTHER) when
    /// the template is unknown (`None`) or the method is not a standard one.
    pub fn new(method: &str, template: Option<&'static str>) -> Self {
        let method = METHODS.iter().find(|m| m.eq_ignore_ascii_case(method));
        match (method, template) {
            (Some(method), Some(template)) => EndpointLabel {
                known: Some((method, template)),
            },
            _ => Self::OTHER,
        }
    }

    /// The method, upper case; `None` for `other`.
    pub fn method(&self) -> Option<&'static str> {
        self.known.map(|(method, _)| method)
    }

    /// The path template (`/2/users/{id}`); `None` for `other`.
    pub fn template(&self) -> Option<&'static str> {
        self.known.map(|(_, template)| template)
    }

    /// Whether it is `other`.
    pub fn is_other(&self) -> bool {
        self.known.is_none()
    }
}

impl fmt::Display for EndpointLabel {
    /// `GET /2/users/{id}`, or `other`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known {
            Some((method, template)) => write!(f, "{method} {template}"),
            None => f.write_str("other"),
        }
    }
}

/// Which credential reported a window, without naming it: observers that keep a value per
/// credential (the lowest remaining of an endpoint among the credentials that use it) tell
/// credentials apart by it and by nothing else.
///
/// Opaque: it is derived from the credential's keyed hash ([`CredentialId`]), shows nothing
/// in `Debug`, and cannot be turned back into the hash, let alone the credential. Two slots are
/// equal when they are of the same credential (or, for a per-app window, the same app).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialSlot(u64);

impl CredentialSlot {
    /// The slot of a credential or app.
    pub fn of(id: CredentialId) -> Self {
        let bytes = id.as_bytes();
        let mut half = [0; 8];
        half.copy_from_slice(&bytes[..8]);
        // Folding the halves: the slot is not a prefix of the hash shown in logs.
        let mut other = [0; 8];
        other.copy_from_slice(&bytes[8..]);
        CredentialSlot(u64::from_le_bytes(half) ^ u64::from_le_bytes(other).rotate_left(29))
    }
}

impl fmt::Debug for CredentialSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialSlot(..)")
    }
}

/// Why a client waits (and, for a resend, what it resends after). A label of few values:
/// [`as_str`](Self::as_str).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WaitReason {
    /// Before sending: the book says the endpoint's window is exhausted until its reset.
    Window,
    /// A response was rate limited (a 429, code 88): wait for its window's reset.
    RateLimited,
    /// A response said the server is in trouble (a 5xx, code 130): back off.
    Backoff,
    /// No response arrived (a network error).
    NetworkError,
}

impl WaitReason {
    /// `window`, `rate_limited`, `backoff` or `network_error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitReason::Window => "window",
            WaitReason::RateLimited => "rate_limited",
            WaitReason::Backoff => "backoff",
            WaitReason::NetworkError => "network_error",
        }
    }
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A wait before sending or resending a request ([`Observer::on_wait`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitEvent {
    endpoint: EndpointLabel,
    reason: WaitReason,
    wait: Duration,
}

impl WaitEvent {
    /// A wait of `wait` (jitter included) for `reason` on `endpoint`.
    pub fn new(endpoint: EndpointLabel, reason: WaitReason, wait: Duration) -> Self {
        WaitEvent {
            endpoint,
            reason,
            wait,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }

    /// Why.
    pub fn reason(&self) -> WaitReason {
        self.reason
    }

    /// How long, jitter included.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

/// A request sent again after a failure ([`Observer::on_resend`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResendEvent {
    endpoint: EndpointLabel,
    reason: WaitReason,
    attempt: u32,
}

impl ResendEvent {
    /// Attempt number `attempt` (2 for the first resend) of a request to `endpoint`, after a
    /// failure of `reason`.
    pub fn new(endpoint: EndpointLabel, reason: WaitReason, attempt: u32) -> Self {
        ResendEvent {
            endpoint,
            reason,
            attempt,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }

    /// The failure resent after (never [`WaitReason::Window`]).
    pub fn reason(&self) -> WaitReason {
        self.reason
    }

    /// The attempt about to be sent, the first counted: 2 for the first resend.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

/// A request given up ([`Observer::on_give_up`]): the caller gets its failure, or a
/// `NotSent` when a wait for its window was too long.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GiveUpEvent {
    endpoint: EndpointLabel,
    why: GiveUp,
    attempts: u32,
}

impl GiveUpEvent {
    /// A request to `endpoint` given up for `why` after `attempts` attempts sent.
    pub fn new(endpoint: EndpointLabel, why: GiveUp, attempts: u32) -> Self {
        GiveUpEvent {
            endpoint,
            why,
            attempts,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }

    /// Why; [`GiveUp::as_str`] is a label of few values.
    pub fn why(&self) -> GiveUp {
        self.why
    }

    /// Attempts sent (0: none was, the window's wait was refused).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// A rate-limit window a response reported ([`Observer::on_window`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WindowEvent {
    endpoint: EndpointLabel,
    slot: CredentialSlot,
    report: WindowReport,
    seen_at: SystemTime,
}

impl WindowEvent {
    /// `report` for `endpoint`, from the credential (or, for a per-app window, the app) of
    /// `slot`, received at `seen_at` (server clock, like the report's reset).
    pub fn new(
        endpoint: EndpointLabel,
        slot: CredentialSlot,
        report: WindowReport,
        seen_at: SystemTime,
    ) -> Self {
        WindowEvent {
            endpoint,
            slot,
            report,
            seen_at,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }

    /// Whose window it is: the credential's, or the app's for a per-app window
    /// ([`WindowKind::per_app`]).
    pub fn slot(&self) -> CredentialSlot {
        self.slot
    }

    /// The window as reported.
    pub fn report(&self) -> &WindowReport {
        &self.report
    }

    /// Which window.
    pub fn kind(&self) -> WindowKind {
        self.report.kind()
    }

    /// Requests allowed in the window, when reported.
    pub fn limit(&self) -> Option<u64> {
        self.report.limit()
    }

    /// Requests left in the window.
    pub fn remaining(&self) -> u64 {
        self.report.remaining()
    }

    /// When the window resets (server clock).
    pub fn reset(&self) -> SystemTime {
        self.report.reset()
    }

    /// When the response arrived (server clock): a report whose [`reset`](Self::reset) is
    /// not after this instant is stale.
    pub fn seen_at(&self) -> SystemTime {
        self.seen_at
    }
}

/// A block and the endpoint of the request that set it or that it refused
/// ([`Observer::on_block_set`], [`Observer::on_blocked`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockEvent {
    endpoint: EndpointLabel,
    block: Block,
}

impl BlockEvent {
    /// `block`, met by a request to `endpoint`.
    pub fn new(endpoint: EndpointLabel, block: Block) -> Self {
        BlockEvent { endpoint, block }
    }

    /// The endpoint of the request.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }

    /// The block: its [`cause`](Block::cause), [`reach`](Block::reach), end.
    pub fn block(&self) -> &Block {
        &self.block
    }
}

/// A block's probe that succeeded ([`Observer::on_block_lifted`]). The store lifts every block
/// that reached the probe's request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiftEvent {
    endpoint: EndpointLabel,
}

impl LiftEvent {
    /// A probe to `endpoint` succeeded.
    pub fn new(endpoint: EndpointLabel) -> Self {
        LiftEvent { endpoint }
    }

    /// The endpoint of the probe.
    pub fn endpoint(&self) -> EndpointLabel {
        self.endpoint
    }
}

/// Why a stream connects again. A label of few values: [`as_str`](Self::as_str).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReconnectReason {
    /// The server ended the response cleanly.
    Ended,
    /// The connection failed or broke.
    NetworkError,
    /// Nothing arrived for the stall timeout.
    Stalled,
    /// An error line in the stream (an operational disconnect).
    Disconnected,
    /// The connect was refused with an HTTP error a later connect may not meet.
    Refused,
    /// The connect's rate-limit window is used up: connect after its reset.
    Window,
}

impl ReconnectReason {
    /// `ended`, `network_error`, `stalled`, `disconnected`, `refused` or `window`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReconnectReason::Ended => "ended",
            ReconnectReason::NetworkError => "network_error",
            ReconnectReason::Stalled => "stalled",
            ReconnectReason::Disconnected => "disconnected",
            ReconnectReason::Refused => "refused",
            ReconnectReason::Window => "window",
        }
    }
}

impl From<&ReconnectCause> for ReconnectReason {
    fn from(cause: &ReconnectCause) -> Self {
        match cause {
            ReconnectCause::Ended => ReconnectReason::Ended,
            ReconnectCause::NetworkError => ReconnectReason::NetworkError,
            ReconnectCause::Stalled => ReconnectReason::Stalled,
            ReconnectCause::Disconnected(_) => ReconnectReason::Disconnected,
            ReconnectCause::Refused(_) => ReconnectReason::Refused,
        }
    }
}

impl fmt::Display for ReconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stream reconnect ([`Observer::on_reconnect`]). X's guidance is to alert on repeated
/// reconnects.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReconnectEvent {
    stream: EndpointLabel,
    reason: ReconnectReason,
    wait: Duration,
    at_cap: bool,
}

impl ReconnectEvent {
    /// `stream` connects again after `wait`, for `reason`.
    pub fn new(stream: EndpointLabel, reason: ReconnectReason, wait: Duration) -> Self {
        ReconnectEvent {
            stream,
            reason,
            wait,
            at_cap: false,
        }
    }

    /// The same event, saying whether the wait reached its schedule's cap (the stream is not
    /// recovering by itself).
    #[must_use = "returns a changed copy"]
    pub fn with_at_cap(mut self, at_cap: bool) -> Self {
        self.at_cap = at_cap;
        self
    }

    /// The stream's endpoint.
    pub fn stream(&self) -> EndpointLabel {
        self.stream
    }

    /// Why.
    pub fn reason(&self) -> ReconnectReason {
        self.reason
    }

    /// The wait before connecting; zero: at once.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// Whether the wait reached its schedule's cap.
    pub fn at_cap(&self) -> bool {
        self.at_cap
    }
}

/// A stream's lease taken or lost ([`Observer::on_lease_taken`], [`Observer::on_lease_lost`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseEvent {
    stream: EndpointLabel,
}

impl LeaseEvent {
    /// The lease of `stream` (this worker's app).
    pub fn new(stream: EndpointLabel) -> Self {
        LeaseEvent { stream }
    }

    /// The stream's endpoint.
    pub fn stream(&self) -> EndpointLabel {
        self.stream
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_standard_methods_and_known_templates_only() {
        let label = EndpointLabel::new("post", Some("/2/tweets"));
        assert_eq!(label.to_string(), "POST /2/tweets");
        assert_eq!(
            (label.method(), label.template()),
            (Some("POST"), Some("/2/tweets"))
        );
        assert!(!label.is_other());
        for other in [
            EndpointLabel::new("GET", None),
            EndpointLabel::new("PROPFIND", Some("/2/tweets")),
            EndpointLabel::new("", Some("/2/tweets")),
        ] {
            assert_eq!(other, EndpointLabel::OTHER);
            assert_eq!(other.to_string(), "other");
            assert_eq!((other.method(), other.template()), (None, None));
        }
    }

    #[test]
    fn slots_tell_credentials_apart_and_show_nothing() {
        let alice = CredentialId::from_bytes([0xa1; 16]);
        let mut bytes = [0xa1; 16];
        bytes[15] = 0;
        let bob = CredentialId::from_bytes(bytes);
        assert_eq!(CredentialSlot::of(alice), CredentialSlot::of(alice));
        assert_ne!(CredentialSlot::of(alice), CredentialSlot::of(bob));
        let shown = format!("{:?}", CredentialSlot::of(alice));
        assert!(!shown.contains("a1"), "{shown}");
    }

    #[test]
    fn reasons_are_labels() {
        assert_eq!(WaitReason::RateLimited.to_string(), "rate_limited");
        assert_eq!(
            ReconnectReason::from(&ReconnectCause::Stalled).as_str(),
            "stalled"
        );
    }

    /// Records nothing but the calls it overrides: the others keep their no-op defaults.
    #[derive(Debug, Default)]
    struct OnlyWaits(std::sync::Mutex<Vec<WaitEvent>>);

    impl Observer for OnlyWaits {
        fn on_wait(&self, event: &WaitEvent) {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(event.clone());
        }
    }

    #[test]
    fn an_observer_implements_what_it_needs() {
        let observer = OnlyWaits::default();
        let dynamic: &dyn Observer = &observer;
        let endpoint = EndpointLabel::new("GET", Some("/2/users/me"));
        dynamic.on_resend(&ResendEvent::new(endpoint, WaitReason::Backoff, 2));
        dynamic.on_lease_lost(&LeaseEvent::new(endpoint));
        let wait = WaitEvent::new(endpoint, WaitReason::Window, Duration::from_secs(3));
        dynamic.on_wait(&wait);
        let seen = observer.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(seen, vec![wait]);
    }
}
