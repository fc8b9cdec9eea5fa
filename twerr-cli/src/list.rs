//! `twerr list`: the rows of the compiled-in tables as aligned text, Markdown or JSON.
//!
//! The renderers work on [`Row`], a plain copy of one table row, so they can be tested on
//! fixture rows; `rows.rs` builds the real rows from `twerr_core`.

use serde::Serialize;

/// One row of `error-table.toml`, with every key (absent keys as `null` or empty lists).
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// `"status"`, `"code"` or `"problem"`.
    pub table: &'static str,
    /// The number (statuses and codes).
    pub code: Option<u16>,
    /// The problem type's slug (problems).
    pub slug: Option<&'static str>,
    /// The Rust variant name.
    pub name: &'static str,
    /// The documented text.
    pub message: &'static str,
    /// The documented description.
    pub description: &'static str,
    /// `"never"`, `"backoff"`, `"after-reset"`, or `None` for non-errors.
    pub retry: Option<&'static str>,
    /// How far the failure reaches: `"request"`, `"window"`, `"credential"`, `"app"`, or
    /// `None` for non-errors.
    pub reach: Option<&'static str>,
    /// The failure reaches only writing methods (POST, PUT, DELETE).
    pub writes_only: bool,
    /// The corresponding HTTP status (codes and problems).
    pub http: Option<u16>,
    /// False for codes seen only in real traffic.
    pub documented: bool,
    /// When and why the docs dropped the row.
    pub retired: Option<RetiredRow>,
    /// What real responses said where it differs from the docs.
    pub observed: Vec<ObservedRow>,
    /// Other doc versions' wording.
    pub history: Vec<HistoryRow>,
    /// Where the text comes from.
    pub source: String,
}

/// `retired = { date, note }`.
#[derive(Clone, Debug, Serialize)]
pub struct RetiredRow {
    /// When.
    pub date: &'static str,
    /// What happened.
    pub note: &'static str,
}

/// One `observed` entry.
#[derive(Clone, Debug, Serialize)]
pub struct ObservedRow {
    /// The message real responses carried.
    pub message: Option<&'static str>,
    /// The HTTP status real responses carried.
    pub http: Option<u16>,
    /// Where it was seen.
    pub source: String,
}

/// One `history` entry.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryRow {
    /// That version's message.
    pub message: Option<&'static str>,
    /// That version's description.
    pub description: Option<&'static str>,
    /// Which doc version.
    pub source: String,
}

/// One table's rows with its heading.
pub struct Section<'a> {
    /// `"status"`, `"code"` or `"problem"`.
    pub table: &'static str,
    /// The table's heading, e.g. "HTTP statuses".
    pub title: &'static str,
    /// The rows, in table order.
    pub rows: &'a [Row],
}

impl Row {
    /// The row's key as printed: the number, or the slug.
    fn key(&self) -> String {
        match (self.code, self.slug) {
            (Some(code), _) => code.to_string(),
            (None, Some(slug)) => slug.to_owned(),
            (None, None) => String::new(),
        }
    }

    fn http_cell(&self) -> String {
        self.http.map(|s| s.to_string()).unwrap_or_default()
    }

    fn retry_cell(&self) -> &'static str {
        self.retry.unwrap_or("")
    }

    /// The reach when it goes beyond the request (`request`, the default, is left blank so
    /// the rows that do reach further stand out).
    fn reach_cell(&self) -> &'static str {
        match self.reach {
            None | Some("request") => "",
            Some(reach) => reach,
        }
    }

    /// Short flags worth seeing in a listing: writes only, undocumented, retired.
    fn notes(&self) -> String {
        let mut notes = Vec::new();
        if self.writes_only {
            notes.push("writes only".to_owned());
        }
        if !self.documented {
            notes.push("undocumented".to_owned());
        }
        if let Some(retired) = &self.retired {
            notes.push(format!("retired {}", retired.date));
        }
        notes.join(", ")
    }
}

/// The column heading of the key column of a table.
fn key_heading(table: &str) -> &'static str {
    match table {
        "status" => "Status",
        "code" => "Code",
        _ => "Type",
    }
}

/// Whether the table has an `http` key (statuses are their own HTTP status).
fn has_http(table: &str) -> bool {
    table != "status"
}

fn columns(table: &str) -> Vec<&'static str> {
    let mut columns = vec![key_heading(table), "Name", "Message"];
    if has_http(table) {
        columns.push("HTTP");
    }
    columns.extend(["Retry", "Reach", "Notes"]);
    columns
}

fn cells(row: &Row, with_description: bool) -> Vec<String> {
    let mut cells = vec![row.key(), row.name.to_owned(), row.message.to_owned()];
    if has_http(row.table) {
        cells.push(row.http_cell());
    }
    cells.push(row.retry_cell().to_owned());
    cells.push(row.reach_cell().to_owned());
    cells.push(row.notes());
    if with_description {
        cells.push(row.description.to_owned());
    }
    cells
}

/// The columns cut to fit a width, in the order they give up room, each with the narrowest
/// it is cut to however narrow the terminal: the message (the only long one; below 16
/// characters it says too little), then the variant name (`twerr explain KEY` prints it
/// whole, so it goes down to 10, which keeps the code table within 80 columns), then the
/// notes. Keys, statuses, retry classes and reaches are never cut: a key is
/// what a reader passes to `twerr explain`.
const SHRINKABLE: [(&str, usize); 3] = [("Message", 16), ("Name", 10), ("Notes", 12)];

/// Aligned columns for a terminal; sections separated by an empty line. With a `width`,
/// each line fits in it where it can: the [`SHRINKABLE`] columns are cut to the room the
/// others leave, and a cut cell ends with `…`. `None` prints every cell whole.
pub fn render_table(sections: &[Section<'_>], width: Option<usize>) -> String {
    let mut out = String::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let table = section.table;
        out.push_str(&format!("{} ({})\n", section.title, section.rows.len()));
        let header: Vec<String> = columns(table).iter().map(|c| c.to_uppercase()).collect();
        let body: Vec<Vec<String>> = section.rows.iter().map(|r| cells(r, false)).collect();
        let mut widths: Vec<usize> = header.iter().map(|c| c.chars().count()).collect();
        for row in &body {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        if let Some(width) = width {
            fit(&columns(table), &mut widths, width);
        }
        for line in std::iter::once(&header).chain(&body) {
            let mut text = String::new();
            for (cell, &w) in line.iter().zip(&widths) {
                let cell = cut(cell, w);
                let used = cell.chars().count();
                text.push_str(&cell);
                text.extend(std::iter::repeat_n(' ', w + 2 - used));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Narrows the [`SHRINKABLE`] columns, in order, so the line (two spaces between columns)
/// fits in `width` when it can.
fn fit(names: &[&str], widths: &mut [usize], width: usize) {
    for (name, min) in SHRINKABLE {
        let total: usize = widths.iter().map(|w| w + 2).sum::<usize>() - 2;
        if total <= width {
            return;
        }
        let Some(i) = names.iter().position(|n| *n == name) else {
            continue;
        };
        let over = total - width;
        widths[i] = widths[i].saturating_sub(over).max(min).min(widths[i]);
    }
}

/// `text` in at most `width` characters, its end replaced by `…` when it is cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// GitHub-flavoured Markdown: one `##` heading and one table per section, descriptions
/// included.
pub fn render_markdown(sections: &[Section<'_>]) -> String {
    let mut out = String::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let table = section.table;
        out.push_str(&format!("## {}\n\n", section.title));
        let mut header = columns(table);
        header.push("Description");
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in section.rows {
            let cells: Vec<String> = cells(row, true).iter().map(|c| markdown_cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out
}

/// A JSON array of every row of every section, each with every key.
pub fn render_json(sections: &[Section<'_>]) -> String {
    let rows: Vec<&Row> = sections.iter().flat_map(|s| s.rows).collect();
    // Serialising these plain structs cannot fail; an empty array is the honest fallback.
    let mut out = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

/// Text safe inside a Markdown table cell: one line, pipes and markup characters escaped,
/// HTML neutralised.
fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
