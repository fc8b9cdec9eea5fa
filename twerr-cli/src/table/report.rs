//! `twerr table diff`'s output: a readable report grouped by table, or one JSON object.

use serde_json::{Value as Json, json};
use twerr_table::model::{Kind, RowKey};

use crate::table::diff::{Change, ChangeKind, Value};

/// The JSON output's schema version.
pub const SCHEMA: u32 = 1;

fn key_json(key: &RowKey) -> Json {
    match key {
        RowKey::Number(n) => json!(n),
        RowKey::Slug(s) => json!(s),
    }
}

fn value_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Text(text) => json!(text),
        Value::Number(n) => json!(n),
        Value::Row {
            message,
            description,
            http,
        } => json!({ "message": message, "description": description, "http": http }),
    }
}

/// `{"schema": 1, "changes": [...]}`, one line.
pub fn json(changes: &[Change]) -> String {
    let changes: Vec<Json> = changes
        .iter()
        .map(|c| {
            json!({
                "table": c.kind.table(),
                "key": key_json(&c.key),
                "change": c.change.as_str(),
                "field": c.field.map(|f| f.as_str()),
                "page_value": value_json(&c.page_value),
                "table_value": value_json(&c.table_value),
                "page_line": c.page_line,
            })
        })
        .collect();
    let mut out = json!({ "schema": SCHEMA, "changes": changes }).to_string();
    out.push('\n');
    out
}

fn title(kind: Kind) -> &'static str {
    match kind {
        Kind::Status => "[[status]] HTTP statuses",
        Kind::Code => "[[code]] v1.1 error codes",
        Kind::Problem => "[[problem]] v2 problem types",
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => "(nothing)".to_owned(),
        Value::Text(text) => format!("{text:?}"),
        Value::Number(n) => n.to_string(),
        Value::Row {
            message,
            description,
            http,
        } => {
            let mut parts = Vec::new();
            if let Some(message) = message {
                parts.push(format!("message {message:?}"));
            }
            if let Some(description) = description {
                parts.push(format!("description {description:?}"));
            }
            if let Some(http) = http {
                parts.push(format!("http {http}"));
            }
            parts.join(", ")
        }
    }
}

/// The readable report: one section per table, then a count.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    for kind in Kind::ALL {
        let mine: Vec<&Change> = changes.iter().filter(|c| c.kind == kind).collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(title(kind));
        out.push('\n');
        for change in mine {
            let line = change
                .page_line
                .map(|l| format!(" (page line {l})"))
                .unwrap_or_default();
            let field = change
                .field
                .map(|f| format!(" {}", f.as_str()))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<8} {}{field}{line}\n",
                change.change.as_str(),
                change.key
            ));
            match change.change {
                ChangeKind::New => {
                    out.push_str(&format!("      page:  {}\n", text_of(&change.page_value)));
                }
                ChangeKind::Changed => {
                    out.push_str(&format!("      page:  {}\n", text_of(&change.page_value)));
                    out.push_str(&format!("      table: {}\n", text_of(&change.table_value)));
                }
                ChangeKind::Absent => {}
            }
        }
    }
    let count = |kind: ChangeKind| changes.iter().filter(|c| c.change == kind).count();
    out.push_str(&format!(
        "{} new, {} changed, {} absent\n",
        count(ChangeKind::New),
        count(ChangeKind::Changed),
        count(ChangeKind::Absent)
    ));
    out
}
