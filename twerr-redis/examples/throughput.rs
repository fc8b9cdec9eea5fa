//! Throughput of a fleet through the Redis store: 4 worker processes x 64 tasks, each task
//! sending GETs through `TwerrMiddleware` to a local HTTP server that answers like X (200,
//! a 15-minute window of 900 per credential), for 10 seconds.
//!
//! ```text
//! cargo run --release -p twerr-redis --example throughput
//! cargo run --release -p twerr-redis --features cluster --example throughput -- --cluster
//! cargo run --release -p twerr-redis --example throughput -- --memory
//! cargo run --release -p twerr-redis --example throughput -- --tasks 1
//! ```
//!
//! `--tasks N` sets the tasks per worker (64 by default): with 64, one Redis is saturated and
//! the store's time is mostly waiting in its queue; with 1, it is the round trips alone.
//!
//! The example starts its own `redis-server` (a unix socket), or with `--cluster` a Redis
//! Cluster of three masters and three replicas on loopback ports, or with `--memory` none
//! (each worker keeps its own `MemoryStore`: the baseline). It then spawns 4 copies of itself
//! as workers and prints:
//!
//! - requests per second, summed over the workers;
//! - Redis commands per request: the `INFO commandstats` delta over the run (every master's),
//!   divided by the requests sent; `evalsha` is the store's only round trip, the other
//!   commands run inside its scripts;
//! - the time the store adds to a request: its acquire, record and release calls, timed by a
//!   wrapping `RateLimitStore` and summed per request (median and 99th percentile), beside
//!   the whole request's time.
//!
//! 4,096 credentials (16 apps of 256 users each) share the load, so no window runs out. The
//! store's timeout is raised to 1 s: on a loaded machine the run measures Redis, not the
//! fallback book.
#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
#[allow(unused)]
mod common;

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twerr_core::{
    Acquire, BlockEntry, BookKey, CredentialId, LeaseAnswer, LeaseHolder, LeaseKey, MemoryStore,
    Observation, Permit, RateLimitStore, Reach, StoreFuture,
};
use twerr_reqwest::{RequestOptions, TwerrMiddleware};

const WORKERS: usize = 4;
const TASKS: usize = 64;
const SECONDS: u64 = 10;
const APPS: usize = 16;
const USERS: usize = 256;
const LIMIT: u64 = 900;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--worker") {
        return worker(&args[1..]);
    }
    let mut tasks = TASKS;
    if let Some(at) = args.iter().position(|a| a == "--tasks") {
        let n = args.get(at + 1).and_then(|n| n.parse().ok());
        let Some(n) = n.filter(|n| *n > 0) else {
            eprintln!("--tasks needs a number of tasks per worker, at least 1");
            std::process::exit(2);
        };
        tasks = n;
        args.drain(at..at + 2);
    }
    match args.first().map(String::as_str) {
        Some("--cluster") => lead(Mode::Cluster, tasks),
        Some("--memory") => lead(Mode::Memory, tasks),
        None => lead(Mode::Single, tasks),
        Some(other) => {
            eprintln!("unknown argument {other:?}: expected --cluster, --memory, --tasks N");
            std::process::exit(2);
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Single,
    Cluster,
    Memory,
}

/// The servers a run needs, kept alive (and killed when dropped).
enum Redis {
    None,
    Single(common::RedisServer),
    #[cfg(feature = "cluster")]
    Cluster(common::cluster::RedisCluster),
}

impl Redis {
    fn start(mode: Mode) -> Redis {
        match mode {
            Mode::Memory => Redis::None,
            Mode::Single => Redis::Single(common::RedisServer::start()),
            #[cfg(feature = "cluster")]
            Mode::Cluster => Redis::Cluster(common::cluster::RedisCluster::start()),
            #[cfg(not(feature = "cluster"))]
            Mode::Cluster => {
                eprintln!("--cluster needs the feature: add --features cluster");
                std::process::exit(2);
            }
        }
    }

    /// What the workers connect to: `memory`, `single URL` or `cluster URL,URL,...`.
    fn spec(&self) -> String {
        match self {
            Redis::None => "memory".into(),
            Redis::Single(server) => format!("single {}", server.url()),
            #[cfg(feature = "cluster")]
            Redis::Cluster(cluster) => format!("cluster {}", cluster.urls().join(",")),
        }
    }

    /// The URLs whose `INFO commandstats` count the store's commands: every master.
    async fn masters(&self) -> Vec<String> {
        match self {
            Redis::None => Vec::new(),
            Redis::Single(server) => vec![server.url()],
            #[cfg(feature = "cluster")]
            Redis::Cluster(cluster) => {
                let mut masters = Vec::new();
                for url in cluster.urls() {
                    if info(&url, "replication").await.contains("role:master") {
                        masters.push(url);
                    }
                }
                masters
            }
        }
    }
}

async fn info(url: &str, section: &str) -> String {
    let client = redis::Client::open(url).expect("a valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the run's redis-server");
    redis::cmd("INFO")
        .arg(section)
        .query_async(&mut connection)
        .await
        .expect("INFO")
}

/// Calls per command name from `INFO commandstats` (`cmdstat_evalsha:calls=12,...`).
fn commandstats(info: &str) -> BTreeMap<String, u64> {
    info.lines()
        .filter_map(|line| line.strip_prefix("cmdstat_")?.split_once(':'))
        .filter_map(|(name, stats)| {
            let calls = stats
                .strip_prefix("calls=")?
                .split(',')
                .next()?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .collect()
}

async fn commands(masters: &[String]) -> Vec<BTreeMap<String, u64>> {
    let mut out = Vec::new();
    for url in masters {
        out.push(commandstats(&info(url, "commandstats").await));
    }
    out
}

fn lead(mode: Mode, tasks: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let redis = Redis::start(mode);
    let (base, masters, before) = runtime.block_on(async {
        let base = serve().await;
        let masters = redis.masters().await;
        let before = commands(&masters).await;
        (base, masters, before)
    });
    // Every worker starts sending at the same instant, once all are connected.
    let start = now_ms() + 3000;
    let exe = std::env::current_exe().expect("the example's own path");
    let children: Vec<_> = (0..WORKERS)
        .map(|index| {
            Command::new(&exe)
                .arg("--worker")
                .args([index, tasks].map(|n| n.to_string()))
                .args([&base, &start.to_string()])
                .args(redis.spec().split(' '))
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn a worker")
        })
        .collect();
    let mut report = Report::default();
    for child in children {
        let output = child.wait_with_output().expect("a worker's output");
        assert!(output.status.success(), "a worker failed");
        report.add(&String::from_utf8_lossy(&output.stdout));
    }
    let after = runtime.block_on(commands(&masters));
    let name = match mode {
        Mode::Single => "one redis-server (unix socket)",
        Mode::Cluster => "Redis Cluster, 3 masters + 3 replicas (loopback TCP)",
        Mode::Memory => "MemoryStore in each worker (no Redis)",
    };
    println!("{WORKERS} processes x {tasks} tasks, {SECONDS} s, store: {name}");
    report.print();
    if !masters.is_empty() {
        print_commands(&before, &after, report.requests);
    }
}

/// Each command's calls over the run per request, summed over the masters.
fn print_commands(before: &[BTreeMap<String, u64>], after: &[BTreeMap<String, u64>], n: u64) {
    let mut total: BTreeMap<&str, u64> = BTreeMap::new();
    let mut per_master = Vec::new();
    for (before, after) in before.iter().zip(after) {
        for (name, calls) in after {
            let delta = calls - before.get(name).copied().unwrap_or(0);
            if name != "info" && delta > 0 {
                *total.entry(name).or_default() += delta;
            }
        }
        let evalsha = |stats: &BTreeMap<String, u64>| stats.get("evalsha").copied().unwrap_or(0);
        per_master.push(evalsha(after) - evalsha(before));
    }
    let per = |calls: u64| calls as f64 / n as f64;
    let inside: u64 = total
        .iter()
        .filter(|(name, _)| !["evalsha", "eval", "script|load"].contains(name))
        .map(|(_, calls)| calls)
        .sum();
    println!(
        "redis commands per request: {:.2} evalsha (round trips), {:.2} run inside the scripts",
        per(total.get("evalsha").copied().unwrap_or(0)),
        per(inside)
    );
    let each: Vec<String> = total
        .iter()
        .map(|(name, calls)| format!("{name} {:.2}", per(*calls)))
        .collect();
    println!("  by command: {}", each.join(", "));
    if per_master.len() > 1 {
        println!("  evalsha calls per master: {per_master:?}");
    }
}

#[derive(Default)]
struct Report {
    requests: u64,
    failed: u64,
    rate: f64,
    fell_back: usize,
    store: Vec<u64>,
    whole: Vec<u64>,
}

impl Report {
    /// A worker's output: `requests N failed N seconds S connected B`, then `store NS...`
    /// and `whole NS...` (one sample per request, nanoseconds).
    fn add(&mut self, output: &str) {
        let mut lines = output.lines();
        let head: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
        let field = |name: &str| {
            let at = head.iter().position(|w| *w == name).expect("a field");
            head[at + 1]
        };
        let requests: u64 = field("requests").parse().expect("a count");
        self.requests += requests;
        self.failed += field("failed").parse::<u64>().expect("a count");
        self.rate += requests as f64 / field("seconds").parse::<f64>().expect("seconds");
        self.fell_back += usize::from(field("connected") == "false");
        for line in lines {
            let mut words = line.split(' ');
            let samples = match words.next() {
                Some("store") => &mut self.store,
                Some("whole") => &mut self.whole,
                _ => continue,
            };
            samples.extend(words.filter_map(|w| w.parse::<u64>().ok()));
        }
    }

    fn print(&mut self) {
        println!(
            "requests: {} ({} not answered 200), {:.0} per second",
            self.requests, self.failed, self.rate
        );
        if self.fell_back > 0 {
            println!(
                "  {} workers were on their fallback book at the end",
                self.fell_back
            );
        }
        for (what, samples) in [
            ("store time per request", &mut self.store),
            ("whole request", &mut self.whole),
        ] {
            samples.sort_unstable();
            let at = |q: usize| samples.get(samples.len() * q / 100).copied().unwrap_or(0);
            let us = |ns: u64| ns as f64 / 1000.0;
            println!(
                "{what}: median {:.1} µs, p99 {:.1} µs",
                us(at(50)),
                us(at(99))
            );
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A keep-alive HTTP server answering every request 200 with the `x-rate-limit-*` headers of
/// a 15-minute window of [`LIMIT`] per credential (the `authorization` header), counted as X
/// counts it.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let windows: Arc<Mutex<HashMap<String, (u64, u64)>>> = Arc::default();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let windows = Arc::clone(&windows);
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                        buffer.drain(..end + 4);
                        let reply = answer(&head, &windows);
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
    base
}

fn answer(head: &str, windows: &Mutex<HashMap<String, (u64, u64)>>) -> Vec<u8> {
    let credential = head
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map_or_else(String::new, |(_, value)| value.trim().to_owned());
    let now = SystemTime::now();
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (reset, used) = {
        let mut windows = windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows.entry(credential).or_insert((secs + 900, 0));
        if secs >= window.0 {
            *window = (secs + 900, 0);
        }
        window.1 += 1;
        *window
    };
    let (status, body) = if used > LIMIT {
        ("429 Too Many Requests", &br#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#[..])
    } else {
        (
            "200 OK",
            &br#"{"data":{"id":"2244994945","name":"X Dev","username":"XDevelopers"}}"#[..],
        )
    };
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ndate: {}\r\n\
         x-rate-limit-limit: {LIMIT}\r\nx-rate-limit-remaining: {}\r\n\
         x-rate-limit-reset: {reset}\r\ncontent-length: {}\r\n\r\n",
        httpdate::fmt_http_date(now),
        LIMIT.saturating_sub(used),
        body.len()
    );
    [head.as_bytes(), body].concat()
}

tokio::task_local! {
    /// Nanoseconds the current request spent in store calls.
    static SPENT: Cell<u64>;
}

/// Forwards every call to the store it wraps, adding the time each call takes (creating
/// its future, where `MemoryStore` does its work, and awaiting it) to the task's [`SPENT`].
struct Timed(Arc<dyn RateLimitStore>);

fn timed<'a, T: Send + 'a>(start: Instant, call: StoreFuture<'a, T>) -> StoreFuture<'a, T> {
    Box::pin(async move {
        let out = call.await;
        let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let _ = SPENT.try_with(|total| total.set(total.get() + spent));
        out
    })
}

impl RateLimitStore for Timed {
    fn acquire<'a>(&'a self, key: &'a BookKey, now: SystemTime) -> StoreFuture<'a, Acquire> {
        let start = Instant::now();
        timed(start, self.0.acquire(key, now))
    }
    fn record<'a>(
        &'a self,
        permit: Permit,
        seen: Observation,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        let start = Instant::now();
        timed(start, self.0.record(permit, seen, now))
    }
    fn release<'a>(&'a self, permit: Permit, now: SystemTime) -> StoreFuture<'a, ()> {
        let start = Instant::now();
        timed(start, self.0.release(permit, now))
    }
    fn blocks<'a>(&'a self, now: SystemTime) -> StoreFuture<'a, Vec<BlockEntry>> {
        self.0.blocks(now)
    }
    fn lift<'a>(&'a self, reach: Reach, holder: CredentialId) -> StoreFuture<'a, bool> {
        self.0.lift(reach, holder)
    }
    fn acquire_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, LeaseAnswer> {
        self.0.acquire_lease(lease, holder, ttl, now)
    }
    fn renew_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        self.0.renew_lease(lease, holder, ttl, now)
    }
    fn release_lease<'a>(
        &'a self,
        lease: &'a LeaseKey,
        holder: LeaseHolder,
        now: SystemTime,
    ) -> StoreFuture<'a, bool> {
        self.0.release_lease(lease, holder, now)
    }
}

/// A worker: `--worker INDEX TASKS BASE START_MS memory|single URL|cluster URL,URL,...`.
fn worker(args: &[String]) {
    let [index, tasks, base, start, kind, rest @ ..] = args else {
        panic!("worker arguments: INDEX TASKS BASE START_MS STORE [URLS]");
    };
    let index: usize = index.parse().expect("an index");
    let tasks: usize = tasks.parse().expect("a number of tasks");
    let start: u64 = start.parse().expect("a start instant");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let builder = twerr_redis::RedisStore::builder().timeout(Duration::from_secs(1));
        let redis = match (kind.as_str(), rest) {
            ("memory", _) => None,
            ("single", [url]) => Some(builder.connect(url).await.expect("connect")),
            #[cfg(feature = "cluster")]
            ("cluster", [urls]) => Some(
                builder
                    .connect_cluster(urls.split(','))
                    .await
                    .expect("connect to the cluster"),
            ),
            _ => panic!("unknown store {kind:?}"),
        };
        let inner: Arc<dyn RateLimitStore> = match &redis {
            Some(store) => Arc::clone(store) as Arc<dyn RateLimitStore>,
            None => Arc::new(MemoryStore::new()),
        };
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(
                TwerrMiddleware::builder()
                    .store(Arc::new(Timed(inner)))
                    .build(),
            )
            .build();
        let url = format!("{base}/2/users/me");
        let wait = start.saturating_sub(now_ms());
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let began = Instant::now();
        let end = began + Duration::from_secs(SECONDS);
        let tasks: Vec<_> = (0..tasks)
            .map(|task| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(SPENT.scope(Cell::new(0), async move {
                    let (mut failed, mut store, mut whole) = (0u64, Vec::new(), Vec::new());
                    let mut n = index * tasks + task;
                    while Instant::now() < end {
                        // Credentials in turn: 16 apps of 256 users each.
                        let (app, user) = (n % APPS, n % (APPS * USERS));
                        n += WORKERS * tasks;
                        let sent = Instant::now();
                        let response = client
                            .get(&url)
                            .bearer_auth(format!("user-token-{user}"))
                            .with_extension(RequestOptions::new().app(format!("app-{app}")))
                            .send()
                            .await;
                        whole.push(u64::try_from(sent.elapsed().as_nanos()).unwrap_or(u64::MAX));
                        store.push(SPENT.with(|spent| spent.replace(0)));
                        if !response.is_ok_and(|r| r.status().is_success()) {
                            failed += 1;
                        }
                    }
                    (failed, store, whole)
                }))
            })
            .collect();
        let (mut failed, mut store, mut whole) = (0, Vec::new(), Vec::new());
        for task in tasks {
            let (f, s, w) = task.await.expect("a task");
            failed += f;
            store.extend(s);
            whole.extend(w);
        }
        let seconds = began.elapsed().as_secs_f64();
        let connected = redis.as_ref().is_none_or(|store| store.is_connected());
        let line = |name: &str, samples: &[u64]| {
            let words: Vec<String> = samples.iter().map(u64::to_string).collect();
            format!("{name} {}", words.join(" "))
        };
        println!(
            "requests {} failed {failed} seconds {seconds} connected {connected}",
            store.len()
        );
        println!("{}", line("store", &store));
        println!("{}", line("whole", &whole));
    });
}
