//! `ErrorResponse::parse` against serde_json on the same bytes, and at growing body sizes.
//!
//! Run: `cargo bench -p twerr-core --bench parse`. The goal is at most twice the time of
//! `serde_json::from_slice::<IgnoredAny>` (validating the JSON without keeping anything); the
//! allocation columns show that a success body costs no allocation.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use serde::de::IgnoredAny;
use twerr_core::ErrorResponse;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

#[path = "support/fixture_bodies.rs"]
mod fixture_bodies;
use fixture_bodies::{fixture_bodies, fixture_body};

fn total_bytes(bodies: &[(u16, Vec<u8>)]) -> usize {
    bodies.iter().map(|(_, body)| body.len()).sum()
}

/// Every JSON fixture body once per iteration.
mod fixture {
    use super::*;

    #[divan::bench]
    fn twerr_parse(bencher: Bencher) {
        let bodies = fixture_bodies();
        bencher
            .counter(BytesCount::new(total_bytes(&bodies)))
            .bench(|| {
                for (status, body) in &bodies {
                    black_box(ErrorResponse::parse(*status, black_box(body)));
                }
            });
    }

    #[divan::bench]
    fn serde_json_value(bencher: Bencher) {
        let bodies = fixture_bodies();
        bencher
            .counter(BytesCount::new(total_bytes(&bodies)))
            .bench(|| {
                for (_, body) in &bodies {
                    // dev-09 is a Python repr, not JSON: it fails in both, as in parse.
                    let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)));
                }
            });
    }

    #[divan::bench]
    fn serde_json_ignored_any(bencher: Bencher) {
        let bodies = fixture_bodies();
        bencher
            .counter(BytesCount::new(total_bytes(&bodies)))
            .bench(|| {
                for (_, body) in &bodies {
                    let _ = black_box(serde_json::from_slice::<IgnoredAny>(black_box(body)));
                }
            });
    }
}

const SIZES: [usize; 3] = [1_000, 1_000_000, 10_000_000];

/// A 429 body of about `size` bytes: one v1.1 error after another.
fn errors_body(size: usize) -> Vec<u8> {
    let entry = r#"{"code":88,"message":"Rate limit exceeded"}"#;
    let mut body = String::from(r#"{"errors":["#);
    while body.len() + entry.len() + 2 < size {
        body.push_str(entry);
        body.push(',');
    }
    body.push_str(entry);
    body.push_str("]}");
    body.into_bytes()
}

/// A 200 body of about `size` bytes: v2 `data` with nothing to report.
fn data_body(size: usize) -> Vec<u8> {
    let item = r#"{"id":"1508806917874978822","text":"hello \u00e9 world","edit_history_tweet_ids":["1"]}"#;
    let mut body = String::from(r#"{"data":["#);
    while body.len() + item.len() + 2 < size {
        body.push_str(item);
        body.push(',');
    }
    body.push_str(item);
    body.push_str(r#"],"meta":{"result_count":1}}"#);
    body.into_bytes()
}

/// Cost against size: an error body (every error kept) and a success body (nothing kept).
mod size {
    use super::*;

    #[divan::bench(args = SIZES)]
    fn errors_twerr_parse(bencher: Bencher, size: usize) {
        let body = errors_body(size);
        bencher
            .counter(BytesCount::new(body.len()))
            .bench(|| ErrorResponse::parse(429u16, black_box(&body)));
    }

    #[divan::bench(args = SIZES)]
    fn errors_ignored_any(bencher: Bencher, size: usize) {
        let body = errors_body(size);
        bencher
            .counter(BytesCount::new(body.len()))
            .bench(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).is_ok());
    }

    #[divan::bench(args = SIZES)]
    fn success_twerr_parse(bencher: Bencher, size: usize) {
        let body = data_body(size);
        bencher
            .counter(BytesCount::new(body.len()))
            .bench(|| ErrorResponse::parse(200u16, black_box(&body)));
    }

    #[divan::bench(args = SIZES)]
    fn success_ignored_any(bencher: Bencher, size: usize) {
        let body = data_body(size);
        bencher
            .counter(BytesCount::new(body.len()))
            .bench(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).is_ok());
    }
}

/// Representative bodies one at a time: v1.1, v1 `{error, request}`, a v2 problem with its
/// own members, v2 partial errors, a media status (success).
const SAMPLES: [&str; 5] = ["dev-00", "dev-23", "dev-50", "dev-63", "dev-38"];

mod body {
    use super::*;

    #[divan::bench(args = SAMPLES)]
    fn twerr_parse(bencher: Bencher, id: &str) {
        let (status, body) = fixture_body(id);
        bencher.bench(|| ErrorResponse::parse(status, black_box(&body)));
    }

    #[divan::bench(args = SAMPLES)]
    fn serde_json_ignored_any(bencher: Bencher, id: &str) {
        let (_, body) = fixture_body(id);
        bencher.bench(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).is_ok());
    }
}
