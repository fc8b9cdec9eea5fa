//! The parsed document -> the validated [`Table`], with every mistake found.
//!
//! Serde would stop at the first error; walking the spanned document by hand reports all of
//! them, each at its own line and column. Rows that cannot become variants are left out of the
//! table so the (fallback) expansion still compiles and one mistake does not cascade.

mod fields;
pub mod fixture;
pub mod names;
mod reach;
mod row;
pub mod sources;
mod table;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diag;
use crate::model::{Kind, RowKey, Table};
use crate::validate::fields::type_name;

impl RowKey {
    /// The number of a status or code key.
    pub fn number(&self) -> Option<u16> {
        match self {
            RowKey::Number(n) => Some(*n),
            RowKey::Slug(_) => None,
        }
    }
}

/// Checks the whole document; the diagnostics come in file order.
pub fn validate(document: &DeTable<'_>, text: &str) -> (Table, Vec<Diag>) {
    let mut diags = Vec::new();
    let mut tables: Vec<&str> = Kind::ALL.iter().map(|k| k.table()).collect();
    tables.push("source");
    for (key, value) in document.iter() {
        let name = key.get_ref().as_ref();
        if tables.contains(&name) {
            continue;
        }
        let what = if matches!(value.get_ref(), DeValue::Array(_)) {
            format!("unknown table [[{name}]]")
        } else {
            format!("unknown key `{name}`")
        };
        let fix = match names::suggest(name, &tables) {
            Some(close) => format!(
                "did you mean [[{close}]]? (the file has [[source]], [[status]], [[code]] and \
                 [[problem]] tables)"
            ),
            None => {
                "remove it: the file has [[source]], [[status]], [[code]] and [[problem]] tables"
                    .to_owned()
            }
        };
        diags.push(Diag::new(key.span(), format!("{what}; {fix}")));
    }

    // Every status number the file defines, before any row is read, so each row's `http`
    // references are checked as it is read, whatever else is wrong with it or the status row.
    let statuses: HashSet<u16> = match document.get(Kind::Status.table()).map(|v| v.get_ref()) {
        Some(DeValue::Array(items)) => items
            .iter()
            .filter_map(|item| status_number(item.get_ref()))
            .collect(),
        _ => HashSet::new(),
    };
    let sources = sources::read(document, text, &mut diags);
    let mut table = Table {
        sources: sources.iter().map(|(s, _)| s.clone()).collect(),
        ..Table::default()
    };
    for kind in Kind::ALL {
        let mut rows = Vec::new();
        if let Some(value) = document.get(kind.table()) {
            let name = kind.table();
            match value.get_ref() {
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(row) = row::read_row(kind, i + 1, item, &statuses, &mut diags) {
                            rows.push(row);
                        }
                    }
                }
                other => diags.push(Diag::new(
                    value.span(),
                    format!(
                        "`{name}` must be an array of tables, found {}; write each row under a \
                         `[[{name}]]` header",
                        type_name(other)
                    ),
                )),
            }
        }
        let rows = table::check_rows(kind, rows, text, &mut diags);
        match kind {
            Kind::Status => table.statuses = rows,
            Kind::Code => table.codes = rows,
            Kind::Problem => table.problems = rows,
        }
    }
    table::drop_unusable_http(&mut table);
    sources::check(&table, &sources, text, &mut diags);
    diags.sort_by_key(|d| d.span.start);
    (table, diags)
}

/// The `code` of a raw `[[status]]` row, if it has a usable one.
fn status_number(row: &DeValue<'_>) -> Option<u16> {
    let DeValue::Integer(int) = row.get("code")?.get_ref() else {
        return None;
    };
    let n = i128::from_str_radix(int.as_str(), int.radix()).ok()?;
    u16::try_from(n).ok()
}
