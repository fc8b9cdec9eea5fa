//! Every table mistake the macro must report, each with a snapshot of its message.

use crate::check;
use crate::diagnostics::render;
use crate::model::{Reach, RowKey};
use crate::validate::fixture::{TABLE, edit};

/// The rendered messages for a table, one per line, as the compiler would show them.
fn messages(text: &str) -> String {
    let (_, diags) = check(text);
    // Only errors: warnings do not reach the compiler.
    let diags: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
    assert!(!diags.is_empty(), "expected mistakes in:\n{text}");
    diags
        .iter()
        .map(|d| render("fixture.toml", text, d))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_fixture_is_valid() {
    let (table, diags) = check(TABLE);
    assert_eq!(diags, vec![]);
    assert_eq!(
        (
            table.statuses.len(),
            table.codes.len(),
            table.problems.len()
        ),
        (3, 3, 2)
    );
    let code_88 = table.codes.get(1).map(|row| (&row.key, row.history.len()));
    assert_eq!(code_88, Some((&RowKey::Number(88), 1)));
}

#[test]
fn toml_syntax_error() {
    insta::assert_snapshot!(messages(&edit(&[("message = \"OK\"", "message = \"OK")])));
}

#[test]
fn unknown_key() {
    insta::assert_snapshot!(messages(&edit(&[(
        "message = \"Rate limit exceeded\"",
        "mesage = \"Rate limit exceeded\""
    )])));
}

#[test]
fn unknown_key_in_a_nested_table() {
    insta::assert_snapshot!(messages(&edit(&[
        ("{ http = 429, source", "{ status = 429, source"),
        ("retired = { date", "retired = { when = \"x\", date"),
    ])));
}

#[test]
fn unknown_table() {
    insta::assert_snapshot!(messages(&edit(&[(
        "[[problem]]\nslug = \"usage",
        "[[problems]]\nslug = \"usage"
    )])));
}

#[test]
fn missing_key() {
    insta::assert_snapshot!(messages(&edit(&[
        ("source = \"fixture-2014\"\n\n[[code]]", "\n[[code]]"),
        (
            "{ http = 429, source = \"Fixture forum thread, 2024\" }",
            "{ http = 429 }"
        ),
    ])));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(messages(&edit(&[
        ("code = 88", "code = \"88\""),
        ("documented = false", "documented = \"no\""),
        ("http = 403\nsource", "http = 403.0\nsource"),
        ("history = [", "history = 5\nunused = ["),
    ])));
}

#[test]
fn number_out_of_range() {
    insta::assert_snapshot!(messages(&edit(&[
        ("code = 200", "code = 99"),
        ("code = 453", "code = 70000")
    ])));
}

#[test]
fn duplicate_code() {
    insta::assert_snapshot!(messages(&edit(&[("code = 453", "code = 88")])));
}

#[test]
fn duplicate_slug() {
    insta::assert_snapshot!(messages(&edit(&[(
        "slug = \"usage-capped\"",
        "slug = \"about:blank\""
    )])));
}

#[test]
fn duplicate_name() {
    insta::assert_snapshot!(messages(&edit(&[(
        "name = \"AccessLevelInsufficient\"",
        "name = \"RateLimitExceeded\""
    )])));
}

#[test]
fn bad_names() {
    insta::assert_snapshot!(messages(&edit(&[
        ("name = \"Ok\"", "name = \"ok_status\""),
        ("name = \"Forbidden\"", "name = \"Self\""),
        ("name = \"AccountSuspended\"", "name = \"Unknown\""),
        ("name = \"AboutBlank\"", "name = \"ABOUT\""),
    ])));
}

#[test]
fn bad_slug() {
    insta::assert_snapshot!(messages(&edit(&[(
        "slug = \"usage-capped\"",
        "slug = \"Usage Capped\""
    )])));
}

#[test]
fn empty_or_multi_line_message() {
    insta::assert_snapshot!(messages(&edit(&[
        ("message = \"Forbidden\"", "message = \"  \""),
        (
            "message = \"Rate limit exceeded\"",
            "message = \"\"\"Rate limit\nexceeded\"\"\""
        ),
    ])));
}

#[test]
fn unknown_retry_value() {
    insta::assert_snapshot!(messages(&edit(&[(
        "retry = \"never\"\nhttp = 403",
        "retry = \"later\"\nhttp = 403"
    )])));
}

#[test]
fn retry_missing_on_an_error_row() {
    insta::assert_snapshot!(messages(&edit(&[
        (
            "retry = \"after-reset\"\nsource = \"fixture-2014\"",
            "source = \"fixture-2014\""
        ),
        ("retry = \"never\"\nhttp = 403", "http = 403"),
        (
            "retry = \"after-reset\"\nhttp = 429\nsource = \"fixture-openapi",
            "http = 429\nsource = \"fixture-openapi"
        ),
    ])));
}

#[test]
fn the_fixture_reaches_as_written() {
    let (table, _) = check(TABLE);
    let reaches: Vec<_> = [&table.statuses, &table.codes, &table.problems]
        .into_iter()
        .flatten()
        .map(|row| (row.name.as_str(), row.reach, row.writes_only))
        .collect();
    assert_eq!(
        reaches,
        [
            ("Ok", None, false),
            ("Forbidden", Some(Reach::Request), false),
            ("TooManyRequests", Some(Reach::Request), false),
            ("AccountSuspended", Some(Reach::Credential), false),
            ("RateLimitExceeded", Some(Reach::Window), false),
            ("AccessLevelInsufficient", Some(Reach::App), true),
            ("AboutBlank", None, false),
            ("UsageCapped", Some(Reach::Request), false),
        ]
    );
}

#[test]
fn unknown_reach_value() {
    insta::assert_snapshot!(messages(&edit(&[
        ("reach = \"credential\"", "reach = \"account\""),
        ("reach = \"window\"", "reach = 2"),
    ])));
}

#[test]
fn reach_on_a_row_that_is_not_an_error() {
    insta::assert_snapshot!(messages(&edit(&[
        (
            "description = \"Success!\"",
            "description = \"Success!\"\nreach = \"app\"\nwrites_only = true"
        ),
        (
            "name = \"AboutBlank\"",
            "name = \"AboutBlank\"\nreach = \"request\""
        ),
    ])));
}

#[test]
fn writes_only_without_a_blocking_reach() {
    insta::assert_snapshot!(messages(&edit(&[
        // `window`: counted, not blocked.
        (
            "reach = \"window\"",
            "reach = \"window\"\nwrites_only = true"
        ),
        // No reach: `request`.
        (
            "http = 429\nsource = \"fixture-openapi\"",
            "http = 429\nwrites_only = true\nsource = \"fixture-openapi\""
        ),
        // An unknown reach is reported once, as such.
        ("reach = \"app\"", "reach = \"everything\""),
    ])));
}

#[test]
fn retry_on_a_row_that_is_not_an_error() {
    insta::assert_snapshot!(messages(&edit(&[
        (
            "description = \"Success!\"",
            "description = \"Success!\"\nretry = \"never\""
        ),
        (
            "name = \"AboutBlank\"",
            "name = \"AboutBlank\"\nretry = \"backoff\""
        ),
    ])));
}

#[test]
fn http_names_no_status_row() {
    insta::assert_snapshot!(messages(&edit(&[
        ("http = 403\nsource", "http = 401\nsource"),
        ("{ http = 429, source", "{ http = 500, source"),
    ])));
}

/// A row left out of the table (bad name, duplicate name, unusable key) still has its `http`
/// references checked: every mistake of the row is reported in the same build.
#[test]
fn bad_name_and_bad_http() {
    insta::assert_snapshot!(messages(&edit(&[
        ("name = \"AccountSuspended\"", "name = \"Unknown\""),
        ("http = 403\nsource", "http = 418\nsource"),
        ("code = 88", "code = \"88\""),
        (
            "http = 429\nsource = \"https",
            "http = 420\nsource = \"https"
        ),
        ("name = \"AccessLevelInsufficient\"", "name = \"Unknown\""),
        ("{ http = 429, source", "{ http = 500, source"),
        ("name = \"UsageCapped\"", "name = \"AboutBlank\""),
        (
            "http = 429\nsource = \"fixture-openapi",
            "http = 503\nsource = \"fixture-openapi"
        ),
    ])));
}

#[test]
fn rows_out_of_order() {
    let moved = edit(&[
        ("code = 64", "code = 99"),
        ("slug = \"usage-capped\"", "slug = \"aaa-capped\""),
    ]);
    insta::assert_snapshot!(messages(&moved));
}

/// The row that is out of place is blamed, not its sound neighbour: 430 sits between 200 and
/// 429 (it belongs further down) and 10 after 88 (it belongs further up).
#[test]
fn a_misplaced_row_is_blamed_not_its_neighbour() {
    insta::assert_snapshot!(messages(&edit(&[
        ("code = 200", "code = 430"),
        (
            "description = \"Success!\"",
            "description = \"Success!\"\nretry = \"never\""
        ),
        ("code = 453", "code = 10"),
    ])));
}

#[test]
fn every_row_mistake_in_one_build() {
    let text = edit(&[
        ("name = \"Ok\"", "name = \"OK\""),
        (
            "retry = \"never\"\nhttp = 403",
            "retry = \"sometimes\"\nhttp = 404",
        ),
        ("code = 453", "code = 88"),
        (
            "slug = \"usage-capped\"",
            "slug = \"usage-capped\"\ncolour = \"red\"",
        ),
    ]);
    insta::assert_snapshot!(messages(&text));
}

#[test]
fn rows_with_mistakes_still_expand_when_key_and_name_are_sound() {
    let text = edit(&[
        (
            "retry = \"never\"\nhttp = 403",
            "retry = \"sometimes\"\nhttp = 404",
        ),
        ("name = \"RateLimitExceeded\"", "name = \"rate limit\""),
    ]);
    let (table, diags) = check(&text);
    assert_eq!(diags.len(), 3);
    let names: Vec<&str> = table.codes.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["AccountSuspended", "AccessLevelInsufficient"]);
    // The bad retry value and the unknown status are dropped, not guessed.
    let first = table.codes.first().map(|r| (r.retry, r.http.clone()));
    assert_eq!(first, Some((None, None)));
}

/// Any prefix of a table, any line removed: mistakes, never a panic (twerr-macros checks that
/// the expansion of what survives never panics either).
#[test]
fn truncated_or_damaged_tables_never_panic() {
    let mut cuts = TABLE.char_indices().map(|(i, _)| i).collect::<Vec<_>>();
    cuts.push(TABLE.len());
    for cut in cuts {
        let prefix = TABLE.get(..cut).unwrap_or_default();
        let _ = check(prefix);
    }
    let lines: Vec<&str> = TABLE.lines().collect();
    for skip in 0..lines.len() {
        let text: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        let _ = check(&text.join("\n"));
    }
}

#[test]
fn a_row_with_a_bad_name_still_counts_for_order_and_duplicates() {
    insta::assert_snapshot!(messages(&edit(&[
        (
            "code = 64\nname = \"AccountSuspended\"",
            "code = 99\nname = \"account\""
        ),
        ("code = 453", "code = 99"),
    ])));
}

#[test]
fn review_is_a_warning_and_the_table_still_builds() {
    let text = edit(&[(
        "source = \"fixture-openapi\"\n",
        "source = \"fixture-openapi\"\nreview = [\"name\", \"retry\"]\n",
    )]);
    let (table, diags) = check(&text);
    assert_eq!(table.problems.len(), 2);
    let rendered: Vec<(String, bool)> = diags
        .iter()
        .map(|d| (render("fixture.toml", &text, d), d.is_error()))
        .collect();
    assert_eq!(
        rendered,
        [(
            "fixture.toml:72:10: [[problem]] `about:blank`: to review: `name`, `retry` (guessed by \
             `twerr table diff --write`); check them against the docs, then remove the `review` \
             key"
                .to_owned(),
            false
        )]
    );
    let (_, diags) = check(&edit(&[(
        "source = \"fixture-openapi\"\n",
        "source = \"fixture-openapi\"\nreview = \"name\"\n",
    )]));
    assert!(
        diags.iter().all(|d| d.is_error()) && diags.len() == 1,
        "{diags:?}"
    );
}

#[test]
fn a_stated_correspondence_must_agree_with_http() {
    let wrong = edit(&[(
        "retry = \"never\"\nhttp = 403",
        "retry = \"never\"\nhttp = 429",
    )]);
    assert_eq!(
        messages(&wrong),
        "fixture.toml:31:8: [[code]] 64: `http = 429`, but the description says it corresponds \
         with HTTP 403; make them agree (a different status seen in real responses goes in \
         `observed`)"
    );
    let missing = edit(&[("retry = \"never\"\nhttp = 403\n", "retry = \"never\"\n")]);
    assert_eq!(
        messages(&missing),
        "fixture.toml:29:15: [[code]] 64: the description says it corresponds with HTTP 403, but \
         the row has no `http`; add `http = 403`"
    );
}

/// Every rendered diagnostic, warnings marked, one per line.
fn all_messages(text: &str) -> String {
    let (_, diags) = check(text);
    diags
        .iter()
        .map(|d| {
            let mark = if d.is_error() { "" } else { "warning: " };
            format!("{mark}{}", render("fixture.toml", text, d))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sources_are_defined_once_and_cited_by_id() {
    let text = edit(&[
        // An unknown id, close to a defined one.
        (
            "source = \"fixture-2014\"\n\n[[status]]\ncode = 403",
            "source = \"fixture-2041\"\n\n[[status]]\ncode = 403",
        ),
        // Free text written twice.
        (
            "source = \"Fixture gist, 2023\"",
            "source = \"Fixture forum thread, 2024\"",
        ),
        // A source nothing cites, with a bad date and commit.
        (
            "commit = \"0123abc\"\n",
            "commit = \"0123abc\"\n\n[[source]]\nid = \"unused\"\ntitle = \"U\"\ndate = \"2018-2019\"\n\
             commit = \"xyz\"\n",
        ),
    ]);
    insta::assert_snapshot!(all_messages(&text));
}

#[test]
fn history_is_newest_first_by_the_sources_dates() {
    let text = edit(&[
        (
            "{ message = \"Rate limit exceeded.\", description = \"The *request* limit <for this> resource.\", source = \"Fixture, 2021\" },",
            "{ message = \"Rate limit exceeded.\", source = \"fixture-2014\" },\n    { message = \"Later\", source = \"later\" },",
        ),
        (
            "commit = \"0123abc\"\n",
            "commit = \"0123abc\"\n\n[[source]]\nid = \"later\"\ntitle = \"L\"\ndate = \"2021-10\"\n",
        ),
    ]);
    assert_eq!(
        all_messages(&text),
        "fixture.toml:48:35: [[code]] 88: `history` is newest first, but this entry's source \
         (2021-10) is newer than the one above it (2014-04-15, line 47); move this entry up"
    );
    let (table, _) = check(&text);
    assert_eq!(
        table.cite("fixture-2014"),
        "Fixture page, \"Error Codes\", 2014-04-15 <https://example.com/errors>"
    );
    assert_eq!(table.cite("Fixture, 2021"), "Fixture, 2021");
}
