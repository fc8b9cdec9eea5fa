//! One connect: wait, hold the lease, send through the middleware without its retries, and
//! sort the answer into what the stream state reads.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use twerr_core::{ErrorResponse, LeaseKey};

use super::StreamError;
use super::lease::{LeaseGuard, Leasing};
use crate::identity::{self, Names};
use crate::middleware::Inner;
use crate::{NotSent, RequestOptions, TwerrResponseExt, body};

/// What a stream connects with.
pub(crate) struct Setup {
    pub(crate) inner: Arc<Inner>,
    /// The request, cloned for every connect (a `Mutex` only to share it between threads).
    pub(crate) template: Mutex<reqwest_middleware::RequestBuilder>,
    pub(crate) leasing: Arc<Leasing>,
}

/// How a connect ended.
pub(crate) enum Answer {
    /// A 2xx: its body carries the lines.
    Connected(reqwest::Body),
    /// An HTTP error, read.
    Refused(ErrorResponse),
    /// No response.
    NetworkError,
    /// The middleware did not send it (a block, an exhausted window).
    NotSent(NotSent),
    /// Nothing a reconnect can change (an invalid request, another middleware's error).
    Failed(StreamError),
}

/// Waits `wait`, takes the lease (keeping `lease` if still held), connects.
pub(crate) async fn connect(
    setup: Arc<Setup>,
    wait: Duration,
    lease: Option<LeaseGuard>,
    backfill: Option<u8>,
) -> (Answer, Option<LeaseGuard>) {
    if !wait.is_zero() {
        setup.inner.sleeper.sleep(wait).await;
    }
    let Some(mut builder) = lock_template(&setup).try_clone() else {
        let error = StreamError::Setup("the stream's request has a body that cannot be resent");
        return (Answer::Failed(error), lease);
    };
    let mut extensions = builder.extensions().clone();
    let options = extensions
        .get::<RequestOptions>()
        .cloned()
        .unwrap_or_default()
        .no_retries();
    let (client, request) = builder.build_split();
    let mut request = match request {
        Ok(request) => request,
        Err(error) => return (Answer::Failed(StreamError::Request(error.into())), lease),
    };
    if let Some(minutes) = backfill {
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("backfill_minutes", &minutes.to_string());
    }
    let lease = match lease.filter(|held| !held.is_lost()) {
        Some(held) => held,
        None => {
            let key = lease_key(&setup.inner, &options, &extensions, &request);
            LeaseGuard::acquire(Arc::clone(&setup.leasing), key).await
        }
    };
    extensions.insert(options);
    let answer = match client
        .execute_with_extensions(request, &mut extensions)
        .await
    {
        Ok(response) if response.status().is_success() => {
            Answer::Connected(http::Response::<reqwest::Body>::from(response).into_body())
        }
        Ok(response) => Answer::Refused(refusal(response, &setup.inner).await),
        Err(error) => match NotSent::find(&error) {
            Some(not_sent) => Answer::NotSent(not_sent.clone()),
            None => match error {
                reqwest_middleware::Error::Reqwest(error) if !error.is_builder() => {
                    tracing::info!(error = %error, "twerr: the stream's connect failed");
                    Answer::NetworkError
                }
                other => Answer::Failed(StreamError::Request(other)),
            },
        },
    };
    (answer, Some(lease))
}

fn lock_template(setup: &Setup) -> std::sync::MutexGuard<'_, reqwest_middleware::RequestBuilder> {
    setup
        .template
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The failure the middleware read, or read here when it did not (a status under 400).
async fn refusal(response: reqwest::Response, inner: &Inner) -> ErrorResponse {
    if let Some(parsed) = response.twerr_error() {
        return parsed.clone();
    }
    let read = body::read(response, inner.max_error_body, inner.error_body_timeout).await;
    ErrorResponse::from_parts(
        read.response.status(),
        read.response.headers(),
        read.classify_by(),
    )
}

/// The lease of the request's app and stream, named as the middleware names them.
fn lease_key(
    inner: &Inner,
    options: &RequestOptions,
    extensions: &http::Extensions,
    request: &reqwest::Request,
) -> LeaseKey {
    let auth = identity::auth(request.headers());
    #[cfg(feature = "oauth1")]
    let signing = inner
        .signer
        .as_ref()
        .map(|signer| signer.identity(extensions));
    #[cfg(not(feature = "oauth1"))]
    let _ = extensions;
    let names = Names {
        credential_key: options.key.as_deref(),
        app: options.app.as_deref().or(inner.app.as_deref()),
        #[cfg(feature = "oauth1")]
        signer: signing.map(|s| (s.consumer_key, s.token)),
        #[cfg(not(feature = "oauth1"))]
        signer: None,
    };
    let key = identity::identify(
        &inner.hasher.0,
        &names,
        &auth,
        request.method(),
        request.url(),
    )
    .key;
    LeaseKey::new(key.app(), Arc::clone(key.endpoint_arc()))
}
