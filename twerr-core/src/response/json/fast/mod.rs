//! The fast path: a strict scanner over the bytes of the body shapes Twitter sends most.
//!
//! Its small readers are inlined into the member loops (`#[inline(always)]`): a name, a
//! value or a span returned through memory and read back at once stalls on the store, which
//! cost more than the reading itself.
//!
//! serde_json's per-member work (a member name through `deserialize_bytes`, a `RawValue` per
//! kept member) costs a few times what it needs merely to skip an error body. Almost every
//! error body is one object whose members are names and scalars: v1.1
//! `{"errors":[{"code":N,"message":"..."}]}`, a v2 problem `{"title","detail","type",...}`,
//! v2 partial errors beside `data`, `{"error","request"}`. This scanner reads those.
//!
//! It only replaces the tokenizer. Every member it reads is handed to the same code the serde
//! visitors use ([`apply_member`], `top_error`, `push_message`, [`JsonBody::finish_value`]),
//! as the same raw JSON text serde_json would have given, so duplicates, wrong types and the
//! top level's meaning are decided in one place. The one thing it does its own way is where
//! an entry is built: in its place in the error list (an entry that turns out empty is taken
//! back, one past the cap is counted), where the visitors build it aside and push it, since a
//! truncated entry must not be kept. The differential test holds the two to the same result.
//! Values it does not read itself (`data`, `includes`, nested extras) are skipped by
//! serde_json's own [`IgnoredAny`] on their slice, so they are accepted exactly as the serde
//! path accepts them.
//!
//! The moment anything is unusual, it gives up (returns `None`) and the caller reads the body
//! with the serde path, which stays the one that defines behaviour: a syntax error (a truncated
//! body keeps the errors complete before the damage, which the serde path knows how to do), a
//! top level that is not an object, anything after the value (a second newline-delimited
//! value), an escape in a member name, a string with escapes where serde_json itself would
//! decode it, invalid UTF-8 in text that is kept, a number where serde_json reads numbers
//! itself (in `errors`, `processing_info`: it may find one out of range), and entries of
//! `errors` that are neither objects, plain strings nor literals.

mod scan;

use super::member::{Key, apply_member, json_string};
use super::seeds::{push_message, top_error};
use super::{ApiError, JsonBody, MediaError};
use scan::{Scanner, plain_end};

/// Reads a body that is one object of the common shapes into `out` (which should be fresh);
/// `None` when it gave up, leaving `out` part-filled: the caller must discard it. `text` is
/// the body when its UTF-8 was checked.
pub(super) fn read(
    bytes: &[u8],
    text: Option<&str>,
    keep_members: bool,
    out: &mut JsonBody<'_>,
) -> Option<()> {
    let mut scan = Scanner {
        bytes,
        text,
        text_from: 0,
        at: 0,
        escaped: false,
    };
    out.begin_value();
    top(&mut scan, keep_members, out)?;
    out.finish_value();
    // Blanks may follow; anything else is a stream of values, for the serde path.
    scan.blank();
    (scan.at == scan.bytes.len()).then_some(())
}

/// The top-level object; the members as `TopSeed::visit_map` reads them.
fn top(scan: &mut Scanner<'_>, keep_members: bool, out: &mut JsonBody<'_>) -> Option<()> {
    scan.expect(b'{')?;
    if scan.accept(b'}') {
        return Some(());
    }
    loop {
        let key = scan.key()?;
        match key {
            Key::Errors => {
                scan.check_rest();
                errors(scan, out)?;
            }
            Key::Error | Key::ErrorDescription => {
                let (raw, _) = scan.kept_value()?;
                top_error(out, &key, raw);
            }
            // `data` is a success's (unless null), and never read.
            Key::Data => {
                scan.blank();
                if scan.bytes.get(scan.at) == Some(&b'n') {
                    scan.literal()?;
                } else {
                    scan.skip_value()?;
                    out.value_has_data = true;
                }
            }
            Key::Includes | Key::Meta => scan.skip_value()?,
            Key::ProcessingInfo => processing(scan, out)?,
            Key::Other(_) | Key::Named(_) if !keep_members => {
                out.skipped_members = true;
                scan.skip_value()?;
            }
            _ => {
                let (raw, plain) = scan.kept_value()?;
                let (top, text, extra) = (&mut out.top, &mut out.text, &mut out.top_extra);
                apply_member(top, &key, raw, plain, text, extra);
            }
        }
        if !scan.next_member(b'}')? {
            return Some(());
        }
    }
}

/// The value of `errors`, as `ErrorsSeed` reads it: a list of entries, one entry, a string.
fn errors(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    scan.blank();
    match scan.bytes.get(scan.at)? {
        b'[' => {
            scan.at += 1;
            if scan.accept(b']') {
                return Some(());
            }
            loop {
                scan.blank();
                match scan.bytes.get(scan.at)? {
                    b'{' => {
                        if compact_entry(scan, out).is_none() {
                            entry(scan, out)?;
                        }
                    }
                    b'"' => message(scan, out)?,
                    // Skipped by the serde path; numbers may be out of range there.
                    b'n' | b't' | b'f' => scan.literal()?,
                    _ => return None,
                }
                if !scan.next_member(b']')? {
                    return Some(());
                }
            }
        }
        b'{' => entry(scan, out),
        b'"' => message(scan, out),
        b'n' | b't' | b'f' => scan.literal(),
        _ => None,
    }
}

/// A bare string among the errors: an error with only a message. serde_json decodes it
/// itself, so only a string without escapes is read here.
fn message(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    scan.blank();
    let start = scan.at;
    scan.string()?;
    let raw = scan.slice(start)?;
    if scan.escaped {
        return None;
    }
    push_message(out, raw.get(1..raw.len() - 1)?);
    Some(())
}

/// A v1.1 entry as Twitter writes it, `{"code":N,"message":"..."}` or the other way round,
/// without blanks or escapes: matched byte for byte, which costs a fraction of reading it
/// member by member. The members still go through [`apply_member`]. `None`, with nothing
/// consumed, for an entry written any other way: [`entry`] reads it.
fn compact_entry(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    let bytes = scan.bytes;
    let mut at = scan.at;
    let literal = |text: &[u8], at: &mut usize| {
        let found = bytes.get(*at..).is_some_and(|rest| rest.starts_with(text));
        *at += if found { text.len() } else { 0 };
        found.then_some(())
    };
    // A plain run of digits (what `apply_member` can take as a code), then `close`.
    let digits = |at: &mut usize| {
        let start = *at;
        let rest = bytes.get(start..)?;
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        // JSON allows no leading zero; the general reader gives up on one.
        (len > 0 && (len == 1 || rest.first() != Some(&b'0'))).then_some(())?;
        *at += len;
        Some(start..*at)
    };
    // A string's inside without escapes or controls, and its closing quote.
    let text = |at: &mut usize| {
        let start = *at;
        *at = plain_end(bytes, start);
        (bytes.get(*at) == Some(&b'"')).then_some(())?;
        *at += 1;
        Some(start - 1..*at)
    };
    let (code, message) = if literal(b"{\"code\":", &mut at).is_some() {
        let code = digits(&mut at)?;
        literal(b",\"message\":\"", &mut at)?;
        let message = text(&mut at)?;
        literal(b"}", &mut at)?;
        (code, message)
    } else {
        literal(b"{\"message\":\"", &mut at)?;
        let message = text(&mut at)?;
        literal(b",\"code\":", &mut at)?;
        let code = digits(&mut at)?;
        literal(b"}", &mut at)?;
        (code, message)
    };
    let code_first = code.start < message.start;
    let code = scan.slice_between(code.start, code.end)?;
    let message = scan.slice_between(message.start, message.end)?;
    scan.at = at;
    let (first, second) = if code_first {
        ((Key::Code, code), (Key::Message, message))
    } else {
        ((Key::Message, message), (Key::Code, code))
    };
    let (text, extra) = (&mut out.text, &mut out.entry_extra);
    extra.clear();
    let Some(err) = out.parts.errors.push_new() else {
        // The list is full: the entry is counted, and its text not kept.
        out.parts.omitted += 1;
        return Some(());
    };
    apply_member(err, &first.0, first.1, true, text, extra);
    apply_member(err, &second.0, second.1, true, text, extra);
    // A code past 65535 is kept as an extra member.
    if !extra.is_empty() {
        err.extra = extra.take();
    }
    Some(())
}

/// One error object, as `EntrySeed::visit_map` reads it: every member through [`apply_member`].
/// The error is filled where it is kept; if the read gives up halfway, the caller discards
/// the whole list.
fn entry(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    scan.expect(b'{')?;
    let mark = out.text.mark();
    out.entry_extra.clear();
    let mut spare = ApiError::new();
    let (err, kept) = match out.parts.errors.push_new() {
        Some(err) => (err, true),
        // The list is full: the entry is read, counted if it is one, and not kept.
        None => (&mut spare, false),
    };
    if !scan.accept(b'}') {
        loop {
            let key = scan.key()?;
            let (raw, plain) = scan.kept_value()?;
            apply_member(err, &key, raw, plain, &mut out.text, &mut out.entry_extra);
            if !scan.next_member(b'}')? {
                break;
            }
        }
    }
    if !out.entry_extra.is_empty() {
        err.extra = out.entry_extra.take();
    }
    let empty = err.is_empty();
    if empty || !kept {
        out.text.rewind(mark);
    }
    if empty && kept {
        out.parts.errors.pop();
    }
    if !empty && !kept {
        out.parts.omitted += 1;
    }
    Some(())
}

/// `processing_info` of a media upload status, as `ProcessingSeed` reads it: only its `error`.
fn processing(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    scan.blank();
    match scan.bytes.get(scan.at)? {
        b'{' => {
            scan.at += 1;
            if scan.accept(b'}') {
                return Some(());
            }
            loop {
                if matches!(scan.key()?, Key::Error) {
                    media_error(scan, out)?;
                } else {
                    scan.skip_value()?;
                }
                if !scan.next_member(b'}')? {
                    return Some(());
                }
            }
        }
        b'n' | b't' | b'f' => scan.literal(),
        // Strings and numbers are read (and may be refused) by serde_json there.
        _ => None,
    }
}

/// `processing_info.error`, as `MediaErrorSeed` reads it: `{code, name, message}`, or a
/// string without escapes.
fn media_error(scan: &mut Scanner<'_>, out: &mut JsonBody<'_>) -> Option<()> {
    scan.blank();
    match scan.bytes.get(scan.at)? {
        b'{' => {
            scan.at += 1;
            let mut media = MediaError::new();
            if !scan.accept(b'}') {
                loop {
                    let key = scan.key()?;
                    let (raw, _) = scan.kept_value()?;
                    match key {
                        Key::Code => media.code = raw.parse().ok(),
                        _ if key.is_other("name") => {
                            media.name = json_string(raw).and_then(|s| out.text.push(&s));
                        }
                        Key::Message => {
                            media.message = json_string(raw).and_then(|s| out.text.push(&s));
                        }
                        _ => {}
                    }
                    if !scan.next_member(b'}')? {
                        break;
                    }
                }
            }
            out.parts.media_error = Some(media);
            Some(())
        }
        b'"' => {
            let start = scan.at;
            scan.string()?;
            let raw = scan.slice(start)?;
            if scan.escaped {
                return None;
            }
            let text = raw.get(1..raw.len() - 1)?;
            if !text.is_empty() {
                out.parts.media_error = Some(MediaError {
                    message: out.text.push(text),
                    ..MediaError::new()
                });
            }
            Some(())
        }
        b'n' | b't' | b'f' => scan.literal(),
        _ => None,
    }
}
