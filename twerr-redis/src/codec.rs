//! What crosses into the scripts and back: instants as microseconds, windows and blocks as
//! plain strings, replies read as untrusted input.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;
use twerr_core::{
    Acquire, Block, BookKey, Cause, Code, Observation, Permit, Problem, Reach, Status, WindowKind,
};

/// The largest integer a Lua number (a double) holds exactly.
const MAX_EXACT: u64 = (1 << 53) - 1;

/// A block's `period` and `scope` members are kept only when they look like what X sends
/// (`Monthly`, `Product`): short and printable, so a stored value cannot smuggle anything.
const MAX_MEMBER: usize = 64;

/// `at` in whole microseconds since the epoch, rounded down (for `now`) or up (for instants
/// waited for); clamped to what Lua holds exactly.
pub(crate) fn micros(at: SystemTime, up: bool) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let whole = u64::try_from(since.as_micros()).unwrap_or(u64::MAX);
    let rounded = if up && !since.subsec_nanos().is_multiple_of(1000) {
        whole.saturating_add(1)
    } else {
        whole
    };
    rounded.min(MAX_EXACT)
}

fn instant(micros: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(micros)
}

/// A duration in whole milliseconds, at least 1, within what Lua holds exactly.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_EXACT)
}

/// The record script's arguments after the four shared ones.
pub(crate) fn record_args(observation: &Observation) -> Vec<String> {
    let mut args = Vec::with_capacity(15);
    for kind in [
        WindowKind::Endpoint,
        WindowKind::App24Hour,
        WindowKind::User24Hour,
    ] {
        match observation.windows().iter().find(|w| w.kind() == kind) {
            Some(w) => args.extend([
                w.remaining().min(MAX_EXACT).to_string(),
                micros(w.reset(), true).to_string(),
                w.limit()
                    .map_or_else(String::new, |l| l.min(MAX_EXACT).to_string()),
            ]),
            None => args.extend(std::iter::repeat_n(String::new(), 3)),
        }
    }
    let reach = observation.block().and_then(|b| match b.reach() {
        Reach::Credential => Some("credential"),
        Reach::App => Some("app"),
        _ => None,
    });
    match (observation.block(), reach) {
        (Some(block), Some(reach)) => args.extend([
            reach.to_owned(),
            cause(block.cause()),
            String::from(if block.writes_only() { "1" } else { "0" }),
            block
                .until()
                .map_or_else(String::new, |u| micros(u, true).to_string()),
            member(block.period()).unwrap_or_default().to_owned(),
            member(block.scope()).unwrap_or_default().to_owned(),
        ]),
        _ => args.extend(std::iter::repeat_n(String::new(), 6)),
    }
    args
}

/// A cause as stored: `s:429`, `c:88`, `p:usage-capped` (`p:` for an unknown problem).
fn cause(cause: Cause) -> String {
    match cause {
        Cause::Status(status) => format!("s:{}", status.as_u16()),
        Cause::Code(code) => format!("c:{}", code.as_u16()),
        Cause::Problem(problem) => format!("p:{}", problem.slug().unwrap_or_default()),
        // A cause this version does not know is kept as the status it is not: unknown.
        _ => String::from("p:"),
    }
}

fn parse_cause(text: &str) -> Option<Cause> {
    let (kind, value) = text.split_once(':')?;
    match kind {
        "s" => Some(Cause::Status(Status::from_u16(value.parse().ok()?))),
        "c" => Some(Cause::Code(Code::from_u16(value.parse().ok()?))),
        "p" => Some(Cause::Problem(Problem::from_type(value))),
        _ => None,
    }
}

fn member(text: Option<&str>) -> Option<&str> {
    text.filter(|t| {
        !t.is_empty() && t.len() <= MAX_MEMBER && t.bytes().all(|b| b.is_ascii_graphic())
    })
}

/// Why a reply was not understood: it names the shape, never the values.
#[derive(Debug)]
pub(crate) struct BadReply(pub(crate) &'static str);

impl std::fmt::Display for BadReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected reply from the {} script", self.0)
    }
}

impl std::error::Error for BadReply {}

fn integer(value: &Value) -> Option<u64> {
    match value {
        Value::Int(n) => u64::try_from(*n).ok().filter(|n| *n <= MAX_EXACT),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::BulkString(bytes) => std::str::from_utf8(bytes).ok(),
        Value::SimpleString(text) => Some(text.as_str()),
        _ => None,
    }
}

/// The acquire script's reply as the store's answer; a Go permit gets `id`.
pub(crate) fn acquire_reply(value: &Value, key: &BookKey, id: u64) -> Result<Acquire, BadReply> {
    let bad = BadReply("acquire");
    let Value::Array(items) = value else {
        return Err(bad);
    };
    match (items.first().and_then(integer), items.len()) {
        (Some(0), 1) => Ok(Acquire::Go(Permit::new(key.clone()).with_id(id))),
        (Some(1), 2) => {
            let until = items.get(1).and_then(integer).ok_or(bad)?;
            Ok(Acquire::Wait {
                until: instant(until),
            })
        }
        (Some(2), 7) => blocked(items).map(Acquire::Blocked).ok_or(bad),
        _ => Err(bad),
    }
}

fn blocked(items: &[Value]) -> Option<Block> {
    let reach = match text(items.get(1))? {
        "credential" => Reach::Credential,
        "app" => Reach::App,
        _ => return None,
    };
    let cause = parse_cause(text(items.get(2))?)?;
    let writes_only = match text(items.get(3))? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let until = match text(items.get(4))? {
        "" => None,
        digits => Some(instant(digits.parse().ok().filter(|n| *n <= MAX_EXACT)?)),
    };
    let kept = |i| member(text(items.get(i))).map(Box::from);
    Some(
        Block::new(cause, reach)
            .with_writes_only(writes_only)
            .with_until(until)
            .with_period_scope(kept(5), kept(6)),
    )
}

#[cfg(test)]
mod tests {
    use twerr_core::CredentialId;

    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn instants_round_so_nothing_goes_early() {
        let at = UNIX_EPOCH + Duration::new(1_700_000_000, 1_500);
        assert_eq!(micros(at, false), 1_700_000_000_000_001);
        assert_eq!(micros(at, true), 1_700_000_000_000_002);
        let whole = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(instant(micros(whole, true)), whole);
        assert_eq!(micros(UNIX_EPOCH - Duration::from_secs(1), false), 0);
        assert_eq!(millis(Duration::ZERO), 1);
    }

    #[test]
    fn causes_round_trip() {
        for cause in [
            Cause::Status(Status::from_u16(402)),
            Cause::Code(Code::from_u16(89)),
            Cause::Problem(Problem::UsageCapped),
            Cause::Problem(Problem::Unknown),
        ] {
            assert_eq!(parse_cause(&self::cause(cause)), Some(cause));
        }
        assert_eq!(parse_cause("x:1"), None);
        assert_eq!(parse_cause("s:99999"), None);
    }

    #[test]
    fn foreign_replies_are_refused_not_trusted() {
        let id = CredentialId::from_bytes([7; 16]);
        let key = BookKey::new(id, id, "GET x /");
        for reply in [
            Value::Nil,
            Value::Int(0),
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Int(1), Value::Int(-5)]),
            Value::Array(vec![Value::Int(3)]),
            Value::Array(vec![Value::Int(0), Value::Int(1)]),
            Value::Array(vec![Value::Int(1), Value::Int(i64::MAX)]),
            Value::Array(vec![Value::Int(2), bulk("everyone")]),
            Value::Array(
                [Value::Int(2), bulk("app"), bulk("q:1"), bulk("0"), bulk("")]
                    .into_iter()
                    .chain([bulk(""), bulk("")])
                    .collect(),
            ),
        ] {
            assert!(acquire_reply(&reply, &key, 1).is_err(), "{reply:?}");
        }
        let capped = Value::Array(vec![
            Value::Int(2),
            bulk("app"),
            bulk("p:usage-capped"),
            bulk("1"),
            bulk("5000000"),
            bulk("Monthly"),
            bulk("bad\nvalue"),
        ]);
        let block = Block::new(Cause::Problem(Problem::UsageCapped), Reach::App)
            .with_writes_only(true)
            .with_until(Some(UNIX_EPOCH + Duration::from_secs(5)))
            .with_period_scope(Some("Monthly".into()), None);
        assert_eq!(
            acquire_reply(&capped, &key, 1).ok(),
            Some(Acquire::Blocked(block))
        );
    }
}
