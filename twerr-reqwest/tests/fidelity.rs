//! The caller gets what the bare reqwest client would have returned: the same status,
//! version, headers, extensions, URL, `content_length()` and body, for every recorded
//! response (success and failure), for an error body longer than the read cap and for a
//! chunked one.

mod common;

use common::*;
use reqwest_middleware::ClientBuilder;
use twerr_core::NoJitter;
use twerr_reqwest::{TwerrMiddleware, TwerrMiddlewareBuilder, TwerrResponseExt};

/// Every capture of `twerr-cli/tests/fixtures/captures` but this `curl -v` trace: its
/// response is `rate-limit-88.crlf.txt`'s, among curl's own lines.
const NOT_A_RESPONSE: &str = "verbose-rate-limit-88.lf.txt";

struct Seen {
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    url: String,
    content_length: Option<u64>,
    remote_ip: Option<std::net::IpAddr>,
    extensions: usize,
    /// `None`: reading it failed.
    body: Option<Vec<u8>>,
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
        body: None,
    };
    seen.body = response.bytes().await.ok().map(|b| b.to_vec());
    seen
}

/// Serves `served` to the bare client and to one with the middleware (configured by
/// `configure`, one attempt), and compares what each caller gets; both get `body` (`None`:
/// both fail to read it).
async fn compare(
    name: &str,
    served: Reply,
    body: Option<&[u8]>,
    configure: impl FnOnce(TwerrMiddlewareBuilder) -> TwerrMiddlewareBuilder,
) {
    let server = Server::start([served.clone(), served]).await;
    let url = server.url("/2/tweets?ids=1");
    let bare = seen(reqwest::Client::new().get(&url).send().await.expect("bare")).await;
    let middleware = configure(
        TwerrMiddleware::builder()
            .jitter(std::sync::Arc::new(NoJitter))
            .policy(twerr_core::RetryPolicy::default().with_max_attempts(1)),
    )
    .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    let response = client.get(&url).send().await.expect("with middleware");
    assert_eq!(response.twerr_attempts().map(|a| a.sent()), Some(1));
    // A failure adds the parsed error and why the middleware stopped beside the attempts.
    let failure = response.status().as_u16() >= 400;
    assert_eq!(response.twerr_error().is_some(), failure, "{name}");
    assert_eq!(response.twerr_give_up().is_some(), failure, "{name}");
    let added = if failure { 3 } else { 1 };
    let ours = seen(response).await;
    assert_eq!(ours.status, bare.status, "{name}");
    assert_eq!(ours.version, bare.version, "{name}");
    assert_eq!(ours.headers, bare.headers, "{name}");
    assert_eq!(ours.url, bare.url, "{name}");
    assert_eq!(ours.content_length, bare.content_length, "{name}");
    assert_eq!(ours.remote_ip, bare.remote_ip, "{name}");
    assert_eq!(
        ours.extensions,
        bare.extensions + added,
        "{name}: ours adds only its own"
    );
    assert_eq!(ours.body, bare.body, "{name}");
    assert_eq!(ours.body.as_deref(), body, "{name}: the served body");
}

#[tokio::test]
async fn every_recorded_response_is_returned_as_the_bare_client_returns_it() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../twerr-cli/tests/fixtures/captures"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("captures")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".txt") && name != NOT_A_RESPONSE)
        .collect();
    names.sort();
    assert!(names.len() >= 9, "{names:?}");
    let mut statuses = Vec::new();
    for name in &names {
        statuses.push(capture(name).0);
        compare(name, capture_reply(name), Some(&capture(name).2), |b| b).await;
    }
    // Successes and failures alike.
    assert!(statuses.contains(&200) && statuses.iter().any(|&s| s >= 400));
}

#[tokio::test]
async fn a_body_cut_at_the_cap_keeps_its_length() {
    let (status, real) = real_body("dev-00");
    let mut body = real;
    body.resize(1000, b' ');
    let served = reply(status, &[("content-type", "application/json")], &body);
    compare("1,000 bytes cut at 500", served, Some(&body), |b| {
        b.max_error_body(500)
    })
    .await;
}

#[tokio::test]
async fn a_body_broken_off_keeps_its_announced_length() {
    let (status, real) = real_body("dev-00");
    let mut body = real;
    body.resize(1000, b' ');
    let Reply::Close(mut bytes) = reply(status, &[], &body) else {
        unreachable!("reply closes")
    };
    // The connection closes after 500 of the 1,000 bytes announced.
    bytes.truncate(bytes.len() - 500);
    compare(
        "1,000 bytes announced, 500 sent",
        Reply::Close(bytes),
        None,
        |b| b,
    )
    .await;
}

#[tokio::test]
async fn a_chunked_error_body_has_no_length_as_for_the_bare_client() {
    let (status, body) = real_body("dev-00");
    let served = chunked(status, &[("content-type", "application/json")], &body);
    compare("chunked, read whole", served, Some(&body), |b| b).await;
    let served = chunked(status, &[("content-type", "application/json")], &body);
    compare("chunked, cut at the cap", served, Some(&body), |b| {
        b.max_error_body(20)
    })
    .await;
    let served = chunked(404, &[], b"");
    compare("chunked, empty", served, Some(b""), |b| b).await;
}
