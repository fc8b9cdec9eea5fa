//! The middleware: ask the book, send, record, read error bodies, follow the retry state.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};
use std::time::{Duration, SystemTime};

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use tracing::{info, warn};
use twerr_core::{
    Acquire, BlockEvent, BookKey, ClockSkew, CredentialSlot, Decision, EndpointLabel,
    ErrorResponse, GiveUp, GiveUpEvent, Jitter, LiftEvent, Observation, Observer, Outcome, Permit,
    RateLimit, RateLimitStore, ResendEvent, Retry, RetryPolicy, RetryState, WaitEvent, WaitReason,
    WindowEvent, is_idempotent_method,
};

use crate::identity::{self, Auth, Names};
use crate::key::Hasher;
use crate::{Attempts, Clock, NotSent, NotSentReason, RequestOptions, Sleeper, body};

/// The default largest error body read: 64 KiB. Every error body Twitter is known to send is
/// under 4 KiB; an HTML error page of a proxy can be larger, and its status says enough.
pub const DEFAULT_MAX_ERROR_BODY: usize = 64 * 1024;

/// The default longest time spent reading an error body: 5 s. Twitter's error bodies are
/// under 4 KiB and arrive with the head; 5 s still lets 4 KiB through a link of 7 kbit/s,
/// while a body that trickles (a broken proxy, a hostile peer) holds a worker that long at
/// most, not for as long as the body takes.
pub const DEFAULT_ERROR_BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`reqwest_middleware::Middleware`] that acts on twerr's advice: it waits for rate-limit
/// resets, retries what is safe to retry, and remembers exhausted windows and usage caps per
/// credential and endpoint. See the [crate documentation](crate) for what it does on each kind
/// of failure.
#[derive(Clone, Debug)]
pub struct TwerrMiddleware {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) policy: RetryPolicy,
    pub(crate) store: Arc<dyn RateLimitStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) jitter: Arc<dyn Jitter>,
    pub(crate) max_error_body: usize,
    pub(crate) error_body_timeout: Duration,
    pub(crate) wait_for_window: bool,
    pub(crate) hasher: HasherDebug,
    /// The app every request is made for, unless a request names its own.
    pub(crate) app: Option<Arc<str>>,
    /// The server's time as the last trusted `Date` showed it: what this process takes for
    /// the server's clock.
    pub(crate) server_clock: Mutex<Option<ServerAnchor>>,
    /// Warnings given once per middleware, not per request.
    pub(crate) warned: Warned,
    /// Told every wait, resend, give-up, window and block, when set.
    pub(crate) observer: Option<Arc<dyn Observer>>,
    /// Signs every attempt afresh, when the middleware was built with a signer.
    #[cfg(feature = "oauth1")]
    pub(crate) signer: Option<crate::OAuth1Signer>,
}

/// A trusted `Date` and when it arrived, on the local wall clock and, where the clock has
/// one, the monotonic clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ServerAnchor {
    date: SystemTime,
    local: SystemTime,
    monotonic: Option<std::time::Instant>,
}

/// Mistakes of setup a request reveals, each warned about once per middleware instance.
#[derive(Debug, Default)]
pub(crate) struct Warned {
    /// A request with no credential: every such request shares one window.
    unidentified: AtomicBool,
    /// A request signed before this middleware: it is never resent.
    signed: AtomicBool,
}

impl Warned {
    /// True the first time `flag` is raised.
    fn first(flag: &AtomicBool) -> bool {
        !flag.swap(true, Ordering::Relaxed)
    }
}

/// The hasher, without its key in `Debug` output.
pub(crate) struct HasherDebug(pub(crate) Hasher);

impl std::fmt::Debug for HasherDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hashing key>")
    }
}

// By hand: a store need not be `Debug`, and its address (which may hold a password) is never
// printed.
impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwerrMiddleware")
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("sleeper", &self.sleeper)
            .field("jitter", &self.jitter)
            .field("max_error_body", &self.max_error_body)
            .field("error_body_timeout", &self.error_body_timeout)
            .field("wait_for_window", &self.wait_for_window)
            .field("app", &self.app.as_ref().map(|_| "<redacted>"))
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Middleware for TwerrMiddleware {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.inner.run(request, extensions, next).await
    }
}

impl Inner {
    async fn run(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let options = extensions
            .get::<RequestOptions>()
            .cloned()
            .unwrap_or_else(RequestOptions::new);
        let auth = identity::auth(request.headers());
        // Signed before this middleware: a resend would repeat the nonce and timestamp.
        let signed = matches!(auth, Auth::OAuth1 { .. });
        #[cfg(feature = "oauth1")]
        let signing = self
            .signer
            .as_ref()
            .map(|signer| signer.identity(extensions));
        let names = Names {
            credential_key: options.key.as_deref(),
            app: options.app.as_deref().or(self.app.as_deref()),
            #[cfg(feature = "oauth1")]
            signer: signing.map(|s| (s.consumer_key, s.token)),
            #[cfg(not(feature = "oauth1"))]
            signer: None,
        };
        let identity = identity::identify(
            &self.hasher.0,
            &names,
            &auth,
            request.method(),
            request.url(),
        );
        let target = Target {
            key: identity.key,
            label: identity.label,
        };
        let key = &target.key;
        if !identity.identified && Warned::first(&self.warned.unidentified) {
            warn!(
                endpoint = key.endpoint(),
                "twerr: a request carries no credential the middleware can see (no Bearer \
                 token, no OAuth 1.0a header, no RequestOptions::credential_key): such \
                 requests all share one rate-limit window; pass \
                 RequestOptions::credential_key (a stable user id) with each request \
                 (warned once per middleware)"
            );
        }
        if signed && Warned::first(&self.warned.signed) {
            warn!(
                endpoint = key.endpoint(),
                "twerr: a request reached TwerrMiddleware already signed (OAuth 1.0a): it is \
                 never resent, since a resend would repeat its nonce; add the signing \
                 middleware after TwerrMiddleware so every attempt is signed afresh \
                 (warned once per middleware)"
            );
        }
        let idempotent = options
            .idempotent
            .unwrap_or_else(|| is_idempotent_method(request.method().as_str()));
        let policy = if options.retries {
            self.policy
        } else {
            self.policy.with_max_attempts(1)
        };
        let mut state = RetryState::new(policy, idempotent);
        if signed {
            state = state.not_resendable();
        }
        let mut request = request;
        loop {
            let mut permit = PermitGuard {
                inner: self,
                permit: self.acquire(&target, &mut state).await?,
            };
            // A copy for the next attempt, when there may be one; a streaming body has none.
            let spare = (state.attempts() + 1 < policy.max_attempts() && !signed)
                .then(|| request.try_clone())
                .flatten();
            #[cfg(feature = "oauth1")]
            let to_send = match self.sign(request, extensions) {
                Ok(signed) => signed,
                Err(error) => {
                    if let Some(permit) = permit.take() {
                        self.release(permit, self.clock.now()).await;
                    }
                    return Err(error);
                }
            };
            #[cfg(not(feature = "oauth1"))]
            let to_send = request;
            let result = next.clone().run(to_send, extensions).await;
            let now = self.clock.now();
            let result = match result {
                Ok(response) if response.status().as_u16() < 400 => {
                    let seen = RateLimit::from_headers(response.headers())
                        .map(|limits| {
                            self.learn_skew(&limits, now);
                            Observation::from_rate_limit(&limits, now)
                        })
                        .unwrap_or_default()
                        .with_success(true);
                    let probe = permit.permit.as_ref().is_some_and(Permit::is_probe);
                    self.observe_windows(&target, &seen, now);
                    self.record(permit.take(), seen, now).await;
                    if probe {
                        self.observe(|o| o.on_block_lifted(&LiftEvent::new(target.label)));
                    }
                    let mut response = response;
                    self.attach(&mut response, state.attempts() + 1, &state);
                    return Ok(response);
                }
                other => other,
            };
            // Failures are rare: their handling is a boxed future of its own, so the future of
            // every request stays small.
            let step =
                Box::pin(self.after_failure(result, permit, spare, &target, &mut state, now));
            match step.await {
                Step::Resend(spare) => request = spare,
                Step::Return(result) => return result,
            }
        }
    }

    /// Reads a failure, records it, and decides (and waits) on a resend.
    async fn after_failure(
        &self,
        result: reqwest_middleware::Result<Response>,
        mut permit: PermitGuard<'_>,
        spare: Option<Request>,
        target: &Target,
        state: &mut RetryState,
        now: SystemTime,
    ) -> Step {
        let key = &target.key;
        let (decision, outcome) = match result {
            Ok(response) => {
                let read = body::read(response, self.max_error_body, self.error_body_timeout).await;
                let parsed = ErrorResponse::from_parts(
                    read.response.status(),
                    read.response.headers(),
                    read.classify_by(),
                );
                let response = read.response;
                if let Some(limits) = parsed.rate_limit() {
                    self.learn_skew(limits, now);
                }
                let seen = Observation::from_response(&parsed, now, state.policy());
                self.observe_windows(target, &seen, now);
                if let Some(block) = seen.block() {
                    self.observe(|o| o.on_block_set(&BlockEvent::new(target.label, block.clone())));
                }
                self.record(permit.take(), seen, now).await;
                let decision = state.decide(Outcome::Response(&parsed), now, &*self.jitter);
                (decision, Ok((response, parsed)))
            }
            Err(error) => {
                if let Some(permit) = permit.take() {
                    self.release(permit, now).await;
                }
                let sent = match &error {
                    reqwest_middleware::Error::Reqwest(e) => match transport(e) {
                        Some(sent) => sent,
                        None => return Step::Return(Err(error)),
                    },
                    // Another middleware's error is not a network error: not retried.
                    reqwest_middleware::Error::Middleware(_) => return Step::Return(Err(error)),
                };
                let decision = state.decide(Outcome::NetworkError { sent }, now, &*self.jitter);
                (decision, Err(error))
            }
        };
        // The status, codes and problem types only: a body's free text may echo a token or
        // a query (the caller has the body).
        let reason = match &outcome {
            Ok((_, parsed)) => summary(parsed),
            Err(_) => "network error".to_owned(),
        };
        let why = match &outcome {
            Ok((_, parsed)) if parsed.retry() == Some(Retry::AfterReset) => WaitReason::RateLimited,
            Ok(_) => WaitReason::Backoff,
            Err(_) => WaitReason::NetworkError,
        };
        let decision = match (decision, &spare) {
            (Decision::Retry { .. }, None) => Decision::GiveUp(GiveUp::NotResendable),
            (decision, _) => decision,
        };
        match (decision, spare) {
            (Decision::Retry { wait }, Some(spare)) => {
                info!(
                    credential = %key.credential(),
                    endpoint = key.endpoint(),
                    attempt = state.attempts(),
                    wait_ms = millis(wait),
                    reason = %reason,
                    "twerr: waiting before resending"
                );
                self.observe(|o| o.on_wait(&WaitEvent::new(target.label, why, wait)));
                self.sleeper.sleep(wait).await;
                let attempt = state.attempts() + 1;
                self.observe(|o| o.on_resend(&ResendEvent::new(target.label, why, attempt)));
                Step::Resend(spare)
            }
            (decision, _) => {
                if let Decision::GiveUp(why) = decision {
                    warn!(
                        credential = %key.credential(),
                        endpoint = key.endpoint(),
                        attempts = state.attempts(),
                        waited_ms = millis(state.waited()),
                        reason = %reason,
                        give_up = %why,
                        "twerr: giving up"
                    );
                    let attempts = state.attempts();
                    self.observe(|o| {
                        o.on_give_up(&GiveUpEvent::new(target.label, why, attempts));
                    });
                }
                Step::Return(outcome.map(|(mut response, parsed)| {
                    self.attach(&mut response, state.attempts(), state);
                    response.extensions_mut().insert(parsed);
                    if let Decision::GiveUp(why) = decision {
                        response.extensions_mut().insert(why);
                    }
                    response
                }))
            }
        }
    }

    /// Asks the store; the first answer is almost always go.
    async fn acquire(
        &self,
        target: &Target,
        state: &mut RetryState,
    ) -> reqwest_middleware::Result<Option<Permit>> {
        let now = self.clock.now();
        match self.store.acquire(&target.key, self.server_now(now)).await {
            Ok(Acquire::Go(permit)) => Ok(Some(permit)),
            answer => Box::pin(self.acquire_slowly(target, state, answer, now)).await,
        }
    }

    /// Follows the store's answer until it says go; waits for exhausted windows within the
    /// policy. `None` when the store failed: the request goes without the book (logged).
    async fn acquire_slowly(
        &self,
        target: &Target,
        state: &mut RetryState,
        mut answer: Result<Acquire, twerr_core::StoreError>,
        mut now: SystemTime,
    ) -> reqwest_middleware::Result<Option<Permit>> {
        let key = &target.key;
        loop {
            let until = match answer {
                Ok(Acquire::Go(permit)) => return Ok(Some(permit)),
                Ok(Acquire::Wait { until }) => self.to_local(until, now),
                Ok(Acquire::Blocked(block)) => {
                    self.observe(|o| o.on_blocked(&BlockEvent::new(target.label, block.clone())));
                    let until = block.until().map(|until| self.to_local(until, now));
                    let not_sent = NotSent::new(until, NotSentReason::Blocked(block), None);
                    return Err(self.not_sent(key, not_sent));
                }
                Ok(other) => {
                    // An answer this version does not know: send as if the store failed.
                    warn!(
                        credential = %key.credential(),
                        endpoint = key.endpoint(),
                        answer = ?other,
                        "twerr: rate-limit store answered something unknown; sending without it"
                    );
                    return Ok(None);
                }
                Err(error) => {
                    warn!(
                        credential = %key.credential(),
                        endpoint = key.endpoint(),
                        error = %error,
                        "twerr: rate-limit store failed; sending without it"
                    );
                    return Ok(None);
                }
            };
            if !self.wait_for_window {
                let not_sent = NotSent::new(Some(until), NotSentReason::Window, None);
                return Err(self.not_sent(key, not_sent));
            }
            match state.wait_until(until, now, &*self.jitter) {
                Ok(wait) => {
                    info!(
                        credential = %key.credential(),
                        endpoint = key.endpoint(),
                        wait_ms = millis(wait),
                        reason = "rate-limit window exhausted",
                        "twerr: waiting before sending"
                    );
                    let event = WaitEvent::new(target.label, WaitReason::Window, wait);
                    self.observe(|o| o.on_wait(&event));
                    self.sleeper.sleep(wait).await;
                }
                Err(why) => {
                    let event = GiveUpEvent::new(target.label, why, state.attempts());
                    self.observe(|o| o.on_give_up(&event));
                    let not_sent = NotSent::new(Some(until), NotSentReason::Window, Some(why));
                    return Err(self.not_sent(key, not_sent));
                }
            }
            now = self.clock.now();
            answer = self.store.acquire(key, self.server_now(now)).await;
        }
    }

    fn not_sent(&self, key: &BookKey, not_sent: NotSent) -> reqwest_middleware::Error {
        warn!(
            credential = %key.credential(),
            endpoint = key.endpoint(),
            until_unix = not_sent.until().map(unix),
            reason = %not_sent.reason(),
            give_up = not_sent.give_up().map(|w| w.to_string()),
            "twerr: not sending"
        );
        reqwest_middleware::Error::middleware(not_sent)
    }

    /// Signs an attempt with the middleware's own signer, if it has one: every attempt gets
    /// its own nonce and timestamp.
    #[cfg(feature = "oauth1")]
    fn sign(
        &self,
        mut request: Request,
        extensions: &Extensions,
    ) -> reqwest_middleware::Result<Request> {
        if let Some(signer) = &self.signer {
            signer
                .sign_attempt(&mut request, extensions)
                .map_err(reqwest_middleware::Error::middleware)?;
        }
        Ok(request)
    }

    /// The server's time when the local clock says `now`, as the store keeps every instant:
    /// the last trusted `Date` plus the time since, measured on the monotonic clock when the
    /// clock has one (so a step of the wall clock does not move it), else on the wall clock.
    /// A process that has seen no trusted `Date` takes its own clock for the server's.
    fn server_now(&self, now: SystemTime) -> SystemTime {
        let anchor = *self.server_clock.lock().unwrap_or_else(|p| p.into_inner());
        let Some(anchor) = anchor else {
            return now;
        };
        match (anchor.monotonic, self.clock.monotonic()) {
            (Some(then), Some(current)) => anchor
                .date
                .checked_add(current.saturating_duration_since(then))
                .unwrap_or(anchor.date),
            _ => ClockSkew::from_date(Some(anchor.date), anchor.local).server_now(now),
        }
    }

    /// The local time at which the server's clock says `server` (`now`: the local time).
    fn to_local(&self, server: SystemTime, now: SystemTime) -> SystemTime {
        let server_now = self.server_now(now);
        let moved = match server.duration_since(server_now) {
            Ok(ahead) => now.checked_add(ahead),
            Err(behind) => now.checked_sub(behind.duration()),
        };
        moved.unwrap_or(now)
    }

    /// A response whose `Date` is trusted tells the server's time.
    fn learn_skew(&self, limits: &RateLimit, now: SystemTime) {
        if let (None, Some(date)) = (limits.ignored_date(), limits.date()) {
            let anchor = ServerAnchor {
                date,
                local: now,
                monotonic: self.clock.monotonic(),
            };
            *self.server_clock.lock().unwrap_or_else(|p| p.into_inner()) = Some(anchor);
        }
    }

    /// Tells the observer, when there is one.
    fn observe(&self, tell: impl FnOnce(&dyn Observer)) {
        if let Some(observer) = &self.observer {
            tell(&**observer);
        }
    }

    /// Tells the observer each window a response reported, received at `now` (local clock).
    fn observe_windows(&self, target: &Target, seen: &Observation, now: SystemTime) {
        let Some(observer) = &self.observer else {
            return;
        };
        let server_now = self.server_now(now);
        for report in seen.windows() {
            // A per-app window is the app's, whichever credential reported it.
            let holder = if report.kind().per_app() {
                target.key.app()
            } else {
                target.key.credential()
            };
            let slot = CredentialSlot::of(holder);
            observer.on_window(&WindowEvent::new(target.label, slot, *report, server_now));
        }
    }

    async fn record(&self, permit: Option<Permit>, seen: Observation, now: SystemTime) {
        let Some(permit) = permit else { return };
        let now = self.server_now(now);
        if let Err(error) = self.store.record(permit, seen, now).await {
            warn!(error = %error, "twerr: rate-limit store failed to record a response");
        }
    }

    async fn release(&self, permit: Permit, now: SystemTime) {
        let now = self.server_now(now);
        if let Err(error) = self.store.release(permit, now).await {
            warn!(error = %error, "twerr: rate-limit store failed to release a permit");
        }
    }

    fn attach(&self, response: &mut Response, sent: u32, state: &RetryState) {
        response
            .extensions_mut()
            .insert(Attempts::new(sent, state.waited()));
    }
}

/// A permit while its request is in flight. When the caller drops the request future (a
/// timeout, a cancelled task), no response will be recorded: dropping the guard releases the
/// permit, so the book does not count a request in flight forever.
struct PermitGuard<'a> {
    inner: &'a Inner,
    permit: Option<Permit>,
}

impl PermitGuard<'_> {
    fn take(&mut self) -> Option<Permit> {
        self.permit.take()
    }
}

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let store = Arc::clone(&self.inner.store);
        let now = self.inner.server_now(self.inner.clock.now());
        let mut release = Box::pin(async move {
            if let Err(error) = store.release(permit, now).await {
                warn!(error = %error, "twerr: rate-limit store failed to release a permit");
            }
        });
        // An in-memory store answers at once; another store finishes on the runtime.
        let mut cx = Context::from_waker(Waker::noop());
        if release.as_mut().poll(&mut cx).is_pending() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(release);
            }
        }
    }
}

/// What a request is counted under, and its endpoint as observers see it.
struct Target {
    key: BookKey,
    label: EndpointLabel,
}

/// What follows a failed attempt.
enum Step {
    /// Send this copy.
    Resend(Request),
    /// Hand this to the caller.
    Return(reqwest_middleware::Result<Response>),
}

/// A failure for a log line: its status, codes and problem types, never a body's text.
fn summary(parsed: &ErrorResponse) -> String {
    use std::fmt::Write;

    let mut out = parsed.status().as_u16().to_string();
    for error in parsed.all_errors().take(8) {
        if let Some(code) = error.code() {
            let _ = write!(out, "; code {}", code.as_u16());
        }
        if let Some(slug) = error.problem().and_then(|problem| problem.slug()) {
            let _ = write!(out, "; problem {slug}");
        }
    }
    out
}

/// What a reqwest error says about a resend: `Some(sent)` for a failure of the transport
/// (`sent`: the request may have reached the server), `None` for one a resend would only
/// repeat (too many redirects, a URL reqwest refused), which is handed back at once.
fn transport(error: &reqwest::Error) -> Option<bool> {
    if error.is_connect() {
        Some(false)
    } else if error.is_request() || error.is_timeout() || error.is_body() {
        Some(true)
    } else {
        None
    }
}

fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
