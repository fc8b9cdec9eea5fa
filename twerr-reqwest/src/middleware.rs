//! The middleware: ask the book, send, record, read error bodies, follow the retry state.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::{Duration, SystemTime};

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use tracing::{info, warn};
use twerr_core::{
    Acquire, BookKey, Decision, ErrorResponse, GiveUp, Jitter, Observation, Outcome, Permit,
    RateLimit, RateLimitStore, RetryPolicy, RetryState, is_idempotent_method,
};

use crate::key::{self, Auth, Hasher};
use crate::{Attempts, Clock, RateLimitReason, RateLimited, RequestOptions, Sleeper, body};

/// The default largest error body read: 64 KiB. Every error body Twitter is known to send is
/// under 4 KiB; an HTML error page of a proxy can be larger, and its status says enough.
pub const DEFAULT_MAX_ERROR_BODY: usize = 64 * 1024;

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
    pub(crate) wait_for_window: bool,
    pub(crate) hasher: HasherDebug,
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
            .field("wait_for_window", &self.wait_for_window)
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
        let auth = key::auth(request.headers());
        // Signed before this middleware: a resend would repeat the nonce and timestamp.
        let signed = matches!(auth, Auth::OAuth1(_));
        let key = key::book_key(
            &self.hasher.0,
            options.key.as_deref(),
            &auth,
            request.method(),
            request.url(),
        );
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
                permit: self.acquire(&key, &mut state).await?,
            };
            // A copy for the next attempt, when there may be one; a streaming body has none.
            let spare = (state.attempts() + 1 < policy.max_attempts() && !signed)
                .then(|| request.try_clone())
                .flatten();
            let result = next.clone().run(request, extensions).await;
            let now = self.clock.now();
            let result = match result {
                Ok(response) if response.status().as_u16() < 400 => {
                    let seen = RateLimit::from_headers(response.headers())
                        .map(|limits| Observation::from_rate_limit(&limits, now))
                        .unwrap_or_default();
                    self.record(permit.take(), seen, now).await;
                    let mut response = response;
                    self.attach(&mut response, state.attempts() + 1, &state);
                    return Ok(response);
                }
                other => other,
            };
            // Failures are rare: their handling is a boxed future of its own, so the future of
            // every request stays small.
            let step = Box::pin(self.after_failure(result, permit, spare, &key, &mut state, now));
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
        key: &BookKey,
        state: &mut RetryState,
        now: SystemTime,
    ) -> Step {
        let (decision, outcome) = match result {
            Ok(response) => {
                let read = body::read(response, self.max_error_body).await;
                let response = read.response;
                let parsed = ErrorResponse::from_parts(
                    response.status(),
                    response.headers(),
                    read.complete.as_deref().unwrap_or_default(),
                );
                let seen = Observation::from_response(&parsed, now, state.policy());
                self.record(permit.take(), seen, now).await;
                let decision = state.decide(Outcome::Response(&parsed), now, &*self.jitter);
                (decision, Ok((response, parsed)))
            }
            Err(error) => {
                if let Some(permit) = permit.take() {
                    self.release(permit, now).await;
                }
                let sent = match &error {
                    reqwest_middleware::Error::Reqwest(e) => !e.is_connect(),
                    // Another middleware's error is not a network error: not retried.
                    reqwest_middleware::Error::Middleware(_) => return Step::Return(Err(error)),
                };
                let decision = state.decide(Outcome::NetworkError { sent }, now, &*self.jitter);
                (decision, Err(error))
            }
        };
        let reason = match &outcome {
            Ok((_, parsed)) => parsed.to_string(),
            Err(_) => "network error".to_owned(),
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
                self.sleeper.sleep(wait).await;
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
                }
                Step::Return(outcome.map(|(mut response, parsed)| {
                    self.attach(&mut response, state.attempts(), state);
                    response.extensions_mut().insert(parsed);
                    response
                }))
            }
        }
    }

    /// Asks the store; the first answer is almost always go.
    async fn acquire(
        &self,
        key: &BookKey,
        state: &mut RetryState,
    ) -> reqwest_middleware::Result<Option<Permit>> {
        let now = self.clock.now();
        match self.store.acquire(key, now).await {
            Ok(Acquire::Go(permit)) => Ok(Some(permit)),
            answer => Box::pin(self.acquire_slowly(key, state, answer, now)).await,
        }
    }

    /// Follows the store's answer until it says go; waits for exhausted windows within the
    /// policy. `None` when the store failed: the request goes without the book (logged).
    async fn acquire_slowly(
        &self,
        key: &BookKey,
        state: &mut RetryState,
        mut answer: Result<Acquire, twerr_core::StoreError>,
        mut now: SystemTime,
    ) -> reqwest_middleware::Result<Option<Permit>> {
        loop {
            let until = match answer {
                Ok(Acquire::Go(permit)) => return Ok(Some(permit)),
                Ok(Acquire::Wait { until }) => until,
                Ok(Acquire::Exhausted(cap)) => {
                    let limited = RateLimited {
                        until: cap.until,
                        reason: RateLimitReason::UsageCapped {
                            period: cap.period,
                            scope: cap.scope,
                        },
                    };
                    return Err(self.not_sent(key, limited, None));
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
            let limited = RateLimited {
                until,
                reason: RateLimitReason::Window,
            };
            if !self.wait_for_window {
                return Err(self.not_sent(key, limited, None));
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
                    self.sleeper.sleep(wait).await;
                }
                Err(why) => return Err(self.not_sent(key, limited, Some(why))),
            }
            now = self.clock.now();
            answer = self.store.acquire(key, now).await;
        }
    }

    fn not_sent(
        &self,
        key: &BookKey,
        limited: RateLimited,
        why: Option<GiveUp>,
    ) -> reqwest_middleware::Error {
        warn!(
            credential = %key.credential(),
            endpoint = key.endpoint(),
            until_unix = unix(limited.until),
            reason = %limited.reason,
            give_up = why.map(|w| w.to_string()),
            "twerr: not sending"
        );
        reqwest_middleware::Error::middleware(limited)
    }

    async fn record(&self, permit: Option<Permit>, seen: Observation, now: SystemTime) {
        let Some(permit) = permit else { return };
        if let Err(error) = self.store.record(permit, seen, now).await {
            warn!(error = %error, "twerr: rate-limit store failed to record a response");
        }
    }

    async fn release(&self, permit: Permit, now: SystemTime) {
        if let Err(error) = self.store.release(permit, now).await {
            warn!(error = %error, "twerr: rate-limit store failed to release a permit");
        }
    }

    fn attach(&self, response: &mut Response, sent: u32, state: &RetryState) {
        response.extensions_mut().insert(Attempts {
            sent,
            waited: state.waited(),
        });
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
        let now = self.inner.clock.now();
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

/// What follows a failed attempt.
enum Step {
    /// Send this copy.
    Resend(Request),
    /// Hand this to the caller.
    Return(reqwest_middleware::Result<Response>),
}

fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
