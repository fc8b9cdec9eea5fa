//! JSON bodies: one streaming pass with serde visitors, no `serde_json::Value` tree.
//!
//! Members that are not read (`data`, `includes`, unknown members of a success body) are
//! skipped with [`IgnoredAny`]; members that are kept verbatim are borrowed as [`RawValue`]
//! slices of the input and copied once. Both skip nested values without recursion, so a
//! 100,000-deep value cannot overflow the stack; the visitors here nest at most three levels.
//!
//! Results are pushed into the output as each error object closes, so a truncated or otherwise
//! malformed body still yields every error that was complete before the damage.

use std::borrow::Cow;
use std::{fmt, mem};

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;

use super::api_error::{ApiError, MediaError};
use super::list::ErrorList;
use crate::{Code, Status};

/// Everything one pass found, before the top level is assembled.
#[derive(Default)]
pub(crate) struct JsonBody {
    /// Entries of `errors` (and an `error` object), in body order.
    pub(crate) errors: ErrorList,
    /// Members of the top-level object that an error can carry.
    top: ApiError,
    /// Top-level `error` string and `error_description` (v1 and OAuth2 shapes).
    error: Option<Box<str>>,
    error_description: Option<Box<str>>,
    /// Where in `errors` the top-level `error` belongs.
    error_at: Option<usize>,
    /// A non-null `data` member: a v2 success, possibly with partial errors.
    pub(crate) has_data: bool,
    /// `processing_info.error` of a media upload status.
    pub(crate) media: Option<MediaError>,
    /// Unknown top-level members were skipped rather than kept.
    pub(crate) skipped_members: bool,
    /// The whole input was one well-formed JSON value.
    pub(crate) complete: bool,
}

/// Parses `body` in one pass into `out` (which should be fresh). `keep_members`: keep unknown
/// top-level members as extras (they can only matter when the top level turns out to be an
/// error).
pub(crate) fn parse(body: &[u8], keep_members: bool, out: &mut JsonBody) {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = TopSeed {
        out: &mut *out,
        keep_members,
    }
    .deserialize(&mut de);
    out.complete = result.and_then(|()| de.end()).is_ok();
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
                ..ApiError::default()
            };
            if is_problem {
                *problem = Some(mem::take(&mut self.top));
            } else {
                // `{"error": .., "request": ..}`: the other members describe this error.
                let top = &mut self.top;
                entry.code = top.code;
                entry.status = top.status;
                if let Some(message) = top.message.take() {
                    entry
                        .extra
                        .push(("message".to_owned(), json_quote(&message)));
                }
                entry.extra.append(&mut top.extra);
            }
            errors.insert(self.error_at.unwrap_or(0), entry);
        } else if is_problem {
            *problem = Some(mem::take(&mut self.top));
        } else if is_entry {
            errors.insert(0, mem::take(&mut self.top));
        }
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

/// The member names this module interprets; anything else is [`Key::Other`].
enum Key<'de> {
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
    Other(Cow<'de, str>),
}

impl<'de> Key<'de> {
    /// The interpreted name `name` is, if it is one.
    fn new(name: &[u8]) -> Option<Self> {
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

    fn name(&self) -> &str {
        match self {
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
            Key::Other(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        // Names are read as raw bytes: matching needs no UTF-8 validation, and only the names
        // that are kept are checked (lossily) below.
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
                Ok(Key::new(v).unwrap_or_else(|| Key::Other(String::from_utf8_lossy(v))))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
                // Only names with escapes get here.
                Ok(Key::new(v).unwrap_or_else(|| {
                    Key::Other(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
                }))
            }
        }
        de.deserialize_bytes(KeyVisitor)
    }
}

/// Applies one member, given as raw JSON text, to an error. Interpreted members that do not
/// have the expected JSON type, and repeats of a member already set, are kept in `extra`.
fn apply_member(err: &mut ApiError, key: &Key<'_>, raw: &str) {
    let taken = match key {
        Key::Code if err.code.is_none() => {
            u16_number(raw).map(|n| err.code = Some(Code::from_u16(n)))
        }
        Key::Status if err.status.is_none() => {
            u16_number(raw).map(|n| err.status = Some(Status::from_u16(n)))
        }
        Key::Message if err.message.is_none() => {
            json_string(raw).map(|s| err.message = Some(s.into()))
        }
        Key::Title if err.title.is_none() => json_string(raw).map(|s| err.title = Some(s.into())),
        Key::Detail if err.detail.is_none() => {
            json_string(raw).map(|s| err.detail = Some(s.into()))
        }
        Key::Type if err.problem_type.is_none() => json_string(raw).map(|s| err.set_type(&s)),
        _ => None,
    };
    let null_field = raw == "null"
        && matches!(
            key,
            Key::Code | Key::Status | Key::Message | Key::Title | Key::Detail | Key::Type
        );
    if taken.is_none() && !null_field {
        err.extra.push((key.name().to_owned(), raw.to_owned()));
    }
}

/// A code or status: only a plain run of digits (no sign, fraction or exponent) up to 65535.
fn u16_number(raw: &str) -> Option<u16> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// The value of a raw JSON string literal; `None` for any other JSON value.
fn json_string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.bytes().any(|b| b == b'\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
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

/// Visitor methods that accept any scalar and ignore it.
macro_rules! ignore_scalars {
    () => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    };
}

/// Skips every element of a sequence.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The top-level value.
struct TopSeed<'o> {
    out: &'o mut JsonBody,
    keep_members: bool,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    // A top-level array is a success listing (a v1.1 timeline), never a list of errors.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key {
                Key::Errors => map.next_value_seed(ErrorsSeed {
                    out: &mut out.errors,
                })?,
                Key::Error | Key::ErrorDescription => {
                    out.error_at.get_or_insert(out.errors.len());
                    let raw: &'de RawValue = map.next_value()?;
                    let raw = raw.get();
                    let text = json_string(raw).map(Box::<str>::from);
                    let slot = if matches!(key, Key::Error) {
                        &mut out.error
                    } else {
                        &mut out.error_description
                    };
                    match text {
                        Some(text) if slot.is_none() => *slot = Some(text),
                        // `{"error": {"code": .., "message": ..}}`
                        _ if raw.starts_with('{') => parse_entry_text(raw, &mut out.errors),
                        _ => {}
                    }
                }
                Key::Data => out.has_data |= map.next_value_seed(DataSeed)?,
                Key::Includes | Key::Meta => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::ProcessingInfo => map.next_value_seed(ProcessingSeed {
                    media: &mut out.media,
                })?,
                Key::Code | Key::Message | Key::Type | Key::Title | Key::Detail | Key::Status => {
                    let raw: &'de RawValue = map.next_value()?;
                    apply_member(&mut out.top, &key, raw.get());
                }
                Key::Other(_) if self.keep_members => {
                    let raw: &'de RawValue = map.next_value()?;
                    apply_member(&mut out.top, &key, raw.get());
                }
                Key::Other(_) => {
                    out.skipped_members = true;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An `error` member that is an object: parsed as one entry from its (already validated) text.
fn parse_entry_text(raw: &str, errors: &mut ErrorList) {
    let mut de = serde_json::Deserializer::from_str(raw);
    // The text is a complete object that the outer pass already accepted.
    let _ = EntrySeed { out: errors }.deserialize(&mut de);
}

/// The value of `data`: whether it is present and not null.
struct DataSeed;

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<bool, D::Error> {
        de.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for DataSeed {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<bool, D::Error> {
        IgnoredAny::deserialize(de)?;
        Ok(true)
    }
}

/// The value of `errors`: a list of entries, one entry object, a string, or null.
struct ErrorsSeed<'o> {
    out: &'o mut ErrorList,
}

impl<'de> DeserializeSeed<'de> for ErrorsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ErrorsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of errors")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        push_message(self.out, v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(EntrySeed { out: self.out })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        EntrySeed { out: self.out }.visit_map(map)
    }
}

/// A bare string in `errors`: an error with only a message.
fn push_message(out: &mut ErrorList, text: &str) {
    if !text.is_empty() {
        out.push(ApiError {
            message: Some(text.into()),
            ..ApiError::default()
        });
    }
}

/// One entry of `errors`: an object (v1.1 error, v2 problem, invalid-request parameter error)
/// or a string. Nulls, numbers and nested lists are not errors and are skipped.
struct EntrySeed<'o> {
    out: &'o mut ErrorList,
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an error object")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        push_message(self.out, v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut err = ApiError::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            apply_member(&mut err, &key, raw.get());
        }
        // Only a closed object is kept: a truncated entry could hold a cut-off code.
        if !err.is_empty() {
            self.out.push(err);
        }
        Ok(())
    }
}

/// `processing_info` of a media upload status: only its `error` is read.
struct ProcessingSeed<'o> {
    media: &'o mut Option<MediaError>,
}

impl<'de> DeserializeSeed<'de> for ProcessingSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ProcessingSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("processing info")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if matches!(key, Key::Error) {
                map.next_value_seed(MediaErrorSeed {
                    media: &mut *self.media,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `processing_info.error`: `{code, name, message}` in the media service's own numbering.
struct MediaErrorSeed<'o> {
    media: &'o mut Option<MediaError>,
}

impl<'de> DeserializeSeed<'de> for MediaErrorSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MediaErrorSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a media error")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        if !v.is_empty() {
            *self.media = Some(MediaError {
                message: Some(v.into()),
                ..MediaError::default()
            });
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut media = MediaError::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            let raw = raw.get();
            match key.name() {
                "code" => media.code = raw.parse().ok(),
                "name" => media.name = json_string(raw).map(Into::into),
                "message" => media.message = json_string(raw).map(Into::into),
                _ => {}
            }
        }
        *self.media = Some(media);
        Ok(())
    }
}
