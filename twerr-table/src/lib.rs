//! The single reader of twerr's `error-table.toml`: the table's [model], TOML parsing that keeps
//! spans, and [validation](validate) that collects every mistake with its line and column.
//!
//! `twerr-macros` expands the validated [`Table`] into Rust; the `twerr` command
//! checks and compares tables with the same rules, so `twerr table check` says exactly what a
//! build would.
//!
//! ```
//! let text = "[[status]]\ncode = 200\nname = \"Ok\"\nmessage = \"OK\"\n\
//!             description = \"Success!\"\nsource = \"Twitter, 2014\"\n\n\
//!             [[status]]\ncode = 200\nname = \"Again\"\nmessage = \"OK\"\n\
//!             description = \"Success!\"\nsource = \"Twitter, 2014\"\n";
//! let (table, diags) = twerr_table::check(text);
//! assert_eq!(table.statuses.len(), 1);
//! // Errors fail the build; warnings (here: the citation written twice) do not.
//! let messages: Vec<String> = diags
//!     .iter()
//!     .filter(|d| d.is_error())
//!     .map(|d| twerr_table::diagnostics::render("t.toml", text, d))
//!     .collect();
//! assert_eq!(
//!     messages,
//!     ["t.toml:9:8: [[status]] 200: duplicate code 200, first at line 2; every row needs its \
//!       own code: fix it or merge the two rows"]
//! );
//! ```

pub mod correspondence;
pub mod diagnostics;
pub mod model;
mod parse;
pub mod validate;

use crate::diagnostics::Diag;
use crate::model::Table;

/// Parses and validates a table's text: the usable rows, and every mistake (errors and
/// warnings) in file order. A TOML syntax error gives an empty table and the syntax errors only
/// (row checks on a broken document would only add noise).
pub fn check(text: &str) -> (Table, Vec<Diag>) {
    match parse::parse(text) {
        Ok(document) => validate::validate(document.get_ref(), text),
        Err(diags) => (Table::default(), diags),
    }
}
