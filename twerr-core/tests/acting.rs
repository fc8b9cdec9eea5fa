//! The sans-IO retry policy, retry state and book, on the recorded responses of the CLI's
//! fixtures (`twerr-cli/tests/fixtures/captures`, whose README says where each comes from).
#![cfg(feature = "std")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twerr_core::{
    Acquire, BookKey, ClockSkew, CredentialId, Decision, ErrorResponse, FixedJitter, GiveUp,
    NoJitter, Observation, Outcome, RateLimitBook, Reach, RetryPolicy, RetryState,
};

#[path = "../../tests/support/fixtures.rs"]
mod fixtures;
use fixtures::capture;

fn response(name: &str) -> ErrorResponse {
    let (status, headers, body) = capture(name);
    ErrorResponse::from_parts(status, headers, &body)
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// `date` of rate-limit-88-date.crlf.txt: Tue, 16 Jan 2024 15:46:40 GMT.
const CAPTURE_DATE: u64 = 1_705_420_000;

#[test]
fn rate_limit_waits_until_the_reset_the_date_header_measures() {
    let limited = response("rate-limit-88-date.crlf.txt");
    let mut state = RetryState::new(RetryPolicy::default(), false);
    // The local clock is 90 s ahead of the server's; the reset is 800 s after its `Date`.
    let decision = state.decide(
        Outcome::Response(&limited),
        at(CAPTURE_DATE + 90),
        &NoJitter,
    );
    assert_eq!(
        decision,
        Decision::Retry {
            wait: Duration::from_secs(801)
        }
    );
}

#[test]
fn overload_backs_off_for_get_and_gives_up_for_post() {
    let overloaded = ErrorResponse::parse(
        503,
        br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#,
    );
    let now = at(CAPTURE_DATE);
    let mut get = RetryState::new(RetryPolicy::default(), true);
    let waits: Vec<_> = (0..5)
        .map(|_| get.decide(Outcome::Response(&overloaded), now, &NoJitter))
        .collect();
    let secs = |s| Decision::Retry {
        wait: Duration::from_secs(s),
    };
    assert_eq!(
        waits,
        [
            secs(5),
            secs(10),
            secs(20),
            secs(40),
            Decision::GiveUp(GiveUp::AttemptsExhausted { attempts: 5 })
        ]
    );
    let mut post = RetryState::new(RetryPolicy::default(), false);
    assert_eq!(
        post.decide(Outcome::Response(&overloaded), now, &NoJitter),
        Decision::GiveUp(GiveUp::NotIdempotent)
    );
}

#[test]
fn a_longer_retry_after_wins_over_the_backoff() {
    let overloaded = ErrorResponse::from_parts(503, [("retry-after", "30")], b"");
    let mut state = RetryState::new(RetryPolicy::default(), true);
    let decision = state.decide(Outcome::Response(&overloaded), at(CAPTURE_DATE), &NoJitter);
    assert_eq!(
        decision,
        Decision::Retry {
            wait: Duration::from_secs(30)
        }
    );
}

#[test]
fn network_errors_back_off_linearly_and_unsent_requests_are_safe_for_any_method() {
    let now = at(CAPTURE_DATE);
    let mut post = RetryState::new(RetryPolicy::default(), false);
    let unsent = Outcome::NetworkError { sent: false };
    let ms = |m| Decision::Retry {
        wait: Duration::from_millis(m),
    };
    assert_eq!(post.decide(unsent, now, &NoJitter), ms(250));
    assert_eq!(post.decide(unsent, now, &NoJitter), ms(500));
    assert_eq!(
        post.decide(Outcome::NetworkError { sent: true }, now, &NoJitter),
        Decision::GiveUp(GiveUp::NotIdempotent)
    );
    let policy = RetryPolicy::default().with_max_attempts(100);
    let mut get = RetryState::new(policy, true);
    let last = (0..80)
        .map(|_| get.decide(Outcome::NetworkError { sent: true }, now, &NoJitter))
        .last();
    assert_eq!(last, Some(ms(16_000)), "capped at 16 s");
}

#[test]
fn a_daily_limit_hours_away_is_reported_not_waited_for() {
    let reset = CAPTURE_DATE + 5 * 3600;
    let limited = ErrorResponse::from_parts(
        429,
        [
            ("x-app-limit-24hour-limit", "1000".to_owned()),
            ("x-app-limit-24hour-remaining", "0".to_owned()),
            ("x-app-limit-24hour-reset", reset.to_string()),
            ("x-rate-limit-remaining", "40".to_owned()),
            ("x-rate-limit-reset", (CAPTURE_DATE + 300).to_string()),
        ],
        br#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
    );
    let now = at(CAPTURE_DATE);
    let mut state = RetryState::new(RetryPolicy::default(), true);
    let wait = Duration::from_secs(5 * 3600 + 1);
    assert_eq!(
        state.decide(Outcome::Response(&limited), now, &NoJitter),
        Decision::GiveUp(GiveUp::WaitTooLong {
            wait,
            until: now + wait
        })
    );
    assert_eq!(state.waited(), Duration::ZERO);
}

#[test]
fn the_single_wait_is_compared_before_jitter_and_the_total_after() {
    let policy = RetryPolicy::default()
        .with_max_single_wait(Duration::from_secs(10))
        .with_max_total_wait(Duration::from_secs(21));
    let mut state = RetryState::new(policy, true);
    let now = at(CAPTURE_DATE);
    let jitter = FixedJitter(Duration::from_millis(500));
    let until = now + Duration::from_secs(10);
    assert_eq!(
        state.wait_until(until, now, &jitter),
        Ok(Duration::from_millis(10_500))
    );
    assert_eq!(
        state.wait_until(until, now, &jitter),
        Ok(Duration::from_millis(10_500))
    );
    assert_eq!(
        state.wait_until(until, now, &jitter),
        Err(GiveUp::TotalWaitExceeded {
            waited: Duration::from_secs(21),
            wait: Duration::from_millis(10_500)
        })
    );
    let too_long = now + Duration::from_secs(11);
    assert!(matches!(
        state.wait_until(too_long, now, &jitter),
        Err(GiveUp::WaitTooLong { .. })
    ));
}

#[test]
fn a_usage_cap_is_not_retried_and_blocks_the_app_until_a_probe_succeeds() {
    let capped = response("proxy-usage-capped.crlf.txt");
    let now = at(CAPTURE_DATE);
    let policy = RetryPolicy::default();
    let mut state = RetryState::new(policy, true);
    assert_eq!(
        state.decide(Outcome::Response(&capped), now, &NoJitter),
        Decision::GiveUp(GiveUp::NotRetryable)
    );
    let seen = Observation::from_response(&capped, now, &policy);
    let cap = seen
        .block()
        .cloned()
        .unwrap_or_else(|| panic!("no cap in {seen:?}"));
    assert_eq!(
        (cap.period(), cap.scope(), cap.reach(), cap.until()),
        (Some("Monthly"), Some("Product"), Reach::App, None),
        "a cap reaches the app; nothing announces its end"
    );
    assert_eq!(cap.probe_first(), policy.probe_first_app());

    let mut book = RateLimitBook::default();
    let credential = CredentialId::from_bytes([7; 16]);
    let app = CredentialId::from_bytes([9; 16]);
    let search = BookKey::new(app, credential, "GET api.x.com /2/tweets/search/recent");
    let Acquire::Go(permit) = book.acquire(&search, now) else {
        panic!("an empty book lets requests go")
    };
    book.record(permit, seen, now);
    let lookup = BookKey::new(
        app,
        CredentialId::from_bytes([8; 16]),
        "GET api.x.com /2/users/{id}",
    );
    assert_eq!(book.acquire(&lookup, now), Acquire::Blocked(cap.clone()));
    let other_app = BookKey::new(
        CredentialId::from_bytes([10; 16]),
        credential,
        "GET api.x.com /2/users/{id}",
    );
    assert!(matches!(book.acquire(&other_app, now), Acquire::Go(_)));
    // After X's auto-recharge interval, one probe; its success lifts the cap.
    let later = now + policy.probe_first_app();
    let Acquire::Go(probe) = book.acquire(&lookup, later) else {
        panic!("the probe goes")
    };
    assert!(probe.is_probe());
    let ok = ErrorResponse::parse(200, b"{}");
    book.record(
        probe,
        Observation::from_response(&ok, later, &policy),
        later,
    );
    assert!(matches!(book.acquire(&search, later), Acquire::Go(p) if !p.is_probe()));
}

#[test]
fn a_success_with_no_requests_left_holds_the_next_one_back() {
    // The 2021 v2 200 of partial-200-not-found.lf.txt: 15 allowed, 14 left.
    let partial = response("partial-200-not-found.lf.txt");
    let now = at(1_619_190_000);
    let seen = Observation::from_response(&partial, now, &RetryPolicy::default());
    let window = seen.windows()[0];
    assert_eq!((window.limit(), window.remaining()), (Some(15), 14));
    assert_eq!(window.reset(), at(1_619_190_978));
    let mut book = RateLimitBook::default();
    let key = BookKey::new(
        CredentialId::from_bytes([1; 16]),
        CredentialId::from_bytes([1; 16]),
        "GET api.x.com /2/tweets/:id",
    );
    let Acquire::Go(permit) = book.acquire(&key, now) else {
        panic!()
    };
    book.record(permit, seen, now);
    let went = (0..20)
        .map_while(|_| match book.acquire(&key, now) {
            Acquire::Go(permit) => {
                book.release(permit);
                Some(())
            }
            _ => None,
        })
        .count();
    assert_eq!(went, 14);
    assert_eq!(
        book.acquire(&key, now),
        Acquire::Wait {
            until: at(1_619_190_978)
        }
    );
}

#[test]
fn the_book_trusts_a_date_exactly_where_the_advice_does() {
    let reset = 1_700_000_900;
    let observe = |date: &str, now: SystemTime| {
        let response = ErrorResponse::from_parts(
            429u16,
            [
                ("x-rate-limit-remaining", "0".to_owned()),
                ("x-rate-limit-reset", reset.to_string()),
                ("date", date.to_owned()),
            ],
            br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
        );
        let trusted = response
            .rate_limit()
            .is_some_and(|l| l.ignored_date().is_none());
        let skew = response
            .rate_limit()
            .map_or(ClockSkew::NONE, |limits| ClockSkew::of(limits, now));
        let seen = Observation::from_response(&response, now, &RetryPolicy::default());
        // The book keeps the server's reset; a reader waits until it on its own clock.
        (
            trusted,
            seen.windows().first().map(|w| skew.to_local(w.reset())),
        )
    };
    // The server's Date is 1_700_000_000 (Tue, 14 Nov 2023 22:13:20 GMT), 900 s before its
    // reset. A local clock two days ahead is corrected: the headers agree with each other.
    let two_days_ahead = at(1_700_000_000 + 2 * 86_400);
    assert_eq!(
        observe("Tue, 14 Nov 2023 22:13:20 GMT", two_days_ahead),
        (true, Some(at(reset + 2 * 86_400)))
    );
    // A Date from 2006 beside a 2023 reset measures nothing: the reset is taken as it is.
    let now = at(1_700_000_000);
    assert_eq!(
        observe("Mon, 02 Jan 2006 15:04:05 GMT", now),
        (false, Some(at(reset)))
    );
}

#[test]
fn a_book_that_mirrors_a_shared_store_knows_its_grants_and_windows() {
    use twerr_core::{WindowKind, WindowReport};
    let mut book = RateLimitBook::default();
    let key = BookKey::new(
        CredentialId::from_bytes([7; 16]),
        CredentialId::from_bytes([8; 16]),
        "GET api.x.com /2/users/me",
    );
    let now = at(CAPTURE_DATE);
    let reset = at(CAPTURE_DATE + 600);
    // The store granted a request and says 2 remain after it: the book learns both.
    let granted = book.grant(&key, now);
    let window = WindowReport::new(WindowKind::Endpoint, 2, reset).with_limit(Some(50));
    book.adopt(&key, &[window], now);
    assert_eq!(book.in_flight(&key), 1);
    assert_eq!(book.windows(&key), vec![window]);
    // A higher count for the same window moves nothing up; a stale window is ignored.
    book.adopt(&key, &[window.with_remaining(40)], now);
    book.adopt(
        &key,
        &[WindowReport::new(
            WindowKind::Endpoint,
            0,
            at(CAPTURE_DATE + 10),
        )],
        now,
    );
    assert_eq!(book.windows(&key)[0].remaining(), 2);
    // A grant counts down what the book knows, whatever it would have answered itself.
    let second = book.grant(&key, now);
    let Acquire::Go(third) = book.acquire(&key, now) else {
        panic!("one left")
    };
    assert_eq!(book.acquire(&key, now), Acquire::Wait { until: reset });
    let over = book.grant(&key, now);
    assert_eq!(book.windows(&key)[0].remaining(), 0, "never below zero");
    assert_eq!(book.in_flight(&key), 4);
    for permit in [granted, second, third, over] {
        book.release(permit);
    }
    assert_eq!(book.in_flight(&key), 0);
}
