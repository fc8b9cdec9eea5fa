//! The serde visitors, one per part of a body. Each pushes what it found into the output as
//! soon as it is complete.

use std::fmt;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;

use super::member::{Key, apply_member, json_string};
use super::{ApiError, JsonBody, MediaError};

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

/// `DeserializeSeed` for visitors that read any JSON value: the seed is its own visitor.
macro_rules! seed_is_visitor {
    ($($seed:ident),+) => {$(
        impl<'de> DeserializeSeed<'de> for $seed<'_, '_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
                de.deserialize_any(self)
            }
        }
    )+};
}

seed_is_visitor!(
    TopSeed,
    ErrorsSeed,
    EntrySeed,
    ProcessingSeed,
    MediaErrorSeed
);

/// Skips every element of a sequence.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The top-level value.
pub(super) struct TopSeed<'o, 'p> {
    pub(super) out: &'o mut JsonBody<'p>,
    pub(super) keep_members: bool,
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
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
                Key::Errors => map.next_value_seed(ErrorsSeed { out: &mut *out })?,
                Key::Error | Key::ErrorDescription => {
                    let raw: &'de RawValue = map.next_value()?;
                    top_error(out, &key, raw.get());
                }
                Key::Data => out.value_has_data |= map.next_value_seed(DataSeed)?,
                Key::Includes | Key::Meta => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::ProcessingInfo => map.next_value_seed(ProcessingSeed { out: &mut *out })?,
                Key::Code | Key::Message | Key::Type | Key::Title | Key::Detail | Key::Status => {
                    let raw: &'de RawValue = map.next_value()?;
                    let (top, text, extra) = (&mut out.top, &mut out.text, &mut out.top_extra);
                    apply_member(top, &key, raw.get(), false, text, extra);
                }
                Key::Other(_) | Key::Named(_) if self.keep_members => {
                    let raw: &'de RawValue = map.next_value()?;
                    let (top, text, extra) = (&mut out.top, &mut out.text, &mut out.top_extra);
                    apply_member(top, &key, raw.get(), false, text, extra);
                }
                Key::Other(_) | Key::Named(_) => {
                    out.skipped_members = true;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A top-level `error` or `error_description` member. The first string of each is the v1 /
/// OAuth2 error (see `JsonBody::finish_value`); nothing else is dropped: a repeated string is
/// an error of its own, an object one entry, a list is read like `errors`, and any other value
/// is kept as an error's extra member under its name.
pub(super) fn top_error(out: &mut JsonBody<'_>, key: &Key<'_>, raw: &str) {
    let slot = if matches!(key, Key::Error) {
        &mut out.error
    } else {
        &mut out.error_description
    };
    match json_string(raw) {
        Some(text) if slot.is_none() => {
            out.error_at.get_or_insert(out.parts.errors.len());
            *slot = out.text.push(&text);
        }
        Some(text) => push_message(out, &text),
        // The text is a complete value that the outer pass already accepted.
        None if raw.starts_with('{') => {
            let _ = EntrySeed { out }.deserialize(&mut serde_json::Deserializer::from_str(raw));
        }
        None if raw.starts_with('[') => {
            let _ = ErrorsSeed { out }.deserialize(&mut serde_json::Deserializer::from_str(raw));
        }
        None if raw == "null" => {}
        None => {
            let mark = out.text.mark();
            let extra = out.text.push_extra(&key.name(), raw);
            let error = ApiError {
                extra: extra.into_iter().collect(),
                ..ApiError::new()
            };
            out.push_error(error, mark);
        }
    }
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
struct ErrorsSeed<'o, 'p> {
    out: &'o mut JsonBody<'p>,
}

impl<'de> Visitor<'de> for ErrorsSeed<'_, '_> {
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
            .next_element_seed(EntrySeed {
                out: &mut *self.out,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        EntrySeed { out: self.out }.visit_map(map)
    }
}

/// A bare string in `errors`: an error with only a message.
pub(super) fn push_message(out: &mut JsonBody<'_>, text: &str) {
    if text.is_empty() {
        return;
    }
    let mark = out.text.mark();
    let message = out.text.push(text);
    match out.parts.errors.push_new() {
        Some(error) => error.message = message,
        // The list is full: the error is counted, and its text not kept.
        None => {
            out.text.rewind(mark);
            out.parts.omitted += 1;
        }
    }
}

/// One entry of `errors`: an object (v1.1 error, v2 problem, invalid-request parameter error)
/// or a string. Nulls, numbers and nested lists are not errors and are skipped.
struct EntrySeed<'o, 'p> {
    out: &'o mut JsonBody<'p>,
}

impl<'de> Visitor<'de> for EntrySeed<'_, '_> {
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
        let out = self.out;
        let mut err = ApiError::new();
        let mark = out.text.mark();
        out.entry_extra.clear();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            apply_member(
                &mut err,
                &key,
                raw.get(),
                false,
                &mut out.text,
                &mut out.entry_extra,
            );
        }
        // One exactly sized copy per entry with extras; the list is reused for the next one.
        err.extra = out.entry_extra.take();
        // Only a closed object is kept: a truncated entry could hold a cut-off code.
        if !err.is_empty() {
            out.push_error(err, mark);
        } else {
            out.text.rewind(mark);
        }
        Ok(())
    }
}

/// `processing_info` of a media upload status: only its `error` is read.
struct ProcessingSeed<'o, 'p> {
    out: &'o mut JsonBody<'p>,
}

impl<'de> Visitor<'de> for ProcessingSeed<'_, '_> {
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
                    out: &mut *self.out,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `processing_info.error`: `{code, name, message}` in the media service's own numbering.
struct MediaErrorSeed<'o, 'p> {
    out: &'o mut JsonBody<'p>,
}

impl<'de> Visitor<'de> for MediaErrorSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a media error")
    }

    ignore_scalars!();

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        if !v.is_empty() {
            self.out.parts.media_error = Some(MediaError {
                message: self.out.text.push(v),
                ..MediaError::new()
            });
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut media = MediaError::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: &'de RawValue = map.next_value()?;
            let raw = raw.get();
            match key {
                Key::Code => media.code = raw.parse().ok(),
                _ if key.is_other("name") => {
                    media.name = json_string(raw).and_then(|s| self.out.text.push(&s));
                }
                Key::Message => {
                    media.message = json_string(raw).and_then(|s| self.out.text.push(&s));
                }
                _ => {}
            }
        }
        self.out.parts.media_error = Some(media);
        Ok(())
    }
}
