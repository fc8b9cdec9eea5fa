//! `twerr table check` and `twerr table diff` on the real table and real docs pages.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{assert_refused, twerr};
use serde_json::Value;

const D1139: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/docs/x-docs-response-codes-d1139bf6.mdx"
);
const D0BFE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/docs/x-docs-response-codes-0bfed9f0.mdx"
);
/// The workspace's one copy of the 2014 page.
const PAGE_2014: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/twitter-error-codes-2014.txt"
);
const PAGES: [&str; 3] = [D1139, D0BFE, PAGE_2014];

/// A fresh file in the temp dir with `contents`.
fn temp(name: &str, contents: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("twerr-table-{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("temp file written");
    path
}

fn path_str(path: &std::path::Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// The JSON changes of `twerr table diff PAGE [--table FILE]`.
fn diff_json(page: &str, table: Option<&str>) -> (i32, Vec<Value>) {
    let mut args = vec!["table", "diff", page, "--json"];
    if let Some(table) = table {
        args.extend(["--table", table]);
    }
    let run = twerr(&args, b"");
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"));
    assert_eq!(json["schema"], 1);
    (
        run.code,
        json["changes"].as_array().cloned().unwrap_or_default(),
    )
}

/// The real table's text without the rows `(table, key)`: each row runs from its header to
/// the next blank line before a header.
fn without_rows(rows: &[(&str, &str)]) -> String {
    let text = twerr_core::ERROR_TABLE;
    let mut out = String::new();
    for (i, chunk) in text.split("\n\n[[").enumerate() {
        let removed = rows.iter().any(|(table, key)| {
            chunk.starts_with(&format!("{table}]]\n"))
                && chunk
                    .lines()
                    .nth(1)
                    .is_some_and(|l| l.ends_with(&format!("= {key}")))
        });
        if !removed {
            if i > 0 {
                out.push_str("\n\n[[");
            }
            out.push_str(chunk);
        }
    }
    assert_ne!(out, text, "rows {rows:?} not found");
    out
}

#[test]
fn the_real_table_is_valid_and_has_nothing_left_to_review() {
    let run = twerr(&["table", "check"], b"");
    assert_eq!(run.code, 0, "{run:#?}");
    // A `review` key is a warning: the real table must have none.
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    assert!(
        run.stdout.starts_with("error-table.toml: valid: "),
        "{}",
        run.stdout
    );
}

#[test]
fn check_reports_every_mistake_as_the_macro_does() {
    let text = twerr_core::ERROR_TABLE
        .replacen("name = \"Ok\"", "name = \"ok\"", 1)
        .replacen("retry = \"never\"", "retry = \"sometimes\"", 1);
    let file = temp("mistakes.toml", text.as_bytes());
    let run = twerr(&["table", "check", path_str(&file)], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run:#?}");
    let name = path_str(&file);
    assert!(
        lines[0].starts_with(&format!("{name}:")) && lines[0].contains("[[status]] 200: name `ok`")
    );
    assert!(
        lines[1].contains("unknown retry value `sometimes`"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], format!("{name}: 2 mistakes"));
}

#[test]
fn check_reports_reach_mistakes_where_they_are() {
    // A reach nobody knows, and writes_only beside a reach that does not block.
    let text = twerr_core::ERROR_TABLE
        .replacen("reach = \"credential\"", "reach = \"account\"", 1)
        .replacen(
            "reach = \"window\"",
            "reach = \"window\"\nwrites_only = true",
            1,
        );
    let file = temp("reach.toml", text.as_bytes());
    let run = twerr(&["table", "check", path_str(&file)], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    let name = path_str(&file);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run:#?}");
    assert!(
        lines.iter().any(|l| l
            .starts_with(&format!("{name}:{}:9: ", line_of("reach = \"account\"")))
            && l.contains("unknown reach value `account`")),
        "{run:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{name}:{}:15: ",
            line_of("reach = \"window\"") + 1
        )) && l.contains("`writes_only = true` needs a reach that blocks")),
        "{run:#?}"
    );
    assert_eq!(lines[2], format!("{name}: 2 mistakes"));
}

#[test]
fn check_of_a_file_that_cannot_be_read_is_unusable() {
    let run = twerr(&["table", "check", "/no/such/table.toml"], b"");
    assert_refused(
        &run,
        "/no/such/table.toml: cannot read the table: no such file",
    );
    let file = temp("binary.toml", &[0xff, 0xfe, 0x00]);
    assert_refused(
        &twerr(&["table", "check", path_str(&file)], b""),
        "not valid UTF-8",
    );
}

#[test]
fn real_revisions_against_the_real_table_have_nothing_new_or_changed() {
    for page in PAGES {
        let (code, changes) = diff_json(page, None);
        let differing: Vec<&Value> = changes.iter().filter(|c| c["change"] != "absent").collect();
        assert_eq!(differing, Vec::<&Value>::new(), "{page}");
        assert_eq!(code, 0, "{page}");
        assert!(
            changes
                .iter()
                .all(|c| c["page_value"].is_null() && c["page_line"].is_null())
        );
    }
    // The 2014 page lists neither problems nor the statuses it predates.
    let (_, changes) = diff_json(PAGE_2014, None);
    assert!(changes.iter().all(|c| c["table"] != "problem"));
    assert!(
        changes
            .iter()
            .any(|c| c["table"] == "status" && c["key"] == 409)
    );
    // --strict counts them.
    let run = twerr(&["table", "diff", PAGE_2014, "--strict"], b"");
    assert_eq!(run.code, 1, "{run:#?}");
}

#[test]
fn deleted_rows_are_found_as_new() {
    let table = temp(
        "deleted.toml",
        without_rows(&[("code", "3"), ("code", "88"), ("problem", "\"rule-cap\"")]).as_bytes(),
    );
    let (code, changes) = diff_json(D1139, Some(path_str(&table)));
    assert_eq!(code, 1);
    let new: Vec<(&Value, &Value)> = changes
        .iter()
        .filter(|c| c["change"] == "new")
        .map(|c| (&c["key"], &c["page_value"]))
        .collect();
    assert_eq!(new.len(), 3, "{changes:#?}");
    assert_eq!(new[0].0, 3);
    assert_eq!(new[0].1["message"], "Invalid coordinates.");
    assert_eq!(new[0].1["http"], 400);
    assert_eq!(new[1].0, 88);
    assert_eq!(new[2].0, "rule-cap");
    assert_eq!(new[2].1["message"], "Rule Cap Problem");
    assert_eq!(
        new[2].1["description"],
        "You have exceeded the maximum number of rules."
    );
    assert!(new[2].1["http"].is_null());
    // The 2014 page's lines cannot be split without the row: the raw line.
    let (_, changes) = diff_json(PAGE_2014, Some(path_str(&table)));
    let new: Vec<&Value> = changes.iter().filter(|c| c["change"] == "new").collect();
    assert_eq!(new.len(), 1, "{changes:#?}");
    assert_eq!(new[0]["field"], "row");
    assert_eq!(
        new[0]["page_value"],
        "88 Rate limit exceeded The request limit for this resource has been reached for the current rate limit window."
    );
}

#[test]
fn an_edited_message_is_found_as_changed() {
    let text = twerr_core::ERROR_TABLE.replacen(
        "message = \"Too Many Requests\"",
        "message = \"Too Many Request\"",
        1,
    );
    let table = temp("edited.toml", text.as_bytes());
    for page in PAGES {
        let (code, changes) = diff_json(page, Some(path_str(&table)));
        let changed: Vec<&Value> = changes
            .iter()
            .filter(|c| c["change"] == "changed")
            .collect();
        assert_eq!(code, 1, "{page}");
        assert_eq!(changed.len(), 1, "{page}: {changed:#?}");
        assert_eq!(changed[0]["key"], 429);
        assert_eq!(changed[0]["field"], "message");
        assert_eq!(changed[0]["page_value"], "Too Many Requests");
        assert_eq!(changed[0]["table_value"], "Too Many Request");
        assert!(changed[0]["page_line"].as_u64().is_some());
    }
}

#[test]
fn write_round_trip() {
    let removed = without_rows(&[
        ("code", "3"),
        ("code", "88"),
        ("problem", "\"rule-cap\""),
        ("status", "201"),
    ]);
    let file = temp("write.toml", removed.as_bytes());
    let name = path_str(&file);
    let write = |page: &str| {
        let args = [
            "table",
            "diff",
            page,
            "--table",
            name,
            "--write",
            "--source",
            "x-docs-2026",
        ];
        let run = twerr(&args, b"");
        assert_eq!(run.code, 1, "{run:#?}");
        assert!(run.stderr.starts_with("twerr: note: wrote "), "{run:#?}");
        std::fs::read_to_string(&file).expect("written")
    };
    let written = write(D1139);
    assert!(
        written.contains(
            "[[code]]\ncode = 3\nname = \"InvalidCoordinates\"\nmessage = \"Invalid coordinates.\"\n\
             description = \"Corresponds with HTTP 400. The coordinates provided as parameters were \
             not valid for the request.\"\nretry = \"never\"\nhttp = 400\nsource = \"x-docs-2026\"\n\
             review = [\"name\", \"retry\"]\n"
        ),
        "{written}"
    );
    // Every byte outside the added rows is as it was: cutting them out gives the input back.
    let mut cut = written.clone();
    for header in [
        "[[code]]\ncode = 3\n",
        "[[code]]\ncode = 88\n",
        "[[problem]]\nslug = \"rule-cap\"\n",
    ] {
        let start = cut.find(header).expect("row written");
        let review = start
            + cut[start..]
                .find("\nreview = [")
                .expect("review ends the row");
        let end = review + cut[review..].find("]\n").expect("review is one line") + 2;
        // The row and the blank line that separates it from its neighbour.
        let (start, end) = if cut[end..].starts_with('\n') {
            (start, end + 1)
        } else {
            (start - 1, end)
        };
        cut.replace_range(start..end, "");
    }
    assert_eq!(cut, removed);
    // The 2026 page adds status 201 and its wording of rule-cap as history.
    let written = write(D0BFE);
    assert!(written.contains("[[status]]\ncode = 201\nname = \"Created\"\n"));
    assert!(written.contains(
        "history = [\n  { description = \"Too many filtered stream rules\", source = \"x-docs-2026\" },\n]\n"
    ));
    // The table builds; the new rows carry `review`, a warning.
    let run = twerr(&["table", "check", name], b"");
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout.matches(": warning: ").count(), 4, "{run:#?}");
    // The rows are back, with the page's text, and the pages agree with the table again.
    for page in [D1139, D0BFE] {
        let (code, changes) = diff_json(page, Some(name));
        let differing: Vec<&Value> = changes.iter().filter(|c| c["change"] != "absent").collect();
        assert_eq!((code, differing), (0, Vec::<&Value>::new()), "{page}");
    }
}

#[test]
fn write_needs_a_table_file_and_a_source() {
    let run = twerr(&["table", "diff", D1139, "--write", "--source", "x"], b"");
    assert_eq!(run.code, 2, "{run:#?}");
    let run = twerr(
        &["table", "diff", D1139, "--table", "t.toml", "--write"],
        b"",
    );
    assert_eq!(run.code, 2, "{run:#?}");
}

#[test]
fn unusable_input_exits_2() {
    assert_refused(
        &twerr(&["table", "diff", "/no/such/page.mdx"], b""),
        "cannot read the page",
    );
    let empty = temp("empty.mdx", b"");
    assert_refused(
        &twerr(&["table", "diff", path_str(&empty)], b""),
        "no recognisable table",
    );
    // Random bytes (a fixed xorshift sequence, so a failure reproduces).
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    let random = temp("random.mdx", &bytes);
    assert_refused(
        &twerr(&["table", "diff", path_str(&random)], b""),
        "no recognisable table",
    );
    let prose = temp(
        "prose.mdx",
        b"| Field | Description |\n|---|---|\n| `type` | URI |\n",
    );
    assert_refused(
        &twerr(&["table", "diff", path_str(&prose)], b""),
        "no recognisable table",
    );
    let bad = temp("bad.toml", b"[[status]]\ncode = \"x\"\n");
    assert_refused(
        &twerr(&["table", "diff", D1139, "--table", path_str(&bad)], b""),
        "the table has",
    );
}

#[test]
fn the_text_report_is_grouped_by_table() {
    let table = temp("report.toml", without_rows(&[("code", "3")]).as_bytes());
    let run = twerr(&["table", "diff", D1139, "--table", path_str(&table)], b"");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "[[code]] v1.1 error codes\n  new      3 (page line 88)\n      page:  message \"Invalid coordinates.\", \
         description \"Corresponds with HTTP 400. The coordinates provided as parameters were not valid for the request.\", http 400\n"
    ), "{}", run.stdout);
    assert!(run.stdout.ends_with(" absent\n"));
}

/// Readable diffs: no line of the real table is longer than about 120 characters unless one
/// string on it is (a long description or message).
#[test]
fn the_real_table_keeps_its_lines_short() {
    let mut long = Vec::new();
    for (i, line) in twerr_core::ERROR_TABLE.lines().enumerate() {
        let chars = line.chars().count();
        if chars <= 120 {
            continue;
        }
        let longest = longest_string(line);
        if chars - longest > 40 {
            long.push(format!("{}: {chars} characters", i + 1));
        }
    }
    assert_eq!(long, Vec::<String>::new());
}

/// The length in characters of the longest basic string (`"..."`, escapes included) on a line.
fn longest_string(line: &str) -> usize {
    let (mut longest, mut current, mut escaped) = (0, None::<usize>, false);
    for c in line.chars() {
        match current {
            None if c == '"' => current = Some(1),
            None => {}
            Some(n) if escaped => {
                escaped = false;
                current = Some(n + 1);
            }
            Some(n) if c == '\\' => {
                escaped = true;
                current = Some(n + 1);
            }
            Some(n) if c == '"' => {
                longest = longest.max(n + 1);
                current = None;
            }
            Some(n) => current = Some(n + 1),
        }
    }
    longest
}

/// The codes a page documents in `<Accordion title="Code N - ...">` sections, read with a
/// plain string search.
fn accordion_codes(page: &str) -> Vec<u64> {
    let text = std::fs::read_to_string(page).unwrap();
    text.split("<Accordion title=\"Code ")
        .skip(1)
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

#[test]
fn codes_documented_in_accordion_sections_are_not_absent() {
    let codes = accordion_codes(D1139);
    assert!(codes.contains(&200), "{codes:?}");
    let absent_codes = |changes: &[Value]| -> Vec<u64> {
        changes
            .iter()
            .filter(|c| c["table"] == "code" && c["change"] == "absent")
            .filter_map(|c| c["key"].as_u64())
            .collect()
    };
    let (_, changes) = diff_json(D1139, None);
    let absent = absent_codes(&changes);
    for code in &codes {
        assert!(
            !absent.contains(code),
            "code {code} is documented: {changes:#?}"
        );
    }
    // The same page without its accordion sections lists 200 nowhere else.
    let text = std::fs::read_to_string(D1139).unwrap();
    let stripped = text.replace("<Accordion title=\"Code ", "<Accordion title=\"Case ");
    let page = temp("no-accordions.mdx", stripped.as_bytes());
    let (_, changes) = diff_json(path_str(&page), None);
    assert!(absent_codes(&changes).contains(&200), "{changes:#?}");
}
