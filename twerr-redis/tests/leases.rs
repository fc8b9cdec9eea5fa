//! Stream leases across workers on one real Redis: two readers of one stream, each a worker
//! with its own runtime, store and connection (as two processes would be). Exactly one
//! connects; when the holder dies without releasing (its runtime and every task in it gone),
//! the other connects once the lease expires on Redis's clock.

mod common;

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{RedisServer, all_keys};
use futures_core::Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use twerr_reqwest::{StreamItem, TwerrMiddleware};

const TTL: Duration = Duration::from_secs(1);
const TOKEN: &str = "lease-test-bearer-token";

/// A streaming endpoint on 127.0.0.1: each connection gets one data line, then silence until
/// the client closes it. Counts connections.
async fn stream_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "http://{}/2/tweets/search/stream",
        listener.local_addr().expect("address")
    );
    let connects = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connects);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let line = "{\"data\":{\"id\":\"1\"}}\r\n";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     transfer-encoding: chunked\r\n\r\n{:x}\r\n{line}\r\n",
                    line.len()
                );
                if socket.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
                while !matches!(socket.read(&mut buf).await, Ok(0) | Err(_)) {}
            });
        }
    });
    (url, connects)
}

/// A worker on a thread of its own: connects a store, opens the stream, says when its first
/// line arrived, and reads until told to die. Dying forgets the stream (no release, no
/// close) and drops the runtime: the renewal task and the connection go with it, as when a
/// process is killed.
fn worker(
    id: usize,
    redis: String,
    url: String,
    connected: mpsc::UnboundedSender<(usize, Instant)>,
    die: oneshot::Receiver<()>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let store = twerr_redis::RedisStore::builder()
                .timeout(Duration::from_secs(2))
                .connect(&redis)
                .await
                .expect("connect");
            let middleware = TwerrMiddleware::builder().store(store).build();
            let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                .with(middleware.clone())
                .build();
            let request = client.get(&url).bearer_auth(TOKEN);
            let mut stream = middleware.stream(request).lease_ttl(TTL).start();
            let read = async {
                loop {
                    match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
                        Some(Ok(StreamItem::Line(_))) => {
                            let _ = connected.send((id, Instant::now()));
                        }
                        Some(Ok(_)) => {}
                        other => panic!("worker {id}: the stream ended: {other:?}"),
                    }
                }
            };
            tokio::select! {
                _ = die => {}
                () = read => {}
            }
            std::mem::forget(stream);
        });
        runtime.shutdown_background();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_worker_connects_and_the_other_takes_over_when_the_holder_dies() {
    let redis = RedisServer::start();
    let (url, connects) = stream_server().await;
    let (connected, mut events) = mpsc::unbounded_channel();
    let mut dies = Vec::new();
    let mut threads = Vec::new();
    for id in 0..2 {
        let (die, dying) = oneshot::channel();
        dies.push(Some(die));
        threads.push(worker(
            id,
            redis.url(),
            url.clone(),
            connected.clone(),
            dying,
        ));
    }
    let first = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("a worker connects")
        .expect("a worker's event");
    let (holder, _) = first;

    // The holder renews every third of the lease: over three lease times, the other worker
    // never connects.
    tokio::time::sleep(TTL * 3).await;
    assert!(events.try_recv().is_err(), "only one worker connected");
    assert_eq!(connects.load(Ordering::SeqCst), 1, "exactly one connection");
    let mut inspect = redis.inspect().await;
    let leases: Vec<String> = all_keys(&mut inspect)
        .await
        .into_iter()
        .filter(|k| k.contains(":lease:GET "))
        .collect();
    assert_eq!(leases.len(), 1, "one lease key: {leases:?}");
    assert!(leases[0].starts_with("twerr:v2:{"), "{}", leases[0]);
    let left: i64 = redis::cmd("PTTL")
        .arg(&leases[0])
        .query_async(&mut inspect)
        .await
        .expect("PTTL");
    assert!(
        left > 0 && left <= 1000,
        "set PX on Redis's clock: {left} ms left"
    );

    // The holder dies without releasing.
    let _ = dies[holder].take().map(|die| die.send(()));
    let died = Instant::now();
    let (other, at) = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("the other worker takes over")
        .expect("an event");
    assert_ne!(other, holder);
    let took = at.duration_since(died);
    // Not released: the lease had to expire (its last renewal was at most a third of the
    // lease before the death); and the waiting worker asks again as it expires.
    assert!(
        took >= TTL / 2,
        "taken over before the lease expired: {took:?}"
    );
    assert!(
        took <= TTL + TTL / 3 + Duration::from_millis(700),
        "taken over within the lease time: {took:?}"
    );
    assert_eq!(connects.load(Ordering::SeqCst), 2);

    for die in dies.iter_mut().filter_map(Option::take) {
        let _ = die.send(());
    }
    for thread in threads {
        thread.join().expect("a worker thread");
    }
}
