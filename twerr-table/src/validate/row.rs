//! One row of a table: every key checked, every mistake reported, the usable part kept.

use core::ops::Range;
use std::collections::HashSet;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::correspondence::corresponding_status;
use crate::diagnostics::Diag;
use crate::model::{History, Kind, Observed, Retired, RetryClass, Row, RowKey};
use crate::validate::fields::{Reader, type_name};
use crate::validate::names::{ABOUT_BLANK, check_name, check_slug};
use crate::validate::reach::read_reach;

const STATUS_RANGE: (u16, u16) = (100, 599);
const STATUS_WHAT: &str = "an HTTP status from 100 to 599";
const CODE_RANGE: (u16, u16) = (0, u16::MAX);
const CODE_WHAT: &str = "a number from 0 to 65535";
const RETRY_EXAMPLE: &str = "`retry = \"never\"`, `\"backoff\"` or `\"after-reset\"`";

/// The context of a row's messages once its key is known: `"[[code]] 88"`.
pub fn label(kind: Kind, key: &RowKey) -> String {
    format!("[[{}]] {key}", kind.table())
}

/// A row with a usable key: the key takes part in the duplicate and order checks even when
/// the rest of the row cannot become a variant (`row` is `None`, e.g. for a bad name).
pub struct Entry {
    pub key: RowKey,
    pub key_span: Range<usize>,
    pub row: Option<Row>,
}

/// Reads row number `ordinal` (1-based) of `kind`. Returns `None` when the row has no usable
/// key; every mistake is in `diags` either way. `statuses` holds every status number the file
/// defines (even on `[[status]]` rows with other mistakes): `http` references are checked
/// against it here, while reading, so a row that cannot become a variant (bad key or name)
/// still has them checked and every mistake of the row shows up in the same build.
pub fn read_row(
    kind: Kind,
    ordinal: usize,
    value: &Spanned<DeValue<'_>>,
    statuses: &HashSet<u16>,
    diags: &mut Vec<Diag>,
) -> Option<Entry> {
    let table_name = kind.table();
    let DeValue::Table(table) = value.get_ref() else {
        let found = type_name(value.get_ref());
        diags.push(Diag::new(
            value.span(),
            format!(
                "[[{table_name}]] row {ordinal} must be a table, found {found}; \
                 write each row under a `[[{table_name}]]` header"
            ),
        ));
        return None;
    };
    let mut reader = Reader {
        table,
        span: value.span(),
        context: format!("[[{table_name}]] row {ordinal}"),
        diags,
        suggested: Vec::new(),
    };
    let key = read_key(kind, &mut reader);
    if let Some((key, _)) = &key {
        reader.context = label(kind, key);
    }
    reader.unknown_keys(kind.keys(), &format!("a [[{table_name}]] row"));

    let name = reader.string(
        "name",
        Some("`name = \"UpperCamelCase\"`: the Rust variant"),
    );
    let name = name.and_then(|(name, span)| match check_name(&name) {
        Ok(()) => Some((name, span)),
        Err(why) => {
            reader.report(span, why);
            None
        }
    });
    let message = reader.line(
        "message",
        Some("`message = \"...\"`: the documented text, one line"),
    );
    let description = reader.string(
        "description",
        Some("`description = \"...\"`: the documented description"),
    );
    let source = reader.line(
        "source",
        Some("`source = \"...\"`: the doc page and its date, or a URL"),
    );
    let retry = read_retry(kind, key.as_ref().map(|(k, _)| k), &mut reader);
    let (reach, writes_only) = read_reach(kind, key.as_ref().map(|(k, _)| k), &mut reader);
    let http = if kind == Kind::Status {
        None
    } else {
        read_http(&mut reader, statuses)
    };
    if kind != Kind::Status {
        check_correspondence(&mut reader, description.as_ref(), http.as_ref(), statuses);
    }
    let documented = reader.boolean("documented").unwrap_or(true);
    let retired = read_retired(&mut reader);
    let observed = read_entries(&mut reader, "observed", |r| read_observed(r, statuses));
    let history = read_entries(&mut reader, "history", read_history);
    read_review(&mut reader);

    let (key, key_span) = key?;
    let row = name.map(|(name, name_span)| Row {
        key: key.clone(),
        key_span: key_span.clone(),
        name,
        name_span,
        message: message.map(|(m, _)| m).unwrap_or_default(),
        description: description.map(|(d, _)| d).unwrap_or_default(),
        retry,
        reach,
        writes_only,
        http,
        source_span: source.as_ref().map_or(0..0, |(_, span)| span.clone()),
        source: source.map(|(s, _)| s).unwrap_or_default(),
        documented,
        retired,
        observed,
        history,
    });
    Some(Entry { key, key_span, row })
}

fn read_key(kind: Kind, reader: &mut Reader<'_, '_>) -> Option<(RowKey, Range<usize>)> {
    match kind {
        Kind::Status => reader
            .integer("code", Some("`code = 404`"), STATUS_RANGE, STATUS_WHAT)
            .map(|(n, span)| (RowKey::Number(n), span)),
        Kind::Code => reader
            .integer("code", Some("`code = 88`"), CODE_RANGE, CODE_WHAT)
            .map(|(n, span)| (RowKey::Number(n), span)),
        Kind::Problem => {
            let (slug, span) = reader.string(
                "slug",
                Some("`slug = \"...\"`: the last path segment of the type URI"),
            )?;
            match check_slug(&slug) {
                Ok(()) => Some((RowKey::Slug(slug), span)),
                Err(why) => {
                    reader.report(span, why);
                    None
                }
            }
        }
    }
}

/// Whether a row is an error (status >= 400, every code, every problem but `about:blank`);
/// `None` without a usable key.
pub fn is_error(kind: Kind, key: Option<&RowKey>) -> Option<bool> {
    key.map(|key| match (kind, key) {
        (Kind::Status, RowKey::Number(n)) => *n >= 400,
        (Kind::Problem, RowKey::Slug(slug)) => slug != ABOUT_BLANK,
        _ => true,
    })
}

/// The reason a row is not an error, for "remove it" messages.
/// `what` names the fact, e.g. "retry advice".
pub fn not_an_error(kind: Kind, what: &str) -> String {
    match kind {
        Kind::Problem => format!("`about:blank` takes its {what} from the HTTP status"),
        _ => "a status below 400 is not an error".to_owned(),
    }
}

/// `retry`: present exactly on error rows, with a known value.
fn read_retry(kind: Kind, key: Option<&RowKey>, reader: &mut Reader<'_, '_>) -> Option<RetryClass> {
    let value = reader.string("retry", None);
    // Without a usable key, whether the row is an error is unknown: check only the value.
    match (value, is_error(kind, key)) {
        (None, Some(true)) => {
            let why = match kind {
                Kind::Status => "a status from 400 up is an error",
                Kind::Code => "every code is an error",
                Kind::Problem => "every problem type except `about:blank` is an error",
            };
            reader.missing("retry", &format!("{RETRY_EXAMPLE} ({why})"));
            None
        }
        (None, _) => None,
        (Some((_, span)), Some(false)) => {
            let why = not_an_error(kind, "retry advice");
            reader.report(
                span,
                format!("`retry` on a row that is not an error; remove it: {why}"),
            );
            None
        }
        (Some((text, span)), _) => {
            let class = RetryClass::from_name(&text);
            if class.is_none() {
                reader.report(
                    span,
                    format!(
                        "unknown retry value `{text}`; use `never`, `backoff` or `after-reset`"
                    ),
                );
            }
            class
        }
    }
}

/// `review = ["name", ...]`: what `twerr table diff --write` guessed for a row it added. The
/// table builds with it, but a person should check those fields: a warning.
fn read_review(reader: &mut Reader<'_, '_>) {
    let Some(value) = reader.get("review") else {
        return;
    };
    let fields = match value.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>(),
        _ => None,
    };
    let Some(fields) = fields else {
        let found = type_name(value.get_ref());
        reader.report(
            value.span(),
            format!(
                "`review` must be an array of key names, found {found} or other values; \
                 write `review = [\"name\", \"retry\"]`"
            ),
        );
        return;
    };
    let listed = fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!(
        "{}: to review: {listed} (guessed by `twerr table diff --write`); check them against \
         the docs, then remove the `review` key",
        reader.context
    );
    reader.diags.push(Diag::warning(value.span(), message));
}

/// A nested table's reader, sharing the row's diagnostics, with a longer context.
fn nested<'a, 'i>(
    parent: &'a mut Reader<'_, 'i>,
    table: &'a DeTable<'i>,
    span: Range<usize>,
    what: &str,
) -> Reader<'a, 'i> {
    Reader {
        table,
        span,
        context: format!("{}: {what}", parent.context),
        diags: parent.diags,
        suggested: Vec::new(),
    }
}

fn read_retired(reader: &mut Reader<'_, '_>) -> Option<Retired> {
    let value = reader.get("retired")?;
    let DeValue::Table(table) = value.get_ref() else {
        let found = type_name(value.get_ref());
        reader.report(
            value.span(),
            format!(
                "`retired` must be a table, found {found}; \
                 write `retired = {{ date = \"...\", note = \"...\" }}`"
            ),
        );
        return None;
    };
    let mut inner = nested(reader, table, value.span(), "`retired`");
    inner.unknown_keys(&["date", "note"], "`retired`");
    let date = inner.line(
        "date",
        Some("`date = \"...\"`: when the docs dropped the row"),
    );
    let note = inner.string(
        "note",
        Some("`note = \"...\"`: what happened, what replaces it"),
    );
    Some(Retired {
        date: date?.0,
        note: note?.0,
    })
}

/// `http`: a status number that some `[[status]]` row of the file has.
fn read_http(reader: &mut Reader<'_, '_>, statuses: &HashSet<u16>) -> Option<(u16, Range<usize>)> {
    let (status, span) = reader.integer("http", None, STATUS_RANGE, STATUS_WHAT)?;
    if !statuses.contains(&status) {
        reader.report(
            span.clone(),
            format!(
                "`http = {status}` names no [[status]] row; add a [[status]] row for {status} \
                 or fix the number"
            ),
        );
    }
    // Kept even when unknown: the table check drops references the expansion cannot use.
    Some((status, span))
}

/// A description that says "Corresponds with HTTP N" must agree with the row's `http`.
fn check_correspondence(
    reader: &mut Reader<'_, '_>,
    description: Option<&(String, Range<usize>)>,
    http: Option<&(u16, Range<usize>)>,
    statuses: &HashSet<u16>,
) {
    let Some((text, span)) = description else {
        return;
    };
    // An `http` that is unusable (wrong type, out of range, no such status) is reported as
    // such: one mistake, one message.
    let unusable = match http {
        Some((n, _)) => !statuses.contains(n),
        None => reader.get("http").is_some(),
    };
    if unusable {
        return;
    }
    let Some(stated) = corresponding_status(text) else {
        return;
    };
    match http {
        Some((n, _)) if *n == stated => {}
        Some((n, http_span)) => reader.report(
            http_span.clone(),
            format!(
                "`http = {n}`, but the description says it corresponds with HTTP {stated}; make \
                 them agree (a different status seen in real responses goes in `observed`)"
            ),
        ),
        // Only a status the table has can be added (and a table without one is checked
        // by what it has).
        None if !statuses.contains(&stated) => {}
        None => reader.report(
            span.clone(),
            format!(
                "the description says it corresponds with HTTP {stated}, but the row has no \
                 `http`; add `http = {stated}`"
            ),
        ),
    }
}

/// Reads an array of tables (`observed`, `history`) entry by entry.
fn read_entries<T>(
    reader: &mut Reader<'_, '_>,
    key: &str,
    read: impl Fn(&mut Reader<'_, '_>) -> Option<T>,
) -> Vec<T> {
    let Some(value) = reader.get(key) else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        let found = type_name(value.get_ref());
        reader.report(
            value.span(),
            format!(
                "`{key}` must be an array of tables, found {found}; write `{key} = [{{ ... }}]`"
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = format!("`{key}` entry {}", i + 1);
        let DeValue::Table(table) = item.get_ref() else {
            let found = type_name(item.get_ref());
            reader.report(
                item.span(),
                format!(
                    "{what} must be a table, found {found}; write `{{ source = \"...\", ... }}`"
                ),
            );
            continue;
        };
        let mut inner = nested(reader, table, item.span(), &what);
        if let Some(entry) = read(&mut inner) {
            out.push(entry);
        }
    }
    out
}

fn read_observed(reader: &mut Reader<'_, '_>, statuses: &HashSet<u16>) -> Option<Observed> {
    reader.unknown_keys(&["message", "http", "source"], "an `observed` entry");
    let message = reader.line("message", None);
    let http = read_http(reader, statuses);
    let source = reader.line("source", Some("`source = \"...\"`: where it was seen"))?;
    Some(Observed {
        message: message.map(|(m, _)| m),
        http,
        source: source.0,
        source_span: source.1,
    })
}

fn read_history(reader: &mut Reader<'_, '_>) -> Option<History> {
    reader.unknown_keys(&["message", "description", "source"], "a `history` entry");
    let message = reader.line("message", None);
    let description = reader.string("description", None);
    let source = reader.line(
        "source",
        Some("`source = \"...\"`: which doc version said it"),
    )?;
    Some(History {
        message: message.map(|(m, _)| m),
        description: description.map(|(d, _)| d),
        source: source.0,
        source_span: source.1,
    })
}
