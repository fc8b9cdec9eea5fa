//! One path from the compiled-in table to what `explain` and `list` print: a table value with
//! its key and its [`Row`], whichever of `Status`, `Code` or `Problem` it is.

use twerr_core::table::Row;
use twerr_core::{Code, Problem, Retry, Status};

use crate::cli::TableName;

/// A value the table lists.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Which table.
    pub table: TableName,
    /// The number, or the slug.
    pub key: Key,
    /// What the table says.
    pub row: &'static Row,
}

/// A row's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A status or code number.
    Number(u16),
    /// A problem type's slug.
    Slug(&'static str),
}

impl Entry {
    /// The listed status, if it is listed.
    pub fn status(status: Status) -> Option<Self> {
        Some(Self {
            table: TableName::Status,
            key: Key::Number(status.as_u16()),
            row: status.row()?,
        })
    }

    /// The listed code, if it is listed.
    pub fn code(code: Code) -> Option<Self> {
        Some(Self {
            table: TableName::Code,
            key: Key::Number(code.as_u16()),
            row: code.row()?,
        })
    }

    /// The listed problem type, if it is listed.
    pub fn problem(problem: Problem) -> Option<Self> {
        Some(Self {
            table: TableName::Problem,
            key: Key::Slug(problem.slug()?),
            row: problem.row()?,
        })
    }

    /// Every row of one table, in table order.
    pub fn all(table: TableName) -> Vec<Self> {
        match table {
            TableName::Status => Status::ALL
                .iter()
                .filter_map(|&s| Self::status(s))
                .collect(),
            TableName::Code => Code::ALL.iter().filter_map(|&c| Self::code(c)).collect(),
            TableName::Problem => Problem::ALL
                .iter()
                .filter_map(|&p| Self::problem(p))
                .collect(),
        }
    }

    /// The retry advice of the value: the row's.
    pub fn retry(&self) -> Option<Retry> {
        self.row.retry()
    }

    /// What to pass to `twerr explain` for this value alone: `http:429`, `88`,
    /// `usage-capped`.
    pub fn query(&self) -> String {
        match (self.table, self.key) {
            (TableName::Status, Key::Number(n)) => format!("http:{n}"),
            (_, Key::Number(n)) => n.to_string(),
            (_, Key::Slug(slug)) => slug.to_owned(),
        }
    }

    /// The Rust path of the value's variant.
    pub fn variant_path(&self) -> String {
        let ty = match self.table {
            TableName::Status => "Status",
            TableName::Code => "Code",
            TableName::Problem => "Problem",
        };
        format!("twerr_core::{ty}::{}", self.row.name())
    }
}
