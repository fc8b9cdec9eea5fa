//! Prints a few codes and statuses with the retry advice twerr derives from the table.
//!
//! Run with `cargo run -p twerr-core --example advice`.

use twerr_core::{Code, Retry, Status};

fn advice(retry: Option<Retry>) -> &'static str {
    match retry {
        Some(Retry::Never) => "do not retry: fix the request first",
        Some(Retry::Backoff) => "retry with exponential backoff (idempotent requests only)",
        Some(Retry::AfterReset) => "wait for the rate-limit window to reset, then retry",
        None => "not an error",
    }
}

fn main() {
    for number in [88, 130, 187, 135, 9999] {
        let code = Code::from_u16(number);
        let status = code.status().map_or_else(
            || "no documented HTTP status".to_owned(),
            |s| format!("HTTP {s}"),
        );
        if code.is_known() {
            println!("code {code} ({status}): {}", advice(code.retry()));
        } else {
            // The docs: an unlisted code falls back to the HTTP status it came with.
            println!("code {code}: not in the table; decide by the HTTP status");
        }
    }
    for number in [200, 429, 503, 599] {
        let status = Status::from_u16(number);
        println!("HTTP {status}: {}", advice(status.retry()));
    }
}
