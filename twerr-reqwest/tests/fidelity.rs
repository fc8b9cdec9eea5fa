//! The caller gets what the bare reqwest client would have returned: the same status,
//! version, headers, extensions, URL and body, for a success and for an error whose body the
//! middleware read.

mod common;

use common::*;
use reqwest_middleware::ClientBuilder;
use twerr_core::NoJitter;
use twerr_reqwest::{TwerrMiddleware, TwerrResponseExt};

struct Seen {
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    url: String,
    content_length: Option<u64>,
    remote_ip: Option<std::net::IpAddr>,
    extensions: usize,
    body: Vec<u8>,
}

async fn seen(response: reqwest::Response) -> Seen {
    let mut seen = Seen {
        status: response.status(),
        version: response.version(),
        headers: response.headers().clone(),
        url: response.url().to_string(),
        content_length: response.content_length(),
        remote_ip: response.remote_addr().map(|a| a.ip()),
        extensions: response.extensions().len(),
        body: Vec::new(),
    };
    seen.body = response.bytes().await.expect("body").to_vec();
    seen
}

async fn compare(capture: &str, path: &str, added: usize) {
    let server = Server::start([capture_reply(capture), capture_reply(capture)]).await;
    let url = server.url(path);
    let bare = seen(reqwest::Client::new().get(&url).send().await.expect("bare")).await;
    let middleware = TwerrMiddleware::builder()
        .jitter(std::sync::Arc::new(NoJitter))
        .policy(twerr_core::RetryPolicy::default().with_max_attempts(1))
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    let response = client.get(&url).send().await.expect("with middleware");
    assert_eq!(response.twerr_attempts().map(|a| a.sent()), Some(1));
    // A failure adds the parsed error and why the middleware stopped beside the attempts.
    assert_eq!(response.twerr_error().is_some(), added == 3);
    assert_eq!(response.twerr_give_up().is_some(), added == 3);
    let ours = seen(response).await;
    assert_eq!(ours.status, bare.status, "{capture}");
    assert_eq!(ours.version, bare.version, "{capture}");
    assert_eq!(ours.headers, bare.headers, "{capture}");
    assert_eq!(ours.url, bare.url, "{capture}");
    assert_eq!(ours.content_length, bare.content_length, "{capture}");
    assert_eq!(ours.remote_ip, bare.remote_ip, "{capture}");
    assert_eq!(
        ours.extensions,
        bare.extensions + added,
        "{capture}: ours adds only its own"
    );
    assert_eq!(ours.body, bare.body, "{capture}");
    assert_eq!(
        ours.body,
        common::capture(capture).2,
        "{capture}: the recorded body"
    );
}

#[tokio::test]
async fn a_success_is_returned_as_the_bare_client_returns_it() {
    compare("partial-200-not-found.lf.txt", "/2/tweets/1?ids=x", 1).await;
}

#[tokio::test]
async fn an_error_whose_body_was_read_is_returned_as_the_bare_client_returns_it() {
    compare("problem-json-403-duplicate.crlf.txt", "/2/tweets?x=1", 3).await;
    compare("oauth-text-401.crlf.txt", "/oauth/request_token", 3).await;
    compare(
        "banner-422-headers-only.crlf.txt",
        "/1.1/account/update_profile_banner.json",
        3,
    )
    .await;
}
