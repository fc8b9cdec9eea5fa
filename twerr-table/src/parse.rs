//! TOML text -> a document that keeps every key's and value's byte span.

use toml::Spanned;
use toml::de::DeTable;

use crate::diagnostics::Diag;

/// Parses the table's text. On syntax errors, returns every one the parser could recover from
/// (row checks on a broken document would only add noise).
pub fn parse(text: &str) -> Result<Spanned<DeTable<'_>>, Vec<Diag>> {
    let (document, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Ok(document);
    }
    Err(errors
        .iter()
        .map(|error| {
            let span = error.span().unwrap_or(text.len()..text.len());
            // The parser's messages may span lines; a diagnostic is one line.
            let what = error.message().replace('\n', "; ");
            Diag::new(span, format!("invalid TOML: {what}; fix the syntax here"))
        })
        .collect())
}
