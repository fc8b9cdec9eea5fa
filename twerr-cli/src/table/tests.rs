//! The comparison and the writer on the small fixture table of twerr-table.

use twerr_table::model::{Kind, RowKey};
use twerr_table::validate::fixture::{TABLE, edit};

use super::diff::{Change, ChangeKind, Field, Value, compare};
use super::page;
use super::write::apply;

fn diff(table: &str, page_text: &str) -> Vec<Change> {
    let (table, diags) = twerr_table::check(table);
    assert_eq!(diags, vec![]);
    compare(&table, &page::read(page_text))
}

/// (key, change, field) of every entry that is not `absent`.
fn differences(changes: &[Change]) -> Vec<(RowKey, ChangeKind, Option<Field>)> {
    changes
        .iter()
        .filter(|c| c.change != ChangeKind::Absent)
        .map(|c| (c.key.clone(), c.change, c.field))
        .collect()
}

const TEXT_PAGE: &str = "HTTP Status Codes\n\nCode Text Description\n200 OK Success!\n\
                         403ForbiddenThe request is understood, but it has been refused.\n\n\
                         Error Codes\n\nCode Text Description\n\
                         88 Rate limit exceeded. The *request* limit <for this> resource.\n";

#[test]
fn run_together_lines_match_with_or_without_separators_and_history_counts() {
    let changes = diff(TABLE, TEXT_PAGE);
    assert_eq!(differences(&changes), []);
    // The page's tables are statuses and codes: the 429 status is absent, problems are not.
    let absent: Vec<(Kind, RowKey)> = changes.iter().map(|c| (c.kind, c.key.clone())).collect();
    assert_eq!(
        absent,
        [
            (Kind::Status, RowKey::Number(429)),
            (Kind::Code, RowKey::Number(64))
        ]
    );
}

#[test]
fn a_run_together_line_splits_at_a_known_message_or_description() {
    let page = TEXT_PAGE
        .replace("Success!", "Success")
        .replace("88 Rate limit exceeded.", "88 Rate limit hit");
    let changes = diff(TABLE, &page);
    let found: Vec<(RowKey, Option<Field>, Value)> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Changed)
        .map(|c| (c.key.clone(), c.field, c.page_value.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                RowKey::Number(200),
                Some(Field::Description),
                Value::Text("Success".into())
            ),
            (
                RowKey::Number(88),
                Some(Field::Message),
                Value::Text("Rate limit hit".into())
            ),
        ]
    );
    // Neither a known message nor a known description: the raw line.
    let changes = diff(
        TABLE,
        &TEXT_PAGE.replace("200 OK Success!", "200 Fine Great"),
    );
    let row = changes.iter().find(|c| c.key == RowKey::Number(200));
    assert_eq!(
        row.map(|c| (c.field, c.page_value.clone())),
        Some((Some(Field::Row), Value::Text("200 Fine Great".into())))
    );
}

const MD_PAGE: &str = "## HTTP status codes\n\n| Code | Text | Description |\n|---|---|---|\n\
                       | 200 | OK | Success! |\n| 201 | Created | Made it. |\n\n\
                       ## Error codes\n\n| Code | Text | Description |\n|---|---|---|\n\
                       | 64 | Your account is suspended and is not permitted to access this feature \
                       | Corresponds with HTTP 429. |\n";

#[test]
fn pipe_tables_give_new_changed_and_http() {
    let changes = diff(TABLE, MD_PAGE);
    assert_eq!(
        differences(&changes),
        [
            (RowKey::Number(201), ChangeKind::New, None),
            (
                RowKey::Number(64),
                ChangeKind::Changed,
                Some(Field::Description)
            ),
            (RowKey::Number(64), ChangeKind::Changed, Some(Field::Http)),
        ]
    );
    let http = changes.iter().find(|c| c.field == Some(Field::Http));
    assert_eq!(
        http.map(|c| (&c.page_value, &c.table_value, c.page_line)),
        Some((&Value::Number(429), &Value::Number(403), Some(12)))
    );
}

#[test]
fn write_adds_rows_and_history_and_keeps_every_other_byte() {
    let (table, _) = twerr_table::check(TABLE);
    let changes = compare(&table, &page::read(MD_PAGE));
    let written = apply(TABLE, &table, &changes, "fixture-2014").unwrap_or_else(|e| panic!("{e}"));
    let new_row = "[[status]]\ncode = 201\nname = \"Created\"\nmessage = \"Created\"\n\
                   description = \"Made it.\"\nsource = \"fixture-2014\"\n\
                   review = [\"name\"]\n";
    let history = "history = [\n  { description = \"Corresponds with HTTP 429.\", source = \
                   \"fixture-2014\" },\n]\n";
    // Undo the two edits: what is left is the original, byte for byte.
    let undone = written
        .text
        .replacen(&format!("\n{new_row}"), "", 1)
        .replacen(history, "", 1);
    assert_eq!(undone, TABLE, "{}", written.text);
    assert_eq!(
        written.summary,
        "1 row added, 1 history entry added, 1 change left to a person"
    );
    let (_, diags) = twerr_table::check(&written.text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    // Applied, the page has nothing new but the http a person must decide.
    let (table, _) = twerr_table::check(&written.text);
    let again = compare(&table, &page::read(MD_PAGE));
    assert_eq!(
        differences(&again),
        [(RowKey::Number(64), ChangeKind::Changed, Some(Field::Http))]
    );
}

#[test]
fn history_goes_first_in_an_existing_list() {
    let table_text = edit(&[(
        "message = \"Rate limit exceeded\"",
        "message = \"Rate limited\"",
    )]);
    let page = "| Code | Text | Description |\n|---|---|---|\n\
                | 88 | Rate limit exceeded | The request limit for this resource has been reached \
                for the current rate limit window. See https://developer.twitter.com/en/docs/basics/rate-limiting. |\n";
    let (table, _) = twerr_table::check(&table_text);
    let changes = compare(&table, &page::read(page));
    let written =
        apply(&table_text, &table, &changes, "fixture-2014").unwrap_or_else(|e| panic!("{e}"));
    let first = "history = [\n    { message = \"Rate limit exceeded\", source = \"fixture-2014\" },\n    \
                 { message = \"Rate limit exceeded.\"";
    assert!(written.text.contains(first), "{}", written.text);
}

#[test]
fn rows_inserted_at_one_place_keep_key_order_beside_an_edited_row() {
    // Codes 1 and 2 both go before 64, the first code row, whose description also changes.
    let page = "| Code | Text | Description |\n|---|---|---|\n\
                | 2 | Second. | Corresponds with HTTP 403. Two. |\n\
                | 1 | First. | Corresponds with HTTP 403. One. |\n\
                | 64 | Your account is suspended and is not permitted to access this feature | New. |\n\
                | 90 | Ninety. | Corresponds with HTTP 429. |\n| 89 | Eighty-nine. | x |\n";
    let (table, _) = twerr_table::check(TABLE);
    let changes = compare(&table, &page::read(page));
    let written =
        apply(TABLE, &table, &changes, "fixture-openapi").unwrap_or_else(|e| panic!("{e}"));
    let (table, diags) = twerr_table::check(&written.text);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "{diags:?}\n{}",
        written.text
    );
    let keys: Vec<String> = table.codes.iter().map(|r| r.key.to_string()).collect();
    assert_eq!(keys, ["1", "2", "64", "88", "89", "90", "453"]);
    let names: Vec<&str> = table.codes.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names[..2], ["First", "Second"]);
    let retry: Vec<Option<&str>> = table
        .codes
        .iter()
        .map(|r| r.retry.map(|r| r.as_str()))
        .collect();
    // From the status class of the stated HTTP status; `never` when none is stated.
    assert_eq!(retry[4..6], [Some("never"), Some("after-reset")]);
    assert_eq!(table.codes[2].history.len(), 1);
}

#[test]
fn history_entries_go_in_date_order() {
    // Code 88's history: a newer source (2030), then the undated fixture entry.
    let table_text = edit(&[
        (
            "message = \"Rate limit exceeded\"",
            "message = \"Rate limited\"",
        ),
        (
            "history = [\n",
            "history = [\n    { message = \"Limit\", source = \"new\" },\n",
        ),
        (
            "commit = \"0123abc\"\n",
            "commit = \"0123abc\"\n\n[[source]]\nid = \"new\"\ntitle = \"N\"\ndate = \"2030\"\n",
        ),
    ]);
    let page = "| Code | Text | Description |\n|---|---|---|\n| 88 | Rate limit exceeded | x |\n";
    let (table, diags) = twerr_table::check(&table_text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let changes = compare(&table, &page::read(page));
    let written =
        apply(&table_text, &table, &changes, "fixture-2014").unwrap_or_else(|e| panic!("{e}"));
    let (table, _) = twerr_table::check(&written.text);
    let sources: Vec<&str> = table.codes[1]
        .history
        .iter()
        .map(|h| h.source.as_str())
        .collect();
    // After the 2030 entry, before the undated one.
    assert_eq!(sources, ["new", "fixture-2014", "Fixture, 2021"]);
    // An id the table does not define is refused.
    let refused = apply(&table_text, &table, &changes, "nowhere")
        .err()
        .unwrap_or_default();
    assert!(
        refused.starts_with("--source `nowhere` is not a [[source]] id"),
        "{refused}"
    );
}

#[test]
fn a_long_history_entry_is_written_over_several_lines() {
    let long = "word ".repeat(30);
    let page = format!(
        "## Error codes\n\n| Code | Text | Description |\n|---|---|---|\n| 453 | You currently have access to a \
         subset of Twitter API v2 endpoints only. | {long} |\n"
    );
    let (table, _) = twerr_table::check(TABLE);
    let changes = compare(&table, &page::read(&page));
    let written = apply(TABLE, &table, &changes, "fixture-2014").unwrap_or_else(|e| panic!("{e}"));
    let entry = format!(
        "history = [\n  {{ description = \"{}\",\n    source = \"fixture-2014\" }},\n]\n",
        long.trim_end()
    );
    assert!(written.text.contains(&entry), "{}", written.text);
    let (table, diags) = twerr_table::check(&written.text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    assert_eq!(table.codes[2].history.len(), 1);
}
