//! The compiled-in tables as [`Row`]s for `twerr list`.

use twerr_core::row::{History, Observed, Retired};
use twerr_core::{Code, Problem, Retry, Status};

use crate::cli::{Format, ListArgs, TableName};
use crate::error::Outcome;
use crate::list::{self, HistoryRow, ObservedRow, RetiredRow, Row, Section};

/// The rows of one table, in table order.
fn rows(table: TableName) -> Vec<Row> {
    match table {
        TableName::Status => Status::ALL.iter().map(|&s| status_row(s)).collect(),
        TableName::Code => Code::ALL.iter().map(|&c| code_row(c)).collect(),
        TableName::Problem => Problem::ALL.iter().map(|&p| problem_row(p)).collect(),
    }
}

/// The table's key in `Row::table` and its heading.
fn names(table: TableName) -> (&'static str, &'static str) {
    match table {
        TableName::Status => ("status", "HTTP statuses"),
        TableName::Code => ("code", "v1.1 error codes"),
        TableName::Problem => ("problem", "v2 problem types"),
    }
}

/// A section borrowing `rows`.
fn section(table: TableName, rows: &[Row]) -> Section<'_> {
    let (table, title) = names(table);
    Section { table, title, rows }
}

fn status_row(s: Status) -> Row {
    Row {
        table: "status",
        code: Some(s.as_u16()),
        slug: None,
        name: s.name(),
        message: s.message(),
        description: s.description(),
        retry: s.retry().map(Retry::as_str),
        http: None,
        documented: s.documented(),
        retired: s.retired().map(retired),
        observed: s.observed().iter().map(observed).collect(),
        history: s.history().iter().map(history).collect(),
        source: s.source(),
    }
}

fn code_row(c: Code) -> Row {
    Row {
        table: "code",
        code: Some(c.as_u16()),
        slug: None,
        name: c.name(),
        message: c.message(),
        description: c.description(),
        retry: c.retry().map(Retry::as_str),
        http: c.status().map(Status::as_u16),
        documented: c.documented(),
        retired: c.retired().map(retired),
        observed: c.observed().iter().map(observed).collect(),
        history: c.history().iter().map(history).collect(),
        source: c.source(),
    }
}

fn problem_row(p: Problem) -> Row {
    Row {
        table: "problem",
        code: None,
        slug: Some(p.slug()),
        name: p.name(),
        message: p.message(),
        description: p.description(),
        retry: p.retry().map(Retry::as_str),
        http: p.status().map(Status::as_u16),
        documented: p.documented(),
        retired: p.retired().map(retired),
        observed: p.observed().iter().map(observed).collect(),
        history: p.history().iter().map(history).collect(),
        source: p.source(),
    }
}

fn retired(r: &'static Retired) -> RetiredRow {
    RetiredRow {
        date: r.date,
        note: r.note,
    }
}

fn observed(o: &'static Observed) -> ObservedRow {
    ObservedRow {
        message: o.message,
        http: o.http.map(Status::as_u16),
        source: o.source,
    }
}

fn history(h: &'static History) -> HistoryRow {
    HistoryRow {
        message: h.message,
        description: h.description,
        source: h.source,
    }
}

/// `twerr list`.
pub fn run(args: &ListArgs) -> Outcome {
    let tables = match args.table {
        Some(table) => vec![table],
        None => vec![TableName::Status, TableName::Code, TableName::Problem],
    };
    let rows: Vec<(TableName, Vec<Row>)> = tables.into_iter().map(|t| (t, rows(t))).collect();
    let sections: Vec<Section<'_>> = rows.iter().map(|(t, r)| section(*t, r)).collect();
    Outcome::ok(match args.format {
        Format::Table => list::render_table(&sections),
        Format::Markdown => list::render_markdown(&sections),
        Format::Json => list::render_json(&sections),
    })
}
