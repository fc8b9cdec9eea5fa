//! Serde support (feature `serde`).
//!
//! `Status` and `Code` are numbers, unknown values included, so a value round-trips whatever
//! the table knows; `Retry` is its spelling in the table (`"after-reset"`); `Problem` is its
//! slug (`null` for `Problem::Unknown`, which keeps no text: the parsed error has the raw
//! `type`), and deserializes from a slug, a full type URI (unknown ones give
//! `Problem::Unknown`) or `null`. Parsed responses (feature `std`) serialize only, in the shape
//! `twerr classify --json` prints.
//!
//! An error's extra members are written verbatim where strict JSON readers accept them, as
//! strings named in `extra_raw` where not, repeated names numbered: the docs of
//! `Serialize for ApiError` say how.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use crate::{Code, Problem, Retry, Status};

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.as_u16())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        u16::deserialize(deserializer).map(Status::from_u16)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.as_u16())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        u16::deserialize(deserializer).map(Code::from_u16)
    }
}

impl Serialize for Retry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Retry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RetryVisitor;
        impl Visitor<'_> for RetryVisitor {
            type Value = Retry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#""never", "backoff" or "after-reset""#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Retry, E> {
                Retry::from_name(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_str(RetryVisitor)
    }
}

impl Serialize for Problem {
    /// The slug, or `null` for [`Problem::Unknown`] (the raw `type` is on the parsed error).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.slug() {
            Some(slug) => serializer.serialize_str(slug),
            None => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Problem {
    /// A slug or a type URI (unknown ones give [`Problem::Unknown`]), or `null` for
    /// [`Problem::Unknown`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProblemVisitor;
        impl<'de> Visitor<'de> for ProblemVisitor {
            type Value = Problem;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a problem slug, a type URI or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Problem, E> {
                Ok(Problem::from_type(v))
            }
            fn visit_none<E: de::Error>(self) -> Result<Problem, E> {
                Ok(Problem::Unknown)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Problem, E> {
                Ok(Problem::Unknown)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Problem, D::Error> {
                d.deserialize_str(self)
            }
        }
        deserializer.deserialize_option(ProblemVisitor)
    }
}

#[cfg(feature = "std")]
mod responses {
    use std::borrow::Cow;
    use std::collections::{HashMap, HashSet};
    use std::time::{SystemTime, UNIX_EPOCH};

    use serde::ser::{SerializeMap, SerializeStruct};
    use serde::{Serialize, Serializer};
    use serde_json::value::RawValue;

    use crate::{ApiError, BodyFormat, ErrorResponse, MediaError, RateLimit, RetryAfter, Window};

    impl Serialize for BodyFormat {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    /// `{"status", "effective_status", "format", "is_error", "errors", "omitted_errors", "problem",
    /// "media_error", "html_title", "raw_body", "retry", "rate_limit"}`.
    impl Serialize for ErrorResponse {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("ErrorResponse", 12)?;
            s.serialize_field("status", &self.status())?;
            s.serialize_field("effective_status", &self.effective_status())?;
            s.serialize_field("format", &self.format())?;
            s.serialize_field("is_error", &self.is_error())?;
            s.serialize_field("errors", self.errors())?;
            s.serialize_field("omitted_errors", &self.omitted_errors())?;
            s.serialize_field("problem", &self.problem())?;
            s.serialize_field("media_error", &self.media_error())?;
            s.serialize_field("html_title", &self.html_title())?;
            s.serialize_field("raw_body", &self.raw_body())?;
            s.serialize_field("retry", &self.retry())?;
            s.serialize_field("rate_limit", &self.rate_limit())?;
            s.end()
        }
    }

    /// `{"code", "known", "name", "message", "slug", "type", "title", "detail", "status",
    /// "extra", "extra_raw"}`; `known` and `name` describe the code when there is one, else the
    /// problem type; `extra` maps each member name to its JSON value.
    ///
    /// Extra values are written as the body had them, through serde_json's `RawValue`:
    /// `123456789012345678901234567890` and `1.00` keep their digits, so nothing is rounded.
    /// What is written always parses into a `serde_json::Value`: a value that would not (a
    /// number out of `f64`'s range like `1e400`, nesting past serde_json's recursion limit of
    /// 128, an escaped surrogate without its pair) is written as a JSON string of its raw text
    /// instead, and its key is listed in `extra_raw`, so a reader can tell `"1e400"` the string
    /// from `1e400` the number. A name the body repeats keeps its first value under the name
    /// and the later ones under `name#2`, `name#3`, ... (a key already taken, by a member
    /// really named `name#2` say, gets a further `#N`), so no key is written twice and no
    /// value is lost. Serializers other than serde_json's see `RawValue`'s own form.
    impl Serialize for ApiError {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let (known, name) = match (self.code(), self.problem()) {
                (Some(code), _) => (code.is_known(), code.is_known().then(|| code.name())),
                (None, Some(problem)) => (
                    problem.is_known(),
                    problem.is_known().then(|| problem.name()),
                ),
                (None, None) => (false, None),
            };
            let extra = extras(self);
            let raw: Vec<&str> = extra
                .iter()
                .filter(|e| e.value.is_none())
                .map(|e| &*e.key)
                .collect();
            let mut s = serializer.serialize_struct("ApiError", 11)?;
            s.serialize_field("code", &self.code())?;
            s.serialize_field("known", &known)?;
            s.serialize_field("name", &name)?;
            s.serialize_field("message", &self.message())?;
            s.serialize_field("slug", &self.slug())?;
            s.serialize_field("type", &self.problem_type())?;
            s.serialize_field("title", &self.title())?;
            s.serialize_field("detail", &self.detail())?;
            s.serialize_field("status", &self.status())?;
            s.serialize_field("extra", &Extra(&extra))?;
            s.serialize_field("extra_raw", &raw)?;
            s.end()
        }
    }

    /// One extra member as written: its key (numbered when repeated), and its value when it
    /// is JSON that a `serde_json::Value` holds (else the raw text is written as a string).
    struct ExtraEntry<'a> {
        key: Cow<'a, str>,
        raw: &'a str,
        value: Option<&'a RawValue>,
    }

    /// The extra members with their keys, repeated names numbered (see `Serialize for
    /// ApiError`). Linear: each name remembers the last number it used, so `n` repeats cost
    /// `n` lookups rather than `n` squared.
    fn extras(error: &ApiError) -> Vec<ExtraEntry<'_>> {
        let extra = error.extra();
        let mut taken: HashSet<Cow<'_, str>> = HashSet::with_capacity(extra.len());
        let mut next: HashMap<&str, u64> = HashMap::new();
        let mut out = Vec::with_capacity(extra.len());
        for (name, raw) in extra {
            let key = if taken.contains(name) {
                let n = next.entry(name).or_insert(2);
                let mut key = format!("{name}#{n}");
                while taken.contains(key.as_str()) {
                    *n += 1;
                    key = format!("{name}#{n}");
                }
                *n += 1;
                Cow::Owned(key)
            } else {
                Cow::Borrowed(name)
            };
            taken.insert(key.clone());
            out.push(ExtraEntry {
                key,
                raw,
                value: strict_json(raw),
            });
        }
        out
    }

    /// `raw` as a value to write verbatim, when a `serde_json::Value` can hold it.
    fn strict_json(raw: &str) -> Option<&RawValue> {
        // Most extras are strings and small numbers: a cheap look decides for them.
        let simple = raw.len() < 16 && !raw.contains(['e', 'E', '.', '[', '{', '\\']);
        if !simple && serde_json::from_str::<serde_json::Value>(raw).is_err() {
            return None;
        }
        serde_json::from_str::<&RawValue>(raw).ok()
    }

    /// Extra members as a map from key to value.
    struct Extra<'a>(&'a [ExtraEntry<'a>]);

    impl Serialize for Extra<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for entry in self.0 {
                match entry.value {
                    Some(value) => map.serialize_entry(&entry.key, value)?,
                    None => map.serialize_entry(&entry.key, entry.raw)?,
                }
            }
            map.end()
        }
    }

    /// `{"code", "name", "message"}`.
    impl Serialize for MediaError {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("MediaError", 3)?;
            s.serialize_field("code", &self.code())?;
            s.serialize_field("name", &self.name())?;
            s.serialize_field("message", &self.message())?;
            s.end()
        }
    }

    /// An instant as the headers sent it: whole UTC epoch seconds.
    fn epoch(time: Option<SystemTime>) -> Option<u64> {
        time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    }

    /// `{"limit", "remaining", "reset"}`, `reset` in UTC epoch seconds.
    impl Serialize for Window {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Window", 3)?;
            s.serialize_field("limit", &self.limit)?;
            s.serialize_field("remaining", &self.remaining)?;
            s.serialize_field("reset", &epoch(self.reset))?;
            s.end()
        }
    }

    /// `{"limit", "remaining", "reset", "app_24h", "user_24h", "retry_after", "retry_after_at",
    /// "date"}`: `retry_after` in seconds (for an HTTP date, counted from `Date` when there is
    /// one that the advice uses), `retry_after_at` the HTTP date; instants in UTC epoch seconds, as the headers
    /// send them.
    impl Serialize for RateLimit {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let (after, at) = match self.retry_after() {
                Some(RetryAfter::Delay(wait)) => (Some(wait.as_secs()), None),
                Some(RetryAfter::At(at)) => {
                    // Counted from `Date` only where the advice uses it.
                    let after = self
                        .date()
                        .filter(|_| self.ignored_date().is_none())
                        .map(|date| at.duration_since(date).map_or(0, |wait| wait.as_secs()));
                    (after, epoch(Some(at)))
                }
                None => (None, None),
            };
            let mut s = serializer.serialize_struct("RateLimit", 8)?;
            s.serialize_field("limit", &self.limit())?;
            s.serialize_field("remaining", &self.remaining())?;
            s.serialize_field("reset", &epoch(self.reset()))?;
            s.serialize_field("app_24h", &self.app_24h())?;
            s.serialize_field("user_24h", &self.user_24h())?;
            s.serialize_field("retry_after", &after)?;
            s.serialize_field("retry_after_at", &at)?;
            s.serialize_field("date", &epoch(self.date()))?;
            s.end()
        }
    }
}
