//! `twerr classify`: what failed in a saved response, and what to do about it.

use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use twerr_core::{
    ApiError, Code, ErrorResponse, MediaError, RateLimit, RetryAfter, Status, UnixTime,
};

use crate::capture;
use crate::cli::ClassifyArgs;
use crate::error::{Failure, Outcome, Output};
use crate::input;
use crate::output::{Lines, clean, duration, retry_words};
use crate::verbose;

/// The version of the `--json` object's shape. Bump it when a key changes meaning or goes
/// away; adding keys keeps it. 2: an extra value that strict JSON readers refuse is a string
/// of its raw text, named in the error's `extra_raw` list.
const SCHEMA: u32 = 2;

/// Skipped capture lines reported one by one; the rest are counted.
const SHOWN_SKIPPED_LINES: usize = 10;

/// Body text is cut at this many characters in the text output.
const MAX_TEXT: usize = 300;

/// `twerr classify --json`: the serde serialisation of the parsed response, so the CLI's
/// keys cannot drift from the library's, plus what only the CLI knows.
#[derive(Serialize)]
struct Report<'a> {
    schema: u32,
    /// The table's text for the received status, or null.
    status_text: Option<&'static str>,
    /// Seconds to wait before the first retry, or null when retrying will not help.
    wait_seconds: Option<u64>,
    #[serde(flatten)]
    response: &'a ErrorResponse,
}

/// `twerr classify`.
pub fn run(args: &ClassifyArgs) -> Result<Outcome, Failure> {
    // Arguments first: a bad --header should not wait for standard input.
    let extra = args
        .headers
        .iter()
        .map(|h| capture::parse_header_arg(h.as_encoded_bytes()).map_err(Failure))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = input::read(args.file.as_deref())?;
    let source = match args.file.as_deref() {
        Some(path) if path != std::path::Path::new("-") => path.display().to_string(),
        _ => "standard input".to_owned(),
    };
    let mut notes = Vec::new();
    // `curl -v` output is read as the `curl -i` capture its `< ` lines make.
    let rebuilt = verbose::to_capture(&bytes);
    if rebuilt.is_some() {
        notes.push(format!(
            "{source} is `curl -v` output: read its `< ` lines as the response, skipped \
             curl's `> ` and `* ` lines"
        ));
    }
    let bytes = rebuilt.unwrap_or(bytes);
    let (status, headers, body, skipped) = match capture::parse(&bytes) {
        Ok(Some(c)) => {
            // A line the reader could not use is reported, and the rest of the capture read.
            let lines = &c.skipped_lines;
            for line in lines.iter().take(SHOWN_SKIPPED_LINES) {
                notes.push(format!("{source}: {line}; skipped it"));
            }
            if lines.len() > SHOWN_SKIPPED_LINES {
                notes.push(format!(
                    "{source}: skipped {} more malformed header lines",
                    lines.len() - SHOWN_SKIPPED_LINES
                ));
            }
            (
                Some(args.status.unwrap_or(c.status)),
                capture::merge_headers(c.headers, extra),
                c.body,
                c.skipped_blocks,
            )
        }
        Ok(None) => (args.status, extra, &bytes[..], 0),
        // With --status the input need not be a capture: a plain-text body may well start
        // with `HTTP/` ("HTTP/1.1 is required"), and refusing it would leave no way to
        // classify it.
        Err(e) if args.status.is_some() => {
            notes.push(format!(
                "{source} starts with `HTTP/` but is not a `curl -i` capture ({e}); \
                 classified all of it as the body"
            ));
            (args.status, extra, &bytes[..], 0)
        }
        Err(e) => {
            return Err(Failure(format!(
                "{source}: {e} (if it is a body rather than a `curl -i` capture, pass --status N)"
            )));
        }
    };
    // A bare body: read as if it came with a success status, so that only what the body
    // says decides (a body of nothing but errors is a failure, and its codes name the status
    // they correspond with); the output says the status is unknown.
    let status_known = status.is_some();
    if !status_known {
        notes.push(format!(
            "{source} has no status line: classified the body alone (pass --status N, or \
             save the response with `curl -i`, for the status's advice)"
        ));
    }
    notes.extend(encoding_hint(body));
    let response = ErrorResponse::from_parts(
        status.unwrap_or(UNKNOWN_STAND_IN),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
        body,
    );
    let now = args.now.map_or_else(SystemTime::now, |secs| {
        UNIX_EPOCH + Duration::from_secs(secs)
    });
    // The delay before the first retry: attempt 0.
    let wait_seconds = response.retry_delay(0, now).map(|d| {
        // Round up: waiting a fraction less than advised is waiting too little.
        d.as_secs() + u64::from(d.subsec_nanos() > 0)
    });
    let status_text = known_text(response.status()).filter(|_| status_known);
    let json = args.json;
    // Written as it is made: the response holds at most 10,000 errors, but their report is
    // never built whole in memory.
    let write = move |out: &mut dyn Write| -> io::Result<()> {
        if json {
            let report = Report {
                schema: SCHEMA,
                status_text,
                wait_seconds,
                response: &response,
            };
            if status_known {
                serde_json::to_writer_pretty(&mut *out, &report)?;
            } else {
                serde_json::to_writer_pretty(&mut *out, &without_status(&report, &response)?)?;
            }
            out.write_all(b"\n")
        } else {
            let status = if status_known {
                Known::Yes
            } else {
                Known::BodyAlone
            };
            describe(out, &response, status, wait_seconds, now, skipped)
        }
    };
    Ok(Outcome {
        text: Output::Stream(Box::new(write)),
        exit: 0,
        notes,
    })
}

/// Why a body will read as noise, when its first bytes say: twerr reads bodies as sent after
/// any `Content-Encoding` is undone, as UTF-8, and a compressed or UTF-16 body comes out as
/// text with nothing in it.
fn encoding_hint(body: &[u8]) -> Option<String> {
    let head = body.get(..64).unwrap_or(body);
    if body.starts_with(&[0x1f, 0x8b]) {
        return Some(
            "the body is gzip-compressed (it starts with bytes 1f 8b) and is read as it is; \
             save the response with `curl --compressed -i`, or decompress it first"
                .to_owned(),
        );
    }
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if body.starts_with(b"\xFF\xFE")
        || body.starts_with(b"\xFE\xFF")
        || nuls * 4 >= head.len().max(4)
    {
        return Some(
            "the body looks like UTF-16 text (a byte order mark or many zero bytes) and is read \
             as UTF-8; convert it first, e.g. `iconv -f UTF-16 -t UTF-8`"
                .to_owned(),
        );
    }
    None
}

fn known_text(status: Status) -> Option<&'static str> {
    status.message()
}

/// The status a bare body is read with: a success, so that the body alone decides whether
/// and how it failed. Never printed as the status.
const UNKNOWN_STAND_IN: u16 = 200;

/// Whether the input named the status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Yes,
    /// A bare body: [`UNKNOWN_STAND_IN`] is not what the server sent.
    BodyAlone,
}

/// The `--json` report of a bare body: `status` is null, and so are the keys only the
/// status could decide when the body reports no failure of its own (`is_error`, `retry`,
/// `effective_status`); `status_known` says so.
fn without_status(report: &Report<'_>, response: &ErrorResponse) -> io::Result<serde_json::Value> {
    let mut value = serde_json::to_value(report)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("status".to_owned(), serde_json::Value::Null);
        object.insert("status_known".to_owned(), false.into());
        if !response.is_error() {
            for key in ["is_error", "retry", "effective_status"] {
                object.insert(key.to_owned(), serde_json::Value::Null);
            }
        }
    }
    Ok(value)
}

/// The text report, written to `sink` a section at a time.
fn describe(
    sink: &mut dyn Write,
    response: &ErrorResponse,
    known: Known,
    wait: Option<u64>,
    now: SystemTime,
    skipped: usize,
) -> io::Result<()> {
    let mut out = Lines::default();
    let status = response.status();
    let effective = response.effective_status();
    // A media upload's STATUS request answers 200 while reporting that the media failed:
    // the request is fine, the upload is not.
    let media_failed = !response.is_error() && response.media_error().is_some();
    if known == Known::BodyAlone {
        let mut line = "unknown (a bare body)".to_owned();
        if effective != status {
            line.push_str(&format!(
                "; its errors correspond with {}",
                status_words(effective)
            ));
        }
        line.push_str(if response.is_error() {
            ": the body reports a failure"
        } else {
            ": the body reports no failure; the status decides"
        });
        out.field("Status", &line);
    } else {
        let mut line = status_words(status);
        if effective != status {
            line.push_str(&format!(", treated as {}", status_words(effective)));
        }
        line.push_str(if response.is_error() {
            ": the request failed"
        } else if media_failed {
            ": the request succeeded, but the media processing failed"
        } else {
            ": not an error"
        });
        out.field("Status", &line);
    }
    if skipped > 0 {
        out.more(&format!(
            "(the last of {} responses in the capture)",
            skipped + 1
        ));
    }
    let errors = response.errors();
    let format = response.format().as_str();
    let omitted = response.omitted_errors();
    let mut body = match errors.len() {
        0 => format.to_owned(),
        1 => format!("{format}, 1 error"),
        n => format!("{format}, {n} errors"),
    };
    if omitted > 0 {
        body.push_str(&format!(" shown, and {omitted} more not kept"));
    }
    out.field("Body", &body);
    if let Some(problem) = response.problem() {
        out.field("Problem", &error_words(problem));
        extras(&mut out, problem);
    }
    for (i, error) in errors.iter().enumerate() {
        // Each error's lines go out as they are made.
        sink.write_all(std::mem::take(&mut out).finish().as_bytes())?;
        out.field(&format!("Error {}", i + 1), &error_words(error));
        if let Some(table_text) = error.code().and_then(Code::message)
            && !error.message().is_some_and(|m| same_text(m, table_text))
        {
            out.more(&format!("table: {}", clean(table_text, MAX_TEXT)));
        }
        extras(&mut out, error);
    }
    if let Some(media) = response.media_error() {
        out.field("Media", &media_words(media));
    }
    if let Some(title) = response.html_title() {
        out.field("Page", &format!("\"{}\"", clean(title, MAX_TEXT)));
    }
    if let Some(raw) = response.raw_body()
        && !raw.is_empty()
    {
        out.field("Text", &format!("\"{}\"", clean(raw, MAX_TEXT)));
    }
    let unset = if response.is_error() {
        "no advice"
    } else if known == Known::BodyAlone {
        "unknown: the body names no failure, so the status decides; pass --status N"
    } else if media_failed {
        "no: the media was rejected and asking again will not change that; upload it again \
         as a supported file (a new INIT, APPEND and FINALIZE)"
    } else {
        "no: nothing failed"
    };
    out.field("Retry", &retry_words(response.retry(), unset));
    if let Some(secs) = wait {
        // The wait is measured from the server's `Date` when the response has one (a skewed
        // local clock must not move it), so "until" is on that clock too: `now + wait` would
        // name an instant unrelated to the resets printed beside it.
        let later = |from: SystemTime| instant(from.checked_add(Duration::from_secs(secs)));
        let server = response
            .rate_limit()
            .filter(|l| l.ignored_date().is_none())
            .and_then(RateLimit::date);
        let until = match server {
            Some(date) => format!("{} by the server's clock", later(date)),
            None => later(now),
        };
        out.field("Wait", &format!("{}, until {until}", duration(secs)));
    }
    if let Some(limit) = response.rate_limit() {
        rate_limit(&mut out, limit);
    }
    sink.write_all(out.finish().as_bytes())
}

/// A media processing error in a line: its name and message, then its code, which is the
/// media service's own numbering and not a v1.1 code (1 is `InvalidMedia`, not code 1).
fn media_words(media: &MediaError) -> String {
    let mut line = String::from("processing failed");
    match (media.name(), media.message()) {
        (Some(name), Some(message)) => line.push_str(&format!(
            ": {}: \"{}\"",
            clean(name, MAX_TEXT),
            clean(message, MAX_TEXT)
        )),
        (Some(name), None) => line.push_str(&format!(": {}", clean(name, MAX_TEXT))),
        (None, Some(message)) => line.push_str(&format!(": \"{}\"", clean(message, MAX_TEXT))),
        (None, None) => {}
    }
    if let Some(code) = media.code() {
        line.push_str(&format!(" (media error code {code}, not a v1.1 code)"));
    }
    line
}

fn status_words(status: Status) -> String {
    if status.is_known() {
        status.to_string()
    } else {
        format!("{} (not in the table)", status.as_u16())
    }
}

/// One error in a line: what the table calls it, then what the body said.
fn error_words(error: &ApiError) -> String {
    let mut parts = Vec::new();
    if let Some(code) = error.code() {
        parts.push(if code.is_known() {
            format!("code {} ({})", code.as_u16(), code.name())
        } else {
            format!("code {} (not in the table)", code.as_u16())
        });
    }
    if let Some(kind) = error.problem_type() {
        let problem = error.problem().and_then(|p| Some((p.slug()?, p.name())));
        parts.push(match problem {
            Some((slug, name)) => format!("type {slug} ({name})"),
            None => format!("type {} (not in the table)", clean(kind, MAX_TEXT)),
        });
    }
    let said: Vec<String> = [error.message(), error.title(), error.detail()]
        .into_iter()
        .flatten()
        .map(|text| format!("\"{}\"", clean(text, MAX_TEXT)))
        .collect();
    let mut line = parts.join(" ");
    if !said.is_empty() {
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&said.join(", "));
    }
    line
}

/// Whether a body's message says what the table says, ignoring case and a final period
/// (`"Status is a duplicate."` against the table's `Status is a duplicate`).
fn same_text(body: &str, table: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    norm(body) == norm(table)
}

fn extras(out: &mut Lines, error: &ApiError) {
    let extra = error.extra();
    if extra.len() == 0 {
        return;
    }
    let pairs: Vec<String> = extra
        .map(|(name, json)| format!("{}={}", clean(name, 60), clean(json, 120)))
        .collect();
    out.more(&clean(&pairs.join(" "), MAX_TEXT));
}

fn rate_limit(out: &mut Lines, limit: &RateLimit) {
    let mut parts = Vec::new();
    match (limit.remaining(), limit.limit()) {
        (Some(left), Some(max)) => parts.push(format!("{left} of {max} left")),
        (Some(left), None) => parts.push(format!("{left} left")),
        (None, Some(max)) => parts.push(format!("limit {max}")),
        (None, None) => {}
    }
    if let Some(reset) = limit.reset() {
        parts.push(format!("resets {}", instant(Some(reset))));
    }
    for (name, window) in [("app", limit.app_24h()), ("user", limit.user_24h())] {
        if let Some(w) = window {
            let mut text = format!("{name} 24 h:");
            if let Some(left) = w.remaining {
                text.push_str(&format!(" {left}"));
                if let Some(max) = w.limit {
                    text.push_str(&format!(" of {max}"));
                }
                text.push_str(" left");
            }
            if let Some(reset) = w.reset {
                text.push_str(&format!(", resets {}", instant(Some(reset))));
            }
            parts.push(text);
        }
    }
    match limit.retry_after() {
        Some(RetryAfter::Delay(wait)) => {
            parts.push(format!("Retry-After {} s", wait.as_secs()));
        }
        Some(RetryAfter::At(at)) => parts.push(format!("Retry-After {}", instant(Some(at)))),
        Some(_) | None => {}
    }
    if let Some(date) = limit.date() {
        let ignored = if limit.ignored_date().is_some() {
            " (ignored: it disagrees with the reset times it would measure)"
        } else {
            ""
        };
        parts.push(format!("server time {}{ignored}", instant(Some(date))));
    }
    if !parts.is_empty() {
        out.field("Rate limit", &parts.join("; "));
    }
}

/// An instant in RFC 3339 form, `2024-01-16T16:00:00Z`. The headers' instants are never before
/// 2006, and a wait is less than a day, so the fallbacks are for a clock set before 1970 or
/// beyond what the platform's time can hold.
fn instant(time: Option<SystemTime>) -> String {
    match time.map(UnixTime::from_system_time) {
        Some(Some(time)) => time.to_string(),
        Some(None) => "(a time before 1970)".to_owned(),
        None => "(a time out of range)".to_owned(),
    }
}
