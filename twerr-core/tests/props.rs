//! Property tests: no input makes parsing panic, invent a code or keep an unbounded copy.

#![cfg(feature = "std")]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::sample::Index;
use twerr_core::{ErrorResponse, RateLimit};

/// Any instant a clock could read, before the epoch too: `secs` from it, as far as
/// `SystemTime` reaches (else the epoch itself).
fn instant(secs: i64) -> SystemTime {
    let offset = Duration::from_secs(secs.unsigned_abs());
    let moved = if secs < 0 {
        UNIX_EPOCH.checked_sub(offset)
    } else {
        UNIX_EPOCH.checked_add(offset)
    };
    moved.unwrap_or(UNIX_EPOCH)
}

/// Parses `body` and uses every accessor, checking the invariants that hold for any input.
fn exercise(status: u16, body: &[u8], attempt: u32, now: i64) -> Result<(), TestCaseError> {
    let now = instant(now);
    let r = ErrorResponse::parse(status, body);
    for line in [r.to_string(), format!("{r:#}")] {
        prop_assert!(
            !line.contains(['\n', '\r']),
            "Display is one line: {line:?}"
        );
    }
    prop_assert_eq!(
        ErrorResponse::check(status, [("", ""); 0], body).is_err(),
        r.is_error()
    );
    prop_assert!(r.raw_body().is_none_or(|raw| raw.len() <= 4096));
    if !r.is_error() {
        prop_assert_eq!(r.retry(), None);
        prop_assert_eq!(r.retry_delay(attempt, now), None);
    } else {
        prop_assert!(r.retry().is_some());
    }
    if let Some(delay) = r.retry_delay(attempt, now) {
        prop_assert!(delay.as_secs() <= 86_400);
    }
    let _ = r.effective_status();
    for error in r.problem().into_iter().chain(r.errors()) {
        if let Some(code) = error.code() {
            let digits = code.as_u16().to_string();
            prop_assert!(
                body.windows(digits.len()).any(|w| w == digits.as_bytes()),
                "code {digits} is not in the body"
            );
        }
        let _ = (
            error.slug(),
            error.retry(),
            error.problem(),
            error.extra().count(),
        );
    }
    #[cfg(feature = "serde")]
    prop_assert!(serde_json::to_string(&r).is_ok());
    Ok(())
}

/// Applies byte edits (replace, insert, delete) and maybe a truncation to `body`.
fn mutate(mut body: Vec<u8>, edits: &[(Index, u8, u8)], cut: Option<Index>) -> Vec<u8> {
    for (at, byte, op) in edits {
        if body.is_empty() {
            body.push(*byte);
            continue;
        }
        let i = at.index(body.len());
        match op % 3 {
            0 => body[i] = *byte,
            1 => body.insert(i, *byte),
            _ => {
                body.remove(i);
            }
        }
    }
    if let Some(cut) = cut {
        let len = cut.index(body.len() + 1);
        body.truncate(len);
    }
    body
}

/// Bytes that JSON and XML are made of, to reach deeper into the parsers than random bytes.
fn structural() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop::sample::select(vec![
        &b"{"[..],
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"\"",
        b"\"errors\"",
        b"\"code\"",
        b"\"message\"",
        b"\"type\"",
        b"\"title\"",
        b"\"detail\"",
        b"\"data\"",
        b"\"error\"",
        b"\"processing_info\"",
        b"88",
        b"-1",
        b"65536",
        b"1.5",
        b"null",
        b"true",
        b"\"x\"",
        b"\\u00e9",
        b"\\",
        b" ",
        b"<error code=\"34\">",
        b"</error>",
        b"<errors>",
        b"<hash>",
        b"<request>",
        b"&amp;",
        b"<title>",
        b"<html>",
        b"\xEF\xBB\xBF",
        b"\xFF",
    ]);
    prop::collection::vec(atoms, 0..64).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(status in any::<u16>(), body in prop::collection::vec(any::<u8>(), 0..1024),
                       attempt in any::<u32>(), now in any::<i64>()) {
        exercise(status, &body, attempt, now)?;
    }

    #[test]
    fn structural_bytes(status in any::<u16>(), body in structural(), attempt in 0..20u32, now in any::<i64>()) {
        exercise(status, &body, attempt, now)?;
    }

    #[test]
    fn mutated_real_bodies(which in any::<Index>(), status in any::<u16>(),
                           edits in prop::collection::vec((any::<Index>(), any::<u8>(), any::<u8>()), 0..8),
                           cut in prop::option::of(any::<Index>())) {
        let entries = common::entries();
        let entry = which.get(&entries);
        let body = entry["body"].as_str().unwrap_or_default().as_bytes().to_vec();
        exercise(status, &mutate(body, &edits, cut), 0, 1_795_557_000)?;
    }

    #[test]
    fn arbitrary_headers(headers in prop::collection::vec(
        (prop_oneof![
            "[a-zA-Z-]{0,24}",
            prop::sample::select(vec![
                "x-rate-limit-limit", "X-Rate-Limit-Remaining", "x-rate-limit-reset", "Retry-After", "date",
                "x-app-limit-24hour-reset", "x-user-limit-24hour-remaining", "X-RateLimit-Reset",
            ]).prop_map(str::to_owned),
        ], prop::collection::vec(any::<u8>(), 0..40)),
        0..8), status in any::<u16>(), now in any::<i64>(), attempt in any::<u32>()) {
        let limits = RateLimit::from_headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())));
        if let Some(limits) = limits {
            for reset in [limits.reset(), limits.app_24h().and_then(|w| w.reset), limits.date()].into_iter().flatten() {
                prop_assert!((instant(1_136_073_600)..=instant(253_402_300_799)).contains(&reset));
            }
        }
        let r = ErrorResponse::from_parts(status, headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())), b"");
        let _ = r.to_string();
        if let Some(delay) = r.retry_delay(attempt, instant(now)) {
            prop_assert!(delay.as_secs() <= 86_400);
        }
    }
}
