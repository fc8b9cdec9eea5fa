//! The property that keeps parsing untrusted bytes safe: time and memory kept grow linearly
//! with the body, for every shape of body.
//!
//! Within one run, best of 5, time(16n) / time(n) stays under 40 (linear gives 16, quadratic
//! 256), and so does the memory a response keeps. The bound is generous so a loaded machine
//! does not fail it; the exact figures are in the `hostile` benchmark
//! (`cargo bench -p twerr-core --bench hostile`).

#![cfg(feature = "std")]

#[path = "common/hostile.rs"]
mod hostile;

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hostile::{SHAPES, Shape};
use twerr_core::ErrorResponse;

/// Units in the smaller body at least: large enough that fixed costs do not hide a square.
const N: usize = 1000;
/// The smaller body is at least this long, so that both sizes are near or past the thresholds
/// under which a thread reuses its scratch buffers (64 KiB of text, 1024 extras): crossing one
/// is a constant-factor step, not growth, and must not pass for it.
const MIN_BODY: usize = 64 * 1024;
const GROWTH: usize = 16;
const BOUND: f64 = 40.0;

/// The timed tests run one at a time: a neighbour on the other core would skew the ratios.
static ALONE: Mutex<()> = Mutex::new(());

/// Everything a caller does with a response: parse, log it, write it as JSON.
fn use_response(status: u16, body: &[u8]) -> ErrorResponse {
    let response = ErrorResponse::parse(status, body);
    black_box(format!("{response:#}"));
    #[cfg(feature = "serde")]
    black_box(
        serde_json::to_vec(&response)
            .map(|v| v.len())
            .unwrap_or_default(),
    );
    response
}

/// The best of 5 timings of [`use_response`] on `body`.
fn best_time(status: u16, body: &[u8]) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(use_response(status, black_box(body)));
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The bytes a response holds on to, from what its accessors show: each error's size and its
/// strings, the kept copies of the body.
fn kept(response: &ErrorResponse) -> usize {
    let error_size = size_of::<twerr_core::ApiError>();
    let strings = response.all_errors().map(|e| {
        let own = [e.message(), e.problem_type(), e.title(), e.detail()];
        let extra: usize = e
            .extra()
            .map(|(name, raw)| name.len() + raw.len() + 16)
            .sum();
        error_size + own.iter().flatten().map(|s| s.len()).sum::<usize>() + extra
    });
    strings.sum::<usize>()
        + response.raw_body().map_or(0, str::len)
        + response.html_title().map_or(0, str::len)
        + size_of::<ErrorResponse>()
}

fn ratio(shape: &Shape) -> (f64, f64) {
    let mut n = N;
    while (shape.make)(n).len() < MIN_BODY {
        n *= 2;
    }
    let small = (shape.make)(n);
    let large = (shape.make)(n * GROWTH);
    let time = best_time(shape.status, &large).as_secs_f64()
        / best_time(shape.status, &small).as_secs_f64().max(1e-9);
    let memory = kept(&use_response(shape.status, &large)) as f64
        / kept(&use_response(shape.status, &small)).max(1) as f64;
    (time, memory)
}

#[test]
fn time_and_memory_grow_linearly_for_every_shape() {
    let _alone = ALONE.lock();
    let mut failures = Vec::new();
    for shape in SHAPES {
        let started = Instant::now();
        let (time, memory) = ratio(shape);
        eprintln!(
            "{:<28} time x{time:.1}  kept x{memory:.1}  ({:.1} s)",
            shape.name,
            started.elapsed().as_secs_f64()
        );
        if time >= BOUND || memory >= BOUND {
            failures.push(format!(
                "{}: time x{time:.1}, memory x{memory:.1}",
                shape.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "superlinear for 16x the body: {failures:?}"
    );
}

/// The test can fail: a quadratic computation over the same sizes breaks the bound.
#[test]
fn the_bound_catches_a_square() {
    let _alone = ALONE.lock();
    let square = |n: usize| {
        let start = Instant::now();
        let mut sum = 0u64;
        for i in 0..n * 40 {
            for j in 0..n / 20 {
                sum = sum.wrapping_add(black_box((i ^ j) as u64));
            }
        }
        black_box(sum);
        start.elapsed()
    };
    // Small sizes: a square of the test's own sizes would take minutes in a debug build.
    let n = 150;
    let best = |n| (0..5).map(|_| square(n)).min().unwrap_or_default();
    let ratio = best(n * GROWTH).as_secs_f64() / best(n).as_secs_f64().max(1e-9);
    assert!(ratio >= BOUND, "x{ratio:.1}");
}
