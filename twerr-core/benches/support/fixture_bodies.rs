//! The JSON bodies of `tests/fixtures/real-error-bodies.json`, shared by the parse benchmark
//! and the `parse_fixtures` example so both measure the same workload.

pub const FIXTURE: &str = include_str!("../../tests/fixtures/real-error-bodies.json");

/// The JSON bodies of the fixture file with their status (400 where the report had none).
pub fn fixture_bodies() -> Vec<(u16, Vec<u8>)> {
    let entries: serde_json::Value = serde_json::from_str(FIXTURE).unwrap_or_default();
    let entries = entries.as_array().cloned().unwrap_or_default();
    let bodies: Vec<(u16, Vec<u8>)> = entries
        .iter()
        .filter(|e| e["format"].as_str().is_some_and(|f| f.starts_with("json")))
        .map(|e| {
            let status = e["http_status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(400);
            (
                status,
                e["body"].as_str().unwrap_or_default().as_bytes().to_vec(),
            )
        })
        .collect();
    assert!(bodies.len() >= 20, "fixture bodies missing");
    bodies
}
