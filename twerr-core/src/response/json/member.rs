//! Member names, and how a member's raw JSON text is applied to an error.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

use super::ApiError;
use crate::response::text::{ExtraList, TextBuf};
use crate::{Code, Status};

/// The member names this module interprets; anything else is [`Key::Other`].
pub(super) enum Key<'de> {
    Errors,
    Error,
    ErrorDescription,
    Data,
    Includes,
    Meta,
    ProcessingInfo,
    Code,
    Message,
    Type,
    Title,
    Detail,
    Status,
    /// Raw bytes: a skipped member's name is never converted to text.
    Other(Cow<'de, [u8]>),
    /// Any other name, read from a body whose UTF-8 was checked as a whole: already text, so
    /// keeping it costs no check of its own.
    Named(&'de str),
}

impl<'de> Key<'de> {
    /// The interpreted name `name` is, if it is one.
    #[inline(always)]
    pub(super) fn new(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"errors" => Key::Errors,
            b"error" => Key::Error,
            b"error_description" => Key::ErrorDescription,
            b"data" => Key::Data,
            b"includes" => Key::Includes,
            b"meta" => Key::Meta,
            b"processing_info" => Key::ProcessingInfo,
            b"code" => Key::Code,
            b"message" => Key::Message,
            b"type" => Key::Type,
            b"title" => Key::Title,
            b"detail" => Key::Detail,
            b"status" => Key::Status,
            _ => return None,
        })
    }

    /// Whether this is the uninterpreted name `name`, however it was read.
    pub(super) fn is_other(&self, name: &str) -> bool {
        match self {
            Key::Named(named) => *named == name,
            Key::Other(other) => **other == *name.as_bytes(),
            _ => false,
        }
    }

    /// The name as text; a name that is not UTF-8 is converted lossily.
    #[inline(always)]
    pub(super) fn name(&self) -> Cow<'_, str> {
        let name = match self {
            Key::Errors => "errors",
            Key::Error => "error",
            Key::ErrorDescription => "error_description",
            Key::Data => "data",
            Key::Includes => "includes",
            Key::Meta => "meta",
            Key::ProcessingInfo => "processing_info",
            Key::Code => "code",
            Key::Message => "message",
            Key::Type => "type",
            Key::Title => "title",
            Key::Detail => "detail",
            Key::Status => "status",
            Key::Named(name) => name,
            // `from_utf8` first: it has a fast path for ASCII that the lossy conversion lacks.
            Key::Other(name) => match std::str::from_utf8(name) {
                Ok(name) => name,
                Err(_) => return String::from_utf8_lossy(name),
            },
        };
        Cow::Borrowed(name)
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        // Names are read as raw bytes: matching needs no UTF-8 validation, and only the names
        // that are kept are checked (lossily), by `Key::name`.
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(
                self,
                v: &'de [u8],
            ) -> Result<Key<'de>, E> {
                Ok(Key::new(v).unwrap_or(Key::Other(Cow::Borrowed(v))))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
                // Only names with escapes get here.
                Ok(Key::new(v).unwrap_or_else(|| Key::Other(Cow::Owned(v.to_vec()))))
            }
        }
        de.deserialize_bytes(KeyVisitor)
    }
}

/// Applies one member, given as raw JSON text, to an error; its strings go to `buf`, an extra
/// member to `extra`. Interpreted members that do not have the expected JSON type, and repeats
/// of a member already set, are kept in `extra`.
///
/// `plain`: the caller knows `raw` holds no backslash (the fast path's scanner saw none), so a
/// string's text is its inside, unchecked.
#[inline(always)]
pub(super) fn apply_member(
    err: &mut ApiError,
    key: &Key<'_>,
    raw: &str,
    plain: bool,
    buf: &mut TextBuf,
    extra: &mut ExtraList,
) {
    let string = || {
        if plain {
            raw_str_inner(raw).map(Cow::Borrowed)
        } else {
            json_string(raw)
        }
    };
    let taken = match key {
        Key::Code if err.code.is_none() => {
            u16_number(raw).map(|n| err.code = Some(Code::from_u16(n)))
        }
        Key::Status if err.status.is_none() => {
            u16_number(raw).map(|n| err.status = Some(Status::from_u16(n)))
        }
        Key::Message if err.message.is_none() => string().map(|s| err.message = buf.push(&s)),
        Key::Title if err.title.is_none() => string().map(|s| err.title = buf.push(&s)),
        Key::Detail if err.detail.is_none() => string().map(|s| err.detail = buf.push(&s)),
        Key::Type if err.problem_type.is_none() => string().map(|s| err.set_type(buf, &s)),
        _ => None,
    };
    let null_field = raw == "null"
        && matches!(
            key,
            Key::Code | Key::Status | Key::Message | Key::Title | Key::Detail | Key::Type
        );
    if taken.is_none() && !null_field {
        if let Some(pair) = buf.push_extra(&key.name(), raw) {
            extra.push(pair);
        }
    }
}

/// A code or status: only a plain run of digits (no sign, fraction or exponent) up to 65535.
fn u16_number(raw: &str) -> Option<u16> {
    if raw.is_empty() {
        return None;
    }
    raw.bytes().try_fold(0u16, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u16::from(digit))
    })
}

/// The inside of a raw JSON string literal, escapes and all.
fn raw_str_inner(raw: &str) -> Option<&str> {
    raw.strip_prefix('"')?.strip_suffix('"')
}

/// The value of a raw JSON string literal; `None` for any other JSON value.
///
/// An escaped surrogate without its pair (`"a\ud800b"`, which serde_json accepts in a raw
/// value but refuses as a `String`) is read as U+FFFD, so the text is kept rather than lost.
pub(super) fn json_string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw_str_inner(raw)?;
    // A fold rather than a search: it compiles to vector compares with no early exit, which
    // for the short texts of error bodies costs a fraction of a byte search's setup.
    if !inner.bytes().fold(false, |seen, b| seen | (b == b'\\')) {
        return Some(Cow::Borrowed(inner));
    }
    unescape(inner).map(Cow::Owned)
}

/// The text of a JSON string literal's inside; `None` if an escape is malformed.
fn unescape(inner: &str) -> Option<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let c = match chars.next()? {
            'u' => {
                let unit = hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate: with a low one after it, one character.
                    let mut ahead = chars.clone();
                    let low = (ahead.next() == Some('\\') && ahead.next() == Some('u'))
                        .then(|| hex4(&mut ahead))
                        .flatten()
                        .filter(|low| (0xDC00..0xE000).contains(low));
                    match low {
                        Some(low) => {
                            chars = ahead;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        }
                        None => None,
                    }
                } else {
                    char::from_u32(unit)
                }
                .unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'b' => '\u{8}',
            'f' => '\u{c}',
            c @ ('"' | '\\' | '/') => c,
            _ => return None,
        };
        out.push(c);
    }
    Some(out)
}

/// Four hex digits of a `\u` escape.
fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

/// `text` as a JSON string literal.
pub(crate) fn json_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn strings_with_escapes_read_as_serde_json_reads_them() {
        for raw in [
            r#""a\"b\\c\/d\n\t\b\f\r""#,
            r#""\u00e9\ud83d\ude00""#,
            r#""\u0000""#,
        ] {
            let ours = json_string(raw).map(|s| s.into_owned());
            assert_eq!(ours, serde_json::from_str::<String>(raw).ok(), "{raw}");
        }
    }

    #[test]
    fn unpaired_surrogates_are_replaced_not_lost() {
        assert_eq!(json_string(r#""a\ud800b""#).as_deref(), Some("a\u{FFFD}b"));
        assert_eq!(
            json_string(r#""\udc00\ud800""#).as_deref(),
            Some("\u{FFFD}\u{FFFD}")
        );
        assert_eq!(
            json_string(r#""\ud800\u0041""#).as_deref(),
            Some("\u{FFFD}A")
        );
        assert_eq!(json_string(r#""\x""#), None);
    }
}
