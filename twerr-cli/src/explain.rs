//! `twerr explain`: everything the table says about one code, status or problem type.

use twerr_core::table::Row;
use twerr_core::{Code, Problem, Retry, Status};

use crate::cli::TableName;
use crate::entry::{Entry, Key};
use crate::find;

use crate::error::{Failure, NOT_IN_TABLE, Outcome};
use crate::output::{Lines, blocked_retry_words, clean, reach_words, retry_words};
use crate::value::{self, Query};

/// Texts from the table are printed whole; this only guards against a runaway row.
const MAX_TEXT: usize = 2000;

/// `twerr explain VALUE`.
pub fn run(text: &str) -> Result<Outcome, Failure> {
    let query = value::parse(text).map_err(|e| Failure(e.to_string()))?;
    Ok(match query {
        Query::Number(n) => number(n),
        Query::Code(n) => code(n),
        Query::Status(n) => status(Status::from_u16(n)),
        Query::Problem(text) => problem(text),
        Query::Variant { table, name } => variant(Some(table), name),
        Query::Text(text) => message(text),
    })
}

/// A bare number: the code when the table lists it (pointing at the status of the same
/// number, if listed), else the status, saying so.
fn number(n: u16) -> Outcome {
    let as_status = (100..=999)
        .contains(&n)
        .then(|| Entry::status(Status::from_u16(n)))
        .flatten();
    let mut out = Lines::default();
    match (Entry::code(Code::from_u16(n)), as_status) {
        (Some(code), as_status) => {
            explain(&mut out, &code);
            if let Some(status) = as_status {
                out.field(
                    "Also",
                    &format!(
                        "HTTP {n} {}: twerr explain {}",
                        status.row.message(),
                        status.query()
                    ),
                );
            }
            Outcome::ok(out.finish())
        }
        (None, Some(status)) => {
            out.plain(&format!(
                "Code {n} is not in the table; showing HTTP {n} (twerr explain {}).",
                status.query()
            ));
            explain(&mut out, &status);
            Outcome::ok(out.finish())
        }
        (None, None) => code(n),
    }
}

/// `code:N`: the code only; a status of that number is pointed at, not shown.
fn code(n: u16) -> Outcome {
    let mut out = Lines::default();
    if let Some(entry) = Entry::code(Code::from_u16(n)) {
        explain(&mut out, &entry);
        return Outcome::ok(out.finish());
    }
    out.plain(&format!("Code {n} is not in the table."));
    fallback_to_status(&mut out);
    let as_status = (100..=999)
        .contains(&n)
        .then(|| Entry::status(Status::from_u16(n)))
        .flatten();
    if let Some(status) = as_status {
        out.field(
            "Also",
            &format!(
                "HTTP {n} {} is in the table: twerr explain {}",
                status.row.message(),
                status.query()
            ),
        );
    }
    not_in_table(out)
}

fn status(status: Status) -> Outcome {
    let n = status.as_u16();
    let mut out = Lines::default();
    let Some(entry) = Entry::status(status) else {
        out.plain(&format!("HTTP {n} is not in the table."));
        out.field(
            "Fallback",
            &format!(
                "its class, {}xx: {}",
                n / 100,
                retry_words(status.retry(), "below 400, not an error")
            ),
        );
        return not_in_table(out);
    };
    explain(&mut out, &entry);
    Outcome::ok(out.finish())
}

/// A problem type; a word that is none may be a variant name or a message (`Forbidden`).
fn problem(text: &str) -> Outcome {
    // Typed by a person, so case does not matter (`USAGE-CAPPED`); the table's slugs are all
    // lower case. The library matches a body's `type` exactly, as the API sends it.
    let problem = match Problem::from_type(text) {
        Problem::Unknown => Problem::from_type(&text.to_ascii_lowercase()),
        known => known,
    };
    let mut out = Lines::default();
    if let Some(entry) = Entry::problem(problem) {
        explain(&mut out, &entry);
        return Outcome::ok(out.finish());
    }
    let is_uri = text.contains(':');
    if !is_uri {
        let named = find::by_name(None, text);
        if !named.is_empty() {
            return variant(None, text);
        }
        if !find::by_message(text).is_empty() {
            return message(text);
        }
    }
    out.plain(&format!(
        "Problem type \"{}\" is not in the table.",
        clean(text, 200)
    ));
    if !is_uri {
        out.field("Also", "no variant is named so, and no message says so");
    }
    fallback_to_status(&mut out);
    let known: Vec<&str> = Problem::ALL.iter().filter_map(|p| p.slug()).collect();
    if !known.is_empty() {
        out.field("Known", &known.join(", "));
    }
    not_in_table(out)
}

/// A variant name, in one table or any.
fn variant(table: Option<TableName>, name: &str) -> Outcome {
    let found = find::by_name(table, name);
    let shown = clean(name, 200);
    let mut out = Lines::default();
    match found.as_slice() {
        [] => {
            let within = table.map_or(String::new(), |t| format!(" of {}", type_name(t)));
            out.plain(&format!("No variant{within} is named {shown}."));
            out.field("Names", "twerr list shows every variant's name");
            not_in_table(out)
        }
        [entry] => {
            out.plain(&format!(
                "{shown} is {} (twerr explain {}).",
                entry.variant_path(),
                entry.query()
            ));
            explain(&mut out, entry);
            Outcome::ok(out.finish())
        }
        several => {
            out.plain(&format!(
                "{shown} names {} variants; explain one of them:",
                several.len()
            ));
            for entry in several {
                candidate(&mut out, entry, None);
            }
            not_in_table(out)
        }
    }
}

/// A message text, matched against every row's messages.
fn message(text: &str) -> Outcome {
    let found = find::by_message(text);
    let shown = format!("\"{}\"", clean(text.trim(), 200));
    let mut out = Lines::default();
    match found.as_slice() {
        [] => {
            out.plain(&format!("No row of the table has the message {shown}."));
            out.field(
                "Compared",
                "ignoring case, spacing and a final period, with every row's message, the \
                 messages real responses carried and earlier docs' messages",
            );
            not_in_table(out)
        }
        [(entry, matched)] => {
            out.plain(&format!(
                "{shown} is {} of {} (twerr explain {}).",
                matched.words(),
                heading(entry),
                entry.query()
            ));
            explain(&mut out, entry);
            Outcome::ok(out.finish())
        }
        several => {
            out.plain(&format!(
                "{shown} is a message of {} rows; explain one of them:",
                several.len()
            ));
            for (entry, matched) in several {
                candidate(&mut out, entry, Some(*matched));
            }
            not_in_table(out)
        }
    }
}

/// One candidate of an ambiguous name or message: how to explain it, and what it is.
fn candidate(out: &mut Lines, entry: &Entry, matched: Option<find::Matched>) {
    let how = match matched {
        Some(find::Matched::Message) | None => String::new(),
        Some(other) => format!(" ({})", other.words()),
    };
    out.more(&format!(
        "twerr explain {:<22} {}: {}{how}",
        entry.query(),
        heading(entry),
        clean(entry.row.message(), 80)
    ));
}

fn type_name(table: TableName) -> &'static str {
    match table {
        TableName::Status => "Status",
        TableName::Code => "Code",
        TableName::Problem => "Problem",
    }
}

/// `HTTP 429`, `Code 88`, `Problem usage-capped`.
fn heading(entry: &Entry) -> String {
    match (entry.table, entry.key) {
        (TableName::Status, Key::Number(n)) => format!("HTTP {n}"),
        (_, Key::Number(n)) => format!("Code {n}"),
        (_, Key::Slug(slug)) => format!("Problem {slug}"),
    }
}

/// Everything the table says about a listed value.
fn explain(out: &mut Lines, entry: &Entry) {
    let row = entry.row;
    // What an absent `http` or `retry` means for this kind of value.
    let (no_http, no_retry) = match entry.table {
        TableName::Status => ("", "no: not an error"),
        TableName::Code => (
            "not documented; the status the response came with applies",
            "see the HTTP status",
        ),
        TableName::Problem => (
            "any; the status the response came with applies",
            "see the HTTP status: this type adds nothing to it",
        ),
    };
    out.plain(&format!("{}: {}", heading(entry), row.message()));
    description(out, row.description());
    if entry.table != TableName::Status {
        match row.http() {
            Some(status) => out.field("HTTP", &status.to_string()),
            None => out.field("HTTP", no_http),
        }
    }
    let retry = blocked_retry_words(entry.retry(), row.reach(), row.writes_only())
        .unwrap_or_else(|| retry_words(entry.retry(), no_retry));
    out.field("Retry", &retry);
    if let Some(reach) = row.reach() {
        out.field("Reach", &reach_words(reach, row.writes_only()));
    }
    if !row.documented() {
        out.field("Documented", "no: seen only in real traffic");
    }
    if let (TableName::Status, Key::Number(n)) = (entry.table, entry.key) {
        corresponding(out, Status::from_u16(n));
    }
    provenance(out, row);
    out.field("Variant", &entry.variant_path());
}

/// The codes and problem types the docs say come with `status`.
fn corresponding(out: &mut Lines, status: Status) {
    let codes: Vec<String> = Code::ALL
        .iter()
        .filter(|c| c.status() == Some(status))
        .map(|c| c.as_u16().to_string())
        .collect();
    if !codes.is_empty() {
        out.field("Codes", &codes.join(", "));
    }
    let problems: Vec<&str> = Problem::ALL
        .iter()
        .filter(|p| p.status() == Some(status))
        .filter_map(|p| p.slug())
        .collect();
    if !problems.is_empty() {
        out.field("Problems", &problems.join(", "));
    }
}

fn not_in_table(out: Lines) -> Outcome {
    Outcome {
        exit: NOT_IN_TABLE,
        ..Outcome::ok(out.finish())
    }
}

fn description(out: &mut Lines, text: &str) {
    if !text.is_empty() {
        out.plain(&format!("  {}", clean(text, MAX_TEXT)));
    }
}

/// The fallback for an unknown code or problem type, with the status class defaults that
/// apply when the status is not in the table either.
fn fallback_to_status(out: &mut Lines) {
    out.field(
        "Fallback",
        "the HTTP status it came with decides (twerr explain http:STATUS)",
    );
    out.more(&format!(
        "statuses the table lacks go by class: {}",
        class_defaults()
    ));
}

/// `4xx never (429 after-reset), 5xx backoff (501, 505 never)`, read from
/// [`Retry::for_status_class`] so the words cannot drift from the code.
fn class_defaults() -> String {
    let mut classes = Vec::new();
    for class in [4u16, 5] {
        let first = class * 100;
        let base = Retry::for_status_class(first);
        let mut exceptions: Vec<(u16, Option<Retry>)> = Vec::new();
        for n in first..first + 100 {
            let retry = Retry::for_status_class(n);
            if retry != base {
                exceptions.push((n, retry));
            }
        }
        let mut text = format!("{class}xx {}", retry_name(base));
        // Group exceptions by their advice: "501, 505 never".
        let mut groups: Vec<(Option<Retry>, Vec<String>)> = Vec::new();
        for (n, retry) in exceptions {
            match groups.iter_mut().find(|(r, _)| *r == retry) {
                Some((_, numbers)) => numbers.push(n.to_string()),
                None => groups.push((retry, vec![n.to_string()])),
            }
        }
        if !groups.is_empty() {
            let parts: Vec<String> = groups
                .iter()
                .map(|(retry, numbers)| format!("{} {}", numbers.join(", "), retry_name(*retry)))
                .collect();
            text.push_str(&format!(" ({})", parts.join("; ")));
        }
        classes.push(text);
    }
    classes.join(", ")
}

fn retry_name(retry: Option<Retry>) -> &'static str {
    retry.map_or("no retry class", Retry::as_str)
}

fn provenance(out: &mut Lines, row: &Row) {
    if let Some(retired) = row.retired() {
        out.field(
            "Retired",
            &format!("{}: {}", retired.date(), clean(retired.note(), MAX_TEXT)),
        );
    }
    for (i, seen) in row.observed().iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(message) = seen.message() {
            parts.push(format!("\"{}\"", clean(message, MAX_TEXT)));
        }
        if let Some(http) = seen.http() {
            parts.push(format!("with HTTP {}", http.as_u16()));
        }
        let label = (i == 0).then_some("Observed");
        entry(out, label, &format!("{} ", parts.join(" ")), seen.source());
    }
    for (i, old) in row.history().iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(message) = old.message() {
            parts.push(format!("\"{}\"", clean(message, MAX_TEXT)));
        }
        if let Some(description) = old.description() {
            parts.push(format!("description \"{}\"", clean(description, MAX_TEXT)));
        }
        let mut text = parts.join("; ");
        if !text.is_empty() {
            text.push(' ');
        }
        entry(out, (i == 0).then_some("History"), &text, old.source());
    }
    let mut documents = cited(row.source()).into_iter();
    out.field("Source", &documents.next().unwrap_or_default());
    for more in documents {
        out.more(&more);
    }
}

/// An observed or history entry: `text (source)`, a source of several documents one per
/// line, the later ones indented under the first.
fn entry(out: &mut Lines, label: Option<&str>, text: &str, source: &twerr_core::table::Source) {
    let documents = cited(source);
    let last = documents.len().saturating_sub(1);
    for (i, document) in documents.iter().enumerate() {
        let close = if i == last { ")" } else { ";" };
        let line = if i == 0 {
            format!("{text}({document}{close}")
        } else {
            format!(" {document}{close}")
        };
        match (i, label) {
            (0, Some(label)) => out.field(label, &line),
            _ => out.more(&line),
        }
    }
}

/// A source as `explain` shows it, one document a line ([`crate::sources::lines`]); one no
/// maintainer can re-check says so.
fn cited(source: &twerr_core::table::Source) -> Vec<String> {
    let mut lines: Vec<String> = crate::sources::lines(source)
        .iter()
        .map(|line| clean(line, MAX_TEXT))
        .collect();
    if let (Some(why), Some(last)) = (source.unidentified(), lines.last_mut()) {
        last.push_str(&format!("; cannot be re-checked: {}", clean(why, MAX_TEXT)));
    }
    lines
}
