//! The one-line `Display` of a response and of one error, for logs and error chains.

use core::fmt;

use super::{ApiError, ErrorResponse};
use crate::UnixTime;
use crate::advice::{self, Plan, Schedule, Wake};

/// Errors listed in full before "and N more".
const SHOWN_ERRORS: usize = 3;
/// Characters of an unstructured body shown.
const SHOWN_BODY_CHARS: usize = 200;

impl fmt::Display for ErrorResponse {
    /// `429 Too Many Requests: 88 Rate limit exceeded`; with `{:#}`,
    /// `429 Too Many Requests: 88 Rate limit exceeded; retry after 2026-11-24T22:00:00Z`.
    ///
    /// The status as received (and what it stands for, when a 200 carried only errors), each
    /// error in the body's own words (at most three, then a count), the HTML title or the
    /// start of an unstructured body. The alternate form adds the retry advice, from the same
    /// computation as [`retry_delay`](ErrorResponse::retry_delay): when to retry for
    /// [`Retry::AfterReset`](crate::Retry::AfterReset) (the instant, or the wait after the
    /// response), the schedule and any `Retry-After` for
    /// [`Retry::Backoff`](crate::Retry::Backoff), nothing for
    /// [`Retry::Never`](crate::Retry::Never). Always one line: the body's text is escaped as [`escape`](crate::escape)
    /// says, so no body can start a new log line or drive a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status())?;
        let effective = self.effective_status();
        if effective != self.status() {
            write!(f, " (as {effective})")?;
        }
        let mut separator = ": ";
        let mut shown = 0;
        for error in self.all_errors() {
            if shown == SHOWN_ERRORS {
                // The errors not kept count too: the log line says how many the body had.
                let rest =
                    (self.all_errors().count() - SHOWN_ERRORS) as u64 + self.omitted_errors();
                write!(f, "; and {rest} more")?;
                break;
            }
            write!(f, "{separator}{error}")?;
            separator = "; ";
            shown += 1;
        }
        if let Some(media) = self.media_error() {
            write!(f, "{separator}media processing failed")?;
            let mut sep = ": ";
            if let Some(code) = media.code() {
                write!(f, "{sep}{code}")?;
                sep = " ";
            }
            if let Some(name) = media.name() {
                write!(f, "{sep}{}", OneLine(name))?;
                sep = ": ";
            }
            if let Some(message) = media.message() {
                write!(f, "{sep}{}", OneLine(message))?;
            }
        } else if shown == 0 {
            // Only unstructured bodies get here: no errors, so `separator` is still ": ".
            if let Some(title) = self.html_title() {
                write!(f, "{separator}{}", OneLine(title))?;
            } else if let Some(body) = self.raw_body() {
                let body = body.trim();
                match body.char_indices().nth(SHOWN_BODY_CHARS) {
                    Some((cut, _)) => write!(
                        f,
                        "{separator}{}...",
                        OneLine(body.get(..cut).unwrap_or(body))
                    )?,
                    None => write!(f, "{separator}{}", OneLine(body))?,
                }
            }
        }
        if f.alternate() {
            write_advice(f, self)?;
        }
        Ok(())
    }
}

/// The advice of [`advice::plan`], the computation `retry_delay` reads: `; retry after
/// 2026-11-24T22:00:00Z`, `; retry after 600 s`, `; retry with backoff from 5 s`, ...
fn write_advice(f: &mut fmt::Formatter<'_>, response: &ErrorResponse) -> fmt::Result {
    match advice::plan(response) {
        Plan::Never => Ok(()),
        Plan::AfterReset(wake) if wake.is_unknown() => {
            f.write_str("; retry after the rate-limit window resets (15 min)")
        }
        Plan::AfterReset(wake) => {
            f.write_str("; retry after")?;
            write_wake(f, &wake)
        }
        Plan::Backoff(schedule, wake) => {
            f.write_str(match schedule {
                Schedule::Errors => "; retry with backoff from 5 s",
                Schedule::Connections => "; retry with backoff from 1 min",
            })?;
            if !wake.is_unknown() {
                f.write_str(", not before")?;
                write_wake(f, &wake)?;
            }
            Ok(())
        }
    }
}

/// ` 2026-11-24T22:00:00Z`, ` 600 s`, ` 2026-11-24T22:00:00Z and 600 s after the response`;
/// with a trusted `Date` that the instant has already passed, ` 2026-...Z (already passed)`.
fn write_wake(f: &mut fmt::Formatter<'_>, wake: &Wake) -> fmt::Result {
    if let Some(at) = wake.at {
        match UnixTime::from_system_time(at) {
            Some(at) => write!(f, " {at}")?,
            None => f.write_str(" a time before 1970")?,
        }
        if wake.server.is_some_and(|date| at <= date) {
            f.write_str(" (already passed)")?;
        }
    }
    match (wake.at, wake.after) {
        (Some(_), Some(after)) => write!(f, " and {} s after the response", after.as_secs()),
        (None, Some(after)) => write!(f, " {} s", after.as_secs()),
        _ => Ok(()),
    }
}

impl fmt::Display for ApiError {
    /// One line: `88 Rate limit exceeded`, `usage-capped: Usage cap exceeded: Monthly product
    /// cap`, `invalid_request: Value passed for the token was invalid.`
    ///
    /// The code's number, or the problem's slug (or OAuth2's error identifier), then the
    /// body's own text (`message`, else `detail`, else `title`); for a known code without text,
    /// the table's wording.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_error(f, self)
    }
}

fn write_error(f: &mut fmt::Formatter<'_>, error: &ApiError) -> fmt::Result {
    let text = error.message().or(error.detail()).or(error.title());
    match (error.code(), text) {
        (Some(code), Some(text)) => return write!(f, "{} {}", code.as_u16(), OneLine(text)),
        // No text in the body: the table's wording ("88 Rate limit exceeded").
        (Some(code), None) => return write!(f, "{code}"),
        (None, _) => {}
    }
    // A problem is labelled by its type (about:blank's title only repeats the status); an
    // OAuth2 error by its identifier.
    let label = match error.slug() {
        Some(slug) => Some(slug).filter(|slug| *slug != "about:blank" && !slug.is_empty()),
        None => error.title().filter(|title| Some(*title) != text),
    };
    match (label, text) {
        (Some(label), Some(text)) => write!(f, "{}: {}", OneLine(label), OneLine(text)),
        (Some(label), None) => write!(f, "{}", OneLine(label)),
        (None, Some(text)) => write!(f, "{}", OneLine(text)),
        (None, None) => f.write_str("error without text"),
    }
}

/// Body text as it appears in a log line: see [`crate::escape`].
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::escape::write_escaped(f, self.0)
    }
}
