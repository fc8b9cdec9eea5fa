//! A page's rows against the table: what is new, what changed, what the page no longer lists.

use std::collections::HashSet;

use twerr_table::model::{Kind, Row, RowKey, Table};

use crate::table::normalize::normalize;
use crate::table::page::{Fields, PageRow, PageTable, corresponding_status};

/// The three kinds of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// The page lists a row the table lacks.
    New,
    /// A field's page value is not known for the row.
    Changed,
    /// The table has a row of a kind the page lists, and the page does not list it.
    Absent,
}

impl ChangeKind {
    /// The name in reports and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Changed => "changed",
            ChangeKind::Absent => "absent",
        }
    }
}

/// Which field a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// `message`
    Message,
    /// `description`
    Description,
    /// `http`
    Http,
    /// A 2014-style line that cannot be split into its fields.
    Row,
}

impl Field {
    /// The name in reports and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Message => "message",
            Field::Description => "description",
            Field::Http => "http",
            Field::Row => "row",
        }
    }
}

/// A value on either side of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Nothing stated.
    Null,
    /// A text (a field's wording, or a raw line).
    Text(String),
    /// An HTTP status.
    Number(u16),
    /// What the page states about a new row.
    Row {
        /// The page's message, if it has the column.
        message: Option<String>,
        /// The page's description, if it has the column.
        description: Option<String>,
        /// The status the description corresponds with, if it says.
        http: Option<u16>,
    },
}

/// One difference between page and table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Which table of error-table.toml.
    pub kind: Kind,
    /// The row's number or slug.
    pub key: RowKey,
    /// New, changed or absent.
    pub change: ChangeKind,
    /// The field of a `changed` entry (and `Row` for an unsplittable 2014 line).
    pub field: Option<Field>,
    /// What the page says.
    pub page_value: Value,
    /// What the table says.
    pub table_value: Value,
    /// The page line of the row.
    pub page_line: Option<usize>,
}

/// Every difference, grouped by table (status, code, problem), then by key.
pub fn compare(table: &Table, page: &[PageTable]) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut listed: Vec<(Kind, HashSet<&RowKey>)> = Vec::new();
    for page_table in page {
        let kind = page_table.kind;
        let rows = table.rows(kind);
        for page_row in &page_table.rows {
            match rows.iter().find(|row| row.key == page_row.key) {
                Some(row) => changed(kind, row, page_row, &mut changes),
                None => changes.push(new(kind, page_row)),
            }
        }
        let keys = page_table.rows.iter().map(|r| &r.key);
        match listed.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, set)) => set.extend(keys),
            None => listed.push((kind, keys.collect())),
        }
    }
    for (kind, keys) in &listed {
        // Rows never documented (seen only in traffic) and retired rows are not expected on
        // any page: leaving them out of `absent` keeps it to what the docs dropped.
        let dropped = table
            .rows(*kind)
            .iter()
            .filter(|row| row.retired.is_none() && row.documented && !keys.contains(&row.key));
        changes.extend(dropped.map(|row| Change {
            kind: *kind,
            key: row.key.clone(),
            change: ChangeKind::Absent,
            field: None,
            page_value: Value::Null,
            table_value: Value::Null,
            page_line: None,
        }));
    }
    let order = |k: Kind| Kind::ALL.iter().position(|&x| x == k);
    changes.sort_by(|a, b| {
        (order(a.kind), &a.key, a.change, a.field).cmp(&(order(b.kind), &b.key, b.change, b.field))
    });
    changes.dedup();
    changes
}

fn new(kind: Kind, page_row: &PageRow) -> Change {
    let (field, page_value) = match &page_row.fields {
        Fields::Split {
            message,
            description,
            http,
        } => (
            None,
            Value::Row {
                message: message.clone(),
                description: description.clone(),
                http: *http,
            },
        ),
        Fields::Joined { raw, .. } => (Some(Field::Row), Value::Text(raw.clone())),
    };
    Change {
        kind,
        key: page_row.key.clone(),
        change: ChangeKind::New,
        field,
        page_value,
        table_value: Value::Null,
        page_line: Some(page_row.line),
    }
}

/// The row's wordings of a field: its own, then its history's, normalised.
fn wordings(row: &Row, field: Field) -> Vec<String> {
    let own = match field {
        Field::Message => Some(row.message.as_str()),
        _ => Some(row.description.as_str()),
    };
    let history = row.history.iter().map(|h| match field {
        Field::Message => h.message.as_deref(),
        _ => h.description.as_deref(),
    });
    std::iter::once(own)
        .chain(history)
        .flatten()
        .map(normalize)
        .collect()
}

fn changed(kind: Kind, row: &Row, page_row: &PageRow, changes: &mut Vec<Change>) {
    let mut push = |field: Field, page_value: Value, table_value: Value| {
        changes.push(Change {
            kind,
            key: row.key.clone(),
            change: ChangeKind::Changed,
            field: Some(field),
            page_value,
            table_value,
            page_line: Some(page_row.line),
        });
    };
    let table_http = || {
        row.http
            .as_ref()
            .map_or(Value::Null, |(n, _)| Value::Number(*n))
    };
    let (http, texts) = match &page_row.fields {
        Fields::Split {
            message,
            description,
            http,
        } => (
            *http,
            vec![(Field::Message, message), (Field::Description, description)],
        ),
        Fields::Joined { rest, raw } => {
            let http = match kind {
                Kind::Code => corresponding_status(rest),
                _ => None,
            };
            if let Some((field, page)) = split_joined(row, rest) {
                let table = match field {
                    Field::Message => Value::Text(row.message.clone()),
                    Field::Description => Value::Text(row.description.clone()),
                    _ => Value::Text(format!("{} {} {}", row.key, row.message, row.description)),
                };
                let page = if field == Field::Row {
                    raw.clone()
                } else {
                    page
                };
                push(field, Value::Text(page), table);
            }
            (http, Vec::new())
        }
    };
    for (field, page) in texts {
        let Some(page) = page else { continue };
        if !wordings(row, field).contains(page) {
            let table = match field {
                Field::Message => &row.message,
                _ => &row.description,
            };
            push(field, Value::Text(page.clone()), Value::Text(table.clone()));
        }
    }
    if let Some(page) = http
        && row.http.as_ref().map(|(n, _)| *n) != Some(page)
    {
        push(Field::Http, Value::Number(page), table_http());
    }
}

/// A run-together line against the row: `None` when some known message and description,
/// run together (with or without a space), rebuild it; otherwise the field that differs and
/// its page value, where the line splits at a known message or description, or `Row`.
fn split_joined(row: &Row, rest: &str) -> Option<(Field, String)> {
    let messages = wordings(row, Field::Message);
    let descriptions = wordings(row, Field::Description);
    for m in &messages {
        for d in &descriptions {
            let joined = rest.strip_prefix(m.as_str()).map(str::trim_start);
            if joined == Some(d.as_str()) {
                return None;
            }
        }
    }
    // The longest known message the line starts with: the rest is the description. A split
    // at a space is trusted before one inside a word ("Too Many Request" + "s Returned ..."),
    // which is tried only after a split at a known description.
    let by_message = |at_space: bool| {
        messages
            .iter()
            .filter(|m| !m.is_empty() && rest.starts_with(m.as_str()))
            .filter(|m| !at_space || rest[m.len()..].starts_with(' '))
            .max_by_key(|m| m.len())
            .map(|m| (Field::Description, rest[m.len()..].trim().to_owned()))
    };
    let by_description = || {
        descriptions
            .iter()
            .filter(|d| !d.is_empty() && rest.ends_with(d.as_str()))
            .max_by_key(|d| d.len())
            .map(|d| {
                (
                    Field::Message,
                    rest[..rest.len() - d.len()].trim().to_owned(),
                )
            })
    };
    let split = by_message(true)
        .or_else(by_description)
        .or_else(|| by_message(false));
    match split {
        Some((_, page)) if page.is_empty() => Some((Field::Row, String::new())),
        Some(found) => Some(found),
        None => Some((Field::Row, String::new())),
    }
}
