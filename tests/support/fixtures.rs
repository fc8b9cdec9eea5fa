//! Readers of the workspace's fixture files, shared by the integration tests of several crates
//! (each includes this file with `#[path]`): the CLI's `curl -i` captures and the collection of
//! real error bodies. Paths are taken from the including crate's manifest directory, which is
//! one level below the workspace root for every crate that uses them.
#![allow(dead_code)] // each test binary uses its own part

/// The last response block of one of the CLI's `curl -i` captures
/// (`twerr-cli/tests/fixtures/captures`, sources in its README): status, headers, body bytes.
pub fn capture(name: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let path = format!(
        "{}/../twerr-cli/tests/fixtures/captures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut rest: &[u8] = &bytes;
    loop {
        let (head, body) = split_block(rest);
        if body.starts_with(b"HTTP/") {
            rest = body;
            continue;
        }
        let head = String::from_utf8_lossy(head).replace("\r\n", "\n");
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        return (status, headers, body.to_vec());
    }
}

fn split_block(bytes: &[u8]) -> (&[u8], &[u8]) {
    for separator in [&b"\r\n\r\n"[..], b"\n\n"] {
        if let Some(at) = bytes.windows(separator.len()).position(|w| w == separator) {
            return (&bytes[..at], &bytes[at + separator.len()..]);
        }
    }
    (bytes, &[])
}

/// A real body of `tests/fixtures/real-error-bodies.json` (workspace root) by its id.
pub fn real_body(id: &str) -> (u16, Vec<u8>) {
    let path = format!(
        "{}/../tests/fixtures/real-error-bodies.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let all: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let entry = all
        .as_array()
        .and_then(|list| list.iter().find(|e| e["id"] == id))
        .unwrap_or_else(|| panic!("{id} not in {path}"));
    let status = entry["http_status"].as_u64().unwrap_or(0) as u16;
    let body = entry["body"]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    (status, body)
}
