//! Implementation detail of `twerr-core`: reads `error-table.toml` and generates the table
//! types `Status`, `Code` and `Problem`.
//!
//! The phases are one module each and work on `proc_macro2`, so they are unit-tested here:
//! `input` (the macro's arguments) -> `read` (the table's text) -> `twerr_table::check` (TOML
//! with spans, every row mistake collected: the crate `twerr table check` uses too) ->
//! `expand` (the generated code), with `run` turning mistakes into `compile_error!`s that name
//! the table's line and column, and `doc` escaping table text for rustdoc. This file is the
//! only one that touches `proc_macro`.

mod doc;
mod expand;
mod input;
mod read;
mod run;

// The table's model and rules live in twerr-table; the expansion names them from here.
use twerr_table::{model, validate};

/// Generates `Status`, `Code`, `Problem`, `UnknownStatus` and `UnknownCode` from an error
/// table.
///
/// ```ignore
/// twerr_macros::error_table!(path = "error-table.toml"); // relative to CARGO_MANIFEST_DIR
/// twerr_macros::error_table!(source = r#"[[status]] ..."#); // the table inline
/// ```
///
/// The generated code refers to `::twerr_core` (its `Retry`, `ParseError` and `row` types),
/// so it is meant to expand inside `twerr-core`. A mistake in the table is a compile error
/// starting `<path as written>:LINE:COL:` (`<inline>:LINE:COL:` for inline tables); every
/// row mistake is reported in one build.
#[proc_macro]
pub fn error_table(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    run::error_table(input.into()).into()
}

/// The table's spellings of the retry classes (`"after-reset"`, ...), for `twerr_core::Retry`:
/// expands to two private functions, `spelling(Retry) -> &'static str` and
/// `from_spelling(&str) -> Option<Retry>`, so the spellings the table is validated against and
/// the ones `Retry` prints and parses are one list, twerr-table's.
#[proc_macro]
pub fn retry_spellings(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    run::retry_spellings(input.into()).into()
}

/// The table's spellings of the reaches (`"request"`, `"credential"`, ...), for
/// `twerr_core::Reach`: expands to two private functions, `spelling(Reach) -> &'static str` and
/// `from_spelling(&str) -> Option<Reach>`, from twerr-table's one list, as
/// [`retry_spellings!`] does for the retry classes.
#[proc_macro]
pub fn reach_spellings(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    run::reach_spellings(input.into()).into()
}
