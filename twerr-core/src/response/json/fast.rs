//! The fast path: a strict scanner over the bytes of the body shapes Twitter sends most.
//!
//! serde_json's per-member work (a member name through `deserialize_bytes`, a `RawValue` per
//! kept member) costs a few times what it needs merely to skip an error body. Almost every
//! error body is one object whose members are names and scalars: v1.1
//! `{"errors":[{"code":N,"message":"..."}]}`, a v2 problem `{"title","detail","type",...}`,
//! v2 partial errors beside `data`, `{"error","request"}`. This scanner reads those.
//!
//! It only replaces the tokenizer. Every member it reads is handed to the same code the serde
//! visitors use ([`apply_member`], `top_error`, `push_message`, [`JsonBody::push_error`],
//! [`JsonBody::finish_value`]), as the same raw JSON text serde_json would have given, so
//! duplicates, wrong types, the error cap and the top level's meaning are decided in one
//! place. Values it does not read itself (`data`, `includes`, nested extras) are skipped by
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

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::member::{Key, apply_member, json_string};
use super::seeds::{push_message, top_error};
use super::{ApiError, Input, JsonBody, MediaError};

/// Reads a body that is one object of the common shapes into `out` (which should be fresh);
/// `None` when it gave up, leaving `out` part-filled: the caller must discard it.
pub(super) fn read(input: Input<'_>, keep_members: bool, out: &mut JsonBody) -> Option<()> {
    let mut scan = match input {
        Input::Text(text) => Scanner {
            bytes: text.as_bytes(),
            text: Some(text),
            at: 0,
            escaped: false,
        },
        Input::Bytes(bytes) => Scanner {
            bytes,
            text: None,
            at: 0,
            escaped: false,
        },
    };
    out.begin_value();
    top(&mut scan, keep_members, out)?;
    out.finish_value();
    // Blanks may follow; anything else is a stream of values, for the serde path.
    scan.blank();
    (scan.at == scan.bytes.len()).then_some(())
}

/// The top-level object; the members as `TopSeed::visit_map` reads them.
fn top(scan: &mut Scanner<'_>, keep_members: bool, out: &mut JsonBody) -> Option<()> {
    scan.expect(b'{')?;
    if scan.accept(b'}') {
        return Some(());
    }
    loop {
        let key = scan.key()?;
        match key {
            Key::Errors => errors(scan, out)?,
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
            Key::Other(_) if !keep_members => {
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
fn errors(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
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
fn message(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
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
fn compact_entry(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
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
    let mut err = ApiError::new();
    let mark = out.text.mark();
    let (text, extra) = (&mut out.text, &mut out.entry_extra);
    extra.clear();
    let (first, second) = if code_first {
        ((Key::Code, code), (Key::Message, message))
    } else {
        ((Key::Message, message), (Key::Code, code))
    };
    apply_member(&mut err, &first.0, first.1, true, text, extra);
    apply_member(&mut err, &second.0, second.1, true, text, extra);
    // A code past 65535 is kept as an extra member.
    if !extra.is_empty() {
        err.extra = extra.as_slice().into();
    }
    out.push_error(err, mark);
    Some(())
}

/// One error object, as `EntrySeed::visit_map` reads it: every member through [`apply_member`].
fn entry(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
    scan.expect(b'{')?;
    let mut err = ApiError::new();
    let mark = out.text.mark();
    out.entry_extra.clear();
    if !scan.accept(b'}') {
        loop {
            let key = scan.key()?;
            let (raw, plain) = scan.kept_value()?;
            apply_member(
                &mut err,
                &key,
                raw,
                plain,
                &mut out.text,
                &mut out.entry_extra,
            );
            if !scan.next_member(b'}')? {
                break;
            }
        }
    }
    if !out.entry_extra.is_empty() {
        err.extra = out.entry_extra.as_slice().into();
    }
    if !err.is_empty() {
        out.push_error(err, mark);
    } else {
        out.text.rewind(mark);
    }
    Some(())
}

/// `processing_info` of a media upload status, as `ProcessingSeed` reads it: only its `error`.
fn processing(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
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
fn media_error(scan: &mut Scanner<'_>, out: &mut JsonBody) -> Option<()> {
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
                        Key::Other(name) if *name == *b"name" => {
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
            out.media = Some(media);
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
                out.media = Some(MediaError {
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

/// Where the first quote or backslash in `bytes` is: most names end within the first eight
/// bytes, found in one word-wise step (as in [`plain_end`]); longer ones byte by byte.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    if let Some(Ok(word)) = bytes.get(..8).map(<[u8; 8]>::try_from) {
        let word = u64::from_le_bytes(word);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let flags = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & (ONES << 7);
        if flags != 0 {
            return Some((flags.trailing_zeros() / 8) as usize);
        }
    }
    bytes.iter().position(|&b| b == b'"' || b == b'\\')
}

/// A position in the body. `text` is the body when its UTF-8 was checked up front; otherwise
/// every slice that is kept is checked on its own.
struct Scanner<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
    at: usize,
    /// The last string read had an escape (or the last value was no string).
    escaped: bool,
}

/// Where the first byte from `from` on that ends a run of plain string text is (a quote, a
/// backslash, or a control character, which a string cannot hold unescaped), or the length.
///
/// Eight bytes at a time, as serde_json's own string scan: in a word, a byte below 0x20 or
/// equal to a given byte is flagged by the borrow of a subtraction. Flags can be false only
/// above a true one, so the lowest is exact.
fn plain_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let is_stop = |b: &u8| *b < 0x20 || *b == b'"' || *b == b'\\';
    let rest = bytes.get(from..).unwrap_or_default();
    let mut at = from;
    let mut words = rest.chunks_exact(8);
    for chunk in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else {
            break;
        };
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let flags = (control | quote | backslash) & HIGH;
        if flags != 0 {
            return at + (flags.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = words.remainder();
    at + tail.iter().position(is_stop).unwrap_or(tail.len())
}

impl<'a> Scanner<'a> {
    /// Skips JSON's four blanks (not form feed, which serde_json refuses).
    fn blank(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Consumes `byte` after blanks, if it is next.
    fn accept(&mut self, byte: u8) -> bool {
        self.blank();
        let found = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.accept(byte).then_some(())
    }

    /// Consumes `byte`, which must be next (no blanks before it).
    fn expect_byte(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// After a member or element: `true` at a comma (another follows), `false` at `close`.
    fn next_member(&mut self, close: u8) -> Option<bool> {
        self.blank();
        let next = *self.bytes.get(self.at)?;
        self.at += 1;
        match next {
            b',' => Some(true),
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// A member name and its colon. A name with an escape is left to serde_json, which decodes
    /// it; names are matched as raw bytes (and kept ones converted lossily) as there.
    fn key(&mut self) -> Option<Key<'a>> {
        self.expect(b'"')?;
        let start = self.at;
        // serde_json reads names unvalidated: a control character is allowed in one.
        let rest = self.bytes.get(start..)?;
        self.at += quote_or_backslash(rest)?;
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let name = self.bytes.get(start..self.at)?;
        self.at += 1;
        // The colon nearly always follows at once.
        if self.bytes.get(self.at) == Some(&b':') {
            self.at += 1;
        } else {
            self.expect(b':')?;
        }
        Some(Key::new(name).unwrap_or(Key::Other(Cow::Borrowed(name))))
    }

    /// A string literal. Escapes are checked as serde_json checks them (a known letter, or `u`
    /// and four hex digits; surrogates are not paired here, as a `RawValue` does not). Its
    /// UTF-8 is not checked: see [`slice`](Self::slice).
    fn string(&mut self) -> Option<()> {
        self.expect_byte(b'"')?;
        self.escaped = false;
        loop {
            self.at = plain_end(self.bytes, self.at);
            match *self.bytes.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    self.escaped = true;
                    let escape = self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    if *escape == b'u' {
                        let hex = self.bytes.get(self.at..self.at + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.at += 4;
                    } else if !b"\"\\/bfnrt".contains(escape) {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        self.at += 1;
        Some(())
    }

    /// A number, by JSON's grammar (no leading zeros, a digit after `.` and after `e`).
    fn number(&mut self) -> Option<()> {
        let digits = |scan: &mut Self| {
            let rest = scan.bytes.get(scan.at..).unwrap_or_default();
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            scan.at += n;
            n
        };
        self.at += usize::from(self.bytes.get(self.at) == Some(&b'-'));
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            (digits(self) > 0).then_some(())?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            (digits(self) > 0).then_some(())?;
        }
        Some(())
    }

    /// `null`, `true` or `false`.
    fn literal(&mut self) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        let len = [&b"null"[..], b"true", b"false"]
            .into_iter()
            .find(|word| rest.starts_with(word))?
            .len();
        self.at += len;
        Some(())
    }

    /// An object or an array, skipped by serde_json itself, so that what it accepts (nesting
    /// of any depth, without recursion) is exactly what the serde path accepts.
    fn nested(&mut self) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<IgnoredAny>();
        values.next()?.ok()?;
        self.at += values.byte_offset();
        Some(())
    }

    /// Any value, after blanks; where it starts. Sets `escaped` unless it is a string without
    /// escapes.
    fn value(&mut self) -> Option<usize> {
        self.blank();
        let start = self.at;
        self.escaped = true;
        match self.bytes.get(start)? {
            b'"' => self.string()?,
            b'-' | b'0'..=b'9' => self.number()?,
            b'n' | b't' | b'f' => self.literal()?,
            b'{' | b'[' => self.nested()?,
            _ => return None,
        }
        Some(start)
    }

    /// A value that is skipped: like serde_json's `IgnoredAny`, its UTF-8 is not checked.
    fn skip_value(&mut self) -> Option<()> {
        self.value().map(drop)
    }

    /// A value kept as raw JSON text (what a `RawValue` would hold), and whether it is a
    /// string without escapes.
    fn kept_value(&mut self) -> Option<(&'a str, bool)> {
        let start = self.value()?;
        Some((self.slice(start)?, !self.escaped))
    }

    /// The text from `start` to here, checked as UTF-8 unless the whole body was.
    fn slice(&self, start: usize) -> Option<&'a str> {
        self.slice_between(start, self.at)
    }

    /// The text from `start` to `end`, checked as UTF-8 unless the whole body was.
    fn slice_between(&self, start: usize, end: usize) -> Option<&'a str> {
        match self.text {
            // Always a character boundary: scanning stops only at ASCII bytes.
            Some(text) => text.get(start..end),
            None => std::str::from_utf8(self.bytes.get(start..end)?).ok(),
        }
    }
}
