//! Checks across rows: duplicates, order, and references to `[[status]]` rows.

use core::ops::Range;
use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Diag, line_of};
use crate::model::{Kind, Row, RowKey, Table};
use crate::validate::row::{Entry, label};

/// Reports repeated keys and names and rows that break the table's sort order; keeps the
/// rows that can become variants, without repeats (so the expansion stays valid).
pub fn check_rows(kind: Kind, entries: Vec<Entry>, text: &str, diags: &mut Vec<Diag>) -> Vec<Row> {
    let table = kind.table();
    let key_name = kind.key_name();
    let mut keys = HashMap::new();
    let mut names = HashMap::new();
    let mut previous: Option<(RowKey, usize)> = None;
    let mut kept: Vec<Row> = Vec::with_capacity(entries.len());
    for Entry { key, key_span, row } in entries {
        let context = label(kind, &key);
        if let Some(first) = keys.get(&key) {
            diags.push(Diag::new(
                key_span,
                format!(
                    "{context}: duplicate {key_name} {key}, first at line {}; every row needs its \
                     own {key_name}: fix it or merge the two rows",
                    line_of(text, *first)
                ),
            ));
            continue;
        }
        // Compared with the previous row only, so one misplaced row is one error.
        if let Some((previous_key, previous_at)) = &previous {
            if key < *previous_key {
                diags.push(Diag::new(
                    key_span.clone(),
                    format!(
                        "{context}: out of order: {key} comes after {previous_key} (line {}); \
                         [[{table}]] rows are sorted by {key_name}: move this row up",
                        line_of(text, *previous_at)
                    ),
                ));
            }
        }
        keys.insert(key.clone(), key_span.start);
        previous = Some((key, key_span.start));
        let Some(row) = row else {
            continue;
        };
        if let Some(first) = names.get(&row.name) {
            diags.push(Diag::new(
                row.name_span.clone(),
                format!(
                    "{context}: duplicate name `{}`, also used at line {}; names are unique \
                     within [[{table}]]: pick another",
                    row.name,
                    line_of(text, *first)
                ),
            ));
            continue;
        }
        names.insert(row.name.clone(), row.name_span.start);
        kept.push(row);
    }
    kept
}

/// Removes the `http` references (of a row or an `observed` entry) that name no status of the
/// expansion: a number no `[[status]]` row has (reported while reading the row) or one whose
/// row was left out for its own mistakes (reported there), so each mistake is reported once
/// and the expansion never names a variant it does not define.
pub fn drop_unusable_http(table: &mut Table) {
    let defined: HashSet<u16> = table
        .statuses
        .iter()
        .filter_map(|r| r.key.number())
        .collect();
    let usable = |http: &Option<(u16, Range<usize>)>| {
        http.as_ref()
            .is_none_or(|(status, _)| defined.contains(status))
    };
    for rows in [&mut table.statuses, &mut table.codes, &mut table.problems] {
        for row in rows.iter_mut() {
            if !usable(&row.http) {
                row.http = None;
            }
            for observed in &mut row.observed {
                if !usable(&observed.http) {
                    observed.http = None;
                }
            }
        }
    }
}
