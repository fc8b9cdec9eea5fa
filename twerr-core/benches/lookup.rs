//! `Code::from_u16` + `message()` on a fixed mix of known and unknown numbers, against a
//! `HashMap<u16, &str>` built from `Code::ALL` in the same run.
//!
//! Run: `cargo bench -p twerr-core --bench lookup`.

use std::collections::HashMap;

use divan::{Bencher, black_box};
use twerr_core::Code;

fn main() {
    divan::main();
}

/// Every known code interleaved with as many unknown numbers (spread over the `u16` range),
/// so both paths of the lookup weigh the same. Derived from the table, so it grows with it.
fn mix() -> Vec<u16> {
    let known: Vec<u16> = Code::ALL.iter().map(|c| c.as_u16()).collect();
    let unknown = (0..=u16::MAX)
        .step_by(97)
        .filter(|n| !known.contains(n))
        .take(known.len());
    known
        .iter()
        .zip(unknown)
        .flat_map(|(&k, u)| [k, u])
        .collect()
}

#[divan::bench]
fn generated(bencher: Bencher) {
    let numbers = mix();
    bencher.counter(numbers.len()).bench_local(|| {
        let mut total = 0usize;
        for &n in black_box(&numbers) {
            total += Code::from_u16(n).message().map_or(0, str::len);
        }
        total
    });
}

#[divan::bench]
fn hashmap_baseline(bencher: Bencher) {
    let table: HashMap<u16, &str> = Code::ALL
        .iter()
        .filter_map(|c| Some((c.as_u16(), c.message()?)))
        .collect();
    let numbers = mix();
    bencher.counter(numbers.len()).bench_local(|| {
        let mut total = 0usize;
        for &n in black_box(&numbers) {
            total += table.get(&n).map_or(0, |text| text.len());
        }
        total
    });
}
