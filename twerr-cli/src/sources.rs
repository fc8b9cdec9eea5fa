//! A source as `explain` prints it: one document per line, each with its own date and link.
//!
//! Some `[[source]]` titles name two documents, `first (...); second (...)`, with the date and
//! link of the first: printed whole, the first document's date and link would follow the
//! second's title. The title is split at its top-level `; ` and the date, commit and link go
//! with the first document; a later document gets the date and link of the table's own
//! `[[source]]` for it, when exactly one matches ([`matching`]), else stands as written (its
//! title carries its date: `..., October 2021 (verbatim copy: ...)`).

use std::sync::OnceLock;

use twerr_core::table::Source;
use twerr_table::model::SourceDef;

/// The documents `source` cites, one line each; one line for a source naming one document.
pub fn lines(source: &Source) -> Vec<String> {
    let has_details =
        source.date().is_some() || source.url().is_some() || source.commit().is_some();
    let parts = split(source.title());
    if !has_details || parts.len() < 2 {
        return vec![source.to_string()];
    }
    let mut out = Vec::with_capacity(parts.len());
    out.push(details(
        parts[0],
        source.date(),
        source.commit(),
        source.url(),
    ));
    for part in &parts[1..] {
        out.push(match matching(part, defined()) {
            Some(def) => with_details(part, def),
            None => (*part).to_owned(),
        });
    }
    out
}

/// `title` split at each `; ` outside quotes and parentheses.
pub fn split(title: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0usize);
    let bytes = title.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            b';' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                parts.push(title[start..i].trim());
                start = i + 2;
            }
            _ => {}
        }
    }
    parts.push(title[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The one `[[source]]` with a date that `part` names: its title is in `part` (whole, or
/// without its closing parenthesis: `..., "Response codes", 2018 (scraped copy: ...)` names
/// `..., "Response codes" (scraped copy: ...)`), and so is its year. Whole titles are
/// preferred; several matches of the same preference are no match.
pub fn matching<'a>(part: &str, defined: &'a [SourceDef]) -> Option<&'a SourceDef> {
    let dated = || {
        // A source that itself names several documents is not one of them.
        defined
            .iter()
            .filter(|d| split(&d.title).len() == 1)
            .filter(|d| {
                d.date
                    .as_deref()
                    .and_then(|date| date.get(..4))
                    .is_some_and(|year| part.contains(year))
            })
    };
    let whole: Vec<&SourceDef> = dated()
        .filter(|d| part.contains(d.title.as_str()))
        .collect();
    if let [one] = whole.as_slice() {
        return Some(one);
    }
    if !whole.is_empty() {
        return None;
    }
    let stem: Vec<&SourceDef> = dated()
        .filter(|d| {
            let stem = d.title.split(" (").next().unwrap_or(&d.title);
            stem != d.title && part.contains(stem)
        })
        .collect();
    match stem.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// `part` followed by what `def` adds to it: its date and commit where the part does not
/// already say them, and its link.
fn with_details(part: &str, def: &SourceDef) -> String {
    let date = def.date.as_deref().filter(|v| !part.contains(v));
    let commit = def.commit.as_deref().filter(|v| !part.contains(v));
    details(part, date, commit, def.url.as_deref())
}

/// A document as `Source`'s `Display` writes one: title, date, commit, `<url>`.
fn details(title: &str, date: Option<&str>, commit: Option<&str>, url: Option<&str>) -> String {
    let mut text = title.to_owned();
    if let Some(date) = date {
        text.push_str(&format!(", {date}"));
    }
    if let Some(commit) = commit {
        text.push_str(&format!(", commit {commit}"));
    }
    if let Some(url) = url {
        text.push_str(&format!(" <{url}>"));
    }
    text
}

/// The compiled-in table's `[[source]]` entries, read once.
fn defined() -> &'static [SourceDef] {
    static SOURCES: OnceLock<Vec<SourceDef>> = OnceLock::new();
    SOURCES.get_or_init(|| twerr_table::check(twerr_core::ERROR_TABLE).0.sources)
}

#[cfg(test)]
#[path = "sources_tests.rs"]
mod tests;
