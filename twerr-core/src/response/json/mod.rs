//! JSON bodies: one streaming pass with serde visitors, no `serde_json::Value` tree.
//!
//! Members that are not read (`data`, `includes`, unknown members of a success body) are
//! skipped with [`IgnoredAny`](serde::de::IgnoredAny); members that are kept verbatim are
//! borrowed as [`RawValue`](serde_json::value::RawValue) slices of the input and copied once.
//! Both skip nested values without recursion, so a 100,000-deep value cannot overflow the
//! stack; the visitors here nest at most three levels.
//!
//! Results are pushed into the output as each error object closes, so a truncated or otherwise
//! malformed body still yields every error that was complete before the damage.
//!
//! A body may hold several values one after another: the streaming endpoints send one JSON
//! object per line, and an error arrives as a line among data lines. Every value is read, each
//! as a body of its own (its top-level members describe its own error); their errors join one
//! list in body order. At most [`MAX_ERRORS`](super::list::MAX_ERRORS) are kept, the rest counted.
//!
//! Most bodies are first read by [`fast`], a scanner for the common shapes that feeds the same
//! state as the visitors and gives up on anything unusual; the visitors then read the body.

mod fast;
mod member;
mod seeds;

use std::mem;

use serde::de::DeserializeSeed;
use serde_json::value::RawValue;

use super::Parts;
use super::api_error::{ApiError, MediaError};
use super::list::ErrorList;
use super::text::{ExtraList, Span, TextBuf};
pub(crate) use member::json_quote;
use seeds::TopSeed;

/// The state of one pass over a body. What it finds (errors, the problem, the media error, the
/// count of omitted errors) goes straight into the response's parts, which it borrows: these
/// values are large, and moving them once more would cost a fair share of a small body.
pub(crate) struct JsonBody<'p> {
    /// The response's parts being filled: `errors` (entries of `errors`, and an `error`
    /// object, in body order), `problem`, `media_error`, `omitted`.
    parts: &'p mut Parts,
    /// Members of the top-level object that an error can carry.
    top: ApiError,
    /// The top level's extra members: kept apart, as the entries' come between them.
    top_extra: ExtraList,
    /// The extra members of the entry being read.
    entry_extra: ExtraList,
    /// Every string kept, for every error.
    pub(crate) text: TextBuf,
    /// Top-level `error` string and `error_description` (v1 and OAuth2 shapes).
    error: Option<Span>,
    error_description: Option<Span>,
    /// Where in `errors` the top-level `error` belongs.
    error_at: Option<usize>,
    /// A non-null `data` member: a v2 success, possibly with partial errors.
    has_data: bool,
    /// Unknown top-level members were skipped rather than kept.
    pub(crate) skipped_members: bool,
    /// Success bodies need more evidence that the top level is an error (see `is_problem`).
    strict: bool,
    /// Values begun so far.
    values: usize,
    /// The value being read has a non-null `data` member.
    value_has_data: bool,
    /// Errors kept or counted before the value being read began.
    value_start: (usize, u64),
    /// A value's top level was an error (judged strictly).
    pub(crate) top_was_error: bool,
    /// A value had errors and no data: in a stream of data lines, the line that reports the
    /// failure (a disconnection, say), so the response is an error.
    error_value: bool,
}

impl<'p> JsonBody<'p> {
    /// A pass that fills `parts`, whose JSON members should be empty. Inlined, so that the
    /// pass is built where it is used rather than copied there.
    #[inline(always)]
    pub(crate) fn new(parts: &'p mut Parts, strict: bool) -> Self {
        JsonBody {
            parts,
            top: ApiError::new(),
            top_extra: ExtraList::default(),
            entry_extra: ExtraList::default(),
            text: TextBuf::default(),
            error: None,
            error_description: None,
            error_at: None,
            has_data: false,
            skipped_members: false,
            strict,
            values: 0,
            value_has_data: false,
            value_start: (0, 0),
            top_was_error: false,
            error_value: false,
        }
    }
}

/// Which reader reads a body: the fast path, and the serde path when it gives up. The
/// differential test runs each alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    /// The fast path where it can, else the serde path.
    Auto,
    /// The serde path only: the one that defines behaviour.
    Serde,
    /// The fast path only; `parse` says when it gave up.
    Fast,
}

/// Parses `body` into `out` (which should be fresh). `keep_members`: keep unknown top-level
/// members as extras (they can only matter when the top level turns out to be an error).
/// `false` only when `path` was [`Path::Fast`] and the fast path gave up.
///
/// Invalid UTF-8 is read as U+FFFD, as everywhere else in a response.
#[inline(always)]
pub(crate) fn parse<'p>(
    body: &'p [u8],
    keep_members: bool,
    path: Path,
    out: &mut JsonBody<'p>,
) -> bool {
    if keep_members {
        // An error body is read for nearly all it holds, and serde_json checks the UTF-8 of
        // every member kept verbatim on its own (a call per member, on short unaligned text).
        // Checking the whole body at once is cheaper, and lets serde_json skip those checks.
        // A success body is mostly skipped, unchecked; a pass over all of it would cost more.
        match std::str::from_utf8(body) {
            Ok(text) => {
                if let Some(read) = fast_first(Input::Text(text), keep_members, path, out) {
                    return read;
                }
                read(Input::Text(text), keep_members, out);
            }
            // Read once, from a lossy copy (see below).
            Err(_) if path == Path::Fast => return false,
            Err(_) => read_lossy(body, keep_members, out),
        }
        return true;
    }
    if let Some(read) = fast_first(Input::Bytes(body), keep_members, path, out) {
        return read;
    }
    let complete = read(Input::Bytes(body), keep_members, out);
    // serde_json also stops at a string (or a kept member) holding invalid UTF-8, which would
    // drop that error and every one after it. Such a body is read again from a lossy copy:
    // the copy, and the second pass, are paid only by bodies that are broken this way.
    if !complete && std::str::from_utf8(body).is_err() {
        out.restart();
        read_lossy(body, keep_members, out);
    }
    true
}

/// Tries the fast path as `path` allows: `None` when the serde path must read the body (`out`
/// is then fresh), else whether the fast path read it (`false` only for [`Path::Fast`]).
#[inline(always)]
fn fast_first(
    input: Input<'_>,
    keep_members: bool,
    path: Path,
    out: &mut JsonBody<'_>,
) -> Option<bool> {
    if path == Path::Serde {
        return None;
    }
    let (bytes, text) = match input {
        Input::Text(text) => (text.as_bytes(), Some(text)),
        Input::Bytes(bytes) => (bytes, None),
    };
    if fast::read(bytes, text, keep_members, out).is_some() {
        return Some(true);
    }
    out.restart();
    (path == Path::Fast).then_some(false)
}

/// A body, checked as text or not.
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// One pass over every value of a body; `false` when a syntax error (truncation, trailing
/// bytes, a Python repr) ended it. What was complete before the error is already in `out`.
fn read(input: Input<'_>, keep_members: bool, out: &mut JsonBody<'_>) -> bool {
    let first = match input {
        Input::Text(text) => read_one(serde_json::Deserializer::from_str(text), keep_members, out),
        Input::Bytes(bytes) => read_one(
            serde_json::Deserializer::from_slice(bytes),
            keep_members,
            out,
        ),
    };
    match first {
        // Nearly every body is one value: it is read in one pass, and nothing else is paid.
        Some(true) => true,
        Some(false) => false,
        // More follows: a stream of values. serde_json cannot say where the first value ended
        // (and building its "trailing characters" error per value would scan the input from
        // the start each time: quadratic), so the values are split by its stream reader, as
        // raw text, and every one after the first is read on its own.
        None => match input {
            Input::Text(text) => read_rest(
                serde_json::Deserializer::from_str(text).into_iter(),
                keep_members,
                out,
            ),
            Input::Bytes(bytes) => read_rest(
                serde_json::Deserializer::from_slice(bytes).into_iter(),
                keep_members,
                out,
            ),
        },
    }
}

/// Reads the first value: `Some(complete)` when the input ends there (or was broken), `None`
/// when another value follows.
fn read_one<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    keep_members: bool,
    out: &mut JsonBody<'_>,
) -> Option<bool> {
    out.begin_value();
    let result = TopSeed {
        out: &mut *out,
        keep_members,
    }
    .deserialize(&mut de);
    // A value cut short still reports what it had (`{"error":"x"` lost only its brace).
    out.finish_value();
    if result.is_err() {
        return Some(false);
    }
    // `end` only skips blanks: `Ok` at the end of the input, else a value follows.
    de.end().is_ok().then_some(true)
}

/// Reads the values after the first, each from its raw text; `false` at a syntax error.
fn read_rest<'de, R: serde_json::de::Read<'de>>(
    mut values: serde_json::StreamDeserializer<'de, R, &'de RawValue>,
    keep_members: bool,
    out: &mut JsonBody<'_>,
) -> bool {
    // The first value was read already.
    if !matches!(values.next(), Some(Ok(_))) {
        return false;
    }
    for value in values {
        let Ok(raw) = value else {
            return false;
        };
        let de = serde_json::Deserializer::from_str(raw.get());
        if read_one(de, keep_members, out) != Some(true) {
            return false;
        }
    }
    true
}

/// One pass over a lossy UTF-8 copy of `body` (which is not valid UTF-8).
fn read_lossy(body: &[u8], keep_members: bool, out: &mut JsonBody<'_>) {
    let text = String::from_utf8_lossy(body);
    read(Input::Text(&text), keep_members, out);
}

impl JsonBody<'_> {
    /// Empties a pass that a reader gave up on (and the parts it filled), keeping its buffers
    /// for the next reader.
    pub(crate) fn restart(&mut self) {
        let parts = &mut *self.parts;
        parts.errors = ErrorList::Empty;
        parts.omitted = 0;
        parts.problem = None;
        parts.media_error = None;
        self.top = ApiError::new();
        self.top_extra.clear();
        self.entry_extra.clear();
        self.text.rewind(0);
        self.error = None;
        self.error_description = None;
        self.error_at = None;
        self.has_data = false;
        self.skipped_members = false;
        self.values = 0;
        self.value_has_data = false;
        self.value_start = (0, 0);
        self.top_was_error = false;
        self.error_value = false;
    }

    /// Appends an error, or counts it when [`MAX_ERRORS`](super::list::MAX_ERRORS) are kept already. `mark` is where the
    /// text buffer stood before the error's strings were pushed: they are dropped with it.
    pub(crate) fn push_error(&mut self, error: ApiError, mark: usize) {
        if !self.parts.errors.push(error) {
            self.text.rewind(mark);
            self.parts.omitted += 1;
        }
    }

    /// Inserts an error at `at`; a full list counts the error it gives up.
    fn insert_error(&mut self, at: usize, error: ApiError) {
        if self.parts.errors.insert(at, error).is_some() {
            self.parts.omitted += 1;
        }
    }

    /// How many errors were found so far, kept or counted.
    fn found(&self) -> (usize, u64) {
        (self.parts.errors.len(), self.parts.omitted)
    }

    fn begin_value(&mut self) {
        self.values += 1;
        self.value_has_data = false;
        self.value_start = self.found();
    }

    /// Moves the top level of the value just read into the error list (or, for the first
    /// problem, into `problem`), and notes whether the value reported a failure without data.
    /// Works in place: these values are large to move.
    fn finish_value(&mut self) {
        // Most values have nothing at the top level but `errors` or `data`: nothing to move.
        if self.error.is_none()
            && self.error_description.is_none()
            && self.top.is_empty()
            && self.top_extra.is_empty()
        {
            self.error_at = None;
            if self.found() != self.value_start && !self.value_has_data {
                self.error_value = true;
            }
            self.has_data |= self.value_has_data;
            return;
        }
        let strict = self.strict;
        let start = self.value_start.0;
        self.top_was_error |= self.top_is_error(true);
        let is_problem = self.is_problem(strict);
        let is_entry = self.is_entry(strict);
        let legacy = match (self.error.take(), self.error_description.take()) {
            (None, None) => None,
            (Some(text), None) | (None, Some(text)) => Some((None, text)),
            // OAuth2: `error` is an identifier, `error_description` the text.
            (Some(id), Some(text)) => Some((Some(id), text)),
        };
        let error_at = self.error_at.take().unwrap_or(start);
        let top_reported = legacy.is_some() || is_problem || is_entry;
        if let Some((title, message)) = legacy {
            let mut entry = ApiError {
                title,
                message: Some(message),
                ..ApiError::new()
            };
            if is_problem {
                self.add_top_as_problem(start);
            } else {
                // `{"error": .., "request": ..}`: the other members describe this error.
                let top = &mut self.top;
                entry.code = top.code;
                entry.status = top.status;
                if let Some(message) = top.message.take() {
                    let quoted = json_quote(self.text.get(message));
                    if let Some(pair) = self.text.push_extra("message", &quoted) {
                        self.top_extra.push_first(pair);
                    }
                }
                entry.extra = self.top_extra.take();
                self.top = ApiError::new();
            }
            self.insert_error(error_at, entry);
        } else if is_problem {
            self.add_top_as_problem(start);
        } else if is_entry {
            let top = self.take_top();
            self.insert_error(start, top);
        } else {
            // Not an error: its members describe nothing, and must not leak into the next
            // value's top level.
            self.top = ApiError::new();
            self.top_extra.clear();
        }
        if (top_reported || self.found() != self.value_start) && !self.value_has_data {
            self.error_value = true;
        }
        self.has_data |= self.value_has_data;
    }

    /// The first value's top-level problem is the response's; a later value's joins the
    /// errors, so [`all_errors`](crate::ErrorResponse::all_errors) stays in body order.
    ///
    /// The top level is moved whole and its extra members set where it lands: set on the
    /// moved value first, they would be read back through memory at once, which stalls.
    fn add_top_as_problem(&mut self, at: usize) {
        let extra = self.top_extra.take();
        let top = mem::replace(&mut self.top, ApiError::new());
        if self.values == 1 {
            self.parts.problem.insert(top).extra = extra;
        } else {
            self.insert_error(at, ApiError { extra, ..top });
        }
    }

    /// Ends the pass: gives every error, the problem and the media error the response's text,
    /// and says whether the body had data (a value with data, and none that reported only
    /// errors).
    pub(crate) fn finish(&mut self) -> bool {
        // Every error shares the one text buffer; none is needed when nothing was kept.
        let text = self.text.finish();
        let parts = &mut *self.parts;
        if let Some(media) = &mut parts.media_error {
            media.text.clone_from(&text);
        }
        if let Some(problem) = &mut parts.problem {
            problem.text.clone_from(&text);
        }
        parts.errors.share_text(text);
        self.has_data & !self.error_value
    }

    /// The top-level object as an error, with its extra members.
    fn take_top(&mut self) -> ApiError {
        let mut top = mem::replace(&mut self.top, ApiError::new());
        // An exactly sized copy; the list is reused for the next value.
        top.extra = self.top_extra.take();
        top
    }

    /// Whether the top-level object is itself an error. Success bodies (`strict`) need more
    /// evidence before a top-level object counts as one, because they have members like
    /// `type` and `message` of their own (an oEmbed answer has `"type":"rich"`).
    fn top_is_error(&self, strict: bool) -> bool {
        self.error.is_some()
            || self.error_description.is_some()
            || self.is_problem(strict)
            || self.is_entry(strict)
    }

    fn is_problem(&self, strict: bool) -> bool {
        let top = &self.top;
        if strict {
            top.problem_type.is_some() && (top.title.is_some() || top.detail.is_some())
        } else {
            top.problem_type.is_some() || top.title.is_some() || top.detail.is_some()
        }
    }

    fn is_entry(&self, strict: bool) -> bool {
        let top = &self.top;
        if strict {
            top.code.is_some() && top.message.is_some()
        } else {
            top.code.is_some() || top.message.is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ErrorResponse;

    /// Bytes that serde_json never checks (a member name, a skipped member) are read lossily
    /// too when the body is checked as a whole up front: the same errors, names and extras.
    #[test]
    fn unchecked_bad_bytes_read_alike_for_every_status() {
        let body = b"{\"errors\":[{\"code\":34,\"x\xFF\":1,\"message\":\"m\"}],\"meta\":\"\xFF\"}";
        for status in [400, 200] {
            let r = ErrorResponse::parse(status, body);
            let error = r.errors().first();
            assert_eq!(error.and_then(|e| e.code()).map(|c| c.as_u16()), Some(34));
            assert_eq!(error.and_then(|e| e.message()), Some("m"));
            let extra: Vec<_> = error.into_iter().flat_map(|e| e.extra()).collect();
            assert_eq!(extra, [("x\u{FFFD}", "1")], "status {status}");
        }
    }
}
