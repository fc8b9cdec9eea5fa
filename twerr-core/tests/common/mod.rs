//! Helpers shared by the integration tests.
#![allow(dead_code)]

use serde_json::Value;
use twerr_core::{Code, Problem, Retry, Status};

/// The fixture file, verbatim (see fixtures/README.md).
pub const FIXTURE: &str = include_str!("../fixtures/real-error-bodies.json");

/// Every fixture entry.
pub fn entries() -> Vec<Value> {
    match serde_json::from_str::<Value>(FIXTURE) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("fixture is not a JSON array: {other:?}"),
    }
}

/// The entry with `id`: its reported HTTP status (if any) and body bytes.
pub fn entry(id: &str) -> (Option<u16>, Vec<u8>) {
    let entries = entries();
    let found = entries.iter().find(|e| e["id"] == id);
    let Some(found) = found else {
        panic!("no fixture entry {id}")
    };
    let status = found["http_status"]
        .as_u64()
        .map(|s| u16::try_from(s).expect("status fits u16"));
    let body = found["body"]
        .as_str()
        .expect("body is a string")
        .as_bytes()
        .to_vec();
    (status, body)
}

/// Every fixture body that is JSON, with its id.
pub fn json_bodies() -> Vec<(String, Vec<u8>)> {
    entries()
        .iter()
        .filter(|e| e["format"].as_str().is_some_and(|f| f.starts_with("json")))
        .map(|e| {
            (
                e["id"].as_str().unwrap_or_default().to_owned(),
                e["body"].as_str().unwrap_or_default().as_bytes().to_vec(),
            )
        })
        .collect()
}

/// The documented advice for a failed response, from the table: the known codes and problem
/// types decide (the most severe by `Retry`'s own order; the max test in shapes.rs checks that
/// order against `retry()`), else `status` (the effective status), else Never.
pub fn expected_retry(status: u16, codes: &[u16], types: &[&str]) -> Option<Retry> {
    let known = codes
        .iter()
        .filter_map(|&c| Code::from_u16(c).retry())
        .chain(types.iter().filter_map(|t| Problem::from_type(t).retry()))
        .max();
    known
        .or_else(|| Status::from_u16(status).retry())
        .or(Some(Retry::Never))
}

/// A code number the table lacks, found in the table so that adding a row never breaks a
/// test: one above the largest known code (or, should that be 65535, the first gap).
pub fn unknown_code() -> u16 {
    let known = |n: u16| Code::ALL.iter().any(|c| c.as_u16() == n);
    let above = Code::ALL
        .iter()
        .map(|c| c.as_u16())
        .max()
        .unwrap_or(0)
        .checked_add(1);
    let n = above
        .or_else(|| (0..=u16::MAX).find(|&n| !known(n)))
        .expect("the table leaves some code number free");
    assert!(!Code::from_u16(n).is_known(), "{n} is not in the table");
    n
}

/// The codes of a response's errors, in order.
pub fn codes(response: &twerr_core::ErrorResponse) -> Vec<Option<u16>> {
    response
        .errors()
        .iter()
        .map(|e| e.code().map(Code::as_u16))
        .collect()
}

/// The messages of a response's errors, in order.
pub fn messages(response: &twerr_core::ErrorResponse) -> Vec<Option<&str>> {
    response.errors().iter().map(|e| e.message()).collect()
}

/// The extra members of an error as (name, parsed JSON value).
pub fn extras(error: &twerr_core::ApiError) -> Vec<(&str, Value)> {
    error
        .extra()
        .map(|(name, raw)| (name, serde_json::from_str(raw).expect("extra is JSON")))
        .collect()
}

/// The extra members of an error as (name, raw JSON text).
pub fn raw_extras(error: &twerr_core::ApiError) -> Vec<(&str, &str)> {
    error.extra().collect()
}
