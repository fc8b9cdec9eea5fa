//! The property that keeps parsing untrusted bytes safe: the work done and the memory kept grow
//! linearly with the body, for every shape of body.
//!
//! Work is counted, not timed, so a busy machine gives the same figures as a quiet one: the test
//! runs its own binary again under valgrind's callgrind, which counts the instructions executed
//! inside [`measured`] for each body (see `work`). For 16 times the body, linear growth gives
//! 16 times the instructions and a quadratic one 256; the bound is 40 (the smaller body is large
//! enough that fixed costs do not hide a square). The memory a response keeps is measured in
//! this process and held to the same bound. Wall-clock figures are the `hostile` benchmark's
//! (`cargo bench -p twerr-core --bench hostile`).
//!
//! valgrind must be installed: `scripts/preflight` (run by `scripts/check`) installs it or says
//! how.

#![cfg(all(feature = "std", unix))]

#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/work.rs"]
mod work;

use std::hint::black_box;

use hostile::{SHAPES, Shape};
use twerr_core::ErrorResponse;
use work::Job;

/// Units in the smaller body at least: large enough that fixed costs do not hide a square.
const N: usize = 1000;
/// The smaller body is at least this long: past the first allocations' sizes, small enough
/// that the larger body (16 times) takes seconds, not minutes, under valgrind. The larger one
/// crosses the size up to which a thread reuses its scratch buffers (64 KiB of text): a
/// constant-factor step (the ratios measured are at most x16.5), well inside the bound.
const MIN_BODY: usize = 16 * 1024;
const GROWTH: usize = 16;
const BOUND: f64 = 40.0;

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

/// A deliberately quadratic pass over a body: what the bound must catch.
fn quadratic(body: &[u8]) -> u64 {
    let mut sum = 0u64;
    for i in 0..body.len() {
        for byte in &body[..i] {
            sum = sum.wrapping_add(u64::from(black_box(*byte)));
        }
    }
    sum
}

/// The only code whose instructions are counted (callgrind's `--toggle-collect` names it):
/// the work on a body already made.
#[inline(never)]
fn measured(job: &Job, body: &[u8]) {
    match shape(&job.shape) {
        Some(shape) => drop(black_box(use_response(shape.status, black_box(body)))),
        None => drop(black_box(quadratic(black_box(body)))),
    }
}

/// The shape named `name`; `None` for the quadratic self-check's "square".
fn shape(name: &str) -> Option<&'static Shape> {
    SHAPES.iter().find(|s| s.name == name)
}

/// A job's body: the shape's, or `n` bytes for the square.
fn body(job: &Job) -> Vec<u8> {
    match shape(&job.shape) {
        Some(shape) => (shape.make)(job.n),
        None => vec![b'x'; job.n],
    }
}

/// The unit count of a shape's smaller body: at least [`N`] and [`MIN_BODY`] bytes.
fn small_n(shape: &Shape) -> usize {
    let mut n = N;
    while (shape.make)(n).len() < MIN_BODY {
        n *= 2;
    }
    n
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

/// Instructions for `small` and `GROWTH * small` units of each named job, through the same
/// harness as every other measurement; `test` is the calling test's exact name.
fn growth(test: &str, jobs: &[(String, usize)]) -> Vec<(String, f64)> {
    let all: Vec<Job> = jobs
        .iter()
        .flat_map(|(name, n)| [Job::new(name, *n), Job::new(name, n * GROWTH)])
        .collect();
    let counts = work::count(test, "linear::measured", &all);
    jobs.iter()
        .zip(counts.chunks(2))
        .map(|((name, _), pair)| (name.clone(), pair[1] as f64 / pair[0].max(1) as f64))
        .collect()
}

#[test]
fn work_and_memory_grow_linearly_for_every_shape() {
    const TEST: &str = "work_and_memory_grow_linearly_for_every_shape";
    if work::run_child(measured, body) {
        return;
    }
    let jobs: Vec<(String, usize)> = SHAPES
        .iter()
        .map(|s| (s.name.to_owned(), small_n(s)))
        .collect();
    let mut failures = Vec::new();
    for ((shape, (_, n)), (name, work)) in SHAPES.iter().zip(&jobs).zip(growth(TEST, &jobs)) {
        let memory = kept(&use_response(shape.status, &(shape.make)(n * GROWTH))) as f64
            / kept(&use_response(shape.status, &(shape.make)(*n))).max(1) as f64;
        eprintln!("{name:<28} instructions x{work:.1}  kept x{memory:.1}");
        if work >= BOUND || memory >= BOUND {
            failures.push(format!(
                "{name}: instructions x{work:.1}, memory x{memory:.1}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "superlinear for {GROWTH}x the body: {failures:?}"
    );
}

/// The harness can fail: a quadratic pass measured exactly as the shapes are breaks the bound.
#[test]
fn the_bound_catches_a_square() {
    const TEST: &str = "the_bound_catches_a_square";
    if work::run_child(measured, body) {
        return;
    }
    // Small sizes: a square of the shapes' sizes would take hours under valgrind.
    let ratios = growth(TEST, &[("square".to_owned(), 300)]);
    let (_, ratio) = &ratios[0];
    eprintln!("square instructions x{ratio:.1}");
    assert!(*ratio >= BOUND, "a square measured x{ratio:.1}");
}
