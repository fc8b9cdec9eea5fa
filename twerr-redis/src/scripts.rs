//! The three Lua scripts (acquire, record, release) and the translation of their arguments
//! and replies.
//!
//! Each operation is one script, so it is one round trip and runs atomically in Redis: no
//! other client's command can fall between reading a window and counting it down. The rules
//! are [`RateLimitBook`](twerr_core::RateLimitBook)'s, line for line (the conformance suite
//! checks them). Every script:
//! - takes `now` from its arguments (the caller's clock), never from Redis's `TIME`, so an
//!   injected clock works and Redis's clock does not matter;
//! - sets a relative expiry (`PEXPIRE` = the window's or cap's end - now + the margin), so a
//!   key disappears when what it says is over;
//! - reads every stored value like a header: a number that is not plain decimal digits within
//!   2^53, or a key of another type, is not trusted; it is dropped and rewritten.
//!
//! Instants are whole microseconds since the Unix epoch (exact in Lua's doubles until the
//! year 2255): `now` rounded down, the instants a client waits for rounded up, so rounding
//! never lets a request go early.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::{Script, Value};
use twerr_core::{Acquire, BookKey, Observation, Permit, UsageCap};

/// Shared by the three scripts: validation, type checks and expiry.
const PRELUDE: &str = r#"
local now, margin = tonumber(ARGV[1]), tonumber(ARGV[2])
-- A stored number is trusted only as plain decimal digits within 2^53.
local function int(v)
  if type(v) ~= 'string' or #v == 0 or #v > 16 or not string.match(v, '^%d+$') then
    return nil
  end
  local n = tonumber(v)
  if n == nil or n > 9007199254740991 then return nil end
  return n
end
local function text(n) return string.format('%d', n) end
-- A key of another type (not written by these scripts) is dropped, not trusted.
local function own(key)
  local t = redis.call('TYPE', key).ok
  if t ~= 'hash' and t ~= 'none' then redis.call('DEL', key) end
end
-- The window's stored state; `known` when all three of its numbers are valid.
local function load(key)
  own(key)
  local v = redis.call('HMGET', key, 'in_flight', 'remaining', 'reset', 'resets_at')
  local w = { in_flight = int(v[1]) or 0, remaining = int(v[2]), reset = int(v[3]),
              resets_at = int(v[4]) }
  w.known = w.remaining ~= nil and w.reset ~= nil and w.resets_at ~= nil
  return w
end
-- Relative expiry: the margin after `ends` (microseconds) or after now.
local function expire(key, ends)
  local ms = margin
  if ends ~= nil and ends > now then ms = ms + math.ceil((ends - now) / 1000) end
  if ms < 1 then ms = 1 end
  redis.call('PEXPIRE', key, text(ms))
end
-- Writes the in-flight count and the expiry, or deletes a key with nothing left to say.
local function store(key, w)
  if w.in_flight == 0 and not w.known then
    redis.call('DEL', key)
  else
    redis.call('HSET', key, 'in_flight', text(w.in_flight))
    expire(key, w.known and w.resets_at or nil)
  end
end
"#;

/// KEYS: cap, window. ARGV: now, margin.
/// Reply: `{0}` go, `{1, resets_at}` wait, `{2, until, period, scope}` usage-capped.
const ACQUIRE: &str = r#"
local cap = KEYS[1]
own(cap)
local c = redis.call('HMGET', cap, 'until', 'period', 'scope')
local capped = int(c[1])
if capped ~= nil and capped > now then return {2, capped, c[2], c[3]} end
if c[1] then redis.call('DEL', cap) end

local key = KEYS[2]
local w = load(key)
if w.known and w.resets_at <= now then w.known = false end
if not w.known then
  redis.call('HDEL', key, 'remaining', 'reset', 'resets_at', 'limit')
elseif w.remaining == 0 then
  return {1, w.resets_at}
else
  redis.call('HSET', key, 'remaining', text(w.remaining - 1))
end
w.in_flight = w.in_flight + 1
store(key, w)
return {0}
"#;

/// KEYS: cap, window. ARGV: now, margin, ended ('1': the permit is counted in flight here),
/// remaining, reset, resets_at, limit (all '' without a window), cap until, period, scope
/// ('' without a cap or member).
const RECORD: &str = r#"
local cap_until = int(ARGV[8])
if cap_until ~= nil and cap_until > now then
  local cap = KEYS[1]
  own(cap)
  local known = int(redis.call('HGET', cap, 'until'))
  if known == nil or known < cap_until then
    redis.call('DEL', cap)
    redis.call('HSET', cap, 'until', ARGV[8])
    if ARGV[9] ~= '' then redis.call('HSET', cap, 'period', ARGV[9]) end
    if ARGV[10] ~= '' then redis.call('HSET', cap, 'scope', ARGV[10]) end
    expire(cap, cap_until)
  end
end

local key = KEYS[2]
local w = load(key)
if ARGV[3] == '1' and w.in_flight > 0 then w.in_flight = w.in_flight - 1 end
local remaining, reset, resets_at = int(ARGV[4]), int(ARGV[5]), int(ARGV[6])
if remaining ~= nil and reset ~= nil and resets_at ~= nil and resets_at > now then
  -- Requests still in flight will each take one of the reported slots.
  local reported = remaining - w.in_flight
  if reported < 0 then reported = 0 end
  if w.known and w.reset == reset then
    if reported < w.remaining then redis.call('HSET', key, 'remaining', text(reported)) end
    if ARGV[7] ~= '' then redis.call('HSET', key, 'limit', ARGV[7]) end
  elseif w.known and w.reset > reset then
    -- A late response about an earlier window: stale, ignored.
  else
    redis.call('HSET', key, 'remaining', text(reported), 'reset', ARGV[5],
               'resets_at', ARGV[6])
    if ARGV[7] ~= '' then redis.call('HSET', key, 'limit', ARGV[7])
    else redis.call('HDEL', key, 'limit') end
    w.known, w.resets_at = true, resets_at
  end
end
store(key, w)
return 0
"#;

/// KEYS: window. ARGV: now, margin.
const RELEASE: &str = r#"
local key = KEYS[1]
local w = load(key)
if w.in_flight > 0 then w.in_flight = w.in_flight - 1 end
store(key, w)
return 0
"#;

/// The largest integer a Lua number (a double) holds exactly.
const MAX_EXACT: u64 = (1 << 53) - 1;

/// A credential's usage-cap members are kept in Redis only when they look like what X sends
/// (`Monthly`, `Product`): short and printable, so a stored value cannot smuggle anything.
const MAX_MEMBER: usize = 64;

/// The three scripts, hashed once.
pub(crate) struct Scripts {
    pub(crate) acquire: Script,
    pub(crate) record: Script,
    pub(crate) release: Script,
}

impl Scripts {
    pub(crate) fn new() -> Self {
        let script = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Scripts {
            acquire: script(ACQUIRE),
            record: script(RECORD),
            release: script(RELEASE),
        }
    }
}

/// Where a key's state lives in Redis. The credential's hex hash is a hash tag (`{...}`), so a
/// credential's cap and windows share a cluster slot and one script may touch both.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    pub(crate) fn new(prefix: &str) -> Self {
        Keys {
            prefix: prefix.to_owned(),
        }
    }

    pub(crate) fn cap(&self, key: &BookKey) -> String {
        format!("{}:v1:{{{}}}:cap", self.prefix, key.credential().to_hex())
    }

    pub(crate) fn window(&self, key: &BookKey) -> String {
        format!(
            "{}:v1:{{{}}}:window:{}",
            self.prefix,
            key.credential().to_hex(),
            key.endpoint()
        )
    }
}

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

pub(crate) fn margin_ms(margin: Duration) -> u64 {
    u64::try_from(margin.as_millis()).unwrap_or(u64::MAX)
}

/// The arguments of the record script after `now` and the margin.
pub(crate) fn record_args(observation: &Observation, ended: bool) -> Vec<String> {
    let mut args = vec![String::from(if ended { "1" } else { "0" })];
    match &observation.window {
        Some(window) => args.extend([
            window.remaining.min(MAX_EXACT).to_string(),
            micros(window.reset, false).to_string(),
            micros(window.resets_at, true).to_string(),
            window
                .limit
                .map_or_else(String::new, |l| l.min(MAX_EXACT).to_string()),
        ]),
        None => args.extend(std::iter::repeat_n(String::new(), 4)),
    }
    match &observation.usage_cap {
        Some(cap) => args.extend([
            micros(cap.until, true).to_string(),
            member(cap.period.as_deref()).unwrap_or_default().to_owned(),
            member(cap.scope.as_deref()).unwrap_or_default().to_owned(),
        ]),
        None => args.extend(std::iter::repeat_n(String::new(), 3)),
    }
    args
}

fn member(text: Option<&str>) -> Option<&str> {
    text.filter(|t| {
        !t.is_empty() && t.len() <= MAX_MEMBER && t.bytes().all(|b| b.is_ascii_graphic())
    })
}

/// Why a reply was not understood: it names the shape, never the values.
#[derive(Debug)]
pub(crate) struct BadReply(&'static str);

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

fn text_member(value: Option<&Value>) -> Option<Box<str>> {
    let text = match value? {
        Value::BulkString(bytes) => std::str::from_utf8(bytes).ok()?,
        Value::SimpleString(text) => text.as_str(),
        _ => return None,
    };
    member(Some(text)).map(Box::from)
}

/// The acquire script's reply as the store's answer.
pub(crate) fn acquire_reply(value: &Value, key: &BookKey) -> Result<Acquire, BadReply> {
    let bad = BadReply("acquire");
    let Value::Array(items) = value else {
        return Err(bad);
    };
    match (
        items.first().and_then(integer),
        items.get(1).and_then(integer),
    ) {
        (Some(0), None) if items.len() == 1 => Ok(Acquire::Go(Permit::new(key.clone()))),
        (Some(1), Some(until)) if items.len() == 2 => Ok(Acquire::Wait {
            until: instant(until),
        }),
        (Some(2), Some(until)) if items.len() <= 4 => Ok(Acquire::Exhausted(UsageCap {
            until: instant(until),
            period: text_member(items.get(2)),
            scope: text_member(items.get(3)),
        })),
        _ => Err(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_so_nothing_goes_early() {
        let at = UNIX_EPOCH + Duration::new(1_700_000_000, 1_500);
        assert_eq!(micros(at, false), 1_700_000_000_000_001);
        assert_eq!(micros(at, true), 1_700_000_000_000_002);
        let whole = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(instant(micros(whole, true)), whole);
        assert_eq!(
            micros(SystemTime::UNIX_EPOCH - Duration::from_secs(1), false),
            0
        );
    }

    #[test]
    fn foreign_replies_are_refused_not_trusted() {
        let key = BookKey::new(twerr_core::CredentialId::from_bytes([7; 16]), "GET x /");
        for reply in [
            Value::Nil,
            Value::Int(0),
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Int(1), Value::Int(-5)]),
            Value::Array(vec![Value::Int(3)]),
            Value::Array(vec![Value::Int(0), Value::Int(1)]),
            Value::Array(vec![Value::Int(1), Value::Int(i64::MAX)]),
        ] {
            assert!(acquire_reply(&reply, &key).is_err(), "{reply:?}");
        }
        let capped = Value::Array(vec![
            Value::Int(2),
            Value::Int(5_000_000),
            Value::BulkString(b"Monthly".to_vec()),
            Value::BulkString(b"bad\nvalue".to_vec()),
        ]);
        assert_eq!(
            acquire_reply(&capped, &key).ok(),
            Some(Acquire::Exhausted(UsageCap {
                until: UNIX_EPOCH + Duration::from_secs(5),
                period: Some("Monthly".into()),
                scope: None,
            }))
        );
    }
}
