//! The 2025 pages' troubleshooting sections: `<Accordion title="Code 200 - Forbidden">`, one
//! error code and its title per section, outside any pipe table.

use twerr_table::model::{Kind, RowKey};

use super::{Fields, PageRow, PageTable};
use crate::table::normalize::normalize;

/// The `Code N - Title` accordion sections of a page, outside code fences, as one code table;
/// `None` when the page has none.
///
/// A section shows that the page lists the code, and no more: its title labels a
/// troubleshooting case rather than stating the code's message (code 214 has three, one per
/// cause; 261's says "App" where the page's code table says "Application"), and its prose is
/// advice, not a description. So the rows carry no fields to compare, and a code the page
/// documents only there is not reported absent.
pub fn table(text: &str) -> Option<PageTable> {
    let mut rows = Vec::new();
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if let Some(open) = fence {
            if line.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = line.get(..3);
            continue;
        }
        if let Some(code) = code_section(line) {
            rows.push(PageRow {
                key: RowKey::Number(code),
                line: index + 1,
                fields: Fields::Split {
                    message: None,
                    description: None,
                    http: None,
                },
            });
        }
    }
    (!rows.is_empty()).then_some(PageTable {
        kind: Kind::Code,
        rows,
    })
}

/// `<Accordion title="Code 214 - Webhook URI ...">` -> 214: a code, a dash, a title.
fn code_section(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("<Accordion")?;
    let start = rest.find("title=\"")? + "title=\"".len();
    let rest = &rest[start..];
    let title = &rest[..rest.find('"')?];
    let after = title.strip_prefix("Code ")?;
    let digits = after.find(|c: char| !c.is_ascii_digit())?;
    let code = after[..digits].parse().ok()?;
    let title = after[digits..].trim_start().strip_prefix(['-', '–', '—'])?;
    (!normalize(title).is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sections_are_rows_and_other_sections_are_not() {
        let page = "<Accordion title=\"Webhook issues\">\n<AccordionGroup >\n\
                    <Accordion title=\"Code 200 - Forbidden\">\n- advice\n</Accordion>\n\
                    ```\n<Accordion title=\"Code 1 - in a fence\">\n```\n\
                    <Accordion title=\"Code 214 - High latency. Respond in 3 seconds.\">\n\
                    <Accordion title=\"Code 9 without a dash\">\n";
        let table = table(page).unwrap();
        assert_eq!(table.kind, Kind::Code);
        let rows: Vec<(RowKey, usize)> =
            table.rows.iter().map(|r| (r.key.clone(), r.line)).collect();
        assert_eq!(rows, [(RowKey::Number(200), 3), (RowKey::Number(214), 9)]);
        let nothing = Fields::Split {
            message: None,
            description: None,
            http: None,
        };
        assert!(table.rows.iter().all(|r| r.fields == nothing));
        assert_eq!(super::table("| Code | Text |\n"), None);
    }
}
