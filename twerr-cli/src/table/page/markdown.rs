//! Markdown/MDX pipe tables, columns found by their header names.

use twerr_table::model::{Kind, RowKey};

use super::{Fields, PageRow, PageTable, kind_of};
use crate::table::normalize::{normalize, slug};

/// The columns a recognised table has, by index.
struct Columns {
    /// `Code` (numbered tables) or `Type` (problems).
    key: usize,
    message: Option<usize>,
    description: Option<usize>,
    problems: bool,
}

/// Header names -> columns, or `None` for a table that lists no rows of the error table
/// (`Field | Description`, `Header | Description`, ...).
fn columns(header: &[String]) -> Option<Columns> {
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| header.iter().position(|h| h == name))
    };
    let description = find(&["description", "common causes", "what to do"]);
    if let Some(key) = find(&["code"]) {
        let message = find(&["text", "meaning"]);
        // A `Code` column alone is not one of the docs' tables.
        message.or(description)?;
        return Some(Columns {
            key,
            message,
            description,
            problems: false,
        });
    }
    let key = find(&["type"])?;
    description?;
    Some(Columns {
        key,
        message: find(&["title"]),
        description,
        problems: true,
    })
}

/// The cells of a pipe-table line: split at unescaped `|`, the outer pipes dropped.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line
        .strip_suffix('|')
        .filter(|l| !l.ends_with('\\'))
        .unwrap_or(line);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => current.push('|'),
                Some(other) => {
                    current.push('\\');
                    current.push(other);
                }
                None => current.push('\\'),
            },
            '|' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

/// The delimiter row under a header: `| :--- | ---: |`.
fn is_delimiter(line: &str) -> bool {
    let cells = cells(line);
    line.contains('-')
        && cells.iter().all(|c| {
            let c = c.trim();
            !c.is_empty() && c.trim_matches(':').chars().all(|ch| ch == '-')
        })
}

/// Every recognisable pipe table of the page, outside code fences.
pub fn tables(text: &str) -> Vec<PageTable> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // (level, text) of the headings above the current line, outermost first.
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if let Some(open) = fence {
            if line.starts_with(open) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(&line[..3]);
            i += 1;
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            headings.retain(|(l, _)| *l < level);
            headings.push((level, normalize(&line[level..])));
            i += 1;
            continue;
        }
        let header_here = line.starts_with('|') || line.contains(" | ");
        let delimiter_next = lines.get(i + 1).is_some_and(|next| is_delimiter(next));
        if !(header_here && delimiter_next) {
            i += 1;
            continue;
        }
        let header: Vec<String> = cells(line)
            .iter()
            .map(|c| normalize(c).to_ascii_lowercase())
            .collect();
        let mut end = i + 2;
        while end < lines.len() && lines[end].contains('|') && !lines[end].trim().is_empty() {
            end += 1;
        }
        if let Some(columns) = columns(&header) {
            let names: Vec<String> = headings.iter().map(|(_, h)| h.clone()).collect();
            if let Some(table) = read_table(&columns, &lines, i + 2..end, &names) {
                out.push(table);
            }
        }
        i = end;
    }
    out
}

/// The rows of one table; `None` when no row has a usable key.
fn read_table(
    columns: &Columns,
    lines: &[&str],
    body: core::ops::Range<usize>,
    headings: &[String],
) -> Option<PageTable> {
    let mut keyed = Vec::new();
    for index in body {
        let cells = cells(lines.get(index)?);
        let cell = |column: Option<usize>| {
            column
                .and_then(|c| cells.get(c))
                .map(|c| normalize(c))
                .filter(|c| !c.is_empty())
        };
        let Some(key) = cell(Some(columns.key)) else {
            continue;
        };
        let key = if columns.problems {
            RowKey::Slug(slug(&key))
        } else {
            match key.parse::<u16>() {
                Ok(n) => RowKey::Number(n),
                // A row such as `2xx` names no single status or code.
                Err(_) => continue,
            }
        };
        let description = cell(columns.description);
        keyed.push((key, cell(columns.message), description, index + 1));
    }
    if keyed.is_empty() {
        return None;
    }
    let kind = if columns.problems {
        Kind::Problem
    } else {
        let numbers: Vec<u16> = keyed.iter().filter_map(|(k, ..)| k.number()).collect();
        let descriptions: Vec<Option<String>> =
            keyed.iter().map(|(_, _, d, _)| d.clone()).collect();
        kind_of(headings, &numbers, &descriptions)
    };
    let rows = keyed
        .into_iter()
        .map(|(key, message, description, line)| {
            let http = match kind {
                Kind::Code => description.as_deref().and_then(super::corresponding_status),
                _ => None,
            };
            PageRow {
                key,
                line,
                fields: Fields::Split {
                    message,
                    description,
                    http,
                },
            }
        })
        .collect();
    Some(PageTable { kind, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "\
## HTTP status codes

### Client error codes

| Code | Meaning | Common causes |
|:-----|:--------|:--------------|
| **400** | Bad Request\t| Invalid JSON \\| bad query |
| 4xx | Any | ignored |

```
| Code | Text | Description |
| --- | --- | --- |
| 1 | in a fence | not a table |
```

## Errors

| Type | Description |
|:-----|:------------|
| `.../rule-cap` | Too many [rules](/x) |

| Field | Description |
|---|---|
| `type` | URI |
";

    #[test]
    fn tables_are_found_by_header_names() {
        let tables = tables(PAGE);
        assert_eq!(tables.len(), 2, "{tables:#?}");
        assert_eq!(tables[0].kind, Kind::Status);
        assert_eq!(
            tables[0].rows,
            [PageRow {
                key: RowKey::Number(400),
                line: 7,
                fields: Fields::Split {
                    message: Some("Bad Request".into()),
                    description: Some("Invalid JSON | bad query".into()),
                    http: None,
                },
            }]
        );
        assert_eq!(tables[1].kind, Kind::Problem);
        assert_eq!(
            tables[1].rows[0].fields,
            Fields::Split {
                message: None,
                description: Some("Too many rules".into()),
                http: None
            }
        );
        assert_eq!(tables[1].rows[0].key, RowKey::Slug("rule-cap".into()));
    }

    #[test]
    fn a_code_table_states_its_correspondences() {
        let page = "| Code | Text | Description |\n| --- | --- | --- |\n\
                    | 88 | Rate limit exceeded. | Corresponds with HTTP 429. The limit. |\n";
        let tables = tables(page);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].kind, Kind::Code);
        assert!(matches!(
            tables[0].rows[0].fields,
            Fields::Split {
                http: Some(429),
                ..
            }
        ));
    }
}
