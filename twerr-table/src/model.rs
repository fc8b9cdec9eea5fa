//! The validated table: what the macro's expansion and `twerr table diff` are built from.
//!
//! Validation produces these values only from rows whose key and name are sound, so the
//! expansion can always turn them into valid Rust (see `validate`).

use core::ops::Range;

/// Which array of tables a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `[[status]]`: HTTP statuses, keyed by `code`.
    Status,
    /// `[[code]]`: v1.1 numeric error codes, keyed by `code`.
    Code,
    /// `[[problem]]`: v2 problem types, keyed by `slug`.
    Problem,
}

impl Kind {
    /// Every kind, in the order the tables are checked (statuses first: the others refer to them).
    pub const ALL: [Kind; 3] = [Kind::Status, Kind::Code, Kind::Problem];

    /// The table's name in the TOML file.
    pub const fn table(self) -> &'static str {
        match self {
            Kind::Status => "status",
            Kind::Code => "code",
            Kind::Problem => "problem",
        }
    }

    /// The key that identifies a row.
    pub const fn key_name(self) -> &'static str {
        match self {
            Kind::Status | Kind::Code => "code",
            Kind::Problem => "slug",
        }
    }

    /// Every key a row of this table may have, in the order the header comment lists them.
    pub const fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Status => &[
                "code",
                "name",
                "message",
                "description",
                "retry",
                "reach",
                "writes_only",
                "source",
                "documented",
                "retired",
                "observed",
                "history",
                "review",
            ],
            Kind::Code => &[
                "code",
                "name",
                "message",
                "description",
                "retry",
                "reach",
                "writes_only",
                "http",
                "source",
                "documented",
                "retired",
                "observed",
                "history",
                "review",
            ],
            Kind::Problem => &[
                "slug",
                "name",
                "message",
                "description",
                "retry",
                "reach",
                "writes_only",
                "http",
                "source",
                "documented",
                "retired",
                "observed",
                "history",
                "review",
            ],
        }
    }
}

/// The identifying key of a row.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowKey {
    /// A status or code number.
    Number(u16),
    /// A problem type's slug.
    Slug(String),
}

impl core::fmt::Display for RowKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RowKey::Number(n) => write!(f, "{n}"),
            RowKey::Slug(s) => write!(f, "`{s}`"),
        }
    }
}

/// The retry advice of an error row (mirrors `twerr_core::Retry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// `never`
    Never,
    /// `backoff`
    Backoff,
    /// `after-reset`
    AfterReset,
}

impl RetryClass {
    /// Every class. Its spellings are the only ones in the workspace: twerr-core's `Retry`
    /// reads them through `twerr_macros::retry_spellings!`.
    pub const ALL: [RetryClass; 3] = [
        RetryClass::Never,
        RetryClass::Backoff,
        RetryClass::AfterReset,
    ];

    /// Parses the table's spelling.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.as_str() == name)
    }

    /// The table's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryClass::Never => "never",
            RetryClass::Backoff => "backoff",
            RetryClass::AfterReset => "after-reset",
        }
    }

    /// The variant of `twerr_core::Retry`.
    pub const fn variant(self) -> &'static str {
        match self {
            RetryClass::Never => "Never",
            RetryClass::Backoff => "Backoff",
            RetryClass::AfterReset => "AfterReset",
        }
    }
}

/// How far an error row's failure reaches (mirrors `twerr_core::Reach`): which other requests
/// fail for the same reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// `request`: only this request (the default when a row has no `reach`).
    Request,
    /// `window`: the endpoint's rate-limit window for this credential.
    Window,
    /// `credential`: every request made with this credential.
    Credential,
    /// `app`: every request of the app or account, whatever the credential.
    App,
}

impl Reach {
    /// Every reach, narrowest first. Its spellings are the only ones in the workspace:
    /// twerr-core's `Reach` reads them through `twerr_macros::reach_spellings!`.
    pub const ALL: [Reach; 4] = [Reach::Request, Reach::Window, Reach::Credential, Reach::App];

    /// Parses the table's spelling.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reach| reach.as_str() == name)
    }

    /// The table's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reach::Request => "request",
            Reach::Window => "window",
            Reach::Credential => "credential",
            Reach::App => "app",
        }
    }

    /// The variant of `twerr_core::Reach`.
    pub const fn variant(self) -> &'static str {
        match self {
            Reach::Request => "Request",
            Reach::Window => "Window",
            Reach::Credential => "Credential",
            Reach::App => "App",
        }
    }

    /// Whether later requests under it are not sent (`credential`, `app`); a window is
    /// counted by the rate-limit book instead.
    pub const fn blocks(self) -> bool {
        matches!(self, Reach::Credential | Reach::App)
    }

    /// The spellings for messages: "`request`, `window`, `credential` or `app`".
    pub fn spellings() -> String {
        let names: Vec<String> = Self::ALL
            .iter()
            .map(|r| format!("`{}`", r.as_str()))
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}

/// `retired = { date, note }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retired {
    /// When the docs dropped the row.
    pub date: String,
    /// What happened, what replaces it.
    pub note: String,
}

/// One entry of `observed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The message real responses carried, where it differs from the row's.
    pub message: Option<String>,
    /// The status number and the span of its value (checked against `[[status]]`).
    pub http: Option<(u16, Range<usize>)>,
    /// Where it was seen: a `[[source]]` id, or a citation used once.
    pub source: String,
    /// Span of the `source` value.
    pub source_span: Range<usize>,
}

/// One entry of `history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    /// That doc version's message, where it differs from the row's.
    pub message: Option<String>,
    /// That doc version's description, where it differs from the row's.
    pub description: Option<String>,
    /// Which doc version said it: a `[[source]]` id, or a citation used once.
    pub source: String,
    /// Span of the `source` value.
    pub source_span: Range<usize>,
}

/// One row, with the spans later checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The status or code number, or the problem type's slug.
    pub key: RowKey,
    /// Span of the key's value (duplicates and ordering are reported there).
    pub key_span: Range<usize>,
    /// Checked: an UpperCamelCase identifier, not a keyword, not `Unknown`.
    pub name: String,
    /// Span of the name's value.
    pub name_span: Range<usize>,
    /// The documented text (problems: the title), one line.
    pub message: String,
    /// The documented description.
    pub description: String,
    /// The retry advice; exactly on error rows.
    pub retry: Option<RetryClass>,
    /// How far the failure reaches: `Some` exactly on error rows (`Request` when the row
    /// has no `reach`).
    pub reach: Option<Reach>,
    /// The failure reaches only writing methods (POST, PUT, DELETE); only with a reach that
    /// blocks.
    pub writes_only: bool,
    /// The corresponding status number and the span of its value.
    pub http: Option<(u16, Range<usize>)>,
    /// Where the text comes from: a `[[source]]` id, or a citation used once.
    pub source: String,
    /// Span of the `source` value.
    pub source_span: Range<usize>,
    /// False for codes seen only in real traffic.
    pub documented: bool,
    /// Set when the docs dropped the row.
    pub retired: Option<Retired>,
    /// What real responses said where it differs.
    pub observed: Vec<Observed>,
    /// Other doc versions' wording, newest first.
    pub history: Vec<History>,
}

/// One `[[source]]`: a document the table cites by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceDef {
    /// What rows, `history` and `observed` entries write as their `source`.
    pub id: String,
    /// What the source is, e.g. `Twitter, "Error Codes & Responses"`.
    pub title: String,
    /// Where to read it.
    pub url: Option<String>,
    /// The revision of the docs repository the text was taken from.
    pub commit: Option<String>,
    /// Its date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Why no maintainer can re-check it (e.g. a code-search hit whose repository is unknown).
    pub unidentified: Option<String>,
}

impl core::fmt::Display for SourceDef {
    /// As `twerr_core::table::Source` shows it: title, date, commit, `<url>`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.title)?;
        if let Some(date) = &self.date {
            write!(f, ", {date}")?;
        }
        if let Some(commit) = &self.commit {
            write!(f, ", commit {commit}")?;
        }
        if let Some(url) = &self.url {
            write!(f, " <{url}>")?;
        }
        Ok(())
    }
}

/// The whole table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// `[[source]]` entries, in file order.
    pub sources: Vec<SourceDef>,
    /// `[[status]]` rows, in file order.
    pub statuses: Vec<Row>,
    /// `[[code]]` rows, in file order.
    pub codes: Vec<Row>,
    /// `[[problem]]` rows, in file order.
    pub problems: Vec<Row>,
}

impl Table {
    /// The rows of one kind.
    pub fn rows(&self, kind: Kind) -> &[Row] {
        match kind {
            Kind::Status => &self.statuses,
            Kind::Code => &self.codes,
            Kind::Problem => &self.problems,
        }
    }

    /// The `[[source]]` a `source` value names, if it is an id the table defines.
    pub fn source(&self, cited: &str) -> Option<&SourceDef> {
        self.sources.iter().find(|s| s.id == cited)
    }

    /// A `source` value as readers see it: the defined source's text, or the citation itself.
    pub fn cite(&self, cited: &str) -> String {
        self.source(cited)
            .map_or_else(|| cited.to_owned(), ToString::to_string)
    }

    /// The variant name of the status row with this number.
    pub fn status_name(&self, code: u16) -> Option<&str> {
        self.statuses
            .iter()
            .find(|row| row.key == RowKey::Number(code))
            .map(|row| row.name.as_str())
    }
}
