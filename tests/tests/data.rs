//! The table against the research data it was filled in from: the 79 v1.1 codes with their
//! provenance (fixtures/twitter-codes.json) and real error bodies
//! (fixtures/real-error-bodies.json). Expectations come from those files; adding a row to the
//! table never breaks a test here, dropping or mistyping one does.

use serde_json::Value;
use twerr_core::{Code, Problem, Status};

const CODES: &str = include_str!("../fixtures/twitter-codes.json");
const BODIES: &str = include_str!("../fixtures/real-error-bodies.json");

fn entries(text: &str) -> Vec<Value> {
    match serde_json::from_str(text) {
        Ok(Value::Array(entries)) if !entries.is_empty() => entries,
        _ => panic!("the fixture is not a non-empty JSON array"),
    }
}

fn number(entry: &Value, key: &str) -> Option<u16> {
    entry[key].as_u64().and_then(|n| u16::try_from(n).ok())
}

fn code_of(entry: &Value) -> Code {
    Code::from_u16(number(entry, "code").expect("every entry has a code"))
}

/// Doc wording as the table keeps it: the repairs error-table.toml's header lists (Markdown
/// links reduced to their text, HTML entities decoded, the 2018 scrape's mojibake repaired).
fn as_kept(text: &str) -> String {
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("\u{e2}\u{80}\u{99}", "\u{2019}")
        .replace("\u{c2} ", " ");
    let mut kept = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        let link = rest[open..].find("](").and_then(|mid| {
            rest[open + mid..]
                .find(')')
                .map(|end| (mid, open + mid + end))
        });
        let Some((mid, close)) = link else { break };
        kept.push_str(&rest[..open]);
        kept.push_str(&rest[open + 1..open + mid]);
        rest = &rest[close + 1..];
    }
    kept.push_str(rest);
    kept
}

/// The fixture's documented codes; never empty, so a loop over them cannot pass vacuously.
fn documented_entries() -> Vec<Value> {
    let documented: Vec<Value> = entries(CODES)
        .into_iter()
        .filter(|e| e["documented"] == true)
        .collect();
    assert!(!documented.is_empty(), "the fixture lists documented codes");
    documented
}

fn history_messages(code: Code) -> impl Iterator<Item = &'static str> {
    code.history().iter().filter_map(|h| h.message())
}

fn knows_message(code: Code, message: &str) -> bool {
    code.message() == Some(message)
        || history_messages(code).any(|m| m == message)
        || code.observed().iter().any(|o| o.message() == Some(message))
}

#[test]
fn every_documented_code_is_a_documented_row_with_its_doc_message() {
    for entry in &documented_entries() {
        let code = code_of(entry);
        assert!(
            code.is_known(),
            "{} is documented but not in the table",
            code.as_u16()
        );
        assert!(code.documented(), "{} is documented", code.as_u16());
        let message = entry["message"].as_str().expect("a message");
        assert!(
            code.message() == Some(message) || history_messages(code).any(|m| m == message),
            "{}: {message:?} is neither the message nor in the history",
            code.as_u16()
        );
    }
}

#[test]
fn codes_seen_only_in_traffic_are_rows_marked_undocumented() {
    let undocumented: Vec<Value> = entries(CODES)
        .into_iter()
        .filter(|e| e["documented"] == false)
        .collect();
    assert!(!undocumented.is_empty());
    for entry in &undocumented {
        let code = code_of(entry);
        assert!(
            code.is_known(),
            "{} was seen in traffic but is not in the table",
            code.as_u16()
        );
        assert!(!code.documented(), "{} is in no doc", code.as_u16());
        assert_eq!(code.message(), entry["message"].as_str());
    }
}

#[test]
fn every_doc_version_wording_is_the_row_or_its_history() {
    for entry in &documented_entries() {
        let code = code_of(entry);
        let variants = entry["doc_message_variants"]
            .as_array()
            .into_iter()
            .flatten();
        for message in variants.filter_map(|v| v["message"].as_str()).map(as_kept) {
            assert!(
                code.message() == Some(message.as_str())
                    || history_messages(code).any(|m| m == message),
                "{}: doc wording {message:?} is missing",
                code.as_u16()
            );
        }
        let descriptions = entry["doc_description_variants"]
            .as_array()
            .into_iter()
            .flatten();
        let main = entry["description"].as_str().map(as_kept);
        for description in descriptions
            .filter_map(|v| v["description"].as_str())
            .map(as_kept)
            .chain(main)
        {
            assert!(
                code.description() == Some(description.as_str())
                    || code
                        .history()
                        .iter()
                        .any(|h| h.description() == Some(description.as_str())),
                "{}: doc description {description:?} is missing",
                code.as_u16()
            );
        }
    }
}

#[test]
fn every_code_has_the_http_status_of_the_data() {
    for entry in entries(CODES) {
        let code = code_of(&entry);
        assert_eq!(
            code.status().map(Status::as_u16),
            number(&entry, "http_status"),
            "{}: the doc correspondence (or, undocumented, the status it was seen with)",
            code.as_u16()
        );
    }
}

#[test]
fn what_real_responses_said_is_recorded() {
    let mut seen_messages = 0;
    for entry in entries(CODES) {
        let code = code_of(&entry);
        for seen in entry["observed_messages"].as_array().into_iter().flatten() {
            seen_messages += 1;
            let message = seen["message"].as_str().expect("an observed message");
            assert!(
                knows_message(code, message),
                "{}: {message:?} is not recorded",
                code.as_u16()
            );
            if let Some(http) = number(seen, "http_status") {
                let status = Status::from_u16(http);
                assert!(
                    code.status() == Some(status)
                        || code.observed().iter().any(|o| o.http() == Some(status)),
                    "{}: seen with HTTP {http}, not recorded",
                    code.as_u16()
                );
            }
        }
        if let Some(http) = number(&entry, "observed_http_status") {
            let status = Some(Status::from_u16(http));
            assert!(
                code.observed().iter().any(|o| o.http() == status),
                "{}: seen with HTTP {http}, not recorded as observed",
                code.as_u16()
            );
        }
    }
    assert!(
        seen_messages > 0,
        "the code data records no observed message"
    );
}

#[test]
fn codes_dropped_from_the_later_tables_are_retired() {
    // A documented code that neither the October 2021 table (gotwi's copy) nor the 2025 X docs
    // list was dropped by the docs; one they list is current.
    let later = |entry: &Value| {
        entry["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|s| s.starts_with("michimani/gotwi") || s.starts_with("xdevplatform/docs"))
    };
    for entry in &documented_entries() {
        let code = code_of(entry);
        assert_eq!(
            code.retired().is_some(),
            !later(entry),
            "{}: retired",
            code.as_u16()
        );
    }
}

/// Every problem object (an object with a `type` and a `title`) inside `value`, with the HTTP
/// status of the response it came in.
fn problems_in<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            if map.get("type").is_some_and(Value::is_string) && map.get("title").is_some() {
                found.push(value);
            }
            map.values().for_each(|v| problems_in(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| problems_in(v, found)),
        _ => {}
    }
}

#[test]
fn every_problem_type_in_real_bodies_is_a_row() {
    let mut checked = 0;
    for entry in entries(BODIES) {
        let Some(Ok(body)) = entry["body"].as_str().map(serde_json::from_str::<Value>) else {
            continue;
        };
        let http = number(&entry, "http_status").map(Status::from_u16);
        let mut found = Vec::new();
        problems_in(&body, &mut found);
        for problem_body in found {
            checked += 1;
            let type_uri = problem_body["type"].as_str().unwrap_or_default();
            let problem = Problem::from_type(type_uri);
            assert!(
                problem.is_known(),
                "{type_uri} ({}) is not a problem row",
                entry["id"]
            );
            assert!(
                problem.slug().is_some_and(|slug| type_uri.ends_with(slug)),
                "{type_uri} maps to {:?}",
                problem.slug()
            );
            let title = problem_body["title"].as_str().unwrap_or_default();
            assert!(
                problem.message() == Some(title)
                    || problem
                        .observed()
                        .iter()
                        .any(|o| o.message() == Some(title)),
                "{:?}: the real title {title:?} is not recorded",
                problem.slug()
            );
            if let Some(http) = http {
                assert!(
                    problem.status() == Some(http)
                        || problem.observed().iter().any(|o| o.http() == Some(http)),
                    "{:?}: seen with HTTP {}, not recorded",
                    problem.slug(),
                    http.as_u16()
                );
            }
        }
    }
    assert!(checked > 0, "no v2 problem was found in the fixture");
}

#[test]
fn every_code_in_real_bodies_is_a_row_that_knows_its_message() {
    let mut checked = 0;
    for entry in entries(BODIES) {
        let Some(Ok(body)) = entry["body"].as_str().map(serde_json::from_str::<Value>) else {
            continue;
        };
        let http = number(&entry, "http_status").map(Status::from_u16);
        for error in body["errors"].as_array().into_iter().flatten() {
            let (Some(number), Some(message)) = (number(error, "code"), error["message"].as_str())
            else {
                continue;
            };
            checked += 1;
            let code = Code::from_u16(number);
            assert!(
                code.is_known(),
                "code {number} ({}) is not a row",
                entry["id"]
            );
            assert!(
                knows_message(code, message),
                "{number}: {message:?} is not recorded"
            );
            if let Some(http) = http {
                assert!(
                    code.status() == Some(http)
                        || code.observed().iter().any(|o| o.http() == Some(http)),
                    "{number}: seen with HTTP {}, not recorded",
                    http.as_u16()
                );
            }
        }
    }
    assert!(checked > 0, "no v1.1 error was found in the fixture");
}

#[test]
fn as_kept_applies_the_documented_repairs() {
    assert_eq!(as_kept("&lt;named&gt; parameter"), "<named> parameter");
    assert_eq!(
        as_kept("on your [App](/apps) dashboard. See [X Rules](https://x.com/r)."),
        "on your App dashboard. See X Rules."
    );
    assert_eq!(
        as_kept("the Tweet\u{e2}\u{80}\u{99}s author"),
        "the Tweet\u{2019}s author"
    );
    assert_eq!(as_kept("[unclosed link"), "[unclosed link");
}
