use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::{Cause, Reach};

/// In a 200 stream: X's "Handling disconnections" page (xdevplatform/docs c2344e2d).
const OPERATIONAL: &[u8] = br#"{"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect","detail":"This stream has been disconnected upstream for operational reasons.","type":"https://api.x.com/2/problems/operational-disconnect"}]}"#;
/// At connect, 429: tweepy/tweepy#1962 (real-error-bodies.json dev-56).
const TOO_MANY: &[u8] = br#"{"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit.","connection_issue":"TooManyConnections","type":"https://api.twitter.com/2/problems/streaming-connection"}"#;
const UNAUTHORIZED: &[u8] =
    br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

fn with_type(kind: &str) -> Vec<u8> {
    String::from_utf8_lossy(OPERATIONAL)
        .replace("UpstreamOperationalDisconnect", kind)
        .into_bytes()
}

fn reconnect(decision: StreamDecision) -> Reconnect {
    match decision {
        StreamDecision::Reconnect(reconnect) => reconnect,
        other => panic!("expected a reconnect, got {other:?}"),
    }
}

fn waits(state: &mut StreamState, events: &[StreamEvent<'_>], now: SystemTime) -> Vec<Duration> {
    events
        .iter()
        .map(|event| reconnect(state.on(*event, now)).wait())
        .collect()
}

#[test]
fn lines_are_delivered_and_keep_alives_are_not() {
    let mut state = StreamState::new(StreamPolicy::default());
    assert_eq!(
        state.on(StreamEvent::Connected, at(0)),
        StreamDecision::Continue
    );
    let partial = br#"{"data":{"id":"1"},"errors":[{"title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#;
    for line in [
        &br#"{"data":{"id":"1","text":"hi"}}"#[..],
        partial,
        b"[1,2]",
    ] {
        assert_eq!(
            state.on(StreamEvent::Line(line), at(1)),
            StreamDecision::Deliver
        );
    }
    assert_eq!(
        state.on(StreamEvent::KeepAlive, at(2)),
        StreamDecision::Continue
    );
    assert!(state.is_connected());
}

#[test]
fn a_drop_reconnects_at_once_then_backs_off_linearly_to_16_s() {
    let mut state = StreamState::new(StreamPolicy::default());
    let _ = state.on(StreamEvent::Connected, at(0));
    let first = reconnect(state.on(StreamEvent::Ended, at(5)));
    assert_eq!(
        (first.wait(), first.cause()),
        (Duration::ZERO, &ReconnectCause::Ended)
    );
    let ms = Duration::from_millis;
    let failed = [StreamEvent::NetworkError; 3];
    assert_eq!(
        waits(&mut state, &failed, at(5)),
        [ms(250), ms(500), ms(750)]
    );
    // A connection that lived 10 s did not restart the schedule, nor earn another immediate
    // reconnect: a stream that X accepts and drops again keeps backing off.
    let _ = state.on(StreamEvent::Connected, at(10));
    assert_eq!(
        reconnect(state.on(StreamEvent::Stalled, at(20))).wait(),
        ms(1000)
    );
    let mut last = Duration::ZERO;
    for _ in 0..100 {
        let next = reconnect(state.on(StreamEvent::NetworkError, at(20)));
        last = next.wait();
        if next.at_cap() {
            break;
        }
    }
    assert_eq!(last, Duration::from_secs(16));
}

#[test]
fn a_healthy_connection_starts_the_schedules_over() {
    let mut state = StreamState::new(StreamPolicy::default());
    let _ = state.on(StreamEvent::Connected, at(0));
    let _ = state.on(StreamEvent::NetworkError, at(1));
    let overloaded = ErrorResponse::parse(503u16, b"");
    let _ = waits(&mut state, &[StreamEvent::Refused(&overloaded); 3], at(1));
    let _ = state.on(StreamEvent::Connected, at(100));
    let policy = StreamPolicy::default();
    let after = policy.healthy_after().as_secs();
    let again = reconnect(state.on(StreamEvent::Ended, at(100 + after)));
    assert_eq!(
        again.wait(),
        Duration::ZERO,
        "the immediate reconnect is earned again"
    );
    let refused = StreamEvent::Refused(&overloaded);
    assert_eq!(
        waits(&mut state, &[refused, refused], at(200)),
        [Duration::from_secs(5), Duration::from_secs(10)],
        "the HTTP schedule starts over at 5 s"
    );
}

#[test]
fn http_errors_at_connect_back_off_5_s_doubling_to_320_s() {
    let mut state = StreamState::new(StreamPolicy::default());
    let overloaded = ErrorResponse::parse(503u16, b"");
    let got = waits(&mut state, &[StreamEvent::Refused(&overloaded); 8], at(0));
    let secs: Vec<u64> = got.iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [5, 10, 20, 40, 80, 160, 320, 320]);
}

#[test]
fn too_many_connections_waits_a_minute_doubling_to_its_cap() {
    let mut state = StreamState::new(StreamPolicy::default());
    let refused = ErrorResponse::parse(429u16, TOO_MANY);
    let got = waits(&mut state, &[StreamEvent::Refused(&refused); 7], at(0));
    let minutes: Vec<u64> = got.iter().map(|w| w.as_secs() / 60).collect();
    assert_eq!(minutes, [1, 2, 4, 8, 16, 16, 16]);
    let capped = StreamPolicy::default().with_connections_cap(Duration::from_secs(300));
    let mut state = StreamState::new(capped);
    let last = reconnect(state.on(StreamEvent::Refused(&refused), at(0)));
    assert!(!last.at_cap());
    let got = waits(&mut state, &[StreamEvent::Refused(&refused); 3], at(0));
    assert_eq!(got.last(), Some(&Duration::from_secs(300)));
}

#[test]
fn a_longer_retry_after_wins_over_the_schedule() {
    let mut state = StreamState::new(StreamPolicy::default());
    let refused = ErrorResponse::from_parts(503u16, [("retry-after", "42")], br#"{"title":"x"}"#);
    let wait = reconnect(state.on(StreamEvent::Refused(&refused), at(0))).wait();
    assert_eq!(wait, Duration::from_secs(42));
}

#[test]
fn errors_no_reconnect_fixes_stop_with_the_response() {
    let unauthorized = ErrorResponse::parse(401u16, UNAUTHORIZED);
    let no_rules = ErrorResponse::parse(
        409u16,
        br#"{"title":"ConnectionException","detail":"Stream has no rules"}"#,
    );
    let capped = ErrorResponse::parse(429u16, br#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.x.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}"#);
    for response in [&unauthorized, &no_rules, &capped] {
        let mut state = StreamState::new(StreamPolicy::default());
        match state.on(StreamEvent::Refused(response), at(0)) {
            StreamDecision::Stop(stop) => {
                assert_eq!(stop.kind(), StopKind::Refused);
                assert_eq!(stop.response(), response);
            }
            other => panic!("{response}: expected a stop, got {other:?}"),
        }
    }
    let mut state = StreamState::new(StreamPolicy::default());
    let StreamDecision::Stop(stop) = state.on(StreamEvent::Refused(&capped), at(0)) else {
        panic!("a usage cap stops");
    };
    let block = stop.block().expect("a usage cap blocks the app");
    assert_eq!(block.cause(), Cause::Problem(Problem::UsageCapped));
    assert_eq!(block.reach(), Reach::App);
    assert!(
        stop.to_string().starts_with("stream refused: 429"),
        "{stop}"
    );
}

#[test]
fn an_operational_disconnect_line_reconnects_like_a_drop() {
    let mut state = StreamState::new(StreamPolicy::default());
    let _ = state.on(StreamEvent::Connected, at(0));
    let again = reconnect(state.on(StreamEvent::Line(OPERATIONAL), at(3)));
    assert_eq!(again.wait(), Duration::ZERO);
    assert!(!state.is_connected());
    assert!(!again.slow_consumer());
    assert_eq!(
        again.cause().disconnect_type().as_deref(),
        Some("UpstreamOperationalDisconnect")
    );
    assert!(
        again.to_string().contains("UpstreamOperationalDisconnect"),
        "{again}"
    );
}

#[test]
fn slow_reader_disconnects_reconnect_with_the_warning() {
    for kind in ["SlowReader", "ClientApplicationStateDegraded"] {
        let mut state = StreamState::new(StreamPolicy::default());
        let _ = state.on(StreamEvent::Connected, at(0));
        let line = with_type(kind);
        let again = reconnect(state.on(StreamEvent::Line(&line), at(3)));
        assert!(again.slow_consumer(), "{kind}");
        assert!(again.to_string().contains("too slowly"), "{again}");
    }
}

#[test]
fn invalid_rules_stop_until_the_rules_are_fixed() {
    let mut state = StreamState::new(StreamPolicy::default());
    let _ = state.on(StreamEvent::Connected, at(0));
    let line = with_type("InvalidRules");
    match state.on(StreamEvent::Line(&line), at(3)) {
        StreamDecision::Stop(stop) => {
            assert_eq!(stop.kind(), StopKind::InvalidRules);
            assert!(stop.to_string().contains("fix the rules"), "{stop}");
        }
        other => panic!("expected a stop, got {other:?}"),
    }
    assert!(!state.is_connected());
}
