//! Serde support (feature `serde`).
//!
//! `Status` and `Code` are numbers, unknown values included, so a value round-trips whatever
//! the table knows; `Retry` is its spelling in the table (`"after-reset"`); `Problem` is its
//! slug (`null` for `Problem::Unknown`, which keeps no text: the parsed error has the raw
//! `type`), and deserializes from a slug, a full type URI (unknown ones give
//! `Problem::Unknown`) or `null`. Parsed responses (feature `std`) serialize only, in the shape
//! `twerr classify --json` prints.
//!
//! An error's extra members are written verbatim, repeated names numbered: the docs of
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
    use std::collections::HashSet;
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

    /// `{"status", "effective_status", "format", "is_error", "errors", "problem",
    /// "media_error", "html_title", "raw_body", "retry", "rate_limit"}`.
    impl Serialize for ErrorResponse {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("ErrorResponse", 11)?;
            s.serialize_field("status", &self.status())?;
            s.serialize_field("effective_status", &self.effective_status())?;
            s.serialize_field("format", &self.format())?;
            s.serialize_field("is_error", &self.is_error())?;
            s.serialize_field("errors", self.errors())?;
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
    /// "extra"}`; `known` and `name` describe the code when there is one, else the problem
    /// type; `extra` maps each member name to its JSON value.
    ///
    /// Extra values are written as the body had them, through serde_json's `RawValue`:
    /// `123456789012345678901234567890` and `1.00` keep their digits, and deeply nested values
    /// are written whole. A name the body repeats keeps its first value under the name and the
    /// later ones under `name#2`, `name#3`, ... (a key already taken, by a member really named
    /// `name#2` say, gets a further `#N`), so no key is written twice and no value is lost.
    /// Turned into a `serde_json::Value` instead, numbers are rounded to what `Value` holds
    /// and a value nested past its recursion limit is an error; serializers other than
    /// serde_json's see `RawValue`'s own form.
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
            let mut s = serializer.serialize_struct("ApiError", 10)?;
            s.serialize_field("code", &self.code())?;
            s.serialize_field("known", &known)?;
            s.serialize_field("name", &name)?;
            s.serialize_field("message", &self.message())?;
            s.serialize_field("slug", &self.slug())?;
            s.serialize_field("type", &self.problem_type())?;
            s.serialize_field("title", &self.title())?;
            s.serialize_field("detail", &self.detail())?;
            s.serialize_field("status", &self.status())?;
            s.serialize_field("extra", &Extra(self))?;
            s.end()
        }
    }

    /// Extra members as a map from name to JSON value, verbatim, repeated names numbered (see
    /// `Serialize for ApiError`).
    struct Extra<'a>(&'a ApiError);

    impl Serialize for Extra<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let extra = self.0.extra();
            let mut map = serializer.serialize_map(Some(extra.len()))?;
            let mut taken: HashSet<Cow<'_, str>> = HashSet::with_capacity(extra.len());
            for (name, raw) in extra {
                let key = if taken.contains(name) {
                    let mut n = 2u64;
                    let mut key = format!("{name}#{n}");
                    while taken.contains(key.as_str()) {
                        n += 1;
                        key = format!("{name}#{n}");
                    }
                    Cow::Owned(key)
                } else {
                    Cow::Borrowed(name)
                };
                // The text is JSON the parser accepted, so it always reads back; should it
                // not, it is kept as a string rather than lost.
                match serde_json::from_str::<&RawValue>(raw) {
                    Ok(value) => map.serialize_entry(&key, value)?,
                    Err(_) => map.serialize_entry(&key, raw)?,
                }
                taken.insert(key);
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
    /// one), `retry_after_at` the HTTP date; instants in UTC epoch seconds, as the headers
    /// send them.
    impl Serialize for RateLimit {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let (after, at) = match self.retry_after() {
                Some(RetryAfter::Delay(wait)) => (Some(wait.as_secs()), None),
                Some(RetryAfter::At(at)) => {
                    let after = self
                        .date()
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
