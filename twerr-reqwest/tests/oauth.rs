//! OAuth 1.0a: signed after the middleware, every attempt carries a fresh signature; a
//! request signed before it is never resent with its old one.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{ClientBuilder, Middleware, Next};
use twerr_core::NoJitter;
use twerr_reqwest::{RequestOptions, TwerrMiddleware, TwerrResponseExt};

/// Stands in for an OAuth 1.0a signer: a new nonce, timestamp and signature on every call.
/// (Computing a real HMAC-SHA1 signature would not change what is tested: that each attempt
/// passes through the signer again.)
struct Signer(AtomicU64);

#[async_trait::async_trait]
impl Middleware for Signer {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        let value = format!(
            r#"OAuth oauth_consumer_key="ck", oauth_nonce="nonce{n}", oauth_signature="sig{n}", oauth_signature_method="HMAC-SHA1", oauth_timestamp="{}", oauth_token="123-tok", oauth_version="1.0""#,
            1_705_420_000 + n
        );
        let header = http::HeaderValue::from_str(&value).expect("header");
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, header);
        next.run(request, extensions).await
    }
}

fn nonce(received: &Received) -> String {
    let auth = received.header("authorization").unwrap_or_default();
    auth.split(", ")
        .find_map(|p| p.strip_prefix("oauth_nonce=\""))
        .map(|p| p.trim_end_matches('"').to_owned())
        .unwrap_or_default()
}

fn middleware(clock: &Arc<FakeClock>) -> TwerrMiddleware {
    TwerrMiddleware::builder()
        .clock(clock.clone())
        .sleeper(FakeSleeper::new(Arc::clone(clock)))
        .jitter(Arc::new(NoJitter))
        .build()
}

#[tokio::test]
async fn signing_after_the_middleware_signs_every_attempt_afresh() {
    let server = Server::start([capture_reply("rate-limit-88-date.crlf.txt"), ok()]).await;
    let clock = FakeClock::new(at(1_705_420_000));
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware(&clock))
        .with(Signer(AtomicU64::new(0)))
        .build();
    let response = client
        .post(server.url("/1.1/statuses/update.json"))
        .with_extension(RequestOptions::new().credential_key("123-tok"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.twerr_attempts().map(|a| a.sent()), Some(2));
    let nonces: Vec<_> = server.received().iter().map(nonce).collect();
    assert_eq!(
        nonces,
        ["nonce0", "nonce1"],
        "the resend carries a new signature"
    );
}

#[tokio::test]
async fn a_request_signed_before_the_middleware_is_not_resent() {
    let server = Server::start([capture_reply("rate-limit-88-date.crlf.txt"), ok()]).await;
    let clock = FakeClock::new(at(1_705_420_000));
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(Signer(AtomicU64::new(0)))
        .with(middleware(&clock))
        .build();
    let response = client
        .post(server.url("/1.1/statuses/update.json"))
        .send()
        .await
        .expect("response");
    assert_eq!(
        response.status(),
        429,
        "returned, not resent with the same nonce"
    );
    assert_eq!(server.received().len(), 1);
}
