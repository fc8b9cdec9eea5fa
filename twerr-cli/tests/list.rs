//! `twerr list` checked against the `twerr_core` API, row by row, so a new row in
//! `error-table.toml` is a new expectation, never a failure. (The exact layout is
//! snapshot-tested on a fixture table in `src/list_tests.rs`.)

mod common;

use common::{assert_refused, json, twerr};
use serde_json::Value;
use twerr_core::{Code, Problem, Status};

/// `(key, name, message)` of every row of a table, in table order.
fn expected(table: &str) -> Vec<(String, &'static str, &'static str)> {
    match table {
        "status" => Status::ALL
            .iter()
            .map(|s| (s.as_u16().to_string(), s.name(), s.message().unwrap()))
            .collect(),
        "code" => Code::ALL
            .iter()
            .map(|c| (c.as_u16().to_string(), c.name(), c.message().unwrap()))
            .collect(),
        _ => Problem::ALL
            .iter()
            .map(|p| (p.slug().unwrap().to_owned(), p.name(), p.message().unwrap()))
            .collect(),
    }
}

/// The data rows of the Markdown table under `## heading`.
fn markdown_rows<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|line| *line != format!("## {heading}"))
        .skip(4) // heading, empty line, column names, separator
        .take_while(|line| line.starts_with("| "))
        .collect()
}

#[test]
fn markdown_has_one_line_per_row_in_table_order() {
    for (table, heading) in [
        ("status", "HTTP statuses"),
        ("code", "v1.1 error codes"),
        ("problem", "v2 problem types"),
    ] {
        let run = twerr(&["list", table, "--format", "markdown"], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let rows = markdown_rows(&run.stdout, heading);
        let want = expected(table);
        assert_eq!(rows.len(), want.len(), "{}", run.stdout);
        for (line, (key, name, _)) in rows.iter().zip(&want) {
            assert!(line.starts_with(&format!("| {key} | {name} | ")), "{line}");
        }
        // Every line of a table has the same number of cells as its header.
        let cells = |line: &str| line.replace("\\|", "").matches('|').count();
        let header = run.stdout.lines().nth(2).unwrap();
        for line in &rows {
            assert_eq!(cells(line), cells(header), "{line}");
        }
    }
}

#[test]
fn all_tables_by_default() {
    let run = twerr(&["list", "--format", "markdown"], b"");
    assert_eq!(run.code, 0);
    assert_eq!(
        markdown_rows(&run.stdout, "HTTP statuses").len(),
        Status::ALL.len()
    );
    assert_eq!(
        markdown_rows(&run.stdout, "v1.1 error codes").len(),
        Code::ALL.len()
    );
    assert_eq!(
        markdown_rows(&run.stdout, "v2 problem types").len(),
        Problem::ALL.len()
    );
}

#[test]
fn table_format_has_a_line_per_row() {
    let run = twerr(&["list", "code", "--wide"], b"");
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), Code::ALL.len() + 2);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("v1.1 error codes ({})", Code::ALL.len()).as_str())
    );
    assert!(lines.next().unwrap().starts_with("CODE"));
    for (line, (key, name, message)) in lines.zip(expected("code")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.get(..2), Some(&[key.as_str(), name][..]), "{line}");
        assert!(line.contains(message), "{line}");
    }
}

#[test]
fn json_rows_carry_every_key_with_the_table_values() {
    let run = twerr(&["list", "--format", "json"], b"");
    assert_eq!(run.code, 0);
    let value = json(&run);
    let rows = value.as_array().unwrap();
    assert_eq!(
        rows.len(),
        Status::ALL.len() + Code::ALL.len() + Problem::ALL.len()
    );
    let num = |n: u16| Value::from(n);
    let opt = |v: Option<&str>| v.map_or(Value::Null, Value::from);
    let mut rows = rows.iter();
    for s in Status::ALL {
        let row = rows.next().unwrap();
        assert_eq!(row["table"], "status");
        assert_eq!(row["code"], num(s.as_u16()));
        assert_eq!(row["slug"], Value::Null);
        assert_eq!(row["http"], Value::Null);
        check_common(row, s.row().unwrap());
        assert_eq!(row["retry"], opt(s.retry().map(|r| r.as_str())));
        assert_eq!(row["documented"], s.documented());
        assert_eq!(
            row["observed"].as_array().unwrap().len(),
            s.observed().len()
        );
        assert_eq!(row["history"].as_array().unwrap().len(), s.history().len());
        assert_eq!(row["retired"].is_null(), s.retired().is_none());
    }
    for c in Code::ALL {
        let row = rows.next().unwrap();
        assert_eq!(row["table"], "code");
        assert_eq!(row["code"], num(c.as_u16()));
        assert_eq!(
            row["http"],
            c.status().map_or(Value::Null, |s| num(s.as_u16()))
        );
        check_common(row, c.row().unwrap());
        assert_eq!(row["retry"], opt(c.retry().map(|r| r.as_str())));
        assert_eq!(row["documented"], c.documented());
        assert_eq!(
            row["observed"].as_array().unwrap().len(),
            c.observed().len()
        );
        for (json, seen) in row["observed"].as_array().unwrap().iter().zip(c.observed()) {
            assert_eq!(json["message"], opt(seen.message()));
            assert_eq!(
                json["http"],
                seen.http().map_or(Value::Null, |s| num(s.as_u16()))
            );
            assert_eq!(json["source"], seen.source().to_string());
        }
        assert_eq!(row["history"].as_array().unwrap().len(), c.history().len());
        match c.retired() {
            Some(r) => {
                assert_eq!(row["retired"]["date"], r.date());
                assert_eq!(row["retired"]["note"], r.note());
            }
            None => assert_eq!(row["retired"], Value::Null),
        }
    }
    for p in Problem::ALL {
        let row = rows.next().unwrap();
        assert_eq!(row["table"], "problem");
        assert_eq!(row["code"], Value::Null);
        assert_eq!(row["slug"], p.slug().unwrap());
        assert_eq!(
            row["http"],
            p.status().map_or(Value::Null, |s| num(s.as_u16()))
        );
        check_common(row, p.row().unwrap());
        assert_eq!(row["retry"], opt(p.retry().map(|r| r.as_str())));
    }
}

fn check_common(row: &Value, table: &twerr_core::table::Row) {
    assert_eq!(row["name"], table.name());
    assert_eq!(row["message"], table.message());
    assert_eq!(row["description"], table.description());
    assert_eq!(row["source"], table.source().to_string());
    let reach = table
        .reach()
        .map_or(Value::Null, |r| Value::from(r.as_str()));
    assert_eq!(row["reach"], reach);
    assert_eq!(row["writes_only"], table.writes_only());
    assert_eq!(row.as_object().unwrap().len(), 15, "{row}");
}

#[test]
fn bad_list_arguments_are_refused() {
    assert_refused(&twerr(&["list", "codes"], b""), "invalid value 'codes'");
    assert_refused(
        &twerr(&["list", "--format", "yaml"], b""),
        "invalid value 'yaml'",
    );
}

#[test]
fn a_reader_that_leaves_early_is_no_failure() {
    // `twerr list | head -1`: the pipe closes before twerr is done writing.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_twerr"))
        .args(["list", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// The longest message of any row, in characters.
fn longest_message() -> usize {
    let messages = Status::ALL
        .iter()
        .filter_map(|s| s.message())
        .chain(Code::ALL.iter().filter_map(|c| c.message()))
        .chain(Problem::ALL.iter().filter_map(|p| p.message()));
    messages.map(|m| m.chars().count()).max().unwrap()
}

#[test]
fn table_format_fits_the_width_and_wide_prints_everything() {
    let widest = |out: &str| out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest_message() > 100,
        "a message longer than any default width"
    );
    // Not a terminal and no COLUMNS: 100 columns.
    let run = twerr(&["list"], b"");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(widest(&run.stdout) <= 100, "{}", run.stdout);
    assert!(run.stdout.contains('…'), "{}", run.stdout);
    // COLUMNS decides when set.
    let args = ["list", "code"].map(std::ffi::OsStr::new);
    let run = common::twerr_env(args, &[("COLUMNS", "80")], b"");
    assert!(widest(&run.stdout) <= 80, "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), Code::ALL.len() + 2);
    // --wide: every message whole.
    let run = twerr(&["list", "--wide"], b"");
    assert!(widest(&run.stdout) > longest_message(), "{}", run.stdout);
    assert!(!run.stdout.contains('…'), "{}", run.stdout);
    // Markdown and JSON are never cut, whatever the width.
    for format in ["markdown", "json"] {
        let args = ["list", "--format", format].map(std::ffi::OsStr::new);
        let run = common::twerr_env(args, &[("COLUMNS", "40")], b"");
        assert!(!run.stdout.contains('…'), "{format}");
        assert!(widest(&run.stdout) > longest_message(), "{format}");
    }
}
