//! The table against the page it started from: Twitter's "Error Codes & Responses" of
//! 2014-04-15 (fixtures/twitter-error-codes-2014.txt).
//!
//! Every expectation is read from the page's text; nothing here lists a number or a message.
//! The page lost its column separators, so a row is checked as "number, message, description"
//! joined back together: the table must split each line into a message and a description that
//! rebuild it exactly.

use std::collections::BTreeSet;

use twerr_core::{Code, Status};

const SEED: &str = include_str!("../fixtures/twitter-error-codes-2014.txt");

/// One line of a table of the page: the number and everything after it.
struct SeedRow {
    number: u16,
    rest: &'static str,
}

/// The rows of the table that follows `heading`: from its "Code Text Description" line to the
/// first blank line.
fn table(heading: &str) -> Vec<SeedRow> {
    let mut lines = SEED.lines().skip_while(|line| line.trim() != heading);
    assert!(
        lines.next().is_some(),
        "the seed has no heading {heading:?}"
    );
    let mut lines = lines.skip_while(|line| line.trim() != "Code Text Description");
    assert!(lines.next().is_some(), "no table header after {heading:?}");
    let rows: Vec<SeedRow> = lines
        .take_while(|line| !line.trim().is_empty())
        .map(|line| {
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (number, rest) = line.split_at(digits);
            let number = number
                .parse()
                .unwrap_or_else(|_| panic!("a table line without a number: {line:?}"));
            SeedRow { number, rest }
        })
        .collect();
    assert!(!rows.is_empty(), "the table after {heading:?} is empty");
    rows
}

/// The `source` the rows transcribed from this page carry, built from the page's own title and
/// date line ("Updated on Tue, 2014-04-15 17:12").
fn page_source() -> String {
    let (title, date) = page_title_and_date();
    format!("{title}, updated {date}")
}

/// `Twitter, "<the page's title>"` and the page's `YYYY-MM-DD` date.
fn page_title_and_date() -> (String, String) {
    let title = SEED.lines().next().map(str::trim).unwrap_or_default();
    let updated = SEED
        .lines()
        .find_map(|line| line.trim().strip_prefix("Updated on "))
        .expect("the seed has an \"Updated on\" line");
    let date = updated
        .split_whitespace()
        .find(|word| word.len() == 10 && word.as_bytes().get(4) == Some(&b'-'))
        .expect("the update line has a YYYY-MM-DD date");
    (format!("Twitter, \"{title}\""), date.to_owned())
}

/// Checks that `message` and `description` rebuild the text after the number, with or without
/// the lost separators, and that the description starts where a new sentence does.
fn check_split(number: u16, rest: &str, message: &str, description: &str) {
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let tail = rest.strip_prefix(message).unwrap_or_else(|| {
        panic!(
            "{number}: the page reads {rest:?}, which does not start with the message {message:?}"
        )
    });
    let tail = tail.strip_prefix(' ').unwrap_or(tail);
    assert_eq!(
        tail, description,
        "{number}: the description differs from the page"
    );
    assert!(
        description.starts_with(|c: char| c.is_uppercase()),
        "{number}: the description {description:?} does not start a sentence: the split is off"
    );
}

/// The HTTP status a description states: "Corresponds with (an|a) HTTP 404",
/// "Typically sent with 1.1 responses with HTTP code 400". "a HTTP request" states none.
fn stated_status(description: &str) -> Option<u16> {
    description.match_indices("HTTP ").find_map(|(at, word)| {
        let after = &description[at + word.len()..];
        let after = after.strip_prefix("code ").unwrap_or(after);
        let digits = after.get(..3)?;
        let rest_is_word_end = !after[3..].starts_with(|c: char| c.is_ascii_digit());
        (digits.bytes().all(|b| b.is_ascii_digit()) && rest_is_word_end)
            .then(|| digits.parse().ok())
            .flatten()
    })
}

#[test]
fn every_status_of_the_page_is_a_row_with_its_text() {
    for row in table("HTTP Status Codes") {
        let status = Status::from_u16(row.number);
        assert!(
            status.is_known(),
            "{} is on the page but not in the table",
            row.number
        );
        let row_text = status.row().unwrap();
        check_split(
            row.number,
            row.rest,
            row_text.message(),
            row_text.description(),
        );
    }
}

#[test]
fn every_code_of_the_page_is_a_row_with_its_text_and_stated_status() {
    let mut stated = 0;
    for row in table("Error Codes") {
        let code = Code::from_u16(row.number);
        assert!(
            code.is_known(),
            "{} is on the page but not in the table",
            row.number
        );
        assert!(
            code.documented(),
            "{} is documented by the page",
            row.number
        );
        let row_text = code.row().unwrap();
        check_split(
            row.number,
            row.rest,
            row_text.message(),
            row_text.description(),
        );
        if let Some(http) = stated_status(row_text.description()) {
            stated += 1;
            let status = Status::from_u16(http);
            assert!(
                status.is_known(),
                "{}: HTTP {http} is not a status row",
                row.number
            );
            assert_eq!(
                code.status(),
                Some(status),
                "{}: the page says HTTP {http}",
                row.number
            );
        }
    }
    // The page states a correspondence for 11 codes; a parser that found none would pass
    // vacuously.
    assert!(
        stated > 0,
        "no stated correspondence was found: the parser is broken"
    );
}

#[test]
fn the_rows_that_cite_the_page_are_exactly_the_page_rows() {
    let source = page_source();
    let (title, date) = page_title_and_date();
    // The page's [[source]] (its title and date), or a citation that starts with the page and
    // adds what else the row took from elsewhere.
    let cites = |s: Option<&twerr_core::table::Source>| {
        s.is_some_and(|s| {
            (s.title() == title && s.date() == Some(date.as_str()))
                || s.to_string().starts_with(&format!("{source};"))
        })
    };
    let page: BTreeSet<u16> = table("HTTP Status Codes")
        .iter()
        .map(|r| r.number)
        .collect();
    let rows: BTreeSet<u16> = Status::ALL
        .iter()
        .filter(|s| cites(s.source()))
        .map(|s| s.as_u16())
        .collect();
    assert_eq!(rows, page, "status rows citing {source}");
    let page: BTreeSet<u16> = table("Error Codes").iter().map(|r| r.number).collect();
    let rows: BTreeSet<u16> = Code::ALL
        .iter()
        .filter(|c| cites(c.source()))
        .map(|c| c.as_u16())
        .collect();
    assert_eq!(rows, page, "code rows citing {source}");
}

#[test]
fn the_page_example_body_names_a_row_with_its_message() {
    let example = SEED
        .lines()
        .find(|line| line.trim_start().starts_with("{\"errors\""))
        .expect("the page shows an example error body");
    let body: serde_json::Value =
        serde_json::from_str(example.trim()).expect("the example is JSON");
    let error = &body["errors"][0];
    let number = error["code"].as_u64().and_then(|n| u16::try_from(n).ok());
    let code = Code::from_u16(number.expect("the example has a code"));
    assert_eq!(code.message(), error["message"].as_str());
}

#[test]
fn an_unlisted_code_falls_back_to_the_status() {
    // "If you see an error response which is not listed in the above table, then fall back to
    // the HTTP status code": an unknown code gives no advice of its own.
    assert!(SEED.contains("fall back to the HTTP status code"));
    let listed: BTreeSet<u16> = table("Error Codes").iter().map(|r| r.number).collect();
    let unlisted = (0..=u16::MAX)
        .find(|n| !listed.contains(n) && !Code::from_u16(*n).is_known())
        .expect("some number is in no table");
    assert_eq!(Code::from_u16(unlisted).retry(), None);
    assert_eq!(Code::from_u16(unlisted).status(), None);
}

#[test]
fn stated_status_reads_the_page_phrasings() {
    assert_eq!(
        stated_status("Corresponds with an HTTP 404 - the"),
        Some(404)
    );
    assert_eq!(stated_status("Corresponds with a HTTP 401 - it"), Some(401));
    assert_eq!(
        stated_status("Corresponds with HTTP 403 — thrown"),
        Some(403)
    );
    assert_eq!(
        stated_status("Typically sent with 1.1 responses with HTTP code 400."),
        Some(400)
    );
    assert_eq!(
        stated_status("Corresponds to a HTTP request to a retired URL."),
        None
    );
    assert_eq!(stated_status("HTTP 4000"), None);
}
