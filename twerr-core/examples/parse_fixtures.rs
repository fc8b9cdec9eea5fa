//! Parses every JSON body of the fixture file N times (default 1000): a fixed workload for
//! counting instructions, which a shared machine's timings cannot give.
//!
//! `cargo build --release -p twerr-core --example parse_fixtures`, then
//! `valgrind --tool=callgrind target/release/examples/parse_fixtures 1000`; the instructions
//! per parse are the total (less a run with N = 0, the setup) over N times the body count.
//! With a second argument `skip`, the bodies are skipped with serde_json's `IgnoredAny`
//! instead: the reference the parse benchmark compares with.

use std::hint::black_box;

use twerr_core::ErrorResponse;

#[path = "../benches/support/fixture_bodies.rs"]
mod fixture_bodies;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    // The same bodies, and statuses, as the `fixture` group of the parse benchmark.
    let bodies = fixture_bodies::fixture_bodies();
    let skip = std::env::args().nth(2).is_some_and(|a| a == "skip");
    let mut errors = 0;
    for _ in 0..rounds {
        for (status, body) in &bodies {
            if skip {
                let skipped = serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body));
                errors += usize::from(black_box(skipped).is_ok());
            } else {
                errors += black_box(ErrorResponse::parse(*status, black_box(body)))
                    .errors()
                    .len();
            }
        }
    }
    println!("{} bodies, {rounds} rounds, {errors} errors", bodies.len());
}
