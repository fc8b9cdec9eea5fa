//! The 2014 plain-text page: a `Code Text Description` line, then one line per row whose
//! columns lost their separators (`504Gateway timeoutThe Twitter servers ...`), so a row is
//! its number and the rest of the line, matched against the table later.

use twerr_table::model::RowKey;

use super::{Fields, PageRow, PageTable, kind_of};
use crate::table::normalize::normalize;

/// Whether a line is a table header: the words Code, Text and Description in that order.
fn is_header(line: &str) -> bool {
    let words: Vec<String> = line
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    words == ["code", "text", "description"]
}

/// A row line: a number and text after it, e.g. `200 OK Success!`.
fn row(line: &str, number: usize) -> Option<PageRow> {
    let trimmed = line.trim();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let n: u16 = trimmed.get(..digits)?.parse().ok()?;
    let rest = normalize(&trimmed[digits..]);
    // A number alone, or a number run into more digits, is no row.
    if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(PageRow {
        key: RowKey::Number(n),
        line: number,
        fields: Fields::Joined {
            rest,
            raw: trimmed.to_owned(),
        },
    })
}

/// A short line that is not a sentence: a heading of the plain-text page ("Error Codes").
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && line.len() <= 60
        && !line.ends_with(['.', ':', '!', '?'])
        && !line.starts_with(|c: char| c.is_ascii_digit() || c == '{')
}

/// Every `Code Text Description` table of the page.
pub fn tables(text: &str) -> Vec<PageTable> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut heading: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !is_header(line) {
            if is_heading(line) {
                heading = Some(line.trim().to_owned());
            }
            i += 1;
            continue;
        }
        let mut rows = Vec::new();
        i += 1;
        // The rows run to the first line that is not one (blank lines between rows allowed).
        while let Some(line) = lines.get(i) {
            if let Some(row) = row(line, i + 1) {
                rows.push(row);
            } else if !line.trim().is_empty() {
                break;
            }
            i += 1;
        }
        if rows.is_empty() {
            continue;
        }
        let numbers: Vec<u16> = rows.iter().filter_map(|r| r.key.number()).collect();
        let descriptions: Vec<Option<String>> = rows
            .iter()
            .map(|r| match &r.fields {
                Fields::Joined { rest, .. } => Some(rest.clone()),
                Fields::Split { description, .. } => description.clone(),
            })
            .collect();
        let headings: Vec<String> = heading.iter().cloned().collect();
        out.push(PageTable {
            kind: kind_of(&headings, &numbers, &descriptions),
            rows,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use twerr_table::model::Kind;

    #[test]
    fn rows_keep_their_number_and_the_rest() {
        let page = "HTTP Status Codes\n\nCode Text Description\n200 OK Success!\n\
                    504Gateway timeoutThe servers are up.\n\nError Codes\n\n\
                    Code Text Description\n130 Over capacity Corresponds with an HTTP 503 - x\n";
        let tables = tables(page);
        let kinds: Vec<Kind> = tables.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [Kind::Status, Kind::Code]);
        assert_eq!(
            tables[0].rows[1],
            PageRow {
                key: RowKey::Number(504),
                line: 5,
                fields: Fields::Joined {
                    rest: "Gateway timeoutThe servers are up.".into(),
                    raw: "504Gateway timeoutThe servers are up.".into()
                }
            }
        );
        assert_eq!(tables[1].rows[0].line, 10);
    }

    #[test]
    fn no_header_no_table() {
        assert!(tables("200 OK Success!\n").is_empty());
        assert!(tables("Code Text Description\n\nnot a row\n").is_empty());
    }
}
