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
    // Every row with a usable key, in file order, repeats left out: the order check's input.
    let mut placed: Vec<Placed> = Vec::with_capacity(entries.len());
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
        keys.insert(key.clone(), key_span.start);
        placed.push(Placed {
            line: line_of(text, key_span.start),
            key,
            span: key_span,
        });
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
    check_order(kind, &placed, diags);
    kept
}

/// A row's key where the order check needs it.
struct Placed {
    key: RowKey,
    span: Range<usize>,
    line: usize,
}

/// One message per pair of neighbours in the wrong order, blaming the row that is out of
/// place. Of `before, a, b, after` with `a > b`: `a` is the misplaced one when leaving it out
/// puts `before` and `b` in order while leaving out `b` does not put `a` and `after` in order
/// (one row moved down past its place, e.g. 226 edited to 2260), and the other way round for
/// `b`. When both or neither would do (two rows swapped, or a longer run out of order), the
/// pair is named and the fix left to the reader.
fn check_order(kind: Kind, placed: &[Placed], diags: &mut Vec<Diag>) {
    let table = kind.table();
    let sorted_by = format!("[[{table}]] rows are sorted by {}", kind.key_name());
    for (i, pair) in placed.windows(2).enumerate() {
        let [a, b] = pair else {
            continue;
        };
        if a.key <= b.key {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| placed.get(j));
        let after = placed.get(i + 2);
        let a_misplaced = before.is_none_or(|before| before.key <= b.key);
        let b_misplaced = after.is_none_or(|after| a.key <= after.key);
        let (row, message) = match (a_misplaced, b_misplaced) {
            (true, false) => {
                // It belongs after the last row with a smaller key.
                let place = placed
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| p)
                    .rfind(|p| p.key < a.key)
                    .map(|p| format!(", after {} (line {})", p.key, p.line));
                let message = format!(
                    "out of order: {} comes before {} (line {}); {sorted_by}: move this row \
                     down{}",
                    a.key,
                    b.key,
                    b.line,
                    place.unwrap_or_default()
                );
                (a, message)
            }
            (false, true) => {
                // It belongs before the first row with a larger key.
                let place = placed
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i + 1)
                    .map(|(_, p)| p)
                    .find(|p| p.key > b.key)
                    .map(|p| format!(", before {} (line {})", p.key, p.line));
                let message = format!(
                    "out of order: {} comes after {} (line {}); {sorted_by}: move this row up{}",
                    b.key,
                    a.key,
                    a.line,
                    place.unwrap_or_default()
                );
                (b, message)
            }
            _ => {
                let message = format!(
                    "{} (line {}) and {} (line {}) are out of order; {sorted_by}: swap them or \
                     move one of them",
                    a.key, a.line, b.key, b.line
                );
                (b, message)
            }
        };
        let context = label(kind, &row.key);
        diags.push(Diag::new(row.span.clone(), format!("{context}: {message}")));
    }
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
