//! The renderers on a small fixture table, so adding a row to `error-table.toml` never
//! changes these snapshots. (The binary's listing of the real table is checked against the
//! `twerr_core` API in `tests/list.rs`.)

use super::*;

fn status(
    code: u16,
    name: &'static str,
    message: &'static str,
    retry: Option<&'static str>,
    reach: Option<&'static str>,
) -> Row {
    Row {
        table: "status",
        code: Some(code),
        slug: None,
        name,
        message,
        description: "A status.",
        retry,
        reach,
        writes_only: false,
        http: None,
        documented: true,
        retired: None,
        observed: Vec::new(),
        history: Vec::new(),
        source: "fixture".into(),
    }
}

fn fixture() -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let statuses = vec![
        status(200, "Ok", "OK", None, None),
        status(
            429,
            "TooManyRequests",
            "Too Many Requests",
            Some("after-reset"),
            Some("window"),
        ),
    ];
    let codes = vec![
        Row {
            table: "code",
            code: Some(68),
            slug: None,
            name: "ApiV1Inactive",
            message: "The Twitter REST API v1 is no longer active.",
            description: "Corresponds with HTTP 410. The v1 API | retired <2013>.\nSecond line.",
            retry: Some("never"),
            reach: Some("request"),
            writes_only: false,
            http: Some(410),
            documented: true,
            retired: Some(RetiredRow {
                date: "2013-06",
                note: "v1 turned off",
            }),
            observed: vec![ObservedRow {
                message: Some("The Twitter REST API v1 is no longer active. Please migrate."),
                http: Some(410),
                source: "twurl#29".into(),
            }],
            history: vec![HistoryRow {
                message: Some("The API v1 is no longer active."),
                description: None,
                source: "2018 docs".into(),
            }],
            source: "fixture".into(),
        },
        Row {
            table: "code",
            code: Some(453),
            slug: None,
            name: "AccessLevel",
            message: "You currently have access to a subset of *endpoints* only.",
            description: "Undocumented; seen with HTTP 403.",
            retry: Some("never"),
            reach: Some("credential"),
            writes_only: true,
            http: None,
            documented: false,
            retired: None,
            observed: Vec::new(),
            history: Vec::new(),
            source: "grammar-nazi-bot#592".into(),
        },
    ];
    let problems = vec![Row {
        table: "problem",
        code: None,
        slug: Some("usage-capped"),
        name: "UsageCapped",
        message: "Usage Capped Problem",
        description: "A problem that indicates that a usage cap has been exceeded.",
        retry: Some("after-reset"),
        reach: Some("app"),
        writes_only: false,
        http: Some(429),
        documented: true,
        retired: None,
        observed: Vec::new(),
        history: Vec::new(),
        source: "OpenAPI".into(),
    }];
    (statuses, codes, problems)
}

fn sections<'a>(s: &'a [Row], c: &'a [Row], p: &'a [Row]) -> Vec<Section<'a>> {
    vec![
        Section {
            table: "status",
            title: "HTTP statuses",
            rows: s,
        },
        Section {
            table: "code",
            title: "v1.1 error codes",
            rows: c,
        },
        Section {
            table: "problem",
            title: "v2 problem types",
            rows: p,
        },
    ]
}

#[test]
fn markdown() {
    let (s, c, p) = fixture();
    insta::assert_snapshot!(render_markdown(&sections(&s, &c, &p)));
}

#[test]
fn table() {
    let (s, c, p) = fixture();
    insta::assert_snapshot!(render_table(&sections(&s, &c, &p), None));
}

#[test]
fn table_fit_to_a_width() {
    let (s, c, p) = fixture();
    let text = render_table(&sections(&s, &c, &p), Some(80));
    insta::assert_snapshot!(text);
    // The code table's lines are the widest: each fits in 80, messages cut with `…`.
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains('…'), "{text}");
    // Wide enough for every line: the same as whole.
    assert_eq!(
        render_table(&sections(&s, &c, &p), Some(200)),
        render_table(&sections(&s, &c, &p), None)
    );
}

#[test]
fn a_narrow_width_keeps_a_readable_message() {
    let (s, c, p) = fixture();
    let text = render_table(&sections(&s, &c, &p), Some(10));
    let row = text.lines().find(|l| l.starts_with("68 ")).unwrap();
    // 15 characters of the message and the ellipsis.
    assert!(row.contains("The Twitter RES… "), "{row}");
}

#[test]
fn json_has_every_key_on_every_row() {
    let (s, c, p) = fixture();
    let text = render_json(&sections(&s, &c, &p));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = value.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let keys = [
        "table",
        "code",
        "slug",
        "name",
        "message",
        "description",
        "retry",
        "reach",
        "writes_only",
        "http",
        "documented",
        "retired",
        "observed",
        "history",
        "source",
    ];
    for row in rows {
        let object = row.as_object().unwrap();
        let mut have: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut want = keys.to_vec();
        have.sort_unstable();
        want.sort_unstable();
        assert_eq!(have, want);
    }
    assert_eq!(rows[2]["retired"]["date"], "2013-06");
    assert_eq!(rows[2]["observed"][0]["http"], 410);
    assert_eq!(
        rows[2]["history"][0]["description"],
        serde_json::Value::Null
    );
    assert_eq!(rows[3]["documented"], false);
    assert_eq!(rows[3]["reach"], "credential");
    assert_eq!(rows[3]["writes_only"], true);
    assert_eq!(rows[0]["reach"], serde_json::Value::Null);
    assert_eq!(rows[4]["slug"], "usage-capped");
    assert_eq!(rows[4]["code"], serde_json::Value::Null);
}

#[test]
fn an_empty_table_still_has_its_heading_row() {
    let text = render_markdown(&[Section {
        table: "problem",
        title: "v2 problem types",
        rows: &[],
    }]);
    assert_eq!(
        text,
        "## v2 problem types\n\n| Type | Name | Message | HTTP | Retry | Reach | Notes | \
         Description |\n|---|---|---|---|---|---|---|---|\n"
    );
    assert_eq!(render_json(&[]), "[]\n");
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    assert_eq!(markdown_cell("a|b\nc"), "a\\|b c");
    assert_eq!(
        markdown_cell("<b>x</b> & *y*"),
        "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\*"
    );
}
