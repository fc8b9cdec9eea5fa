//! The parse benchmark's `fixture` ratio, measured so that a machine whose speed drifts from
//! one second to the next cannot skew it: parsing the fixture bodies and skipping them with
//! serde_json's `IgnoredAny` alternate in blocks of about a millisecond, and the ratio of each
//! pair of neighbouring blocks is kept. Prints the median ratio and its quartiles, and the
//! ratio of the fastest blocks of each (the least disturbed by anything else running).
//!
//! `cargo run --release -p twerr-core --example parse_ratio [PAIRS]` (default 2000); pin it to
//! one core (`taskset -c 1 ...`) for steadier numbers.

use std::hint::black_box;
use std::time::Instant;

use serde::de::IgnoredAny;
use twerr_core::ErrorResponse;

#[path = "../benches/support/fixture_bodies.rs"]
mod fixture_bodies;

/// Rounds of all bodies per block.
const ROUNDS: usize = 40;
/// Pairs run first and not counted (caches, frequency).
const WARM_UP: usize = 50;

fn main() {
    let pairs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
        .max(1);
    let bodies = fixture_bodies::fixture_bodies();
    let block = |parse: bool| {
        let start = Instant::now();
        for _ in 0..ROUNDS {
            for (status, body) in &bodies {
                if parse {
                    black_box(ErrorResponse::parse(*status, black_box(body)));
                } else {
                    let _ = black_box(serde_json::from_slice::<IgnoredAny>(black_box(body)));
                }
            }
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios = Vec::with_capacity(pairs);
    let (mut fastest_parse, mut fastest_skip) = (f64::MAX, f64::MAX);
    for pair in 0..WARM_UP + pairs {
        let (parse, skip) = (block(true), block(false));
        if pair >= WARM_UP {
            ratios.push(parse / skip);
            fastest_parse = fastest_parse.min(parse);
            fastest_skip = fastest_skip.min(skip);
        }
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: usize| {
        ratios
            .get(ratios.len() * q / 4)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let per_body = |block: f64| block * 1e9 / (ROUNDS * bodies.len()) as f64;
    println!(
        "parse / IgnoredAny: median {:.3} (quartiles {:.3} to {:.3}); fastest blocks {:.3}: \
         parse {:.1} ns, skip {:.1} ns per body",
        at(2),
        at(1),
        at(3),
        fastest_parse / fastest_skip,
        per_body(fastest_parse),
        per_body(fastest_skip),
    );
}
