//! What crosses into the scripts and back: instants as microseconds, windows and blocks as
//! plain strings, replies read as untrusted input.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;
use twerr_core::{
    Acquire, Block, BookKey, Cause, Code, Observation, Permit, Problem, Reach, Status, WindowKind,
    WindowReport,
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

pub(crate) fn instant(micros: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(micros)
}

/// A duration in whole milliseconds, at least 1, within what Lua holds exactly.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_EXACT)
}

/// Whether a request under `key` only reads (a writes-only block lets it go), by the same
/// rule as [`Block::reaches_method`].
pub(crate) fn reads(key: &BookKey) -> bool {
    !Block::new(Cause::Status(Status::from_u16(0)), Reach::App)
        .with_writes_only(true)
        .reaches_method(key.method())
}

fn flag(on: bool) -> String {
    String::from(if on { "1" } else { "0" })
}

/// A permit's id: the app's block generation at its grant (high half) and the process's
/// sequence number (low half), which names its entry in Redis with the store's tag.
pub(crate) fn permit_id(generation: u32, sequence: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(sequence)
}

/// The generation a permit id carries.
pub(crate) fn generation(id: u64) -> u32 {
    u32::try_from(id >> 32).unwrap_or(u32::MAX)
}

/// The permit's entry in Redis: the store's tag and the permit's sequence number.
pub(crate) fn member(tag: u64, id: u64) -> String {
    format!("{tag:016x}{:08x}", id & u64::from(u32::MAX))
}

/// The record script's arguments after the four shared ones.
pub(crate) fn record_args(permit: &Permit, observation: &Observation) -> Vec<String> {
    let mut args = Vec::with_capacity(21);
    args.extend([
        flag(reads(permit.key())),
        flag(permit.is_probe()),
        generation(permit.id()).to_string(),
        flag(observation.succeeded()),
    ]);
    window_args(&mut args, observation.windows());
    let reach = observation.block().and_then(|b| match b.reach() {
        Reach::Credential => Some("credential"),
        Reach::App => Some("app"),
        _ => None,
    });
    match (observation.block(), reach) {
        (Some(block), Some(reach)) => args.extend([
            reach.to_owned(),
            cause(block.cause()),
            flag(block.writes_only()),
            block
                .until()
                .map_or_else(String::new, |u| micros(u, true).to_string()),
            member_text(block.period()).unwrap_or_default().to_owned(),
            member_text(block.scope()).unwrap_or_default().to_owned(),
            duration_micros(block.probe_first()).to_string(),
            duration_micros(block.probe_max()).to_string(),
        ]),
        _ => args.extend(std::iter::repeat_n(String::new(), 8)),
    }
    args
}

/// The window kinds in the order the scripts take and give them.
const KINDS: [WindowKind; 3] = [
    WindowKind::Endpoint,
    WindowKind::App24Hour,
    WindowKind::User24Hour,
];

/// Per kind: remaining, reset (µs), limit; '' for what is not known.
fn window_args(args: &mut Vec<String>, windows: &[WindowReport]) {
    for kind in KINDS {
        match windows.iter().find(|w| w.kind() == kind) {
            Some(w) => args.extend([
                w.remaining().min(MAX_EXACT).to_string(),
                micros(w.reset(), true).to_string(),
                w.limit()
                    .map_or_else(String::new, |l| l.min(MAX_EXACT).to_string()),
            ]),
            None => args.extend(std::iter::repeat_n(String::new(), 3)),
        }
    }
}

/// The acquire script's arguments after the four shared ones: whether the request only
/// reads, and the windows this process's own book holds for the key.
pub(crate) fn acquire_args(key: &BookKey, known: &[WindowReport]) -> Vec<String> {
    let mut args = Vec::with_capacity(10);
    args.push(flag(reads(key)));
    window_args(&mut args, known);
    args
}

/// The windows an acquire reply ends with (per kind remaining, reset, limit as text).
fn reply_windows(items: &[Value]) -> Result<Vec<WindowReport>, BadReply> {
    let bad = BadReply("acquire");
    if items.len() != 9 {
        return Err(bad);
    }
    let mut windows = Vec::new();
    for (kind, values) in KINDS.iter().zip(items.chunks(3)) {
        let texts: Vec<&str> = values
            .iter()
            .map(|v| text(Some(v)))
            .collect::<Option<_>>()
            .ok_or(BadReply("acquire"))?;
        let number = |t: &str| t.parse::<u64>().ok().filter(|n| *n <= MAX_EXACT);
        match (texts[0], texts[1], texts[2]) {
            ("", "", "") => {}
            (remaining, reset, limit) => {
                let (Some(remaining), Some(reset)) = (number(remaining), number(reset)) else {
                    return Err(bad);
                };
                let limit = match limit {
                    "" => None,
                    limit => Some(number(limit).ok_or(BadReply("acquire"))?),
                };
                windows.push(WindowReport::new(*kind, remaining, instant(reset)).with_limit(limit));
            }
        }
    }
    Ok(windows)
}

/// A duration in whole microseconds, at least 1, within what Lua holds exactly.
fn duration_micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_EXACT)
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

fn member_text(text: Option<&str>) -> Option<&str> {
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

/// The acquire script's reply as the store's answer, with the windows Redis holds for the
/// key after it (none when blocked); a Go permit gets the id of `sequence` and the
/// generation Redis answered.
pub(crate) fn acquire_reply(
    value: &Value,
    key: &BookKey,
    sequence: u32,
) -> Result<(Acquire, Vec<WindowReport>), BadReply> {
    let bad = BadReply("acquire");
    let Value::Array(items) = value else {
        return Err(bad);
    };
    match (items.first().and_then(integer), items.len()) {
        (Some(0), 12) => {
            let generation = items.get(1).and_then(integer).ok_or(BadReply("acquire"))?;
            let generation = u32::try_from(generation).map_err(|_| BadReply("acquire"))?;
            let probe = match items.get(2).and_then(integer) {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(bad),
            };
            let permit = Permit::new(key.clone()).with_id(permit_id(generation, sequence));
            let windows = reply_windows(&items[3..])?;
            Ok((Acquire::Go(permit.with_probe(probe)), windows))
        }
        (Some(1), 11) => {
            let until = items.get(1).and_then(integer).ok_or(bad)?;
            let windows = reply_windows(&items[2..])?;
            let until = instant(until);
            Ok((Acquire::Wait { until }, windows))
        }
        (Some(2), 9) => {
            let texts: Vec<&str> = items[1..]
                .iter()
                .map(|v| text(Some(v)))
                .collect::<Option<_>>()
                .ok_or(BadReply("acquire"))?;
            block_of(&BlockFields::from_reply(&texts))
                .map(|block| (Acquire::Blocked(block), Vec::new()))
                .ok_or(bad)
        }
        _ => Err(bad),
    }
}

/// A block's stored fields, from a reply or a hash (`HGETALL`), as text.
#[derive(Default)]
pub(crate) struct BlockFields<'a> {
    reach: Option<Reach>,
    cause: Option<&'a str>,
    writes: Option<&'a str>,
    until: Option<&'a str>,
    period: Option<&'a str>,
    scope: Option<&'a str>,
    first: Option<&'a str>,
    max: Option<&'a str>,
    next: Option<&'a str>,
    failed: Option<&'a str>,
}

impl<'a> BlockFields<'a> {
    fn from_reply(texts: &[&'a str]) -> Self {
        let at = |i: usize| texts.get(i).copied().filter(|t| !t.is_empty());
        BlockFields {
            reach: match texts.first().copied() {
                Some("credential") => Some(Reach::Credential),
                Some("app") => Some(Reach::App),
                _ => None,
            },
            cause: at(1),
            writes: at(2),
            until: at(3),
            period: at(4),
            scope: at(5),
            first: at(6),
            max: at(7),
            next: None,
            failed: None,
        }
    }

    /// From a block hash's field-value pairs, for a block of `reach`.
    pub(crate) fn from_hash(reach: Reach, pairs: &'a [(String, String)]) -> Self {
        let mut fields = BlockFields {
            reach: Some(reach),
            ..BlockFields::default()
        };
        for (name, value) in pairs {
            let value = Some(value.as_str());
            match name.as_str() {
                "cause" => fields.cause = value,
                "writes" => fields.writes = value,
                "until" => fields.until = value,
                "period" => fields.period = value,
                "scope" => fields.scope = value,
                "first" => fields.first = value,
                "max" => fields.max = value,
                "next" => fields.next = value,
                "failed" => fields.failed = value,
                _ => {}
            }
        }
        fields
    }

    /// The next probe (server clock) and the failed probes, as stored.
    pub(crate) fn schedule(&self) -> Option<(SystemTime, u32)> {
        let next = number(self.next?)?;
        let failed = u32::try_from(number(self.failed?)?).ok()?;
        Some((instant(next), failed))
    }
}

/// Decimal digits within what Lua holds exactly, as the scripts read numbers.
pub(crate) fn number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n <= MAX_EXACT)
}

/// The block the fields describe; `None` when any is corrupt (as the scripts judge it).
pub(crate) fn block_of(fields: &BlockFields<'_>) -> Option<Block> {
    let cause = fields
        .cause
        .filter(|c| c.len() <= 80)
        .and_then(parse_cause)?;
    let writes_only = match fields.writes? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let until = match fields.until {
        None => None,
        Some(digits) => Some(instant(number(digits)?)),
    };
    let first = number(fields.first?)?;
    let max = number(fields.max?)?;
    if first == 0 || first > max {
        return None;
    }
    let kept = |text: Option<&str>| member_text(text).map(Box::from);
    Some(
        Block::new(cause, fields.reach?)
            .with_writes_only(writes_only)
            .with_until(until)
            .with_period_scope(kept(fields.period), kept(fields.scope))
            .with_probing(Duration::from_micros(first), Duration::from_micros(max)),
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
            Value::Array(vec![Value::Int(0), Value::Int(1), Value::Int(2)]),
            Value::Array(vec![Value::Int(0), Value::Int(1 << 32), Value::Int(0)]),
            Value::Array(vec![Value::Int(1), Value::Int(i64::MAX)]),
            Value::Array(vec![Value::Int(2), bulk("everyone")]),
            Value::Array(
                [Value::Int(2), bulk("app"), bulk("q:1"), bulk("0"), bulk("")]
                    .into_iter()
                    .chain([bulk(""), bulk(""), bulk("1"), bulk("2")])
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
            bulk("60000000"),
            bulk("3600000000"),
        ]);
        let block = Block::new(Cause::Problem(Problem::UsageCapped), Reach::App)
            .with_writes_only(true)
            .with_until(Some(UNIX_EPOCH + Duration::from_secs(5)))
            .with_period_scope(Some("Monthly".into()), None);
        assert_eq!(
            acquire_reply(&capped, &key, 1).ok(),
            Some((Acquire::Blocked(block), Vec::new()))
        );
        let mut go = vec![Value::Int(0), Value::Int(7), Value::Int(1)];
        go.extend(["3", "900000000", "50"].map(bulk));
        go.extend(["", "", ""].map(bulk));
        go.extend(["0", "86400000000", ""].map(bulk));
        let Ok((Acquire::Go(permit), windows)) = acquire_reply(&Value::Array(go.clone()), &key, 9)
        else {
            panic!("a probe's permit")
        };
        assert_eq!(
            windows,
            vec![
                WindowReport::new(
                    WindowKind::Endpoint,
                    3,
                    UNIX_EPOCH + Duration::from_secs(900)
                )
                .with_limit(Some(50)),
                WindowReport::new(
                    WindowKind::User24Hour,
                    0,
                    UNIX_EPOCH + Duration::from_secs(86_400)
                ),
            ]
        );
        // A window missing its reset, or a count that is not a number, is not understood.
        for (at, value) in [(4, ""), (3, "-1"), (5, "x")] {
            let mut bad = go.clone();
            bad[at] = bulk(value);
            assert!(acquire_reply(&Value::Array(bad), &key, 9).is_err());
        }
        assert!(permit.is_probe());
        assert_eq!((generation(permit.id()), permit.id() & 0xffff_ffff), (7, 9));
        assert_eq!(member(0xab, permit.id()), "00000000000000ab00000009");
    }
}
