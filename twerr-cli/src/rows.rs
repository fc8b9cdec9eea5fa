//! The compiled-in tables as [`list::Row`]s for `twerr list`.

use twerr_core::Status;

use crate::cli::{Format, ListArgs, TableName};
use crate::entry::{Entry, Key};
use crate::error::Outcome;
use crate::list::{self, HistoryRow, ObservedRow, RetiredRow, Section};

/// The table's key in `Row::table` and its heading.
fn names(table: TableName) -> (&'static str, &'static str) {
    match table {
        TableName::Status => ("status", "HTTP statuses"),
        TableName::Code => ("code", "v1.1 error codes"),
        TableName::Problem => ("problem", "v2 problem types"),
    }
}

/// One listed value as the listing's plain row.
fn list_row(entry: &Entry) -> list::Row {
    let row = entry.row;
    let (code, slug) = match entry.key {
        Key::Number(n) => (Some(n), None),
        Key::Slug(slug) => (None, Some(slug)),
    };
    list::Row {
        table: names(entry.table).0,
        code,
        slug,
        name: row.name(),
        message: row.message(),
        description: row.description(),
        retry: entry.retry().map(|retry| retry.as_str()),
        reach: row.reach().map(|reach| reach.as_str()),
        writes_only: row.writes_only(),
        http: row.http().map(Status::as_u16),
        documented: row.documented(),
        retired: row.retired().map(|r| RetiredRow {
            date: r.date(),
            note: r.note(),
        }),
        observed: row
            .observed()
            .iter()
            .map(|o| ObservedRow {
                message: o.message(),
                http: o.http().map(Status::as_u16),
                source: o.source().to_string(),
            })
            .collect(),
        history: row
            .history()
            .iter()
            .map(|h| HistoryRow {
                message: h.message(),
                description: h.description(),
                source: h.source().to_string(),
            })
            .collect(),
        source: row.source().to_string(),
    }
}

/// `twerr list`.
pub fn run(args: &ListArgs) -> Outcome {
    let tables = match args.table {
        Some(table) => vec![table],
        None => vec![TableName::Status, TableName::Code, TableName::Problem],
    };
    let rows: Vec<(TableName, Vec<list::Row>)> = tables
        .into_iter()
        .map(|t| (t, Entry::all(t).iter().map(list_row).collect()))
        .collect();
    let sections: Vec<Section<'_>> = rows
        .iter()
        .map(|(t, rows)| {
            let (table, title) = names(*t);
            Section { table, title, rows }
        })
        .collect();
    Outcome::ok(match args.format {
        Format::Table => list::render_table(&sections, (!args.wide).then(width)),
        Format::Markdown => list::render_markdown(&sections),
        Format::Json => list::render_json(&sections),
    })
}

/// The width `list` fits its table to when stdout is not a terminal and `COLUMNS` is unset:
/// a wide terminal's, and room for a message of 40-odd characters beside the other columns.
const DEFAULT_WIDTH: usize = 100;

/// The width to fit: `COLUMNS` when it is a positive number (shells set it, and it lets a
/// script choose), else the terminal's, else [`DEFAULT_WIDTH`].
fn width() -> usize {
    let columns = std::env::var("COLUMNS").ok();
    if let Some(n) = columns.and_then(|c| c.trim().parse::<usize>().ok())
        && n > 0
    {
        return n;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map_or(DEFAULT_WIDTH, |(terminal_size::Width(w), _)| usize::from(w))
}
