//! The macro from arguments to tokens, on `proc_macro2` so every step is testable.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
pub use twerr_table::check;
use twerr_table::diagnostics::render;

use crate::model::Table;
use crate::{expand, input, read};

/// One `compile_error!` per message, all pointing at the macro's argument.
fn compile_errors<I>(messages: I, span: Span) -> TokenStream
where
    I: IntoIterator<Item = String>,
{
    messages
        .into_iter()
        .map(|message| quote_spanned! {span=> ::core::compile_error! { #message } })
        .collect()
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
    let working_dir = std::env::current_dir().ok();
    let loaded = match read::load(
        &input.source,
        manifest_dir.as_deref(),
        working_dir.as_deref(),
    ) {
        Ok(loaded) => loaded,
        Err(message) => {
            let mut out = expand::expand(&Table::default(), None);
            out.extend(compile_errors([message], input.span));
            return out;
        }
    };
    let (table, diags) = check(&loaded.text);
    let mut out = expand::expand(&table, loaded.file.as_deref());
    // Warnings (a `review` key left by `twerr table diff --write`) are for `twerr table
    // check`; stable proc macros cannot emit warnings, and the table builds.
    let messages = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| render(&loaded.name, &loaded.text, d));
    out.extend(compile_errors(messages, input.span));
    out
}

/// `retry_spellings!()`: the spellings of every retry class; it takes no arguments.
pub fn retry_spellings(args: TokenStream) -> TokenStream {
    let mut out = expand::retry_spellings();
    if !args.is_empty() {
        out.extend(compile_errors(
            ["retry_spellings!() takes no arguments".to_owned()],
            Span::call_site(),
        ));
    }
    out
}

/// `reach_spellings!()`: the spellings of every reach; it takes no arguments.
pub fn reach_spellings(args: TokenStream) -> TokenStream {
    let mut out = expand::reach_spellings();
    if !args.is_empty() {
        out.extend(compile_errors(
            ["reach_spellings!() takes no arguments".to_owned()],
            Span::call_site(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::fixture::TABLE;

    /// Any prefix of a table, any line removed: what survives validation always expands.
    #[test]
    fn damaged_tables_expand_without_panicking() {
        let mut cuts = TABLE.char_indices().map(|(i, _)| i).collect::<Vec<_>>();
        cuts.push(TABLE.len());
        for cut in cuts {
            let (table, _) = check(TABLE.get(..cut).unwrap_or_default());
            let _ = expand::expand(&table, None);
        }
        let lines: Vec<&str> = TABLE.lines().collect();
        for skip in 0..lines.len() {
            let mut text = lines.clone();
            text.remove(skip);
            let (table, _) = check(&text.join("\n"));
            let _ = expand::expand(&table, None);
        }
    }

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
            assert!(
                !diags.iter().any(|d| d.is_error()),
                "the real table has mistakes"
            );
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
