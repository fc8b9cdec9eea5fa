//! The stream reader against the physical limit: a local server sends 100 MB of 1 KiB NDJSON
//! lines (chunked, 16 KiB chunks); the same response is read with reqwest's `bytes_stream`
//! and a plain split on `\n` (the limit), and with twerr's `LineStream` through
//! `TwerrMiddleware` (every line checked for an error line, the stall watchdog re-armed on
//! every chunk, the lease held and renewed).
//!
//! `cargo bench -p twerr-reqwest --bench stream`

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::OnceLock;

use bytes::Bytes;
use divan::Bencher;
use divan::counter::BytesCount;
use futures_core::Stream;
use reqwest_middleware::ClientBuilder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twerr_reqwest::{StreamItem, TwerrMiddleware};

// Counts allocations, so the table shows the reader's memory stays flat: the bytes it holds
// at most do not grow with the 100 MB it reads.
#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const LINE: usize = 1024;
const LINES: usize = 100 * 1000 * 1000 / LINE;
const CHUNK_LINES: usize = 16;

/// The whole chunked body: 16-line chunks, then the last chunk.
fn body() -> &'static Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        let text = format!(
            "{{\"data\":{{\"id\":\"1\",\"text\":\"{}\"}}}}",
            "x".repeat(LINE - 31)
        );
        let line = format!("{text}\r\n");
        assert_eq!(line.len(), LINE);
        let chunk = line.repeat(CHUNK_LINES);
        let mut out = Vec::with_capacity(LINES * LINE + LINES);
        for _ in 0..LINES / CHUNK_LINES {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        Bytes::from(out)
    })
}

fn payload() -> u64 {
    ((LINES / CHUNK_LINES) * CHUNK_LINES * LINE) as u64
}

/// A server on its own thread and runtime that sends the body on every connection.
fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let body = body();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("address");
                let _ = sender.send(format!("http://{addr}/2/tweets/search/stream"));
                while let Ok((mut socket, _)) = listener.accept().await {
                    tokio::spawn(async move {
                        let mut head = [0u8; 4096];
                        let _ = socket.read(&mut head).await;
                        let _ = socket
                            .write_all(
                                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                  transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
                            )
                            .await;
                        let _ = socket.write_all(body).await;
                    });
                }
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

/// reqwest's `bytes_stream` and a split on `\n`: the limit.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn bytes_stream_split(bencher: Bencher<'_, '_>) {
    let url = url();
    let runtime = runtime();
    let client = reqwest::Client::new();
    bencher.counter(BytesCount::new(payload())).bench_local(|| {
        runtime.block_on(async {
            let response = client.get(url).send().await.expect("connect");
            let mut chunks = std::pin::pin!(response.bytes_stream());
            let mut lines = 0usize;
            while let Some(chunk) = poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
                let chunk = chunk.expect("chunk");
                lines += memchr::memchr_iter(b'\n', &chunk).count();
            }
            assert_eq!(lines, LINES / CHUNK_LINES * CHUNK_LINES);
        })
    });
}

/// twerr's reader through the middleware, until the server's clean end.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn twerr_line_stream(bencher: Bencher<'_, '_>) {
    let url = url();
    let runtime = runtime();
    let middleware = TwerrMiddleware::default();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware.clone())
        .build();
    bencher.counter(BytesCount::new(payload())).bench_local(|| {
        runtime.block_on(async {
            let request = client.get(url).bearer_auth("bench-token");
            let mut stream = middleware.stream(request).start();
            let mut lines = 0usize;
            loop {
                match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
                    Some(Ok(StreamItem::Line(line))) => {
                        divan::black_box(&line);
                        lines += 1;
                    }
                    Some(Ok(StreamItem::Reconnecting(_))) => break,
                    other => panic!("unexpected {other:?}"),
                }
            }
            assert_eq!(lines, LINES / CHUNK_LINES * CHUNK_LINES);
        })
    });
}
