//! The middleware's overhead on success responses: the same GET against the same local
//! server, with the bare reqwest client, reqwest-middleware's client with an empty chain and
//! with a pass-through middleware (what any middleware costs), and with `TwerrMiddleware`
//! (default configuration: in-memory store, credential hashing, endpoint template, header
//! recording). Loopback medians swing by tens of microseconds from run to run on a small
//! machine; the `in_process` rows take the network out.
//!
//! `cargo bench -p twerr-reqwest --bench overhead`

#[path = "../tests/common/mod.rs"]
#[allow(missing_docs, unreachable_pub)]
mod common;

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use divan::Bencher;
use reqwest_middleware::ClientBuilder;
use twerr_reqwest::TwerrMiddleware;

fn main() {
    divan::main();
}

/// A keep-alive server on its own thread and runtime, so it does not share the client's.
fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async {
                let server = common::Server::start([]).await;
                // A real success's headers; the window is so large that the bench never
                // exhausts it, which leaves the book's work per request unchanged.
                let reset = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() + 900);
                let headers = [
                    (
                        "content-type".to_owned(),
                        "application/json; charset=utf-8".to_owned(),
                    ),
                    ("x-rate-limit-limit".to_owned(), "1000000000".to_owned()),
                    ("x-rate-limit-remaining".to_owned(), "999999999".to_owned()),
                    ("x-rate-limit-reset".to_owned(), reset.to_string()),
                ];
                let body =
                    br#"{"data":{"id":"2244994945","name":"X Dev","username":"XDevelopers"}}"#;
                server.fallback(common::Reply::KeepAlive(common::response(
                    200, &headers, body,
                )));
                let _ = sender.send(server.url("/2/users/2244994945?user.fields=id"));
                std::future::pending::<()>().await;
            });
        });
        receiver.recv().expect("server started")
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

#[divan::bench]
fn bare(bencher: Bencher) {
    let runtime = runtime();
    let client = reqwest::Client::new();
    let url = url();
    bencher.bench_local(|| {
        runtime.block_on(async {
            let response = client
                .get(url)
                .bearer_auth("AAAA")
                .send()
                .await
                .expect("response");
            response.bytes().await.expect("body")
        })
    });
}

/// Any middleware's cost, for comparison: one that hands the request on and returns what
/// comes back.
struct PassThrough;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for PassThrough {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        next.run(request, extensions).await
    }
}

fn through(bencher: Bencher, client: reqwest_middleware::ClientWithMiddleware) {
    let runtime = runtime();
    let url = url();
    bencher.bench_local(|| {
        runtime.block_on(async {
            let response = client
                .get(url)
                .bearer_auth("AAAA")
                .send()
                .await
                .expect("response");
            response.bytes().await.expect("body")
        })
    });
}

/// Baseline: reqwest-middleware's client with no middleware at all.
#[divan::bench]
fn empty_chain(bencher: Bencher) {
    through(bencher, ClientBuilder::new(reqwest::Client::new()).build());
}

/// Baseline: a middleware that does nothing.
#[divan::bench]
fn pass_through(bencher: Bencher) {
    through(
        bencher,
        ClientBuilder::new(reqwest::Client::new())
            .with(PassThrough)
            .build(),
    );
}

#[divan::bench]
fn middleware(bencher: Bencher) {
    let runtime = runtime();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(TwerrMiddleware::default())
        .build();
    let url = url();
    bencher.bench_local(|| {
        runtime.block_on(async {
            let response = client
                .get(url)
                .bearer_auth("AAAA")
                .send()
                .await
                .expect("response");
            response.bytes().await.expect("body")
        })
    });
}

/// Sends GET `url` through `client` in every iteration; the response is dropped unread.
fn send_in_process(bencher: Bencher, client: reqwest_middleware::ClientWithMiddleware, url: &str) {
    let runtime = runtime();
    bencher.bench_local(|| {
        runtime.block_on(async {
            client
                .get(url)
                .bearer_auth("AAAA")
                .send()
                .await
                .expect("response")
        })
    });
}

/// The middleware's own work per success, without the network.
mod parts {
    use super::*;

    #[divan::bench]
    fn credential_key() -> twerr_core::CredentialId {
        twerr_reqwest::credential_key_v1(
            divan::black_box(twerr_reqwest::DEFAULT_HASHING_KEY),
            divan::black_box(
                "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F",
            ),
        )
    }

    /// The endpoint key of each version, for a path of X's spec and for one outside it
    /// (version 2's fallback rules).
    #[divan::bench(
        args = [
            "https://api.x.com/2/users/2244994945?user.fields=id",
            "https://api.x.com/1.1/statuses/show/1460323737035677698.json",
        ],
        consts = [1, 2],
    )]
    fn endpoint_key<const VERSION: u8>(bencher: Bencher, url: &str) {
        let url = reqwest::Url::parse(url).expect("url");
        let key = match VERSION {
            1 => twerr_reqwest::endpoint_key_v1,
            _ => twerr_reqwest::endpoint_key_v2,
        };
        bencher.bench(|| key(&reqwest::Method::GET, divan::black_box(&url)));
    }

    #[divan::bench]
    fn request_clone(bencher: Bencher) {
        let client = reqwest::Client::new();
        let request = client
            .get("https://api.x.com/2/users/2244994945?user.fields=id")
            .bearer_auth("AAAA")
            .build()
            .expect("request");
        bencher.bench(|| divan::black_box(&request).try_clone());
    }

    #[divan::bench]
    fn store_round_trip(bencher: Bencher) {
        use twerr_core::{Acquire, BookKey, CredentialId, MemoryStore, Observation, RateLimit};
        let store = MemoryStore::new();
        let key = BookKey::new(
            CredentialId::from_bytes([2; 16]),
            CredentialId::from_bytes([1; 16]),
            "GET api.x.com /2/users/:id",
        );
        let mut headers = reqwest::header::HeaderMap::new();
        let reset = (SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            + 900)
            .to_string();
        headers.insert("x-rate-limit-limit", "1000000000".parse().expect("v"));
        headers.insert("x-rate-limit-remaining", "999999999".parse().expect("v"));
        headers.insert("x-rate-limit-reset", reset.parse().expect("v"));
        headers.insert("content-type", "application/json".parse().expect("v"));
        bencher.bench(|| {
            let now = SystemTime::now();
            let Acquire::Go(permit) = store.book().acquire(&key, now) else {
                return;
            };
            let seen = RateLimit::from_headers(&headers)
                .map(|l| Observation::from_rate_limit(&l, now))
                .unwrap_or_default();
            store.book().record(permit, seen, now);
        });
    }
}

/// The middleware's own time per success, the network taken out: a last middleware answers
/// every request with a canned success, so the difference between the two is all
/// `TwerrMiddleware`'s.
mod in_process {
    use super::*;

    /// Answers without sending: a success with a real success's rate-limit headers.
    struct Canned(Vec<(String, String)>);

    #[async_trait::async_trait]
    impl reqwest_middleware::Middleware for Canned {
        async fn handle(
            &self,
            _request: reqwest::Request,
            _extensions: &mut http::Extensions,
            _next: reqwest_middleware::Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            let mut response = http::Response::builder().status(200);
            for (name, value) in &self.0 {
                response = response.header(name, value);
            }
            let response = response
                .body(reqwest::Body::from(&br#"{"data":{"id":"2244994945"}}"#[..]))
                .expect("response");
            Ok(reqwest::Response::from(response))
        }
    }

    fn canned() -> Canned {
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + 900);
        Canned(vec![
            ("content-type".into(), "application/json".into()),
            ("x-rate-limit-limit".into(), "1000000000".into()),
            ("x-rate-limit-remaining".into(), "999999999".into()),
            ("x-rate-limit-reset".into(), reset.to_string()),
        ])
    }

    fn run(bencher: Bencher, client: reqwest_middleware::ClientWithMiddleware) {
        send_in_process(
            bencher,
            client,
            "https://api.x.com/2/users/2244994945?user.fields=id",
        );
    }

    #[divan::bench]
    fn without(bencher: Bencher) {
        run(
            bencher,
            ClientBuilder::new(reqwest::Client::new())
                .with(canned())
                .build(),
        );
    }

    #[divan::bench]
    fn pass_through(bencher: Bencher) {
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(PassThrough)
            .with(canned())
            .build();
        run(bencher, client);
    }

    #[divan::bench]
    fn with_middleware(bencher: Bencher) {
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(TwerrMiddleware::default())
            .with(canned())
            .build();
        run(bencher, client);
    }
}

/// The middleware's own time per failure, the network taken out: a 404 with X's body for a
/// missing post, which is not retried, so each iteration reads, parses and records one error
/// body.
mod in_process_error {
    use super::*;

    /// Answers without sending: a 404 of the v2 API.
    struct NotFound;

    #[async_trait::async_trait]
    impl reqwest_middleware::Middleware for NotFound {
        async fn handle(
            &self,
            _request: reqwest::Request,
            _extensions: &mut http::Extensions,
            _next: reqwest_middleware::Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            let response = http::Response::builder()
                .status(404)
                .header("content-type", "application/json; charset=utf-8")
                .body(reqwest::Body::from(
                    &br#"{"errors":[{"value":"1","detail":"Could not find tweet with id: [1].","title":"Not Found Error","resource_type":"tweet","parameter":"id","resource_id":"1","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#[..],
                ))
                .expect("response");
            Ok(reqwest::Response::from(response))
        }
    }

    fn run(bencher: Bencher, client: reqwest_middleware::ClientWithMiddleware) {
        send_in_process(bencher, client, "https://api.x.com/2/tweets/1");
    }

    #[divan::bench]
    fn without(bencher: Bencher) {
        run(
            bencher,
            ClientBuilder::new(reqwest::Client::new())
                .with(NotFound)
                .build(),
        );
    }

    #[divan::bench]
    fn with_middleware(bencher: Bencher) {
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(TwerrMiddleware::default())
            .with(NotFound)
            .build();
        run(bencher, client);
    }
}
