//! Test helpers: a real `redis-server` per test, an HTTP server on 127.0.0.1 that counts a
//! rate-limit window the way X does, and a clock and sleepers the tests control.
#![allow(dead_code)] // each test binary uses its own part

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use twerr_reqwest::{Clock, Sleeper};

/// A `redis-server` of this test's own on a unix socket in a fresh directory, without
/// persistence; killed when dropped.
pub struct RedisServer {
    dir: PathBuf,
    child: Option<Child>,
    extra: Vec<String>,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// With extra `redis-server` arguments (e.g. `--requirepass`).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "twerr-redis-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a directory for redis-server");
        let mut server = RedisServer {
            dir,
            child: None,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        server.resume();
        server
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.join("redis.sock")
    }

    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket().display())
    }

    /// Kills the server (its data goes with it: no persistence).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(self.socket());
    }

    /// Sends a signal (`STOP`, `CONT`) to the server.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Starts the server again on the same socket.
    pub fn resume(&mut self) {
        let spawned = Command::new("redis-server")
            .args(["--port", "0", "--save", "", "--appendonly", "no"])
            .arg("--unixsocket")
            .arg(self.socket())
            .arg("--dir")
            .arg(&self.dir)
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(error) => panic!(
                "cannot start redis-server ({error}): install it (Debian: apt-get install \
                 redis-server); these tests need a real Redis, and CI installs it in .ci/run"
            ),
        };
        self.child = Some(child);
        // Ready when the socket accepts a connection (bounded: 10 s).
        for _ in 0..1000 {
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "redis-server did not open {} within 10 s",
            self.socket().display()
        );
    }

    /// A plain connection for looking inside.
    pub async fn inspect(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .expect("a valid URL")
            .get_multiplexed_async_connection()
            .await
            .expect("connect to the test redis-server")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Every key in the server.
pub async fn all_keys(connection: &mut redis::aio::MultiplexedConnection) -> Vec<String> {
    redis::cmd("KEYS")
        .arg("*")
        .query_async(connection)
        .await
        .expect("KEYS")
}

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn unix(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A clock that moves only when a test (or a sleeper) moves it.
#[derive(Debug)]
pub struct TestClock(watch::Sender<SystemTime>);

impl TestClock {
    pub fn new(start: SystemTime) -> Arc<Self> {
        Arc::new(TestClock(watch::Sender::new(start)))
    }
    pub fn advance_to(&self, to: SystemTime) {
        self.0.send_modify(|now| *now = (*now).max(to));
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.0.borrow()
    }
}

/// Records each wait and moves the clock by it at once.
#[derive(Debug)]
pub struct JumpSleeper {
    clock: Arc<TestClock>,
    pub slept: Mutex<Vec<Duration>>,
}

impl JumpSleeper {
    pub fn new(clock: &Arc<TestClock>) -> Arc<Self> {
        Arc::new(JumpSleeper {
            clock: Arc::clone(clock),
            slept: Mutex::new(Vec::new()),
        })
    }
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Sleeper for JumpSleeper {
    fn sleep(&self, wait: Duration) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
        self.slept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(wait);
        let to = self.clock.now() + wait;
        self.clock.advance_to(to);
        Box::pin(std::future::ready(()))
    }
}

/// Records each wait and returns only when the test has moved the clock past its end; once
/// [opened](Self::open), moves the clock itself, like [`JumpSleeper`].
#[derive(Debug)]
pub struct GateSleeper {
    clock: Arc<TestClock>,
    pub waiting: watch::Sender<usize>,
    pub slept: Mutex<Vec<Duration>>,
    open: std::sync::atomic::AtomicBool,
}

impl GateSleeper {
    pub fn new(clock: &Arc<TestClock>) -> Arc<Self> {
        Arc::new(GateSleeper {
            clock: Arc::clone(clock),
            waiting: watch::Sender::new(0),
            slept: Mutex::new(Vec::new()),
            open: std::sync::atomic::AtomicBool::new(false),
        })
    }
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Sleeper for GateSleeper {
    fn sleep(&self, wait: Duration) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
        let until = self.clock.now() + wait;
        self.slept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(wait);
        if self.open.load(Ordering::SeqCst) {
            self.clock.advance_to(until);
        }
        let mut time = self.clock.0.subscribe();
        self.waiting.send_modify(|n| *n += 1);
        Box::pin(async move {
            let _ = time.wait_for(|now| *now >= until).await;
        })
    }
}

/// Waits (bounded: 10 s of real time) until `condition` holds; panics with `what` otherwise.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Everything `tracing` says on this thread while the guard lives.
pub struct Logs {
    text: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    pub fn capture() -> Logs {
        let text = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&text);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .finish();
        Logs {
            text,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.text.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
    pub fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}

/// One request as the HTTP server saw it: when (by the test clock), what, and its answer.
#[derive(Clone, Debug)]
pub struct Hit {
    pub at: SystemTime,
    pub target: String,
    pub authorization: Option<String>,
    pub status: u16,
}

/// An HTTP/1.1 server on 127.0.0.1 that counts one 15-minute window per credential the way X
/// does: `limit` requests, then 429 code 88 until the reset; every answer carries the
/// `x-rate-limit-*` headers and a `date` from the test clock.
#[derive(Clone)]
pub struct XServer {
    pub base: String,
    state: Arc<Mutex<Windows>>,
    /// While `true`, answers wait (requests are counted as they arrive).
    hold: Arc<watch::Sender<bool>>,
}

struct Windows {
    clock: Arc<TestClock>,
    limit: u64,
    /// (credential, reset, used)
    windows: Vec<(String, u64, u64)>,
    hits: Vec<Hit>,
    /// Every request answered with the usage-capped 429, not only `/capped` paths.
    capped: bool,
}

#[cfg(feature = "cluster")]
pub mod cluster;

#[path = "../../../tests/support/fixtures.rs"]
mod fixtures;
#[allow(unused_imports)] // each test binary uses its own part
pub use fixtures::real_body;

impl XServer {
    pub async fn start(clock: &Arc<TestClock>, limit: u64) -> XServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(Windows {
            clock: Arc::clone(clock),
            limit,
            windows: Vec::new(),
            hits: Vec::new(),
            capped: false,
        }));
        let shared = Arc::clone(&state);
        let hold = Arc::new(watch::Sender::new(false));
        let held = Arc::clone(&hold);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared), held.subscribe()));
            }
        });
        XServer { base, state, hold }
    }

    /// Holds every answer back (`true`: requests are still counted as they arrive) or lets
    /// them go.
    pub fn hold(&self, on: bool) {
        self.hold.send_replace(on);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Changes the limit of every later window.
    pub fn set_limit(&self, limit: u64) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).limit = limit;
    }

    /// Answers every later request with the usage-capped 429 (`true`) or as usual.
    pub fn set_capped(&self, capped: bool) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).capped = capped;
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .hits
            .clone()
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<Windows>>, mut hold: watch::Receiver<bool>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break String::from_utf8_lossy(&buffer[..end]).into_owned();
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim().to_owned());
    let bytes = {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        let now = state.clock.now();
        let secs = unix(now);
        let credential = authorization.clone().unwrap_or_default();
        let limit = state.limit;
        let index = match state.windows.iter().position(|(c, ..)| *c == credential) {
            Some(i) => i,
            None => {
                state.windows.push((credential, secs + 900, 0));
                state.windows.len() - 1
            }
        };
        let window = &mut state.windows[index];
        if secs >= window.1 {
            *window = (window.0.clone(), secs + 900, 0);
        }
        window.2 += 1;
        let (reset, used) = (window.1, window.2);
        // `/capped`: the credential's monthly usage cap is spent (real body dev-67).
        let capped = state.capped || target.starts_with("/capped");
        let status = if used > limit || capped { 429 } else { 200 };
        state.hits.push(Hit {
            at: now,
            target,
            authorization,
            status,
        });
        let body = if capped {
            // X's usage-capped 429.
            real_body("dev-67").1
        } else if status == 429 {
            // X's 429 code 88 for an exhausted window.
            real_body("dev-07").1
        } else {
            br#"{"data":{"id":"20"}}"#.to_vec()
        };
        let date = httpdate(now);
        let reason = if status == 429 {
            "Too Many Requests"
        } else {
            "OK"
        };
        let mut out = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ndate: {date}\r\n\
             x-rate-limit-limit: {limit}\r\nx-rate-limit-remaining: {}\r\n\
             x-rate-limit-reset: {reset}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            limit.saturating_sub(used),
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(&body);
        out
    };
    let _ = hold.wait_for(|on| !*on).await;
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

fn httpdate(at: SystemTime) -> String {
    httpdate::fmt_http_date(at)
}

/// A client through one middleware.
pub fn client(
    middleware: twerr_reqwest::TwerrMiddleware,
) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}

/// The status of a GET of `url` with `token`, through `client` (Redis up or not).
pub async fn status_of(
    client: &reqwest_middleware::ClientWithMiddleware,
    url: &str,
    token: &str,
) -> u16 {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("a response")
        .status()
        .as_u16()
}

/// A middleware on `store` with the test clock and sleeper and no jitter.
pub fn middleware(
    store: Arc<dyn twerr_core::RateLimitStore>,
    clock: &Arc<TestClock>,
    sleeper: Arc<dyn Sleeper>,
) -> twerr_reqwest::TwerrMiddleware {
    twerr_reqwest::TwerrMiddleware::builder()
        .store(store)
        .clock(Arc::clone(clock) as Arc<dyn Clock>)
        .sleeper(sleeper)
        .jitter(Arc::new(twerr_core::NoJitter))
        .build()
}

/// A store on `server` with a generous timeout: a loaded test machine must not fall back.
pub async fn store(server: &RedisServer) -> Arc<twerr_redis::RedisStore> {
    twerr_redis::RedisStore::builder()
        .timeout(Duration::from_secs(5))
        .connect(&server.url())
        .await
        .expect("connect to the test redis-server")
}
