//! The tables of `error-table.toml`: [`Status`], [`Code`] and [`Problem`], the [`Row`] each
//! value points to, and the rows' provenance.
//!
//! The types are generated at build time from the table (`twerr_macros::error_table!`); their
//! accessors are written once, in `types.rs`, over the shared [`Row`].

mod generated;
mod parse_number_error;
mod problem_slug;
mod row;
mod status;
mod types;

pub use generated::{Code, Problem, Status, UnknownCode, UnknownStatus};
pub use parse_number_error::ParseNumberError;
pub use problem_slug::problem_slug;
pub use row::{History, Observed, Retired, Row, Source};

/// The text of the `error-table.toml` this crate was compiled from, byte for byte.
///
/// Tools that compare the compiled-in table with a newer docs page (`twerr table diff`) read
/// it, so they judge exactly what the types in this crate were generated from.
pub const ERROR_TABLE: &str = include_str!("../../error-table.toml");
