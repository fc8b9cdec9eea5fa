//! Parsing, logging and writing as JSON the generated bodies of every shape, over sizes: the
//! exact figures behind the linear-time test (`tests/linear.rs`).
//!
//! Run: `cargo bench -p twerr-core --bench hostile`. Each shape is measured at 1,000, 4,000
//! and 16,000 units (see `tests/common/hostile.rs`); linear growth shows as 4x per step.

#[path = "../tests/common/hostile.rs"]
mod hostile;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use twerr_core::ErrorResponse;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 4_000, 16_000];

/// Parse, `{:#}` and JSON: everything a caller does with a response.
fn run(bencher: Bencher, name: &str, n: usize) {
    let Some(shape) = hostile::SHAPES.iter().find(|s| s.name == name) else {
        panic!("no shape {name}");
    };
    let body = (shape.make)(n);
    bencher.counter(BytesCount::new(body.len())).bench(|| {
        let response = ErrorResponse::parse(shape.status, black_box(&body));
        black_box(format!("{response:#}"));
        black_box(
            serde_json::to_vec(&response)
                .map(|v| v.len())
                .unwrap_or_default(),
        );
    });
}

macro_rules! shapes {
    ($($name:ident),+ $(,)?) => {$(
        #[divan::bench(args = SIZES)]
        fn $name(bencher: Bencher, n: usize) {
            run(bencher, stringify!($name), n);
        }
    )+};
}

shapes!(
    xml_requests_beside_errors,
    xml_nested_errors,
    xml_flat_errors,
    json_entries,
    json_repeated_member,
    json_stream_lines,
    json_repeated_top_error,
    json_error_list_member,
    json_deep_extra,
    json_escapes,
    html_page,
    plain_text,
);
