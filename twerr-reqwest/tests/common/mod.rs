//! A real HTTP server on 127.0.0.1 that answers with recorded bytes, and a fake clock and
//! sleeper so waits are asserted exactly without waiting.
#![allow(dead_code)] // each test binary uses its own part

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use twerr_core::NoJitter;
use twerr_reqwest::{Clock, Sleeper, TwerrMiddleware, TwerrMiddlewareBuilder, TwerrResponseExt};

/// What the server does with the next request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes these bytes (a whole HTTP/1.1 response), then closes the connection.
    Close(Vec<u8>),
    /// Writes these bytes and keeps the connection for the next request.
    KeepAlive(Vec<u8>),
    /// Closes the connection without answering.
    Drop,
    /// Keeps the connection open and never answers.
    Hang,
    /// Writes `bytes[..at]` (the head, say) at once, then the rest one byte per `every` on
    /// tokio's clock (paused in the tests that use it), then closes the connection.
    Trickle {
        bytes: Vec<u8>,
        at: usize,
        every: Duration,
    },
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Computes the reply to a request (a server that checks what it receives).
pub type Answer = Arc<dyn Fn(&Received) -> Reply + Send + Sync>;

#[derive(Default)]
struct Script {
    /// Answers every request when set; the scripted replies are not used.
    answer: Option<Answer>,
    replies: VecDeque<Reply>,
    /// Answered when the script is used up.
    fallback: Option<Reply>,
    received: Vec<Received>,
}

/// The server: a tokio `TcpListener` on an ephemeral port of 127.0.0.1.
#[derive(Clone)]
pub struct Server {
    pub base: String,
    script: Arc<Mutex<Script>>,
}

impl Server {
    pub async fn start(replies: impl IntoIterator<Item = Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into_iter().collect(),
            ..Script::default()
        }));
        let shared = Arc::clone(&script);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Server {
            base: format!("http://{addr}"),
            script,
        }
    }

    /// A server that answers each request with what `answer` makes of it.
    pub async fn answering(answer: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Server {
        let server = Server::start([]).await;
        server.lock().answer = Some(Arc::new(answer));
        server
    }

    /// Answers `reply` once the scripted replies are used up.
    pub fn fallback(&self, reply: Reply) {
        self.lock().fallback = Some(reply);
    }

    pub fn push(&self, reply: Reply) {
        self.lock().replies.push_back(reply);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut buffer = Vec::new();
    loop {
        let Some((request, used)) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        buffer.drain(..used);
        let reply = {
            let mut script = script.lock().unwrap_or_else(|p| p.into_inner());
            let answered = script.answer.as_ref().map(|answer| answer(&request));
            script.received.push(request);
            let next = answered.or_else(|| script.replies.pop_front());
            next.or_else(|| script.fallback.clone())
                .unwrap_or(Reply::Drop)
        };
        match reply {
            Reply::Close(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::KeepAlive(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Drop => return,
            Reply::Hang => {
                std::future::pending::<()>().await;
            }
            Reply::Trickle { bytes, at, every } => {
                let (head, rest) = bytes.split_at(at.min(bytes.len()));
                if stream.write_all(head).await.is_err() {
                    return;
                }
                for byte in rest {
                    tokio::time::sleep(every).await;
                    if stream.write_all(&[*byte]).await.is_err() {
                        return;
                    }
                }
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

/// Reads one request (head and a `content-length` body); `None` when the client is gone.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(Received, usize)> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_owned();
            let target = first.next().unwrap_or_default().to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let total = end + 4 + length;
            while buffer.len() < total {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[end + 4..total].to_vec();
            return Some((
                Received {
                    method,
                    target,
                    headers,
                    body,
                },
                total,
            ));
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

#[path = "../../../tests/support/fixtures.rs"]
mod fixtures;
#[allow(unused_imports)] // each test binary uses its own part
pub use fixtures::{capture, real_body};

/// An HTTP/1.1 response: the status line, the headers as given, `content-length`, the body.
pub fn response(status: u16, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n").into_bytes();
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("content-length") {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// A capture served as HTTP/1.1 (an `HTTP/2` status line becomes `HTTP/1.1`), then closed.
pub fn capture_reply(name: &str) -> Reply {
    let (status, headers, body) = capture(name);
    closing(status, headers, &body)
}

pub fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let headers: Vec<_> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    closing(status, headers, body)
}

/// A response after which the server closes the connection, saying so: without
/// `connection: close` the client would pool the connection, and a later request could be
/// written to it as it closes and fail (then be retried), which no test means to exercise.
fn closing(status: u16, mut headers: Vec<(String, String)>, body: &[u8]) -> Reply {
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("connection"))
    {
        headers.push(("connection".to_owned(), "close".to_owned()));
    }
    Reply::Close(response(status, &headers, body))
}

/// A response whose head arrives at once and whose body then arrives one byte per `every`.
pub fn trickling(status: u16, headers: &[(&str, &str)], body: &[u8], every: Duration) -> Reply {
    let Reply::Close(bytes) = reply(status, headers, body) else {
        unreachable!("reply closes")
    };
    Reply::Trickle {
        at: bytes.len() - body.len(),
        bytes,
        every,
    }
}

/// A response with a chunked body (chunks of up to 16 bytes) and no `content-length`, then
/// closed.
pub fn chunked(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    for chunk in body.chunks(16) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    Reply::Close(out)
}

pub fn ok() -> Reply {
    reply(
        200,
        &[("content-type", "application/json")],
        br#"{"data":{"id":"20"}}"#,
    )
}

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A clock that moves only when the fake sleeper sleeps (or a test says so): a wall clock
/// and a monotonic clock, which a step of the wall clock (`step_wall`) does not move.
#[derive(Debug)]
pub struct FakeClock(Mutex<(SystemTime, std::time::Instant)>);

impl FakeClock {
    pub fn new(start: SystemTime) -> Arc<Self> {
        Arc::new(FakeClock(Mutex::new((start, std::time::Instant::now()))))
    }
    /// Time passes: both clocks move.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        now.0 += by;
        now.1 += by;
    }
    /// The wall clock is set (NTP): only it moves, forward or back.
    pub fn step_wall(&self, forward: bool, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        now.0 = if forward { now.0 + by } else { now.0 - by };
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0
    }
    fn monotonic(&self) -> Option<std::time::Instant> {
        Some(self.0.lock().unwrap_or_else(|p| p.into_inner()).1)
    }
}

/// Records each wait and moves the fake clock by it, at once.
#[derive(Debug)]
pub struct FakeSleeper {
    clock: Arc<FakeClock>,
    slept: Mutex<Vec<Duration>>,
}

impl FakeSleeper {
    pub fn new(clock: Arc<FakeClock>) -> Arc<Self> {
        Arc::new(FakeSleeper {
            clock,
            slept: Mutex::new(Vec::new()),
        })
    }
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Sleeper for FakeSleeper {
    fn sleep(
        &self,
        wait: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.slept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(wait);
        self.clock.advance(wait);
        Box::pin(std::future::ready(()))
    }
}

/// `date` of rate-limit-88-date.crlf.txt (Tue, 16 Jan 2024 15:46:40 GMT); its reset is 800 s
/// later.
pub const CAPTURE_DATE: u64 = 1_705_420_000;

pub struct Harness {
    pub client: ClientWithMiddleware,
    pub clock: Arc<FakeClock>,
    pub sleeper: Arc<FakeSleeper>,
}

pub fn harness(
    start: u64,
    configure: impl FnOnce(TwerrMiddlewareBuilder) -> TwerrMiddlewareBuilder,
) -> Harness {
    let clock = FakeClock::new(at(start));
    let sleeper = FakeSleeper::new(Arc::clone(&clock));
    let middleware = configure(
        TwerrMiddleware::builder()
            .clock(clock.clone())
            .sleeper(sleeper.clone())
            .jitter(Arc::new(NoJitter)),
    )
    .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    Harness {
        client,
        clock,
        sleeper,
    }
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The response's attempts as (sent, waited), read through the extension trait.
pub fn attempts(response: &reqwest::Response) -> (u32, Duration) {
    let attempts = response.twerr_attempts().expect("Attempts extension");
    (attempts.sent(), attempts.waited())
}

/// code 130, in the v1.1 shape of dev-07 with the documented text of error-table.toml.
pub const OVER_CAPACITY: &[u8] = br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#;
