//! The rows of `error-table.toml` as data: what every [`Status`], [`Code`] and [`Problem`] value
//! the table lists points to, and their provenance.
//!
//! Values of these types are built by the code `twerr_macros::error_table!` generates, through
//! the hidden `__new` constructors; users only read them. Their fields are private so that the
//! table can gain columns in a minor release.
//!
//! [`Code`]: crate::Code
//! [`Problem`]: crate::Problem

use core::fmt;

use crate::{Reach, Retry, Status};

/// One row of the table: everything it says about a status, a code or a problem type.
///
/// Reach it through `row()` on [`Status`], [`Code`](crate::Code) or
/// [`Problem`](crate::Problem), or use their accessors (`message()`, `retry()`, ...), which read
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    name: &'static str,
    message: &'static str,
    description: &'static str,
    source: &'static Source,
    retry: Option<Retry>,
    reach: Option<Reach>,
    writes_only: bool,
    http: Option<u16>,
    documented: bool,
    retired: Option<&'static Retired>,
    observed: &'static [Observed],
    history: &'static [History],
}

impl Row {
    /// Used by the generated code only; not part of the API.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        name: &'static str,
        message: &'static str,
        description: &'static str,
        source: &'static Source,
        retry: Option<Retry>,
        http: Option<u16>,
        documented: bool,
        retired: Option<&'static Retired>,
        observed: &'static [Observed],
        history: &'static [History],
    ) -> Self {
        Self {
            name,
            message,
            description,
            source,
            retry,
            reach: None,
            writes_only: false,
            http,
            documented,
            retired,
            observed,
            history,
        }
    }

    /// Sets an error row's reach; used by the generated code only, not part of the API.
    #[doc(hidden)]
    pub const fn __reach(self, reach: Reach, writes_only: bool) -> Self {
        Self {
            reach: Some(reach),
            writes_only,
            ..self
        }
    }

    /// The Rust variant's name, e.g. `"RateLimitExceeded"`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The documented text (for problem types, the title), as `Display` shows it.
    pub const fn message(&self) -> &'static str {
        self.message
    }

    /// The documented description.
    pub const fn description(&self) -> &'static str {
        self.description
    }

    /// Where the row's text comes from.
    pub const fn source(&self) -> &'static Source {
        self.source
    }

    /// The retry advice: `Some` on every error row, `None` on statuses below 400 and on
    /// `about:blank`.
    pub const fn retry(&self) -> Option<Retry> {
        self.retry
    }

    /// How far the failure reaches: which later requests fail for the same reason (see
    /// [`Reach`]). `Some` on every error row (the table's `reach`, [`Reach::Request`] when the
    /// row has none), `None` where [`retry`](Self::retry) is `None`.
    pub const fn reach(&self) -> Option<Reach> {
        self.reach
    }

    /// Whether the failure reaches only writing methods (POST, PUT, DELETE): reads under the
    /// same [`reach`](Self::reach) still work, as with code 261, "Application cannot perform
    /// write actions". Only ever `true` beside a reach that [blocks](Reach::blocks).
    pub const fn writes_only(&self) -> bool {
        self.writes_only
    }

    /// The HTTP status the docs say a code or problem type comes with, if they say
    /// (`None` on status rows).
    pub const fn http(&self) -> Option<Status> {
        match self.http {
            Some(n) => Some(Status::from_u16(n)),
            None => None,
        }
    }

    /// The HTTP status number of [`http`](Self::http), for the generated accessors (which in
    /// an expansion outside this crate name that expansion's own `Status`).
    #[doc(hidden)]
    pub const fn __http_number(&self) -> Option<u16> {
        self.http
    }

    /// Whether the docs list the row (`false` for values seen only in real responses).
    pub const fn documented(&self) -> bool {
        self.documented
    }

    /// When the docs dropped the row, if they did.
    pub const fn retired(&self) -> Option<&'static Retired> {
        self.retired
    }

    /// What real responses said where it differs from the docs.
    pub const fn observed(&self) -> &'static [Observed] {
        self.observed
    }

    /// Other doc versions' wording of the row.
    pub const fn history(&self) -> &'static [History] {
        self.history
    }
}

/// Where a row's text, a history entry or an observation comes from: a docs page (and its
/// date or commit), an issue, a recorded response.
///
/// Every field but the title is optional. `Display` prints the title followed by what else is
/// known, e.g. `Twitter, "Error Codes & Responses", updated 2014-04-15`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Source {
    id: Option<&'static str>,
    title: &'static str,
    url: Option<&'static str>,
    commit: Option<&'static str>,
    date: Option<&'static str>,
    unidentified: Option<&'static str>,
}

impl Source {
    /// Used by the generated code only; not part of the API.
    #[doc(hidden)]
    pub const fn __new(
        id: Option<&'static str>,
        title: &'static str,
        url: Option<&'static str>,
        commit: Option<&'static str>,
        date: Option<&'static str>,
    ) -> Self {
        Self {
            id,
            title,
            url,
            commit,
            date,
            unidentified: None,
        }
    }

    /// The source marked as one no maintainer can re-check; used by the generated code only,
    /// not part of the API.
    #[doc(hidden)]
    pub const fn __unidentified(self, why: &'static str) -> Self {
        Self {
            unidentified: Some(why),
            ..self
        }
    }

    /// A source known only by its text; used by the generated code only, not part of the API.
    #[doc(hidden)]
    pub const fn __text(title: &'static str) -> Self {
        Self::__new(None, title, None, None, None)
    }

    /// The id the table defines the source under, when it defines one.
    pub const fn id(&self) -> Option<&'static str> {
        self.id
    }

    /// What the source is, e.g. `Twitter, "Error Codes & Responses"`.
    pub const fn title(&self) -> &'static str {
        self.title
    }

    /// Where to read it.
    pub const fn url(&self) -> Option<&'static str> {
        self.url
    }

    /// The revision of the docs repository the text was taken from.
    pub const fn commit(&self) -> Option<&'static str> {
        self.commit
    }

    /// The date of the text, as precise as the source allows (`2014-04-15`, `2021-10`).
    pub const fn date(&self) -> Option<&'static str> {
        self.date
    }

    /// Why no maintainer can re-check the source, when that is so (e.g. a code-search hit
    /// whose repository is unknown): text that rests on it is as good as that source.
    pub const fn unidentified(&self) -> Option<&'static str> {
        self.unidentified
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title)?;
        if let Some(date) = self.date {
            write!(f, ", {date}")?;
        }
        if let Some(commit) = self.commit {
            write!(f, ", commit {commit}")?;
        }
        if let Some(url) = self.url {
            write!(f, " <{url}>")?;
        }
        Ok(())
    }
}

/// The docs dropped this row. Rows are never deleted, so a retired value keeps its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Retired {
    date: &'static str,
    note: &'static str,
}

impl Retired {
    /// Used by the generated code only; not part of the API.
    #[doc(hidden)]
    pub const fn __new(date: &'static str, note: &'static str) -> Self {
        Self { date, note }
    }

    /// When the row left the docs (as precise as the source allows, e.g. `2021-10`).
    pub const fn date(&self) -> &'static str {
        self.date
    }

    /// What happened, and what replaces it if anything does.
    pub const fn note(&self) -> &'static str {
        self.note
    }
}

/// What real responses said where it differs from the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Observed {
    message: Option<&'static str>,
    http: Option<u16>,
    source: &'static Source,
}

impl Observed {
    /// Used by the generated code only; not part of the API.
    #[doc(hidden)]
    pub const fn __new(
        message: Option<&'static str>,
        http: Option<u16>,
        source: &'static Source,
    ) -> Self {
        Self {
            message,
            http,
            source,
        }
    }

    /// The message text real responses carried, when it differs.
    pub const fn message(&self) -> Option<&'static str> {
        self.message
    }

    /// The HTTP status real responses carried, when it differs.
    pub const fn http(&self) -> Option<Status> {
        match self.http {
            Some(n) => Some(Status::from_u16(n)),
            None => None,
        }
    }

    /// Where it was seen.
    pub const fn source(&self) -> &'static Source {
        self.source
    }
}

/// Another doc version's wording of the same row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct History {
    message: Option<&'static str>,
    description: Option<&'static str>,
    source: &'static Source,
}

impl History {
    /// Used by the generated code only; not part of the API.
    #[doc(hidden)]
    pub const fn __new(
        message: Option<&'static str>,
        description: Option<&'static str>,
        source: &'static Source,
    ) -> Self {
        Self {
            message,
            description,
            source,
        }
    }

    /// That version's message, when it differs.
    pub const fn message(&self) -> Option<&'static str> {
        self.message
    }

    /// That version's description, when it differs.
    pub const fn description(&self) -> Option<&'static str> {
        self.description
    }

    /// Which doc version said it.
    pub const fn source(&self) -> &'static Source {
        self.source
    }
}
