//! `[[source]]`: each document defined once (id, title, url, commit, date) and cited by id
//! from rows, `history` and `observed` entries; `history` ordered newest first by those dates.

use core::cmp::Ordering;
use core::ops::Range;
use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diag, line_of};
use crate::model::{Kind, Row, SourceDef, Table};
use crate::validate::fields::{Reader, type_name};
use crate::validate::names::suggest;

/// The keys of a `[[source]]`.
const KEYS: &[&str] = &["id", "title", "url", "commit", "date", "unidentified"];

/// Whether a `source` value is an id (lowercase letters, digits, `-` and `.`) rather than a
/// free-text citation, which always has a space, a `/` or a capital somewhere.
pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with a month 01-12 and a day 01-31.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize, max: u32| {
        s.len() == len && s.chars().all(|c| c.is_ascii_digit()) && {
            let n: u32 = s.parse().unwrap_or(0);
            (1..=max).contains(&n)
        }
    };
    match parts.as_slice() {
        [y] => number(y, 4, 9999),
        [y, m] => number(y, 4, 9999) && number(m, 2, 12),
        [y, m, d] => number(y, 4, 9999) && number(m, 2, 12) && number(d, 2, 31),
        _ => false,
    }
}

/// Newer or older, where that is known: `2021` and `2021-10` are not ordered.
pub fn compare_dates(a: &str, b: &str) -> Option<Ordering> {
    let len = a.len().min(b.len());
    match a[..len].cmp(&b[..len]) {
        Ordering::Equal => None,
        other => Some(other),
    }
}

/// Reads every `[[source]]`; the id's span comes with each, for later messages.
pub fn read(
    document: &DeTable<'_>,
    text: &str,
    diags: &mut Vec<Diag>,
) -> Vec<(SourceDef, Range<usize>)> {
    let Some(value) = document.get("source") else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        let found = type_name(value.get_ref());
        diags.push(Diag::new(
            value.span(),
            format!(
                "`source` must be an array of tables, found {found}; write each source under a \
                 `[[source]]` header"
            ),
        ));
        return Vec::new();
    };
    let mut out: Vec<(SourceDef, Range<usize>)> = Vec::new();
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let DeValue::Table(table) = item.get_ref() else {
            let found = type_name(item.get_ref());
            diags.push(Diag::new(
                item.span(),
                format!("[[source]] row {} must be a table, found {found}", i + 1),
            ));
            continue;
        };
        let mut reader = Reader {
            table,
            span: item.span(),
            context: format!("[[source]] row {}", i + 1),
            diags,
            suggested: Vec::new(),
        };
        let id = reader.line(
            "id",
            Some("`id = \"x-docs-2025\"`: what rows write as their `source`"),
        );
        if let Some((id, _)) = &id {
            reader.context = format!("[[source]] `{id}`");
        }
        reader.unknown_keys(KEYS, "a [[source]]");
        let title = reader.line("title", Some("`title = \"...\"`: what the document is"));
        let url = reader.line("url", None);
        let commit = reader.line("commit", None);
        let date = reader.line("date", None);
        let unidentified = reader.line("unidentified", None);
        if let Some((url, span)) = &url {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                reader.report(span.clone(), "`url` must start with https:// or http://");
            }
        }
        if let Some((commit, span)) = &commit {
            if !(7..=40).contains(&commit.len()) || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
                reader.report(
                    span.clone(),
                    "`commit` must be a git commit id: 7 to 40 hexadecimal digits",
                );
            }
        }
        if let Some((date, span)) = &date {
            if !is_date(date) {
                reader.report(
                    span.clone(),
                    format!("`date = \"{date}\"` is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
                );
            }
        }
        let (Some((id, id_span)), Some((title, _))) = (id, title) else {
            continue;
        };
        if !is_id(&id) {
            reader.report(
                id_span,
                format!(
                    "id `{id}` is not a source id; use lowercase letters, digits, `-` and `.`, \
                     e.g. `x-docs-2025`"
                ),
            );
            continue;
        }
        if let Some(at) = first.get(&id) {
            let line = line_of(text, *at);
            let message =
                format!("duplicate source id, first at line {line}; give each its own id");
            reader.report(id_span, message);
            continue;
        }
        first.insert(id.clone(), id_span.start);
        let source = SourceDef {
            id,
            title,
            url: url.map(|(u, _)| u),
            commit: commit.map(|(c, _)| c),
            date: date.map(|(d, _)| d).filter(|d| is_date(d)),
            unidentified: unidentified.map(|(u, _)| u),
        };
        out.push((source, id_span));
    }
    out
}

/// Every citation: known ids, free text cited once, sources that are used, history newest
/// first.
pub fn check(
    table: &Table,
    spans: &[(SourceDef, Range<usize>)],
    text: &str,
    diags: &mut Vec<Diag>,
) {
    let ids: Vec<&str> = table.sources.iter().map(|s| s.id.as_str()).collect();
    let mut used: HashMap<&str, bool> = ids.iter().map(|id| (*id, false)).collect();
    let mut free: HashMap<String, usize> = HashMap::new();
    let mut cite = |cited: &str, span: &Range<usize>, diags: &mut Vec<Diag>| {
        if cited.is_empty() {
            return;
        }
        if is_id(cited) {
            match used.get_mut(cited) {
                Some(seen) => *seen = true,
                None => {
                    let close = suggest(cited, &ids)
                        .map(|c| format!("did you mean `{c}`? or "))
                        .unwrap_or_default();
                    diags.push(Diag::new(
                        span.clone(),
                        format!(
                            "unknown source `{cited}`; {close}define it in a [[source]] (id, \
                             title, url, commit or date)"
                        ),
                    ));
                }
            }
        } else if let Some(first) = free.get(cited) {
            // A warning: the table builds, but a citation written twice drifts apart.
            diags.push(Diag::warning(
                span.clone(),
                format!(
                    "this citation is also written at line {}; define it once as a [[source]] \
                     and cite its id",
                    line_of(text, *first)
                ),
            ));
        } else {
            free.insert(cited.to_owned(), span.start);
        }
    };
    for kind in Kind::ALL {
        for row in table.rows(kind) {
            cite(&row.source, &row.source_span, diags);
            for observed in &row.observed {
                cite(&observed.source, &observed.source_span, diags);
            }
            for history in &row.history {
                cite(&history.source, &history.source_span, diags);
            }
            check_history_order(table, kind, row, text, diags);
        }
    }
    for (source, span) in spans {
        if used.get(source.id.as_str()) == Some(&false) {
            diags.push(Diag::warning(
                span.clone(),
                format!(
                    "[[source]] `{}` is cited by no row, `history` or `observed` entry; remove it \
                     or cite it",
                    source.id
                ),
            ));
        }
    }
}

/// `history` newest first, where the entries' sources have dates that say so.
fn check_history_order(table: &Table, kind: Kind, row: &Row, text: &str, diags: &mut Vec<Diag>) {
    let dated: Vec<(&str, &Range<usize>)> = row
        .history
        .iter()
        .filter_map(|h| {
            let date = table.source(&h.source)?.date.as_deref()?;
            Some((date, &h.source_span))
        })
        .collect();
    for pair in dated.windows(2) {
        let [(before, before_span), (after, span)] = pair else {
            continue;
        };
        if compare_dates(before, after) == Some(Ordering::Less) {
            diags.push(Diag::new(
                (*span).clone(),
                format!(
                    "[[{}]] {}: `history` is newest first, but this entry's source ({after}) is \
                     newer than the one above it ({before}, line {}); move this entry up",
                    kind.table(),
                    row.key,
                    line_of(text, before_span.start)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_dates_and_their_order() {
        assert!(is_id("x-docs-2025") && is_id("v2.167") && !is_id("X docs") && !is_id(""));
        assert!(is_date("2014") && is_date("2021-10") && is_date("2014-04-15"));
        assert!(!is_date("2018-2019") && !is_date("2021-13") && !is_date("14-04-15"));
        assert_eq!(
            compare_dates("2026-08", "2025-06-24"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_dates("2021", "2021-10"), None);
        assert_eq!(compare_dates("2019", "2021-10"), Some(Ordering::Less));
    }
}
