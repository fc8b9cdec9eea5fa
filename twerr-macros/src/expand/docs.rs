//! Per-variant rustdoc from a row: everything the table says about it, escaped.

use proc_macro2::TokenStream;
use quote::quote;

use crate::doc::{escape, paragraphs};
use crate::model::{Kind, Reach, RetryClass, Row, RowKey, Table};

/// What a retry class means, in the words of `twerr_core::Retry`'s docs.
fn retry_advice(retry: RetryClass) -> &'static str {
    match retry {
        RetryClass::Never => "repeating the request fails the same way: fix it first",
        RetryClass::Backoff => {
            "transient server trouble: retry with exponential backoff, idempotent requests only"
        }
        RetryClass::AfterReset => "rate limited: wait for the window to reset, then retry",
    }
}

/// What else fails when a row's failure reaches beyond the request, in the words of
/// `twerr_core::Reach`'s docs; `None` for `request`, which generated docs do not mention.
fn reach_words(reach: Reach, writes_only: bool) -> Option<String> {
    let requests = if writes_only {
        "writing request (POST, PUT, DELETE)"
    } else {
        "request"
    };
    let words = match reach {
        Reach::Request => return None,
        Reach::Window => {
            "every request to the same endpoint with the same credential fails the same way, \
             until the rate-limit window resets"
                .to_owned()
        }
        Reach::Credential => format!(
            "every {requests} made with the same credential fails the same way, until a person \
             fixes the credential or the account"
        ),
        Reach::App => format!(
            "every {requests} of the app or account fails the same way, whatever the \
             credential, until a person fixes the account (credits, caps, plan)"
        ),
    };
    Some(words)
}

/// A status reference: a link to its variant, and the number.
fn status_link(table: &Table, status: u16) -> String {
    match table.status_name(status) {
        Some(name) => format!("[`Status::{name}`] ({status})"),
        None => format!("{status}"),
    }
}

/// Quoted, escaped text for list items.
fn quoted(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// The doc lines of one row, in rustdoc Markdown.
pub fn lines(kind: Kind, row: &Row, table: &Table) -> Vec<String> {
    let mut out = Vec::new();
    let summary = escape(&row.message);
    out.push(if summary.is_empty() {
        row.name.clone()
    } else {
        summary
    });
    for paragraph in paragraphs(&row.description) {
        out.push(String::new());
        out.push(paragraph);
    }
    out.push(String::new());
    out.push(match (&row.key, kind) {
        (RowKey::Number(n), Kind::Status) => format!("- HTTP status: `{n}`"),
        (RowKey::Number(n), _) => format!("- Code: `{n}`"),
        (RowKey::Slug(slug), _) if slug.contains(':') => format!("- Type: `{slug}`"),
        (RowKey::Slug(slug), _) => {
            format!("- Type: `https://api.twitter.com/2/problems/{slug}`")
        }
    });
    if let Some((status, _)) = &row.http {
        out.push(format!(
            "- Corresponds to HTTP status {}",
            status_link(table, *status)
        ));
    }
    match row.retry {
        Some(retry) => out.push(format!(
            "- Retry: `{}`: {}",
            retry.as_str(),
            retry_advice(retry)
        )),
        None if kind == Kind::Problem => {
            out.push("- Retry: as the HTTP status says".to_owned());
        }
        None => {}
    }
    if let Some(words) = row.reach.and_then(|r| reach_words(r, row.writes_only)) {
        let reach = row.reach.map_or("", |r| r.as_str());
        let writes = if row.writes_only { ", writes only" } else { "" };
        out.push(format!("- Reach: `{reach}`{writes}: {words}"));
    }
    if !row.source.is_empty() {
        out.push(format!("- Source: {}", escape(&table.cite(&row.source))));
    }
    if !row.documented {
        out.push("- Not in the documentation: seen only in real responses".to_owned());
    }
    if let Some(retired) = &row.retired {
        out.push(String::new());
        out.push(format!(
            "**Retired** ({}): {}",
            escape(&retired.date),
            escape(&retired.note)
        ));
    }
    if !row.observed.is_empty() {
        out.push(String::new());
        out.push("Real responses differ from the docs:".to_owned());
        out.push(String::new());
        for observed in &row.observed {
            let mut parts = Vec::new();
            if let Some(message) = &observed.message {
                parts.push(format!("message {}", quoted(message)));
            }
            if let Some((status, _)) = &observed.http {
                parts.push(format!("HTTP status {}", status_link(table, *status)));
            }
            parts.push(format!("seen in {}", escape(&table.cite(&observed.source))));
            out.push(format!("- {}", parts.join("; ")));
        }
    }
    if !row.history.is_empty() {
        out.push(String::new());
        out.push("Other doc versions:".to_owned());
        out.push(String::new());
        for history in &row.history {
            let mut parts = Vec::new();
            if let Some(message) = &history.message {
                parts.push(format!("message {}", quoted(message)));
            }
            if let Some(description) = &history.description {
                parts.push(format!("description {}", quoted(description)));
            }
            let source = escape(&table.cite(&history.source));
            if parts.is_empty() {
                out.push(format!("- {source}"));
            } else {
                out.push(format!("- {source}: {}", parts.join("; ")));
            }
        }
    }
    out
}

/// The rows's doc lines as `#[doc = "..."]` attributes.
pub fn attributes(kind: Kind, row: &Row, table: &Table) -> TokenStream {
    lines(kind, row, table)
        .into_iter()
        .map(|line| quote! { #[doc = #line] })
        .collect()
}
