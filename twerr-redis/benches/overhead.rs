//! Per-request cost of the Redis store against the in-memory store: the same middleware, the
//! same keep-alive HTTP server on 127.0.0.1, a real `redis-server` on a unix socket. Before
//! the timings it prints how many Redis commands (each one round trip) a request costs,
//! counted from `INFO commandstats`.
//!
//! `cargo bench -p twerr-redis --bench overhead`
#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest_middleware::ClientWithMiddleware;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;
use twerr_core::{MemoryStore, RateLimitStore};
use twerr_reqwest::TwerrMiddleware;

struct Setup {
    runtime: Runtime,
    url: String,
    bare: reqwest::Client,
    memory: ClientWithMiddleware,
    redis: ClientWithMiddleware,
    server: common::RedisServer,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let server = common::RedisServer::start();
        let (url, store) = runtime.block_on(async {
            let url = serve().await;
            let store = twerr_redis::RedisStore::connect(&server.url())
                .await
                .expect("connect to the benchmark's redis-server");
            (url, store)
        });
        let with = |store: Arc<dyn RateLimitStore>| {
            reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                .with(TwerrMiddleware::builder().store(store).build())
                .build()
        };
        Setup {
            url,
            bare: reqwest::Client::new(),
            memory: with(Arc::new(MemoryStore::new())),
            redis: with(store),
            runtime,
            server,
        }
    })
}

/// A keep-alive server answering every request with a 200 and a roomy window that resets in
/// 15 minutes of real time.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/2/users/me",
        listener.local_addr().expect("address")
    );
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        buffer.drain(..end + 4);
                        let reset = SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs())
                            + 900;
                        let body = br#"{"data":{"id":"20"}}"#;
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                             x-rate-limit-limit: 1000000\r\nx-rate-limit-remaining: 999999\r\n\
                             x-rate-limit-reset: {reset}\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        let reply = [head.as_bytes(), body].concat();
                        if stream.write_all(&reply).await.is_err() {
                            return;
                        }
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    url
}

const TOKEN: &str = "benchmark-bearer-token";

fn send(client: &ClientWithMiddleware, url: &str) {
    let setup = setup();
    let status = setup.runtime.block_on(async {
        let response = client.get(url).bearer_auth(TOKEN).send().await;
        response.expect("a response").status()
    });
    assert!(status.is_success());
}

/// (script calls the clients sent, commands the scripts ran) so far, from
/// `INFO commandstats`: every command a client sends is one round trip, and the store sends
/// only script calls; the commands a script runs inside Redis cost no round trip.
fn commands(connection: &mut redis::aio::MultiplexedConnection, runtime: &Runtime) -> (u64, u64) {
    let info: String = runtime
        .block_on(
            redis::cmd("INFO")
                .arg("commandstats")
                .query_async(connection),
        )
        .expect("INFO");
    let (mut sent, mut inside) = (0, 0);
    for line in info.lines() {
        let Some((name, stats)) = line
            .strip_prefix("cmdstat_")
            .and_then(|l| l.split_once(':'))
        else {
            continue;
        };
        let calls = stats
            .split("calls=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        match name {
            "evalsha" | "eval" | "script" => sent += calls,
            "info" => {}
            _ => inside += calls,
        }
    }
    (sent, inside)
}

fn main() {
    let setup = setup();
    let mut inspect = setup.runtime.block_on(setup.server.inspect());
    send(&setup.redis, &setup.url); // the window is known from here on
    let before = commands(&mut inspect, &setup.runtime);
    let requests = 1000;
    for _ in 0..requests {
        send(&setup.redis, &setup.url);
    }
    let after = commands(&mut inspect, &setup.runtime);
    let per = |n: u64| n as f64 / f64::from(requests);
    println!(
        "redis round trips per request: {:.2} script calls; {:.2} commands run inside the \
         scripts ({requests} requests)",
        per(after.0 - before.0),
        per(after.1 - before.1)
    );
    divan::main();
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn bare_client() {
    let setup = setup();
    let status = setup.runtime.block_on(async {
        let response = setup.bare.get(&setup.url).bearer_auth(TOKEN).send().await;
        response.expect("a response").status()
    });
    assert!(status.is_success());
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn memory_store() {
    let setup = setup();
    send(&setup.memory, &setup.url);
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn redis_store() {
    let setup = setup();
    send(&setup.redis, &setup.url);
}
