//! The middleware's overhead on success responses: the same GET against the same local
//! server, with the bare reqwest client and with `TwerrMiddleware` (default configuration:
//! in-memory store, credential hashing, endpoint template, header recording).
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

#[divan::bench]
fn chain_only(bencher: Bencher) {
    let runtime = runtime();
    let client = ClientBuilder::new(reqwest::Client::new()).build();
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
