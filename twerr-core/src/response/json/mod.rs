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

mod member;
mod seeds;

use std::cell::Cell;
use std::mem;

use serde::de::DeserializeSeed;

use super::api_error::{ApiError, MediaError};
use super::list::ErrorList;
use super::text::{ExtraSpan, Span, TextBuf};
pub(crate) use member::json_quote;
use seeds::TopSeed;

/// Everything one pass found, before the top level is assembled.
pub(crate) struct JsonBody {
    /// Entries of `errors` (and an `error` object), in body order.
    pub(crate) errors: ErrorList,
    /// Members of the top-level object that an error can carry.
    top: ApiError,
    /// The top level's extra members: kept apart, as the entries' come between them.
    top_extra: Vec<ExtraSpan>,
    /// The extra members of the entry being read.
    entry_extra: Vec<ExtraSpan>,
    /// Every string kept, for every error.
    pub(crate) text: TextBuf,
    /// Top-level `error` string and `error_description` (v1 and OAuth2 shapes).
    error: Option<Span>,
    error_description: Option<Span>,
    /// Where in `errors` the top-level `error` belongs.
    error_at: Option<usize>,
    /// A non-null `data` member: a v2 success, possibly with partial errors.
    pub(crate) has_data: bool,
    /// `processing_info.error` of a media upload status.
    pub(crate) media: Option<MediaError>,
    /// Unknown top-level members were skipped rather than kept.
    pub(crate) skipped_members: bool,
}

/// The most extra members a thread's scratch lists keep room for between bodies.
const EXTRA_SCRATCH_KEEP: usize = 1024;

thread_local! {
    // The extra members are collected in growing lists and copied out exactly sized, so the
    // lists themselves can serve the thread's next body, as the text buffer does.
    static EXTRA_SCRATCH: Cell<[Vec<ExtraSpan>; 2]> = const { Cell::new([Vec::new(), Vec::new()]) };
}

impl Default for JsonBody {
    fn default() -> Self {
        let [top_extra, entry_extra] = EXTRA_SCRATCH.with(Cell::take);
        JsonBody {
            errors: ErrorList::Empty,
            top: ApiError::new(),
            top_extra,
            entry_extra,
            text: TextBuf::default(),
            error: None,
            error_description: None,
            error_at: None,
            has_data: false,
            media: None,
            skipped_members: false,
        }
    }
}

impl Drop for JsonBody {
    fn drop(&mut self) {
        let mut lists = [
            mem::take(&mut self.top_extra),
            mem::take(&mut self.entry_extra),
        ];
        if lists.iter().all(|l| l.capacity() <= EXTRA_SCRATCH_KEEP) {
            lists.iter_mut().for_each(Vec::clear);
            // During thread teardown the slot may be gone; the lists are then just freed.
            let _ = EXTRA_SCRATCH.try_with(|slot| slot.set(lists));
        }
    }
}

/// Parses `body` in one pass into `out` (which should be fresh). `keep_members`: keep unknown
/// top-level members as extras (they can only matter when the top level turns out to be an
/// error).
///
/// Invalid UTF-8 is read as U+FFFD, as everywhere else in a response.
pub(crate) fn parse(body: &[u8], keep_members: bool, out: &mut JsonBody) {
    if keep_members {
        // An error body is read for nearly all it holds, and serde_json checks the UTF-8 of
        // every member kept verbatim on its own (a call per member, on short unaligned text).
        // Checking the whole body at once is cheaper, and lets serde_json skip those checks.
        // A success body is mostly skipped, unchecked; a pass over all of it would cost more.
        match std::str::from_utf8(body) {
            Ok(text) => read(serde_json::Deserializer::from_str(text), keep_members, out),
            // Read once, from a lossy copy (see below).
            Err(_) => read_lossy(body, keep_members, out),
        }
        return;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    // A syntax error (truncation, trailing bytes, a Python repr) ends the pass; what was
    // complete before it is already in `out`, and nothing else is needed from the error.
    let result = TopSeed {
        out: &mut *out,
        keep_members,
    }
    .deserialize(&mut de);
    // serde_json also stops at a string (or a kept member) holding invalid UTF-8, which would
    // drop that error and every one after it. Such a body is read again from a lossy copy:
    // the copy, and the second pass, are paid only by bodies that are broken this way.
    if result.is_err() && std::str::from_utf8(body).is_err() {
        *out = JsonBody::default();
        read_lossy(body, keep_members, out);
    }
}

/// One pass over a body that is known to be text.
fn read<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    keep_members: bool,
    out: &mut JsonBody,
) {
    // As in `parse`: what was complete before a syntax error is already in `out`.
    let _ = TopSeed { out, keep_members }.deserialize(&mut de);
}

/// One pass over a lossy UTF-8 copy of `body` (which is not valid UTF-8).
fn read_lossy(body: &[u8], keep_members: bool, out: &mut JsonBody) {
    let text = String::from_utf8_lossy(body);
    read(serde_json::Deserializer::from_str(&text), keep_members, out);
}

impl JsonBody {
    /// Moves the error list and the top-level problem into `errors` and `problem`. `strict`
    /// (for success statuses) asks for more evidence before a top-level object counts as an
    /// error, because success bodies have members like `type` and `message` of their own (an
    /// oEmbed answer has `"type":"rich"`). Works in place: these values are large to move.
    pub(crate) fn assemble(
        &mut self,
        strict: bool,
        errors: &mut ErrorList,
        problem: &mut Option<ApiError>,
    ) {
        let is_problem = self.is_problem(strict);
        let is_entry = self.is_entry(strict);
        *errors = mem::take(&mut self.errors);
        let legacy = match (self.error.take(), self.error_description.take()) {
            (None, None) => None,
            (Some(text), None) | (None, Some(text)) => Some((None, text)),
            // OAuth2: `error` is an identifier, `error_description` the text.
            (Some(id), Some(text)) => Some((Some(id), text)),
        };
        if let Some((title, message)) = legacy {
            let mut entry = ApiError {
                title,
                message: Some(message),
                ..ApiError::new()
            };
            if is_problem {
                *problem = Some(self.take_top());
            } else {
                // `{"error": .., "request": ..}`: the other members describe this error.
                let top = &mut self.top;
                entry.code = top.code;
                entry.status = top.status;
                if let Some(message) = top.message.take() {
                    let quoted = json_quote(self.text.get(message));
                    if let Some(pair) = self.text.push_extra("message", &quoted) {
                        self.top_extra.insert(0, pair);
                    }
                }
                entry.extra = self.top_extra.as_slice().into();
                self.top_extra.clear();
            }
            errors.insert(self.error_at.unwrap_or(0), entry);
        } else if is_problem {
            *problem = Some(self.take_top());
        } else if is_entry {
            let top = self.take_top();
            errors.insert(0, top);
        }
    }

    /// The top-level object as an error, with its extra members.
    fn take_top(&mut self) -> ApiError {
        let mut top = mem::replace(&mut self.top, ApiError::new());
        // An exactly sized copy; the scratch list stays for the thread's next body.
        top.extra = self.top_extra.as_slice().into();
        self.top_extra.clear();
        top
    }

    /// Whether the top-level object is itself an error (see [`assemble`](Self::assemble)).
    pub(crate) fn top_is_error(&self, strict: bool) -> bool {
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
