//! `twerr explain`: everything the table says about one code, status or problem type.

use twerr_core::row::{History, Observed, Retired};
use twerr_core::{Code, Problem, Retry, Status};

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
    let mut out = Lines::default();
    if !code.is_known() {
        out.plain(&format!("Code {} is not in the table.", code.as_u16()));
        fallback_to_status(&mut out);
        return not_in_table(out);
    }
    out.plain(&format!("Code {}: {}", code.as_u16(), code.message()));
    description(&mut out, code.description());
    match code.status() {
        Some(status) => out.field("HTTP", &status.to_string()),
        None => out.field(
            "HTTP",
            "not documented; the status the response came with applies",
        ),
    }
    out.field("Retry", &retry_words(code.retry(), "see the HTTP status"));
    if !code.documented() {
        out.field("Documented", "no: seen only in real traffic");
    }
    provenance(
        &mut out,
        code.retired(),
        code.observed(),
        code.history(),
        code.source(),
    );
    out.field("Variant", &format!("twerr_core::Code::{}", code.name()));
    Outcome::ok(out.finish())
}

fn status(status: Status) -> Outcome {
    let mut out = Lines::default();
    let n = status.as_u16();
    if !status.is_known() {
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
    }
    out.plain(&format!("HTTP {n}: {}", status.message()));
    description(&mut out, status.description());
    out.field("Retry", &retry_words(status.retry(), "no: not an error"));
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
        .map(|p| p.slug())
        .collect();
    if !problems.is_empty() {
        out.field("Problems", &problems.join(", "));
    }
    provenance(
        &mut out,
        status.retired(),
        status.observed(),
        status.history(),
        status.source(),
    );
    out.field("Variant", &format!("twerr_core::Status::{}", status.name()));
    Outcome::ok(out.finish())
}

fn problem(text: &str) -> Outcome {
    let problem = Problem::from_type(text);
    let mut out = Lines::default();
    if !problem.is_known() {
        out.plain(&format!(
            "Problem type \"{}\" is not in the table.",
            clean(text, 200)
        ));
        fallback_to_status(&mut out);
        let known: Vec<&str> = Problem::ALL.iter().map(|p| p.slug()).collect();
        if !known.is_empty() {
            out.field("Known", &known.join(", "));
        }
        return not_in_table(out);
    }
    out.plain(&format!(
        "Problem {}: {}",
        problem.slug(),
        problem.message()
    ));
    description(&mut out, problem.description());
    match problem.status() {
        Some(status) => out.field("HTTP", &status.to_string()),
        None => out.field("HTTP", "any; the status the response came with applies"),
    }
    out.field(
        "Retry",
        &retry_words(
            problem.retry(),
            "see the HTTP status: this type adds nothing to it",
        ),
    );
    provenance(
        &mut out,
        problem.retired(),
        problem.observed(),
        problem.history(),
        problem.source(),
    );
    out.field(
        "Variant",
        &format!("twerr_core::Problem::{}", problem.name()),
    );
    Outcome::ok(out.finish())
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

fn provenance(
    out: &mut Lines,
    retired: Option<&Retired>,
    observed: &[Observed],
    history: &[History],
    source: &str,
) {
    if let Some(retired) = retired {
        out.field(
            "Retired",
            &format!("{}: {}", retired.date, clean(retired.note, MAX_TEXT)),
        );
    }
    for (i, seen) in observed.iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(message) = seen.message {
            parts.push(format!("\"{}\"", clean(message, MAX_TEXT)));
        }
        if let Some(http) = seen.http {
            parts.push(format!("with HTTP {}", http.as_u16()));
        }
        parts.push(format!("({})", clean(seen.source, MAX_TEXT)));
        let line = parts.join(" ");
        if i == 0 {
            out.field("Observed", &line);
        } else {
            out.more(&line);
        }
    }
    for (i, old) in history.iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(message) = old.message {
            parts.push(format!("\"{}\"", clean(message, MAX_TEXT)));
        }
        if let Some(description) = old.description {
            parts.push(format!("description \"{}\"", clean(description, MAX_TEXT)));
        }
        let mut line = parts.join("; ");
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&format!("({})", clean(old.source, MAX_TEXT)));
        if i == 0 {
            out.field("History", &line);
        } else {
            out.more(&line);
        }
    }
    out.field("Source", &clean(source, MAX_TEXT));
}
