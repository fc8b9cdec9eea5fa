//! Provenance attached to table rows: retirement, observed variants, earlier doc wording.
//!
//! Values of these types are built by the generated code from `error-table.toml`; users only
//! read them.

use crate::Status;

/// The docs dropped this row. Rows are never deleted, so a retired value keeps its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Retired {
    /// When the row left the docs (as precise as the source allows, e.g. `2021-10`).
    pub date: &'static str,
    /// What happened, and what replaces it if anything does.
    pub note: &'static str,
}

/// What real responses said where it differs from the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Observed {
    /// The message text real responses carried, when it differs.
    pub message: Option<&'static str>,
    /// The HTTP status real responses carried, when it differs.
    pub http: Option<Status>,
    /// Where it was seen.
    pub source: &'static str,
}

/// Another doc version's wording of the same row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct History {
    /// That version's message, when it differs.
    pub message: Option<&'static str>,
    /// That version's description, when it differs.
    pub description: Option<&'static str>,
    /// Which doc version said it.
    pub source: &'static str,
}
