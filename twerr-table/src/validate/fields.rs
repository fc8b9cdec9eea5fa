//! Reading typed fields out of one TOML table, reporting every mistake with its context.

use core::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diag;
use crate::validate::names::suggest;

/// What a value is, for "found ..." in messages.
pub fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Reads the fields of one table (a row, `retired`, or an `observed`/`history` entry).
pub struct Reader<'a, 'i> {
    pub table: &'a DeTable<'i>,
    /// Where "missing key" is reported: the row's `[[...]]` header or the inline table.
    pub span: Range<usize>,
    /// Serde-style context that starts every message, e.g. `"[[code]] 88"`.
    pub context: String,
    pub diags: &'a mut Vec<Diag>,
    /// Keys that an unknown key's "did you mean" already named: not reported missing again.
    pub suggested: Vec<&'static str>,
}

impl<'a, 'i> Reader<'a, 'i> {
    /// Reports a mistake at `span`, prefixed with the context.
    pub fn report(&mut self, span: Range<usize>, message: impl core::fmt::Display) {
        let context = &self.context;
        self.diags
            .push(Diag::new(span, format!("{context}: {message}")));
    }

    /// Reports every key not in `allowed`; `what` names the table in the message.
    pub fn unknown_keys(&mut self, allowed: &[&'static str], what: &str) {
        let table = self.table;
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            let keys = allowed.join(", ");
            let message = match suggest(name, allowed) {
                Some(close) => {
                    self.suggested.push(close);
                    format!("unknown key `{name}`; did you mean `{close}`? ({what} has {keys})")
                }
                None => format!("unknown key `{name}`; remove it or use a key of {what}: {keys}"),
            };
            self.report(key.span(), message);
        }
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    /// Reports a missing required key; `example` shows what to add.
    pub fn missing(&mut self, key: &str, example: &str) {
        if self.suggested.contains(&key) {
            return;
        }
        let span = self.span.clone();
        self.report(span, format!("missing key `{key}`; add {example}"));
    }

    fn wrong_type(&mut self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str, fix: &str) {
        let found = type_name(value.get_ref());
        self.report(
            value.span(),
            format!("`{key}` must be {expected}, found {found}; {fix}"),
        );
    }

    /// A string field; `None` when absent (reported if `required` gives the example) or of the
    /// wrong type (reported).
    pub fn string(&mut self, key: &str, required: Option<&str>) -> Option<(String, Range<usize>)> {
        let Some(value) = self.get(key) else {
            if let Some(example) = required {
                self.missing(key, example);
            }
            return None;
        };
        match value.get_ref() {
            DeValue::String(s) => Some((s.to_string(), value.span())),
            _ => {
                self.wrong_type(key, value, "a string", "put the text in quotes");
                None
            }
        }
    }

    /// A non-empty one-line string (messages, names, sources).
    pub fn line(&mut self, key: &str, required: Option<&str>) -> Option<(String, Range<usize>)> {
        let (text, span) = self.string(key, required)?;
        if text.trim().is_empty() {
            self.report(
                span,
                match required {
                    Some(_) => format!("`{key}` is empty; write the text"),
                    None => format!("`{key}` is empty; write the text or remove the key"),
                },
            );
            return None;
        }
        if text.contains(['\n', '\r']) {
            let fix = if key == "message" {
                "keep it on one line and move the rest to `description`"
            } else {
                "keep it on one line"
            };
            self.report(span, format!("`{key}` spans several lines; {fix}"));
            return None;
        }
        Some((text, span))
    }

    /// An integer field within `range` (inclusive); `what` describes the range in messages.
    pub fn integer(
        &mut self,
        key: &str,
        required: Option<&str>,
        range: (u16, u16),
        what: &str,
    ) -> Option<(u16, Range<usize>)> {
        let Some(value) = self.get(key) else {
            if let Some(example) = required {
                self.missing(key, example);
            }
            return None;
        };
        let DeValue::Integer(int) = value.get_ref() else {
            let fix = if matches!(value.get_ref(), DeValue::String(_)) {
                "write the number without quotes"
            } else {
                "write a whole number"
            };
            self.wrong_type(key, value, what, fix);
            return None;
        };
        let number = i128::from_str_radix(int.as_str(), int.radix()).ok();
        match number.and_then(|n| u16::try_from(n).ok()) {
            Some(n) if (range.0..=range.1).contains(&n) => Some((n, value.span())),
            _ => {
                self.report(
                    value.span(),
                    format!("`{key} = {int}` is out of range; `{key}` must be {what}"),
                );
                None
            }
        }
    }

    /// A boolean field, absent -> `None`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(
                    key,
                    value,
                    "a boolean",
                    "write `true` or `false` without quotes",
                );
                None
            }
        }
    }
}
