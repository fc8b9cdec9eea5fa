//! `twerr table diff --write`: the page applied to the table's text.
//!
//! Only the edited rows are re-rendered: each row's text is cut out of the file (from its
//! `[[...]]` header to the last line before the next header that is not a blank or a comment),
//! edited with toml_edit as a document of its own, and put back; new rows are spliced in at
//! their sorted place. Every other byte of the file stays as it was.

use core::cmp::{Ordering, Reverse};
use core::ops::Range;
use std::collections::HashMap;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value as TomlValue, value};
use twerr_table::model::{Kind, Row, RowKey, Table};
use twerr_table::validate::names::{ABOUT_BLANK, check_name};
use twerr_table::validate::sources::compare_dates;

use crate::table::diff::{Change, ChangeKind, Field, Value};

/// The edited text and what was done, in words.
pub struct Written {
    /// The new table text.
    pub text: String,
    /// `2 rows added, 1 history entry added, 1 change left to a person`.
    pub summary: String,
}

/// One splice of the table text: `range` replaced by `text` (an insert when it is empty).
struct Edit {
    range: Range<usize>,
    text: String,
    /// The order edits were made in, to keep inserts at one offset in order.
    order: usize,
}

/// The page's wording of a row's changed fields: one `history` entry.
type RowEdit = (Kind, RowKey, Vec<(Field, String)>);

/// Where a row's text lies.
fn row_ranges(text: &str, table: &Table) -> HashMap<(usize, RowKey), Range<usize>> {
    // Header starts of every row, found back from each row's key (the header is the last
    // `[[kind]]` line before it).
    let mut starts: Vec<(usize, usize, RowKey)> = Vec::new();
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let header = format!("[[{}]]", kind.table());
        for row in table.rows(*kind) {
            let before = &text[..row.key_span.start.min(text.len())];
            let found = before
                .rmatch_indices(header.as_str())
                .map(|(i, _)| i)
                .find(|&i| i == 0 || before[..i].ends_with('\n'));
            if let Some(start) = found {
                starts.push((start, k, row.key.clone()));
            }
        }
    }
    starts.sort();
    let mut out = HashMap::new();
    for (i, (start, k, key)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(text.len(), |n| n.0);
        out.insert((*k, key.clone()), *start..trim_trailing(text, *start, next));
    }
    out
}

/// The end of a row's own lines: trailing blank and comment lines belong to what follows.
fn trim_trailing(text: &str, start: usize, end: usize) -> usize {
    let mut end = end;
    loop {
        let chunk = &text[start..end];
        let body = chunk.strip_suffix('\n').unwrap_or(chunk);
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let last = body[line_start..].trim();
        if line_start == 0 || !(last.is_empty() || last.starts_with('#')) {
            return end;
        }
        end = start + line_start;
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}

/// A variant name from the row's text: its first words in UpperCamelCase; the key is added
/// when the name is taken or not a valid name.
fn derive_name(kind: Kind, key: &RowKey, message: Option<&str>, taken: &[&str]) -> String {
    let source = match (kind, key, message) {
        (Kind::Problem, RowKey::Slug(slug), _) => slug.clone(),
        (_, _, Some(message)) => message.to_owned(),
        _ => String::new(),
    };
    let mut name = String::new();
    for word in source
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
    {
        let lower = if word.chars().all(|c| !c.is_ascii_lowercase()) {
            word.to_ascii_lowercase()
        } else {
            word.to_owned()
        };
        let mut chars = lower.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        name.insert_str(
            0,
            if kind == Kind::Problem {
                "Problem"
            } else {
                "Code"
            },
        );
    }
    if check_name(&name).is_err() || taken.contains(&name.as_str()) {
        name.push_str(
            &key.to_string()
                .replace(|c: char| !c.is_ascii_alphanumeric(), ""),
        );
    }
    name
}

/// A TOML basic string (`"..."`), as the table writes every string: toml_edit would pick a
/// literal string (`'...'`) for text with quotes. Control characters and no-break spaces are
/// escaped, as the table's header asks.
fn basic(text: &str) -> TomlValue {
    let mut raw = String::with_capacity(text.len() + 2);
    raw.push('"');
    for c in text.chars() {
        match c {
            '"' => raw.push_str("\\\""),
            '\\' => raw.push_str("\\\\"),
            '\n' => raw.push_str("\\n"),
            '\t' => raw.push_str("\\t"),
            '\r' => raw.push_str("\\r"),
            c if c.is_control() || c == '\u{a0}' => {
                raw.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
            c => raw.push(c),
        }
    }
    raw.push('"');
    raw.parse().unwrap_or_else(|_| text.into())
}

/// The retry class of an HTTP status's class: twerr-core's default for a status the table
/// does not list, spelled as in the table.
fn retry_of_status(status: u16) -> Option<&'static str> {
    twerr_core::Retry::for_status_class(status).map(twerr_core::Retry::as_str)
}

/// The text of a new row, as toml_edit writes it, ending in a newline.
fn new_row(kind: Kind, change: &Change, table: &Table, source: &str) -> Option<String> {
    let Value::Row {
        message,
        description,
        http,
    } = &change.page_value
    else {
        return None;
    };
    let mut review = Array::new();
    let taken: Vec<&str> = table.rows(kind).iter().map(|r| r.name.as_str()).collect();
    let mut row = toml_edit::Table::new();
    match &change.key {
        RowKey::Number(n) => row.insert("code", value(i64::from(*n))),
        RowKey::Slug(s) => row.insert("slug", Item::Value(basic(s))),
    };
    let name = derive_name(kind, &change.key, message.as_deref(), &taken);
    row.insert("name", Item::Value(basic(&name)));
    review.push("name");
    let message = match message {
        Some(message) => message.clone(),
        None => {
            review.push("message");
            derive_name(kind, &change.key, None, &[])
        }
    };
    row.insert("message", Item::Value(basic(&message)));
    let description = description.clone().unwrap_or_default();
    row.insert("description", Item::Value(basic(&description)));
    let known_http = http.filter(|h| table.status_name(*h).is_some());
    let status = match (kind, &change.key) {
        (Kind::Status, RowKey::Number(n)) => Some(*n),
        _ => known_http,
    };
    let is_error = match (kind, &change.key) {
        (Kind::Status, RowKey::Number(n)) => *n >= 400,
        (Kind::Problem, RowKey::Slug(s)) => s != ABOUT_BLANK,
        _ => true,
    };
    if is_error {
        row.insert(
            "retry",
            value(status.and_then(retry_of_status).unwrap_or("never")),
        );
        review.push("retry");
    }
    if kind != Kind::Status {
        if let Some(http) = known_http {
            row.insert("http", value(i64::from(http)));
        } else if http.is_some() {
            review.push("http");
        }
    }
    row.insert("source", Item::Value(basic(source)));
    row.insert("review", value(review));
    let mut array = toml_edit::ArrayOfTables::new();
    array.push(row);
    let mut doc = DocumentMut::new();
    doc.insert(kind.table(), Item::ArrayOfTables(array));
    Some(doc.to_string())
}

/// Where a new `history` entry from a source dated `date` goes, newest first: after the
/// entries whose sources are known to be newer, before all others (a page being applied is
/// usually the newest, so with no date it goes first).
fn history_index(table: &Table, row: Option<&Row>, date: Option<&str>) -> usize {
    let (Some(row), Some(date)) = (row, date) else {
        return 0;
    };
    row.history
        .iter()
        .take_while(|h| {
            let entry = table.source(&h.source).and_then(|s| s.date.as_deref());
            entry.is_some_and(|e| compare_dates(e, date) == Some(Ordering::Greater))
        })
        .count()
}

/// Adds one `history` entry at `index` with the page's wording of the changed fields.
fn add_history(
    chunk: &str,
    kind: Kind,
    fields: &[(Field, String)],
    source: &str,
    index: usize,
) -> Option<String> {
    let mut doc: DocumentMut = chunk.parse().ok()?;
    let row = doc
        .get_mut(kind.table())?
        .as_array_of_tables_mut()?
        .get_mut(0)?;
    let mut entry = InlineTable::new();
    for (field, text) in fields {
        entry.insert(field.as_str(), basic(text));
    }
    entry.insert("source", basic(source));
    // An entry too long for one line of about 120 characters gets one line per key (TOML 1.1
    // inline tables may span lines), as the table writes its long entries.
    if entry.to_string().chars().count() + 4 > 120 {
        let keys: Vec<String> = entry.iter().skip(1).map(|(k, _)| k.to_owned()).collect();
        for key in keys {
            if let Some(mut key) = entry.key_mut(&key) {
                key.leaf_decor_mut().set_prefix("\n    ");
            }
        }
    }
    let mut entry = TomlValue::InlineTable(entry);
    entry.decor_mut().set_prefix("\n  ");
    entry.decor_mut().set_suffix("");
    match row.get_mut("history").and_then(Item::as_array_mut) {
        Some(history) => {
            // Indented like the entries already there.
            let indent = history
                .get(0)
                .and_then(|first| first.decor().prefix())
                .and_then(|prefix| prefix.as_str())
                .map(str::to_owned);
            if let Some(indent) = indent {
                entry.decor_mut().set_prefix(indent);
            }
            history.insert_formatted(index.min(history.len()), entry);
        }
        None => {
            let mut history = Array::new();
            history.push_formatted(entry);
            history.set_trailing_comma(true);
            history.set_trailing("\n");
            row.insert("history", value(history));
        }
    }
    Some(doc.to_string())
}

/// The table text with the page applied.
pub fn apply(
    text: &str,
    table: &Table,
    changes: &[Change],
    source: &str,
) -> Result<Written, String> {
    if table.source(source).is_none() {
        let ids: Vec<&str> = table.sources.iter().map(|s| s.id.as_str()).collect();
        return Err(format!(
            "--source `{source}` is not a [[source]] id of the table; define the page as a \
             [[source]] (id, title, url, commit or date) first{}",
            if ids.is_empty() {
                String::new()
            } else {
                format!(" (defined: {})", ids.join(", "))
            }
        ));
    }
    let ranges = row_ranges(text, table);
    let mut edits: Vec<Edit> = Vec::new();
    let (mut added, mut histories, mut left) = (0, 0, 0);
    let mut by_row: Vec<RowEdit> = Vec::new();
    for change in changes {
        match (change.change, change.field, &change.page_value) {
            (
                ChangeKind::Changed,
                Some(field @ (Field::Message | Field::Description)),
                Value::Text(t),
            ) => {
                match by_row
                    .iter_mut()
                    .find(|(k, key, _)| *k == change.kind && *key == change.key)
                {
                    Some((_, _, fields)) => fields.push((field, t.clone())),
                    None => {
                        by_row.push((change.kind, change.key.clone(), vec![(field, t.clone())]))
                    }
                }
            }
            (ChangeKind::New, None, _) => {
                let row = new_row(change.kind, change, table, source)
                    .ok_or_else(|| format!("cannot write new row {}", change.key))?;
                let k = kind_index(change.kind);
                let rows: &[Row] = table.rows(change.kind);
                let previous = rows
                    .iter()
                    .filter(|r| r.key < change.key)
                    .map(|r| &r.key)
                    .max();
                let at = match previous {
                    Some(key) => ranges
                        .get(&(k, key.clone()))
                        .map(|r| (r.end, format!("\n{row}"))),
                    None => rows
                        .first()
                        .and_then(|r| ranges.get(&(k, r.key.clone())))
                        .map(|r| (r.start, format!("{row}\n"))),
                };
                let (offset, insert) = at.unwrap_or_else(|| {
                    let sep = if text.ends_with('\n') { "\n" } else { "\n\n" };
                    (text.len(), format!("{sep}{row}"))
                });
                edits.push(Edit {
                    range: offset..offset,
                    text: insert,
                    order: edits.len(),
                });
                added += 1;
            }
            // http, unsplittable lines, absent rows: a person's decision.
            (ChangeKind::Absent, ..) => {}
            _ => left += 1,
        }
    }
    for (kind, key, fields) in &by_row {
        let range = ranges
            .get(&(kind_index(*kind), key.clone()))
            .ok_or_else(|| format!("cannot find row {key} in the text"))?;
        let row = table.rows(*kind).iter().find(|r| r.key == *key);
        let date = table.source(source).and_then(|s| s.date.as_deref());
        let index = history_index(table, row, date);
        let edited = add_history(&text[range.clone()], *kind, fields, source, index)
            .ok_or_else(|| format!("cannot edit row {key}"))?;
        edits.push(Edit {
            range: range.clone(),
            text: edited,
            order: edits.len(),
        });
        histories += 1;
    }
    // Back to front, so the offsets still to apply stay valid. At one offset a row's
    // replacement goes first (an insert there would shift it), then the inserts, last first,
    // so that rows inserted at one place end up in key order.
    edits.sort_by_key(|e| Reverse((e.range.start, e.range.end > e.range.start, e.order)));
    let mut out = text.to_owned();
    for edit in &edits {
        out.replace_range(edit.range.clone(), &edit.text);
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    Ok(Written {
        text: out,
        summary: format!(
            "{} added, {} added, {} left to a person",
            plural(added, "row", "rows"),
            plural(histories, "history entry", "history entries"),
            plural(left, "change", "changes")
        ),
    })
}
