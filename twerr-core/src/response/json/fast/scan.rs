//! The fast path's tokenizer: a position in the body, and the JSON tokens read from it as
//! strictly as serde_json reads them.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::super::member::Key;

/// A position in the body. `text` is the body from `text_from` on, when the UTF-8 of that part
/// was checked as a whole; a slice kept from anywhere else is checked on its own.
pub(super) struct Scanner<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) text: Option<&'a str>,
    pub(super) text_from: usize,
    pub(super) at: usize,
    /// The last string read had an escape (or the last value was no string).
    pub(super) escaped: bool,
}

/// Where the first byte from `from` on that ends a run of plain string text is (a quote, a
/// backslash, or a control character, which a string cannot hold unescaped), or the length.
///
/// Eight bytes at a time, as serde_json's own string scan: in a word, a byte below 0x20 or
/// equal to a given byte is flagged by the borrow of a subtraction. Flags can be false only
/// above a true one, so the lowest is exact.
#[inline(always)]
pub(super) fn plain_end(bytes: &[u8], from: usize) -> usize {
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
    /// Skips JSON's four blanks (not form feed, which serde_json refuses). The indentation of
    /// a pretty-printed body is skipped eight spaces at a time.
    pub(super) fn blank(&mut self) {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
            while let Some(Ok(word)) = self
                .bytes
                .get(self.at..self.at + 8)
                .map(<[u8; 8]>::try_from)
            {
                // The bytes before the first that is not a space.
                let spaces = (u64::from_le_bytes(word) ^ SPACES).trailing_zeros() / 8;
                self.at += spaces as usize;
                if spaces < 8 {
                    break;
                }
            }
        }
    }

    /// Consumes `byte` after blanks, if it is next.
    pub(super) fn accept(&mut self, byte: u8) -> bool {
        self.blank();
        let found = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        self.accept(byte).then_some(())
    }

    /// Consumes `byte`, which must be next (no blanks before it).
    pub(super) fn expect_byte(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// After a member or element: `true` at a comma (another follows), `false` at `close`.
    pub(super) fn next_member(&mut self, close: u8) -> Option<bool> {
        self.blank();
        let next = *self.bytes.get(self.at)?;
        self.at += 1;
        match next {
            b',' => Some(true),
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// A member name and its colon. A name with an escape (or a control character, which
    /// serde_json allows in a name) is left to serde_json; names are matched as raw bytes (and
    /// kept ones converted lossily) as there.
    #[inline(always)]
    pub(super) fn key(&mut self) -> Option<Key<'a>> {
        self.expect(b'"')?;
        let start = self.at;
        let end = plain_end(self.bytes, start);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        let name = self.bytes.get(start..end)?;
        self.at = end + 1;
        // The colon nearly always follows at once.
        if self.bytes.get(self.at) == Some(&b':') {
            self.at += 1;
        } else {
            self.expect(b':')?;
        }
        Some(Key::new(name).unwrap_or_else(|| {
            // From a checked body the name is text already (its ends are quotes, so char
            // boundaries); otherwise it is converted only if it is kept.
            match self.checked(start, end) {
                Some(name) => Key::Named(name),
                None => Key::Other(Cow::Borrowed(name)),
            }
        }))
    }

    /// A string literal. Escapes are checked as serde_json checks them (a known letter, or `u`
    /// and four hex digits; surrogates are not paired here, as a `RawValue` does not). Its
    /// UTF-8 is not checked: see [`slice`](Self::slice).
    #[inline(always)]
    pub(super) fn string(&mut self) -> Option<()> {
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
    pub(super) fn number(&mut self) -> Option<()> {
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
    pub(super) fn literal(&mut self) -> Option<()> {
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
    pub(super) fn nested(&mut self) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<IgnoredAny>();
        values.next()?.ok()?;
        self.at += values.byte_offset();
        Some(())
    }

    /// Any value, after blanks; where it starts. Sets `escaped` unless it is a string without
    /// escapes.
    #[inline(always)]
    pub(super) fn value(&mut self) -> Option<usize> {
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
    pub(super) fn skip_value(&mut self) -> Option<()> {
        self.value().map(drop)
    }

    /// A value kept as raw JSON text (what a `RawValue` would hold), and whether it is a
    /// string without escapes.
    #[inline(always)]
    pub(super) fn kept_value(&mut self) -> Option<(&'a str, bool)> {
        let start = self.value()?;
        Some((self.slice(start)?, !self.escaped))
    }

    /// The text from `start` to here, checked as UTF-8 unless the whole body was.
    pub(super) fn slice(&self, start: usize) -> Option<&'a str> {
        self.slice_between(start, self.at)
    }

    /// The text from `start` to `end`, checked as UTF-8 unless the whole body was.
    pub(super) fn slice_between(&self, start: usize, end: usize) -> Option<&'a str> {
        match self.checked(start, end) {
            Some(text) => Some(text),
            None => std::str::from_utf8(self.bytes.get(start..end)?).ok(),
        }
    }

    /// The text from `start` to `end` if it lies in the part whose UTF-8 was checked. Always
    /// a character boundary: scanning stops only at ASCII bytes.
    fn checked(&self, start: usize, end: usize) -> Option<&'a str> {
        let from = self.text_from;
        self.text?
            .get(start.checked_sub(from)?..end.checked_sub(from)?)
    }

    /// Checks the UTF-8 of the rest of the body at once, if it was not checked: called where
    /// a success body's errors begin, as nearly everything after is kept, and one check of
    /// it costs less than one per kept slice. A rest that is not UTF-8 stays unchecked (its
    /// slices are then checked one by one, as before).
    pub(super) fn check_rest(&mut self) {
        if self.text.is_none() {
            if let Some(Ok(rest)) = self.bytes.get(self.at..).map(std::str::from_utf8) {
                self.text = Some(rest);
                self.text_from = self.at;
            }
        }
    }
}
