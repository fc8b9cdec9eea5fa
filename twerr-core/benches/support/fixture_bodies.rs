//! The JSON bodies of `tests/fixtures/real-error-bodies.json`, shared by the parse benchmark
//! and the `parse_fixtures` and `parse_ratio` examples so all measure the same workload.
#![allow(dead_code)] // each includer uses its own part

pub const FIXTURE: &str = include_str!("../../tests/fixtures/real-error-bodies.json");

fn entries() -> Vec<serde_json::Value> {
    let entries: serde_json::Value = serde_json::from_str(FIXTURE).unwrap_or_default();
    entries.as_array().cloned().unwrap_or_default()
}

/// An entry's status (400 where the report had none) and body.
fn status_and_body(entry: &serde_json::Value) -> (u16, Vec<u8>) {
    let status = entry["http_status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(400);
    let body = entry["body"].as_str().unwrap_or_default();
    (status, body.as_bytes().to_vec())
}

/// The JSON bodies of the fixture file with their status.
pub fn fixture_bodies() -> Vec<(u16, Vec<u8>)> {
    let bodies: Vec<(u16, Vec<u8>)> = entries()
        .iter()
        .filter(|e| e["format"].as_str().is_some_and(|f| f.starts_with("json")))
        .map(status_and_body)
        .collect();
    assert!(bodies.len() >= 20, "fixture bodies missing");
    bodies
}

/// The body of the fixture with id `id`, with its status.
pub fn fixture_body(id: &str) -> (u16, Vec<u8>) {
    let entries = entries();
    let entry = entries.iter().find(|e| e["id"] == id);
    let entry = entry.unwrap_or_else(|| panic!("{id} not in the fixture file"));
    status_and_body(entry)
}
