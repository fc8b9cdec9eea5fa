//! Building a [`TwerrMiddleware`]: the defaults and every setting.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use twerr_core::{Jitter, MemoryStore, Observer, RandomJitter, RateLimitStore, RetryPolicy};

use crate::key::{self, Hasher};
use crate::middleware::{
    DEFAULT_ERROR_BODY_TIMEOUT, DEFAULT_MAX_ERROR_BODY, HasherDebug, Inner, TwerrMiddleware, Warned,
};
use crate::{Clock, Sleeper, SystemClock, TokioSleeper};

impl Default for TwerrMiddleware {
    /// The default policy, an in-memory store of its own, the system clock, tokio's sleep,
    /// random jitter, error bodies read up to 64 KiB for at most 5 s, waiting for exhausted windows, the default hashing
    /// key.
    fn default() -> Self {
        Self::builder().build()
    }
}

impl TwerrMiddleware {
    /// A builder starting from the defaults.
    pub fn builder() -> TwerrMiddlewareBuilder {
        TwerrMiddlewareBuilder {
            policy: RetryPolicy::default(),
            store: None,
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleeper),
            jitter: Arc::new(RandomJitter::default()),
            max_error_body: DEFAULT_MAX_ERROR_BODY,
            error_body_timeout: DEFAULT_ERROR_BODY_TIMEOUT,
            wait_for_window: true,
            hashing_key: key::DEFAULT_HASHING_KEY.to_vec(),
            app: None,
            observer: None,
            #[cfg(feature = "oauth1")]
            signer: None,
        }
    }

    /// The store (to share it with another middleware, or inspect it).
    pub fn store(&self) -> &Arc<dyn RateLimitStore> {
        &self.inner.store
    }
}

/// Configures a [`TwerrMiddleware`].
#[must_use]
pub struct TwerrMiddlewareBuilder {
    policy: RetryPolicy,
    store: Option<Arc<dyn RateLimitStore>>,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
    jitter: Arc<dyn Jitter>,
    max_error_body: usize,
    error_body_timeout: Duration,
    wait_for_window: bool,
    hashing_key: Vec<u8>,
    app: Option<Arc<str>>,
    observer: Option<Arc<dyn Observer>>,
    #[cfg(feature = "oauth1")]
    signer: Option<crate::OAuth1Signer>,
}

impl TwerrMiddlewareBuilder {
    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }
    /// The rate-limit store (default: a [`MemoryStore`] of this middleware's own). Share one
    /// store among clients that use the same credentials; use a Redis store across processes.
    pub fn store(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.store = Some(store);
        self
    }
    /// The clock (default: [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// The sleeper (default: [`TokioSleeper`]).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }
    /// The jitter source (default: [`RandomJitter`]).
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }
    /// The largest error body read and parsed (default [`DEFAULT_MAX_ERROR_BODY`]). A longer
    /// body is classified by its beginning (a problem type, the errors complete before the
    /// cut; the status decides when that says nothing) and reaches the caller intact.
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.max_error_body = bytes;
        self
    }
    /// Whether a request whose window is exhausted waits for the reset (default, within the
    /// policy's single and total waits) or fails at once with [`NotSent`](crate::NotSent).
    pub fn wait_for_window(mut self, wait: bool) -> Self {
        self.wait_for_window = wait;
        self
    }
    /// The key of the credential hash (default [`DEFAULT_HASHING_KEY`](crate::DEFAULT_HASHING_KEY)).
    pub fn hashing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.hashing_key = key.into();
        self
    }
    /// The app the requests are made for (its name, or its client id: anything stable).
    /// Needed with OAuth 2 user tokens, which do not name their app: without it each user's
    /// requests count the app's 24-hour windows as the user's own, and a block of the app
    /// (no credits, a spend cap) is learnt per user. Processes that share a store must give
    /// the same name. App-only Bearer tokens and OAuth 1.0a requests name their app
    /// themselves; [`RequestOptions::app`](crate::RequestOptions::app) overrides it per
    /// request. Hashed; never logged or stored in clear.
    pub fn app(mut self, name: impl Into<Arc<str>>) -> Self {
        self.app = Some(name.into());
        self
    }
    /// The observer told every wait, resend, give-up, rate-limit window, block, stream
    /// reconnect and stream lease (default: none). With the `metrics` feature,
    /// `MetricsObserver` reports them through the `metrics` facade.
    /// Its methods run on the request's task: keep them quick.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }
    /// Signs every attempt with OAuth 1.0a (feature `oauth1`): the middleware signs each
    /// request afresh just before sending it, resends included, so retries work, and it
    /// counts the request under the user's token (the request's
    /// [`OAuth1Token`](crate::OAuth1Token) extension) and the app's consumer key without
    /// being told. Use it instead of an [`OAuth1Signer`](crate::OAuth1Signer) in the chain.
    ///
    /// ```
    /// use twerr_reqwest::{OAuth1Signer, OAuth1Token, TwerrMiddleware};
    ///
    /// # async fn run() -> reqwest_middleware::Result<()> {
    /// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
    ///     .with(
    ///         TwerrMiddleware::builder()
    ///             .oauth1(OAuth1Signer::new("consumer-key", "consumer-secret"))
    ///             .build(),
    ///     )
    ///     .build();
    /// let response = client
    ///     .post("https://api.x.com/2/tweets")
    ///     .header("content-type", "application/json")
    ///     .body(r#"{"text":"hello"}"#)
    ///     .with_extension(OAuth1Token::new("user-token", "user-secret"))
    ///     .send()
    ///     .await?;
    /// # let _ = response; Ok(()) }
    /// ```
    #[cfg(feature = "oauth1")]
    #[cfg_attr(docsrs, doc(cfg(feature = "oauth1")))]
    pub fn oauth1(mut self, signer: crate::OAuth1Signer) -> Self {
        self.signer = Some(signer);
        self
    }
    /// The middleware.
    pub fn build(self) -> TwerrMiddleware {
        TwerrMiddleware {
            inner: Arc::new(Inner {
                policy: self.policy,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                clock: self.clock,
                sleeper: self.sleeper,
                jitter: self.jitter,
                max_error_body: self.max_error_body,
                error_body_timeout: self.error_body_timeout,
                wait_for_window: self.wait_for_window,
                hasher: HasherDebug(Hasher::new(&self.hashing_key)),
                app: self.app,
                server_clock: Mutex::new(None),
                warned: Warned::default(),
                observer: self.observer,
                #[cfg(feature = "oauth1")]
                signer: self.signer,
            }),
        }
    }
    /// The longest time spent reading an error body (default
    /// [`DEFAULT_ERROR_BODY_TIMEOUT`]), on tokio's clock. A body still arriving then is
    /// classified by what arrived (the status decides when that says nothing) and reaches the
    /// caller intact: the bytes read, then the rest as it comes. Bare reqwest's `send()`
    /// returns at the head; this bounds how much later the middleware's does, however slowly
    /// the body trickles.
    pub fn error_body_timeout(mut self, timeout: Duration) -> Self {
        self.error_body_timeout = timeout;
        self
    }
}

impl std::fmt::Debug for TwerrMiddlewareBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwerrMiddlewareBuilder")
            .field("policy", &self.policy)
            .field("max_error_body", &self.max_error_body)
            .field("error_body_timeout", &self.error_body_timeout)
            .field("wait_for_window", &self.wait_for_window)
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}
