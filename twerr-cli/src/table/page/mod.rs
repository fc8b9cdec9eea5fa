//! A docs page -> the rows its tables state, whatever the revision.
//!
//! Three structures are read: Markdown/MDX pipe tables, whose columns are found by their
//! header names (`markdown`); the 2025 pages' `<Accordion title="Code N - Title">` sections,
//! each one code (`accordion`); and the 2014 plain-text page, whose column separators are lost
//! (`text`).
//! Which table (status, code, problem) a table is comes from its columns, its headings and its
//! numbers (`kind_of`), never from a revision's exact wording.

mod accordion;
mod markdown;
mod text;

use twerr_table::model::{Kind, RowKey};

/// What a page states about one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRow {
    /// The row's number, or a problem type's slug.
    pub key: RowKey,
    /// The 1-based line of the page it is on.
    pub line: usize,
    /// What the row says, split into fields or not.
    pub fields: Fields,
}

/// A row's fields, as the page states them (normalised).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Columns the page separates: `None` where the page has no such column.
    Split {
        /// The Text / Meaning / Title column.
        message: Option<String>,
        /// The Description / Common causes / What to do column.
        description: Option<String>,
        /// The status a code's description says it corresponds with.
        http: Option<u16>,
    },
    /// A 2014-style line, number, message and description run together: everything after the
    /// number, and the line as the page has it.
    Joined {
        /// The text after the number.
        rest: String,
        /// The whole line.
        raw: String,
    },
}

/// One table of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageTable {
    /// Which table of error-table.toml it lists.
    pub kind: Kind,
    /// Its rows, in page order.
    pub rows: Vec<PageRow>,
}

/// Every recognisable table of a page; empty when the page has none.
pub fn read(text: &str) -> Vec<PageTable> {
    let mut tables = markdown::tables(text);
    tables.extend(accordion::table(text));
    if tables.is_empty() {
        text::tables(text)
    } else {
        tables
    }
}

pub use twerr_table::correspondence::corresponding_status;

/// Which numbered table a `Code ...` table is. The numbers decide when they can: anything
/// outside 100..=599, or a description stating an HTTP correspondence, is an error code.
/// Otherwise the headings above it do, the outermost that names statuses or codes first
/// ("HTTP status codes" above "Client error codes" is a status table); with no such heading it
/// is a status table.
fn kind_of(headings: &[String], numbers: &[u16], descriptions: &[Option<String>]) -> Kind {
    let codes = numbers.iter().any(|n| !(100..=599).contains(n))
        || descriptions
            .iter()
            .flatten()
            .any(|d| corresponding_status(d).is_some());
    if codes {
        return Kind::Code;
    }
    for heading in headings {
        let lower = heading.to_ascii_lowercase();
        if lower.contains("status") {
            return Kind::Status;
        }
        if lower.contains("code") {
            return Kind::Code;
        }
    }
    Kind::Status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_then_headings_decide_the_kind() {
        let h = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            kind_of(&h(&["HTTP status codes"]), &[3, 400], &[]),
            Kind::Code
        );
        let stated = [Some("Corresponds with HTTP 503.".to_owned())];
        assert_eq!(kind_of(&h(&[]), &[130], &stated), Kind::Code);
        let nested = h(&["HTTP status codes", "Client error codes"]);
        assert_eq!(kind_of(&nested, &[400, 401], &[]), Kind::Status);
        assert_eq!(kind_of(&h(&["Error Codes"]), &[130], &[]), Kind::Code);
        assert_eq!(kind_of(&h(&[]), &[200], &[]), Kind::Status);
    }
}
