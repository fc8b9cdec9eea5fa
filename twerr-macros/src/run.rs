//! The macro from arguments to tokens, on `proc_macro2` so every step is testable.

use proc_macro2::TokenStream;

use crate::diagnostics::{Diag, compile_errors, render};
use crate::model::Table;
use crate::{expand, input, parse, read, validate};

/// Parses and validates a table's text: the usable rows, and every mistake in file order.
pub fn check(text: &str) -> (Table, Vec<Diag>) {
    match parse::parse(text) {
        Ok(document) => validate::validate(document.get_ref(), text),
        Err(diags) => (Table::default(), diags),
    }
}

/// `error_table!(...)`: the generated types, plus one `compile_error!` per mistake. On errors
/// the expansion still defines the types from the rows that are usable (an empty table when
/// nothing is), so one mistake in the table does not cascade into errors about missing types.
pub fn error_table(args: TokenStream) -> TokenStream {
    let input = match input::parse(args) {
        Ok(input) => input,
        Err(error) => {
            let mut out = expand::expand(&Table::default(), None);
            out.extend(error.to_compile_error());
            return out;
        }
    };
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let loaded = match read::load(&input.source, manifest_dir.as_deref()) {
        Ok(loaded) => loaded,
        Err(message) => {
            let mut out = expand::expand(&Table::default(), None);
            out.extend(compile_errors([message], input.span));
            return out;
        }
    };
    let (table, diags) = check(&loaded.text);
    let mut out = expand::expand(&table, loaded.file.as_deref());
    let messages = diags.iter().map(|d| render(&loaded.name, &loaded.text, d));
    out.extend(compile_errors(messages, input.span));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How long parse + validate + expand (+ printing the tokens, as the compiler receives
    /// them) take over the real table. A measurement, not a check of the data: run with
    /// `cargo test -p twerr-macros --release -- --ignored --nocapture expansion_time`.
    #[test]
    #[ignore = "measurement; run explicitly"]
    fn expansion_time_of_the_real_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../error-table.toml");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        const RUNS: u32 = 200;
        let start = std::time::Instant::now();
        let mut size = 0;
        for _ in 0..RUNS {
            let (table, diags) = check(&text);
            assert_eq!(diags, vec![], "the real table has mistakes");
            size = expand::expand(&table, Some(path)).to_string().len();
        }
        let each = start.elapsed() / RUNS;
        let start = std::time::Instant::now();
        for _ in 0..RUNS {
            let _ = check(&text);
        }
        let checking = start.elapsed() / RUNS;
        let (table, _) = check(&text);
        let start = std::time::Instant::now();
        for _ in 0..RUNS {
            let _ = expand::expand(&table, Some(path));
        }
        let expanding = start.elapsed() / RUNS;
        println!("parse + validate {checking:?}, expand {expanding:?}, the rest printing tokens");
        let (table, _) = check(&text);
        println!(
            "{} statuses, {} codes, {} problems: {each:?} per expansion ({size} bytes of tokens)",
            table.statuses.len(),
            table.codes.len(),
            table.problems.len()
        );
        assert!(size > 0);
    }
}
