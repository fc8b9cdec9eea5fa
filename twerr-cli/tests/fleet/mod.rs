//! A fleet to watch: a real `redis-server`, an HTTP server on 127.0.0.1 answering as X does,
//! and workers (twerr-reqwest middleware on a `RedisStore`) on a fixed clock.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use twerr_reqwest::{Clock, Sleeper};

/// The fleet's clock: 2024-01-16 15:46:40 UTC.
pub const NOW: u64 = 1_705_420_000;

/// A `redis-server` of this test's own on a unix socket, without persistence; killed when
/// dropped.
pub struct RedisServer {
    dir: PathBuf,
    child: Child,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "twerr-cli-status-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("a directory for redis-server");
        let child = Command::new("redis-server")
            .args(["--port", "0", "--save", "", "--appendonly", "no"])
            .arg("--unixsocket")
            .arg(dir.join("redis.sock"))
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (Debian: apt-get install redis-server)");
        let server = RedisServer { dir, child };
        for _ in 0..1000 {
            if std::os::unix::net::UnixStream::connect(server.socket()).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("redis-server did not open its socket within 10 s");
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.join("redis.sock")
    }

    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket().display())
    }

    /// A plain connection, to look inside or to write foreign keys.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .expect("a valid URL")
            .get_multiplexed_async_connection()
            .await
            .expect("connect to the test redis-server")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One scripted answer: status, headers, body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A 200 with the given rate-limit headers, e.g. `("x-rate-limit", 75, 74, NOW + 600)`.
pub fn ok(windows: &[(&str, u64, u64, u64)]) -> Reply {
    let mut headers = Vec::new();
    for (name, limit, remaining, reset) in windows {
        headers.push((format!("{name}-limit"), limit.to_string()));
        headers.push((format!("{name}-remaining"), remaining.to_string()));
        headers.push((format!("{name}-reset"), reset.to_string()));
    }
    Reply {
        status: 200,
        headers,
        body: br#"{"data":{"id":"20"}}"#.to_vec(),
    }
}

/// An error with a problem body.
pub fn problem(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("content-type".into(), "application/problem+json".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// An HTTP/1.1 server on 127.0.0.1 answering `METHOD PATH TOKEN` as scripted (500 for
/// anything else); `GET /held` is answered only once [`XServer::release`] is called.
pub struct XServer {
    pub port: u16,
    held: Arc<Notify>,
    arrived: Arc<Notify>,
}

impl XServer {
    pub async fn start(script: Vec<(&str, Reply)>) -> XServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let script: HashMap<String, Reply> =
            script.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let script = Arc::new(Mutex::new(script));
        let (held, arrived) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let (h, a) = (Arc::clone(&held), Arc::clone(&arrived));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (s, h, a) = (Arc::clone(&script), Arc::clone(&h), Arc::clone(&a));
                tokio::spawn(serve(stream, s, h, a));
            }
        });
        XServer {
            port,
            held,
            arrived,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Waits until the held request has arrived.
    pub async fn held_arrived(&self) {
        self.arrived.notified().await;
    }

    /// Answers the held request.
    pub fn release(&self) {
        self.held.notify_one();
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Arc<Mutex<HashMap<String, Reply>>>,
    held: Arc<Notify>,
    arrived: Arc<Notify>,
) {
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
    let mut request = lines.next().unwrap_or_default().split(' ');
    let (method, path) = (request.next().unwrap_or_default(), request.next());
    let token = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim().trim_start_matches("Bearer ").to_owned())
        .unwrap_or_default();
    let path = path.unwrap_or_default();
    if path == "/held" {
        arrived.notify_one();
        held.notified().await;
    }
    let key = format!("{method} {path} {token}");
    let reply = script.lock().unwrap().remove(&key).unwrap_or(Reply {
        status: 500,
        headers: Vec::new(),
        body: format!("not scripted: {key}").into_bytes(),
    });
    let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(NOW));
    let mut out = format!(
        "HTTP/1.1 {} X\r\ndate: {date}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&reply.body);
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

/// The fleet's fixed clock.
#[derive(Debug)]
pub struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }
}

/// A sleeper that must never be asked: the fleet's requests are not retried.
#[derive(Debug)]
pub struct NoSleep;

impl Sleeper for NoSleep {
    fn sleep(&self, wait: Duration) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
        panic!("no request of the fleet waits, yet one waited {wait:?}")
    }
}

/// A worker of `app`: a client through twerr's middleware on a store in `redis`.
pub async fn worker(redis: &RedisServer, app: &str) -> reqwest_middleware::ClientWithMiddleware {
    let store = twerr_redis::RedisStore::builder()
        .timeout(Duration::from_secs(5))
        .connect(&redis.url())
        .await
        .expect("connect to the test redis-server");
    let middleware = twerr_reqwest::TwerrMiddleware::builder()
        .store(store)
        .app(app)
        .clock(Arc::new(Fixed))
        .sleeper(Arc::new(NoSleep))
        .jitter(Arc::new(twerr_core::NoJitter))
        .build();
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}
