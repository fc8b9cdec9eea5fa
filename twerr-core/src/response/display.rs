//! The one-line `Display` of a response and of one error, for logs and error chains.

use core::fmt;

use super::{ApiError, ErrorResponse};
use crate::Retry;
use crate::UnixTime;
use crate::advice::{self, ResetAt};

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
    /// start of an unstructured body. The alternate form adds the retry advice: the reset time
    /// for [`Retry::AfterReset`], "retry with backoff" for [`Retry::Backoff`], nothing for
    /// [`Retry::Never`]. Always one line.
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
                let rest = self.all_errors().count() - SHOWN_ERRORS;
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

/// `; retry after 2026-11-24T22:00:00Z`, `; retry after 30 s`, `; retry with backoff`.
fn write_advice(f: &mut fmt::Formatter<'_>, response: &ErrorResponse) -> fmt::Result {
    match response.retry() {
        Some(Retry::AfterReset) => match advice::reset_at(response.rate_limit()) {
            ResetAt::At(at) => match UnixTime::from_system_time(at) {
                Some(at) => write!(f, "; retry after {at}"),
                None => f.write_str("; retry after the rate-limit window resets"),
            },
            ResetAt::After(wait) => write!(f, "; retry after {} s", wait.as_secs()),
            ResetAt::Unknown => f.write_str("; retry after the rate-limit window resets"),
        },
        Some(Retry::Backoff) => f.write_str("; retry with backoff"),
        Some(Retry::Never) | None => Ok(()),
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

/// Text with line breaks and tabs shown as spaces, so a log line stays one line.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.split(['\n', '\r', '\t']).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}
