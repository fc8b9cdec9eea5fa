//! The stream reader against a scripted streaming server on 127.0.0.1 (chunked NDJSON, `\r\n`
//! keep-alives). Time is tokio's, paused: waits and stalls pass at once and are measured
//! exactly.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_core::Stream;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use twerr_core::{
    LeaseHolder, LeaseKey, MemoryStore, NoJitter, RateLimitStore, ReconnectCause, StopKind,
    StreamPolicy,
};
use twerr_reqwest::{
    Clock, DEFAULT_HASHING_KEY, LineStream, Sleeper, StreamError, StreamItem, TwerrMiddleware,
    credential_key_v1, endpoint_key_v2,
};

/// What the server does on one connection, in order.
#[derive(Clone, Debug)]
enum Step {
    /// A whole response with this status and body, then close.
    Reply(u16, &'static str),
    /// `200` with chunked encoding: the stream begins.
    Open,
    /// One chunk.
    Chunk(&'static str),
    /// The last chunk: a clean end.
    End,
    /// Keeps the connection open, sending nothing, until the client closes it.
    Silence,
}

#[derive(Clone, Default)]
struct Server {
    addr: String,
    scripts: Arc<Mutex<VecDeque<Vec<Step>>>>,
    targets: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
}

impl Server {
    async fn start(scripts: impl IntoIterator<Item = Vec<Step>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = Server {
            addr: format!("http://{}", listener.local_addr().expect("address")),
            scripts: Arc::new(Mutex::new(scripts.into_iter().collect())),
            ..Server::default()
        };
        let shared = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let script = shared.scripts.lock().unwrap().pop_front();
                let script = script.unwrap_or(vec![Step::Silence]);
                tokio::spawn(shared.clone().serve(socket, script));
            }
        });
        server
    }

    async fn serve(self, mut socket: TcpStream, script: Vec<Step>) {
        self.open.fetch_add(1, Ordering::SeqCst);
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let line = String::from_utf8_lossy(&head)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        let target = line.split(' ').nth(1).unwrap_or("").to_owned();
        self.targets.lock().unwrap().push(target);
        for step in script {
            let bytes = match step {
                Step::Reply(status, body) => format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                ),
                Step::Open => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                               transfer-encoding: chunked\r\n\r\n"
                    .to_owned(),
                Step::Chunk(text) => format!("{:x}\r\n{text}\r\n", text.len()),
                Step::End => "0\r\n\r\n".to_owned(),
                Step::Silence => {
                    // Until the client closes the connection.
                    while !matches!(socket.read(&mut buf).await, Ok(0) | Err(_)) {}
                    break;
                }
            };
            if socket.write_all(bytes.as_bytes()).await.is_err() {
                break;
            }
        }
        drop(socket);
        self.open.fetch_sub(1, Ordering::SeqCst);
    }

    fn url(&self) -> String {
        format!("{}/2/tweets/search/stream", self.addr)
    }

    fn connects(&self) -> usize {
        self.targets.lock().unwrap().len()
    }
}

/// The system time as tokio's (paused) clock moves it.
#[derive(Debug)]
struct TokioClock(SystemTime, Instant);

impl Clock for TokioClock {
    fn now(&self) -> SystemTime {
        self.0 + self.1.elapsed()
    }
}

/// Records each wait, then sleeps it on tokio's clock.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<Duration>>);

impl Sleeper for Recording {
    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(wait);
        Box::pin(tokio::time::sleep(wait))
    }
}

struct Worker {
    client: ClientWithMiddleware,
    middleware: TwerrMiddleware,
    slept: Arc<Recording>,
}

fn worker(store: Arc<dyn RateLimitStore>) -> Worker {
    let slept = Arc::new(Recording::default());
    let middleware = TwerrMiddleware::builder()
        .store(store)
        .clock(Arc::new(TokioClock(
            UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            Instant::now(),
        )))
        .sleeper(slept.clone())
        .jitter(Arc::new(NoJitter))
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware.clone())
        .build();
    Worker {
        client,
        middleware,
        slept,
    }
}

const TOKEN: &str = "AAAA-stream-token";

fn open(worker: &Worker, server: &Server, policy: StreamPolicy) -> LineStream {
    let request = worker.client.get(server.url()).bearer_auth(TOKEN);
    worker.middleware.stream(request).policy(policy).start()
}

async fn next(stream: &mut LineStream) -> Option<Result<StreamItem, StreamError>> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

fn line(item: Option<Result<StreamItem, StreamError>>) -> String {
    match item {
        Some(Ok(StreamItem::Line(line))) => String::from_utf8_lossy(&line).into_owned(),
        other => panic!("expected a line, got {other:?}"),
    }
}

fn reconnect(item: Option<Result<StreamItem, StreamError>>) -> twerr_core::Reconnect {
    match item {
        Some(Ok(StreamItem::Reconnecting(reconnect))) => reconnect,
        other => panic!("expected a reconnect, got {other:?}"),
    }
}

fn stop(item: Option<Result<StreamItem, StreamError>>) -> twerr_core::StreamStop {
    match item {
        Some(Err(StreamError::Stopped(stop))) => stop,
        other => panic!("expected a stop, got {other:?}"),
    }
}

/// Lets the runtime run other tasks (the server's) until `done`, at most `limit` of paused
/// time.
async fn until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

const UNAUTHORIZED: &str =
    r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;
/// pay-per-use.md item 1: koala73/worldmonitor #7156.
const CREDITS: &str = r#"{"title":"Payment Required","detail":"credits depleted","type":"https://api.x.com/2/problems/credits-depleted"}"#;
/// real-error-bodies.json dev-56 (tweepy/tweepy#1962).
const TOO_MANY: &str = r#"{"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit.","connection_issue":"TooManyConnections","type":"https://api.twitter.com/2/problems/streaming-connection"}"#;
const OPERATIONAL: &str = "{\"errors\":[{\"title\":\"operational-disconnect\",\"disconnect_type\":\"UpstreamOperationalDisconnect\",\"detail\":\"This stream has been disconnected upstream for operational reasons.\",\"type\":\"https://api.x.com/2/problems/operational-disconnect\"}]}\r\n";
const INVALID_RULES: &str = "{\"errors\":[{\"title\":\"operational-disconnect\",\"disconnect_type\":\"InvalidRules\",\"detail\":\"This stream has been disconnected because your rules are invalid.\",\"type\":\"https://api.x.com/2/problems/operational-disconnect\"}]}\r\n";

fn store() -> Arc<dyn RateLimitStore> {
    Arc::new(MemoryStore::new())
}

#[tokio::test(start_paused = true)]
async fn lines_arrive_in_order_once_keep_alives_and_partial_lines_never() {
    let server = Server::start([
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n\r\n{\"data\":"),
            Step::Chunk("{\"id\":\"2\"}}\r\n\r\n\r\n"),
            Step::End,
        ],
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"3\"}}\r\n{\"data\":{\"id"),
        ],
        vec![Step::Reply(401, UNAUTHORIZED)],
    ])
    .await;
    let worker = worker(store());
    let mut stream = open(&worker, &server, StreamPolicy::default());
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"1"}}"#);
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"2"}}"#);
    let ended = reconnect(next(&mut stream).await);
    assert_eq!(
        (ended.cause(), ended.wait()),
        (&ReconnectCause::Ended, Duration::ZERO)
    );
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"3"}}"#);
    // The server closes the connection within a line: that line is never delivered.
    let broke = reconnect(next(&mut stream).await);
    assert!(
        matches!(
            broke.cause(),
            ReconnectCause::NetworkError | ReconnectCause::Ended
        ),
        "{broke}"
    );
    assert_eq!(
        broke.wait(),
        Duration::from_millis(250),
        "the immediate reconnect was used"
    );
    let stopped = stop(next(&mut stream).await);
    assert_eq!(stopped.kind(), StopKind::Refused);
    assert!(next(&mut stream).await.is_none(), "nothing after the stop");
    assert_eq!(server.connects(), 3, "a 401 is never retried");
    assert_eq!(
        *worker.slept.0.lock().unwrap(),
        [Duration::from_millis(250)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_stream_reconnects_after_the_stall_timeout() {
    let server = Server::start([
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n"),
            Step::Silence,
        ],
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"2\"}}\r\n"),
            Step::Silence,
        ],
    ])
    .await;
    let worker = worker(store());
    let stall = Duration::from_secs(7);
    let policy = StreamPolicy::default().with_stall_timeout(stall);
    let mut stream = open(&worker, &server, policy);
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"1"}}"#);
    let silent_since = Instant::now();
    let stalled = reconnect(next(&mut stream).await);
    assert_eq!(stalled.cause(), &ReconnectCause::Stalled);
    assert_eq!(
        silent_since.elapsed(),
        stall,
        "noticed exactly at the stall timeout"
    );
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"2"}}"#);
    assert!(
        until(Duration::from_secs(1), || server
            .open
            .load(Ordering::SeqCst)
            == 1)
        .await,
        "the stalled connection was closed"
    );
}

#[tokio::test(start_paused = true)]
async fn refusals_wait_by_kind_and_the_middleware_does_not_retry_them() {
    let server = Server::start([
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n"),
            Step::End,
        ],
        vec![Step::Reply(503, "")],
        vec![Step::Reply(503, "")],
        vec![Step::Reply(429, TOO_MANY)],
        vec![Step::Reply(429, TOO_MANY)],
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"2\"}}\r\n"),
            Step::Silence,
        ],
    ])
    .await;
    let worker = worker(store());
    let mut stream = open(&worker, &server, StreamPolicy::default());
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"1"}}"#);
    let mut waits = Vec::new();
    loop {
        match next(&mut stream).await {
            Some(Ok(StreamItem::Reconnecting(reconnect))) => waits.push(reconnect.wait()),
            item => {
                assert_eq!(line(item), r#"{"data":{"id":"2"}}"#);
                break;
            }
        }
    }
    let secs = Duration::from_secs;
    assert_eq!(
        waits,
        [Duration::ZERO, secs(5), secs(10), secs(60), secs(120)]
    );
    assert_eq!(*worker.slept.0.lock().unwrap(), &waits[1..]);
    assert_eq!(server.connects(), 6, "one request per connect");
}

#[tokio::test(start_paused = true)]
async fn an_operational_disconnect_reconnects_and_invalid_rules_stop() {
    let server = Server::start([
        vec![
            Step::Open,
            Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n"),
            Step::Chunk(OPERATIONAL),
            Step::Silence,
        ],
        vec![Step::Open, Step::Chunk(INVALID_RULES), Step::Silence],
    ])
    .await;
    let worker = worker(store());
    let mut stream = open(&worker, &server, StreamPolicy::default());
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"1"}}"#);
    let again = reconnect(next(&mut stream).await);
    assert_eq!(
        again.cause().disconnect_type().as_deref(),
        Some("UpstreamOperationalDisconnect")
    );
    assert_eq!(again.wait(), Duration::ZERO);
    assert_eq!(stop(next(&mut stream).await).kind(), StopKind::InvalidRules);
    assert!(next(&mut stream).await.is_none());
    assert!(
        until(Duration::from_secs(1), || server
            .open
            .load(Ordering::SeqCst)
            == 0)
        .await,
        "both connections were closed by the reader"
    );
}

#[tokio::test(start_paused = true)]
async fn a_402_stops_with_the_credits_problem_and_is_not_retried() {
    let server = Server::start([vec![Step::Reply(402, CREDITS)]]).await;
    let worker = worker(store());
    let mut stream = open(&worker, &server, StreamPolicy::default());
    let stopped = stop(next(&mut stream).await);
    assert_eq!(stopped.kind(), StopKind::Refused);
    assert_eq!(stopped.response().status().as_u16(), 402);
    let slug = stopped.response().problem().and_then(|p| p.slug());
    assert_eq!(slug, Some("credits-depleted"));
    let block = stopped.block().expect("credits reach the app: a block");
    assert_eq!(block.reach(), twerr_core::Reach::App);
    assert_eq!(
        block.cause(),
        twerr_core::Cause::Problem(twerr_core::Problem::from_type("credits-depleted"))
    );
    assert!(next(&mut stream).await.is_none());
    assert_eq!(server.connects(), 1);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_mid_line_leaves_no_connection_or_lease_behind() {
    let server = Server::start([vec![
        Step::Open,
        Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n{\"data\":{\"id\""),
        Step::Silence,
    ]])
    .await;
    let shared = store();
    let worker = worker(Arc::clone(&shared));
    let mut stream = open(&worker, &server, StreamPolicy::default());
    assert_eq!(line(next(&mut stream).await), r#"{"data":{"id":"1"}}"#);
    // Mid-line: the rest never comes.
    let pending = tokio::time::timeout(Duration::from_secs(1), next(&mut stream)).await;
    assert!(pending.is_err());
    drop(stream);
    assert!(
        until(Duration::from_secs(1), || server
            .open
            .load(Ordering::SeqCst)
            == 0)
        .await,
        "the connection was closed"
    );
    let lease = LeaseKey::new(
        credential_key_v1(DEFAULT_HASHING_KEY, TOKEN),
        endpoint_key_v2(&reqwest::Method::GET, &server.url().parse().unwrap()),
    );
    let now = SystemTime::now();
    let answer = shared
        .acquire_lease(&lease, LeaseHolder::random(), Duration::from_secs(30), now)
        .await
        .expect("memory store");
    assert_eq!(
        answer,
        twerr_core::LeaseAnswer::Granted,
        "the lease was released"
    );
}

#[tokio::test(start_paused = true)]
async fn one_worker_connects_and_another_takes_over_when_the_lease_expires() {
    let data = vec![
        Step::Open,
        Step::Chunk("{\"data\":{\"id\":\"1\"}}\r\n"),
        Step::Silence,
    ];
    let server = Server::start([data.clone(), data]).await;
    let shared = store();
    // A worker that died holding the lease: it never renews nor releases.
    let lease = LeaseKey::new(
        credential_key_v1(DEFAULT_HASHING_KEY, TOKEN),
        endpoint_key_v2(&reqwest::Method::GET, &server.url().parse().unwrap()),
    );
    let ttl = Duration::from_secs(30);
    let clock = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let dead = shared
        .acquire_lease(&lease, LeaseHolder::random(), ttl, clock)
        .await;
    assert_eq!(dead.ok(), Some(twerr_core::LeaseAnswer::Granted));

    let (a, b) = (worker(Arc::clone(&shared)), worker(Arc::clone(&shared)));
    let policy = StreamPolicy::default().with_stall_timeout(Duration::from_secs(3600));
    let mut first = open(&a, &server, policy);
    let mut second = open(&b, &server, policy);
    let start = Instant::now();
    let winner = tokio::select! {
        item = next(&mut first) => { assert_eq!(line(item), r#"{"data":{"id":"1"}}"#); 1 }
        item = next(&mut second) => { assert_eq!(line(item), r#"{"data":{"id":"1"}}"#); 2 }
    };
    let took = start.elapsed();
    assert!(
        took >= ttl && took <= ttl + ttl / 3,
        "taken over after {took:?}"
    );
    // The winner holds the lease and renews it: the other waits, well past the lease time.
    let (holder, mut waiting) = if winner == 1 {
        (first, second)
    } else {
        (second, first)
    };
    let idle = tokio::time::timeout(Duration::from_secs(300), next(&mut waiting)).await;
    assert!(idle.is_err(), "the other worker did not connect");
    assert_eq!(server.connects(), 1, "exactly one connection");
    // The holder goes away: its lease is released and the other connects.
    let before = Instant::now();
    drop(holder);
    assert_eq!(line(next(&mut waiting).await), r#"{"data":{"id":"1"}}"#);
    assert!(
        before.elapsed() <= ttl / 3,
        "released, not expired: {:?}",
        before.elapsed()
    );
    assert_eq!(server.connects(), 2);
}
