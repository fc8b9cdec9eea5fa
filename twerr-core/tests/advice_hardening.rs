//! Regression tests for the advice a middleware acts on unattended: one test per defect of the
//! hardening report, and the semantics settled with it.
#![cfg(feature = "std")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use twerr_core::{Code, ErrorResponse, Problem, Retry, UnixTime};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secs(d: Option<Duration>) -> Option<u64> {
    d.map(|d| d.as_secs())
}

/// 2023-11-14T22:13:20Z, the `--now` of the report's reproductions.
const NOW: u64 = 1_700_000_000;

fn rate_limited(headers: &[(&str, &str)]) -> ErrorResponse {
    assert_eq!(
        Code::from_u16(88).retry(),
        Some(Retry::AfterReset),
        "table fact"
    );
    ErrorResponse::from_parts(
        429u16,
        headers.iter().copied(),
        br#"{"errors":[{"code":88}]}"#,
    )
}

fn overloaded(headers: &[(&str, &str)]) -> ErrorResponse {
    assert_eq!(
        Code::from_u16(130).retry(),
        Some(Retry::Backoff),
        "table fact"
    );
    ErrorResponse::from_parts(
        503u16,
        headers.iter().copied(),
        br#"{"errors":[{"code":130}]}"#,
    )
}

/// A 503 with `Retry-After: 600` advised 5 s. RFC 9110: the longer wait wins.
#[test]
fn retry_after_lengthens_a_backoff() {
    let r = overloaded(&[("retry-after", "600")]);
    assert_eq!(secs(r.retry_delay(0, at(NOW))), Some(600));
    assert!(
        format!("{r:#}").ends_with("; retry with backoff from 5 s, not before 600 s"),
        "{r:#}"
    );
    // A shorter one does not shorten the schedule.
    let r = overloaded(&[("retry-after", "2")]);
    let delays: Vec<_> = (0..4).map(|a| secs(r.retry_delay(a, at(NOW)))).collect();
    assert_eq!(delays, [Some(5), Some(10), Some(20), Some(40)]);
    // A date, measured from an agreeing `Date`.
    let r = overloaded(&[
        ("retry-after", "Tue, 14 Nov 2023 22:23:20 GMT"),
        ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ]);
    assert_eq!(secs(r.retry_delay(0, at(NOW + 3600))), Some(600));
}

/// Display said "retry after" the reset (+60 s) while `retry_delay` said 601 s.
#[test]
fn display_and_retry_delay_say_the_same() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1700000060"),
        ("retry-after", "600"),
    ]);
    assert_eq!(secs(r.retry_delay(0, at(NOW))), Some(601));
    let line = format!("{r:#}");
    assert!(
        line.ends_with("; retry after 2023-11-14T22:14:20Z and 600 s after the response"),
        "{line}"
    );
    // With the server's clock the two are one instant.
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1700000060"),
        ("retry-after", "600"),
        ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ]);
    assert_eq!(secs(r.retry_delay(0, at(NOW))), Some(601));
    assert!(
        format!("{r:#}").ends_with("; retry after 2023-11-14T22:23:20Z"),
        "{r:#}"
    );
}

/// A `Date` from 2006 beside a 2023 reset advised 86400 s; one from 2099 advised 1 s. A
/// `Date` that disagrees with what it measures is ignored, and says so.
#[test]
fn a_date_that_disagrees_with_the_reset_is_ignored() {
    let reset = ("x-rate-limit-reset", "1700000600");
    let exhausted = ("x-rate-limit-remaining", "0");
    for date in [
        "Sun, 01 Jan 2006 00:00:00 GMT",
        "Thu, 01 Jan 2099 00:00:00 GMT",
    ] {
        let r = rate_limited(&[exhausted, reset, ("date", date)]);
        assert_eq!(secs(r.retry_delay(0, at(NOW))), Some(601), "{date}");
        let limits = r.rate_limit().copied();
        assert_eq!(
            limits.and_then(|l| l.ignored_date()),
            limits.and_then(|l| l.date())
        );
    }
    // An agreeing one is used, and a skewed local clock does not move the wait.
    let r = rate_limited(&[exhausted, reset, ("date", "Tue, 14 Nov 2023 22:13:20 GMT")]);
    assert_eq!(r.rate_limit().and_then(|l| l.ignored_date()), None);
    assert_eq!(secs(r.retry_delay(0, at(NOW + 7200))), Some(601));
    // A Retry-After date is held to the same check.
    let r = rate_limited(&[
        ("retry-after", "Thu, 01 Jan 2099 00:00:00 GMT"),
        ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ]);
    assert!(r.rate_limit().and_then(|l| l.ignored_date()).is_some());
    // Exactly 24 hours ahead (a v2 daily window) still agrees.
    let r = rate_limited(&[
        ("x-app-limit-24hour-remaining", "0"),
        ("x-app-limit-24hour-reset", "1700086400"),
        ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ]);
    assert_eq!(r.rate_limit().and_then(|l| l.ignored_date()), None);
    assert_eq!(secs(r.retry_delay(0, at(NOW - 50))), Some(86_401));
}

/// A reset already past gave 1 s on every attempt: a client whose clock runs ahead looped hot.
#[test]
fn a_reset_already_past_backs_off_from_one_second_to_a_minute() {
    let r = rate_limited(&[
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1700000000"),
    ]);
    let delays: Vec<_> = (0..9)
        .map(|a| secs(r.retry_delay(a, at(NOW + 30))))
        .collect();
    assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60].map(Some));
    assert_eq!(secs(r.retry_delay(u32::MAX, at(NOW + 30))), Some(60));
    // Naming no reset at all waits one window, whatever the attempt.
    let none = rate_limited(&[]);
    assert_eq!(secs(none.retry_delay(5, at(NOW))), Some(900));
}

/// A streaming endpoint's 429 `TooManyConnections` follows X's reconnect guidance: one
/// minute, doubling.
#[test]
fn too_many_connections_backs_off_from_a_minute() {
    let problem = Problem::from_type("streaming-connection");
    assert_eq!(problem.retry(), Some(Retry::Backoff), "table fact");
    let body = br#"{"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit.","connection_issue":"TooManyConnections","type":"https://api.twitter.com/2/problems/streaming-connection"}"#;
    let r = ErrorResponse::parse(429u16, body);
    let delays: Vec<_> = (0..8).map(|a| secs(r.retry_delay(a, at(NOW)))).collect();
    assert_eq!(delays, [60, 120, 240, 480, 960, 1920, 3840, 7680].map(Some));
    assert!(
        format!("{r:#}").ends_with("; retry with backoff from 1 min"),
        "{r:#}"
    );
}

/// `RetryState` (what twerr-reqwest drives) backs off by the same computation: a
/// `Retry-After` longer than its schedule wins, and a 429 that advises backoff waits a minute.
#[test]
fn retry_state_backs_off_as_retry_delay_says() {
    use twerr_core::{Decision, NoJitter, Outcome, RetryPolicy, RetryState};
    let decide = |r: &ErrorResponse| {
        RetryState::new(RetryPolicy::default(), true).decide(
            Outcome::Response(r),
            at(NOW),
            &NoJitter,
        )
    };
    let wait = |secs| Decision::Retry {
        wait: Duration::from_secs(secs),
    };
    assert_eq!(decide(&overloaded(&[])), wait(5));
    assert_eq!(decide(&overloaded(&[("retry-after", "600")])), wait(600));
    let body = br#"{"title":"ConnectionException","connection_issue":"TooManyConnections","type":"https://api.twitter.com/2/problems/streaming-connection"}"#;
    assert_eq!(decide(&ErrorResponse::parse(429u16, body)), wait(60));
}

/// An unknown code beside a known one is judged by the status, as one alone would be.
#[test]
fn an_unknown_code_beside_a_known_one_keeps_its_status_fallback() {
    let unknown = (0..=u16::MAX)
        .rev()
        .find(|&n| !Code::from_u16(n).is_known())
        .unwrap_or(0);
    let body = format!(r#"{{"errors":[{{"code":130}},{{"code":{unknown}}}]}}"#);
    // On a 503 the status says backoff too; on a 400 the unknown error may be the request's.
    assert_eq!(
        ErrorResponse::parse(503u16, body.as_bytes()).retry(),
        Some(Retry::Backoff)
    );
    assert_eq!(
        ErrorResponse::parse(400u16, body.as_bytes()).retry(),
        Some(Retry::Never)
    );
}

/// The v2 API writes `Date` with the zone `UTC`; it was never read. Headers recorded from a
/// real v2 response: tweepy/tweepy `cassettes/test_client_get_user.yaml` @ 3038ab0a (GET
/// /2/users/by/username/Twitter, 2021-04-13).
#[test]
fn dates_in_every_form_the_api_sends_are_read() {
    let recorded = [
        ("content-type", "application/json; charset=utf-8"),
        ("date", "Tue, 13 Apr 2021 03:53:58 UTC"),
        ("server", "tsa_devel"),
        ("x-rate-limit-limit", "300"),
        ("x-rate-limit-remaining", "299"),
        ("x-rate-limit-reset", "1618286938"),
    ];
    let r = ErrorResponse::from_parts(200u16, recorded, br#"{"data":{"id":"783214"}}"#);
    let limits = r.rate_limit().copied();
    assert_eq!(limits.and_then(|l| l.date()), Some(at(1_618_286_038)));
    assert_eq!(
        limits.and_then(|l| l.ignored_date()),
        None,
        "900 s before the reset"
    );
    // The same response, rate limited, read by a client whose clock is an hour ahead.
    let mut exhausted = recorded;
    exhausted[4] = ("x-rate-limit-remaining", "0");
    let r = rate_limited(&exhausted);
    assert_eq!(secs(r.retry_delay(0, at(1_618_286_038 + 3600))), Some(901));
    // RFC 9110's three forms, and the `UTC` one, name the same instant.
    for date in [
        "Tue, 14 Nov 2023 22:13:20 GMT",
        "Tuesday, 14-Nov-23 22:13:20 GMT",
        "Tue Nov 14 22:13:20 2023",
        "Tue, 14 Nov 2023 22:13:20 UTC",
    ] {
        let limits = twerr_core::RateLimit::from_headers([("retry-after", date)]);
        assert_eq!(
            limits.and_then(|l| l.retry_after()),
            Some(twerr_core::RetryAfter::At(at(NOW))),
            "{date}"
        );
    }
}

/// The property behind items 11 to 13: `{:#}` names when to retry, and `retry_delay` is that
/// instant or wait measured from the trusted `Date` (else from `now`), plus the margin, for
/// any mix of reset, `Retry-After` and `Date`.
fn advice_instant(line: &str) -> (Option<u64>, Option<u64>) {
    let advice = line.split("; retry after ").nth(1).unwrap_or_default();
    let mut at = None;
    let mut after = None;
    for part in advice.split(" and ") {
        if let Some(n) = part
            .strip_suffix(" s after the response")
            .or(part.strip_suffix(" s"))
        {
            after = n.parse().ok();
        } else {
            at = at.or(rfc3339(part.trim_end_matches(" (already passed)")));
        }
    }
    (at, after)
}

/// `2023-11-14T22:14:20Z` as epoch seconds (the civil-from-days algorithm, reversed).
fn rfc3339(text: &str) -> Option<u64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min, sec) = (t.next()??, t.next()??, t.next()??);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + min * 60 + sec).ok()
}

#[test]
fn rfc3339_reads_what_unix_time_writes() {
    for secs in [0, 784_111_777, NOW, 1_795_557_600] {
        let shown = UnixTime::from_system_time(at(secs)).map(|t| t.to_string());
        assert_eq!(shown.as_deref().and_then(rfc3339), Some(secs));
    }
}

proptest! {
    #[test]
    fn display_names_the_wait_that_retry_delay_returns(
        reset in prop::option::of(-100i64..100_000), retry_after in prop::option::of(0u64..5000),
        date in prop::option::of(-200_000i64..200_000), skew in -5000i64..5000,
    ) {
        let server_now = NOW as i64;
        let reset_s = reset.map(|r| (server_now + r).to_string());
        let retry_s = retry_after.map(|r| r.to_string());
        let date_s = date.map(|d| httpdate::fmt_http_date(at((server_now + d) as u64)));
        let mut headers = vec![("x-rate-limit-remaining", "0".to_owned())];
        headers.extend(reset_s.map(|v| ("x-rate-limit-reset", v)));
        headers.extend(retry_s.map(|v| ("retry-after", v)));
        headers.extend(date_s.map(|v| ("date", v)));
        let r = ErrorResponse::from_parts(429u16, headers.iter().map(|(k, v)| (*k, v.as_str())), br#"{"errors":[{"code":88}]}"#);
        let now = (server_now + skew) as u64;
        let delay = r.retry_delay(0, at(now)).map(|d| d.as_secs());
        let line = format!("{r:#}");
        let (shown_at, shown_after) = advice_instant(&line);
        let limits = r.rate_limit().copied();
        let reference = limits.and_then(|l| l.date()).filter(|_| limits.and_then(|l| l.ignored_date()).is_none());
        let reference = reference.map_or(now, |d| d.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
        let wait = shown_at.map(|t| t.saturating_sub(reference)).max(shown_after);
        let expected = match wait {
            None => 900,
            Some(0) => 1,
            Some(w) => w + 1,
        };
        prop_assert_eq!(delay, Some(expected), "{}", line);
    }
}
