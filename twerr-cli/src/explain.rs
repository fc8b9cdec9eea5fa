//! `twerr explain`: everything the table says about one code, status or problem type.

use twerr_core::table::Row;
use twerr_core::{Code, Problem, Retry, Status};

use crate::cli::TableName;
use crate::entry::{Entry, Key};

use crate::error::{Failure, NOT_IN_TABLE, Outcome};
use crate::output::{Lines, clean, retry_words};
use crate::value::{self, Query};

/// Texts from the table are printed whole; this only guards against a runaway row.
const MAX_TEXT: usize = 2000;

/// `twerr explain VALUE`.
pub fn run(text: &str) -> Result<Outcome, Failure> {
    let query = value::parse(text).map_err(|e| Failure(e.to_string()))?;
    Ok(match query {
        Query::Code(n) => code(Code::from_u16(n)),
        Query::Status(n) => status(Status::from_u16(n)),
        Query::Problem(text) => problem(text),
    })
}

fn code(code: Code) -> Outcome {
    let Some(entry) = Entry::code(code) else {
        let mut out = Lines::default();
        out.plain(&format!("Code {} is not in the table.", code.as_u16()));
        fallback_to_status(&mut out);
        return not_in_table(out);
    };
    explain(
        &entry,
        "not documented; the status the response came with applies",
        "see the HTTP status",
    )
}

fn status(status: Status) -> Outcome {
    let n = status.as_u16();
    let Some(entry) = Entry::status(status) else {
        let mut out = Lines::default();
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
    explain(&entry, "", "no: not an error")
}

fn problem(text: &str) -> Outcome {
    let problem = Problem::from_type(text);
    let Some(entry) = Entry::problem(problem) else {
        let mut out = Lines::default();
        out.plain(&format!(
            "Problem type \"{}\" is not in the table.",
            clean(text, 200)
        ));
        fallback_to_status(&mut out);
        let known: Vec<&str> = Problem::ALL.iter().filter_map(|p| p.slug()).collect();
        if !known.is_empty() {
            out.field("Known", &known.join(", "));
        }
        return not_in_table(out);
    };
    explain(
        &entry,
        "any; the status the response came with applies",
        "see the HTTP status: this type adds nothing to it",
    )
}

/// Everything the table says about a listed value. `no_http` and `no_retry` say what an
/// absent `http` or `retry` means for this kind of value.
fn explain(entry: &Entry, no_http: &str, no_retry: &'static str) -> Outcome {
    let row = entry.row;
    let mut out = Lines::default();
    let heading = match (entry.table, entry.key) {
        (TableName::Status, Key::Number(n)) => format!("HTTP {n}"),
        (_, Key::Number(n)) => format!("Code {n}"),
        (_, Key::Slug(slug)) => format!("Problem {slug}"),
    };
    out.plain(&format!("{heading}: {}", row.message()));
    description(&mut out, row.description());
    if entry.table != TableName::Status {
        match row.http() {
            Some(status) => out.field("HTTP", &status.to_string()),
            None => out.field("HTTP", no_http),
        }
    }
    out.field("Retry", &retry_words(entry.retry(), no_retry));
    if !row.documented() {
        out.field("Documented", "no: seen only in real traffic");
    }
    if let (TableName::Status, Key::Number(n)) = (entry.table, entry.key) {
        corresponding(&mut out, Status::from_u16(n));
    }
    provenance(&mut out, row);
    out.field("Variant", &entry.variant_path());
    Outcome::ok(out.finish())
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
        parts.push(format!("({})", cited(seen.source())));
        let line = parts.join(" ");
        if i == 0 {
            out.field("Observed", &line);
        } else {
            out.more(&line);
        }
    }
    for (i, old) in row.history().iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(message) = old.message() {
            parts.push(format!("\"{}\"", clean(message, MAX_TEXT)));
        }
        if let Some(description) = old.description() {
            parts.push(format!("description \"{}\"", clean(description, MAX_TEXT)));
        }
        let mut line = parts.join("; ");
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&format!("({})", cited(old.source())));
        if i == 0 {
            out.field("History", &line);
        } else {
            out.more(&line);
        }
    }
    out.field("Source", &cited(row.source()));
}

/// A source as `explain` shows it; one no maintainer can re-check says so.
fn cited(source: &twerr_core::table::Source) -> String {
    let text = clean(&source.to_string(), MAX_TEXT);
    match source.unidentified() {
        Some(why) => format!("{text}; cannot be re-checked: {}", clean(why, MAX_TEXT)),
        None => text,
    }
}
