//! Checks across rows: duplicates, order, and references to `[[status]]` rows.

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

/// Reports every `http` (of a row or an `observed` entry) naming a status that no `[[status]]`
/// row has. `statuses` holds every status number the file defines, even on rows dropped for
/// other mistakes (so one mistake is reported once). References the expansion cannot use are
/// removed.
pub fn check_http(table: &mut Table, statuses: &HashSet<u16>, diags: &mut Vec<Diag>) {
    let defined: HashSet<u16> = table
        .statuses
        .iter()
        .filter_map(|r| r.key.number())
        .collect();
    for kind in Kind::ALL {
        let rows = match kind {
            Kind::Status => &mut table.statuses,
            Kind::Code => &mut table.codes,
            Kind::Problem => &mut table.problems,
        };
        for row in rows.iter_mut() {
            let context = label(kind, &row.key);
            if let Some((status, span)) = &row.http {
                if !statuses.contains(status) {
                    diags.push(Diag::new(
                        span.clone(),
                        format!(
                            "{context}: `http = {status}` names no [[status]] row; add a \
                             [[status]] row for {status} or fix the number"
                        ),
                    ));
                }
            }
            for (i, observed) in row.observed.iter().enumerate() {
                if let Some((status, span)) = &observed.http {
                    if !statuses.contains(status) {
                        diags.push(Diag::new(
                            span.clone(),
                            format!(
                                "{context}: `observed` entry {}: `http = {status}` names no \
                                 [[status]] row; add a [[status]] row for {status} or fix the \
                                 number",
                                i + 1
                            ),
                        ));
                    }
                }
            }
            if row.http.as_ref().is_some_and(|(s, _)| !defined.contains(s)) {
                row.http = None;
            }
            for observed in &mut row.observed {
                if observed
                    .http
                    .as_ref()
                    .is_some_and(|(s, _)| !defined.contains(s))
                {
                    observed.http = None;
                }
            }
        }
    }
}
