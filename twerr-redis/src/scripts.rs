//! The Lua scripts: acquire, record, release, and the stream leases.
//!
//! Each operation is one script, so it is one round trip and runs atomically in Redis: no
//! other client's command can fall between reading a window and counting it down. The rules
//! are [`RateLimitBook`](twerr_core::RateLimitBook)'s, line for line (the conformance suite
//! checks them). Every script:
//! - decides windows and blocks by the `now` its caller passes (the server's clock, as the
//!   book does), and permit deadlines by Redis's own clock (`TIME`), so no caller's clock can
//!   end another's permit;
//! - sets each key's expiry from what the key itself holds: a line lives until its last
//!   window (and the assumed next one) ends, a permit set until its last deadline, a block
//!   until its end, each plus the margin; a call that changes nothing in a key moves nothing;
//! - reads every stored value like a header: a number that is not plain decimal digits within
//!   2^53, a reset further ahead than its window can be, or a key of another type is not
//!   trusted; it is dropped.
//!
//! Instants are whole microseconds since the Unix epoch (exact in Lua's doubles until the
//! year 2255): `now` rounded down, the instants a client waits for rounded up, so rounding
//! never lets a request go early. Permit deadlines are milliseconds of Redis's clock.

use std::time::Duration;

use redis::Script;
use twerr_core::WindowKind;

/// How long a block is kept after its next probe was due when no request came to probe it: a
/// day. A block without end (a revoked credential, credits run out) lives until a probe's
/// success or a person lifts it, as long as its app sends anything at least once a day.
pub(crate) const BLOCK_IDLE: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest probe interval a stored block may hold: a year (beyond it, corrupt).
pub(crate) const LONGEST_PROBE: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// Shared by the three scripts: validation, type checks, loading, rolling and expiry.
/// ARGV[1..4] of every script: now (µs, server clock), margin (ms), permit lifetime (ms),
/// permit id.
const PRELUDE: &str = r#"
local now, margin, lifetime, permit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
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
local function own(key, kind)
  local t = redis.call('TYPE', key).ok
  if t ~= kind and t ~= 'none' then redis.call('DEL', key) end
end
-- Redis's clock in milliseconds: permit deadlines are on it.
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Permits in flight: a sorted set, member = permit id, score = deadline. Expired permits and
-- deadlines no permit can have are pruned; the rest are counted.
local function flight(key, at)
  own(key, 'zset')
  redis.call('ZREMRANGEBYSCORE', key, '-inf', text(at))
  redis.call('ZREMRANGEBYSCORE', key, '(' .. text(at + lifetime), '+inf')
  return redis.call('ZCARD', key)
end
local function flight_expiry(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then
    redis.call('PEXPIREAT', key, text(math.ceil(tonumber(last[2])) + margin))
  end
end

-- A window as stored: 'remaining:reset:limit' (limit may be empty).
local function window(v, kind)
  if type(v) ~= 'string' or #v > 60 then return nil end
  local r, t, l = string.match(v, '^(%d+):(%d+):(%d*)$')
  local w = { rem = int(r), reset = int(t), limit = nil }
  if w.rem == nil or w.reset == nil then return nil end
  if l ~= '' then
    w.limit = int(l)
    if w.limit == nil then return nil end
  end
  if w.reset > now + LENGTH[kind] + SLACK then return nil end
  return w
end
local function load(key, kinds)
  own(key, 'hash')
  local v = redis.call('HMGET', key, unpack(kinds))
  local line = {}
  for i, kind in ipairs(kinds) do line[kind] = window(v[i], kind) end
  return line
end
-- A window whose reset has come rolls into its assumed successor (limit known: the same
-- limit, from the old reset for the window's length, less the permits in flight) or is
-- forgotten.
local function roll(line, kinds, in_flight)
  for _, kind in ipairs(kinds) do
    local w = line[kind]
    if w ~= nil and w.reset <= now then
      if w.limit == nil then
        line[kind] = nil
      else
        local length = LENGTH[kind]
        local periods = math.floor((now - w.reset) / length) + 1
        local rem = w.limit - in_flight
        if rem < 0 then rem = 0 end
        line[kind] = { rem = rem, reset = w.reset + length * periods, limit = w.limit }
      end
    end
  end
end
-- Writes a line back; its expiry is its last window's end (with the assumed next window
-- when the limit is known) plus the margin, from its own content.
local function save(key, line, kinds)
  local fields, gone, ends = {}, {}, nil
  for _, kind in ipairs(kinds) do
    local w = line[kind]
    if w == nil then
      table.insert(gone, kind)
    else
      local limit, e = '', w.reset
      if w.limit ~= nil then limit, e = text(w.limit), w.reset + LENGTH[kind] end
      table.insert(fields, kind)
      table.insert(fields, text(w.rem) .. ':' .. text(w.reset) .. ':' .. limit)
      if ends == nil or e > ends then ends = e end
    end
  end
  if ends == nil or ends <= now then
    redis.call('DEL', key)
    return
  end
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  redis.call('HSET', key, unpack(fields))
  redis.call('PEXPIRE', key, text(math.ceil((ends - now) / 1000) + margin))
end

-- A block as stored; one whose cause, reach, schedule or generation is corrupt is dropped,
-- a member that is not short printable text is left out. Its next probe is never further
-- ahead than its longest interval: no block goes longer than that without a probe.
local function member(v)
  if v == false or #v > 64 or not string.match(v, '^[!-~]+$') then return '' end
  return v
end
local FIELDS = {'cause', 'writes', 'until', 'period', 'scope', 'first', 'max', 'next', 'failed', 'gen'}
local function block(key)
  own(key, 'hash')
  local v = redis.call('HMGET', key, unpack(FIELDS))
  local empty = true
  for i = 1, #FIELDS do if v[i] then empty = false end end
  if empty then return nil end
  local b = { cause = v[1], writes = v[2], ends = nil, period = member(v[4]),
              scope = member(v[5]), first = int(v[6]), max = int(v[7]), next = int(v[8]),
              failed = int(v[9]), gen = int(v[10]) }
  local valid = type(b.cause) == 'string' and #b.cause <= 80
    and string.match(b.cause, '^[scp]:[%w%-%._]*$') and (b.writes == '0' or b.writes == '1')
    and b.first ~= nil and b.max ~= nil and b.first <= b.max and b.max <= LONGEST
    and b.next ~= nil and b.failed ~= nil and b.failed <= 64 and b.gen ~= nil
  if valid and v[3] then
    b.ends = int(v[3])
    valid = b.ends ~= nil
  end
  if not valid then
    redis.call('DEL', key)
    return nil
  end
  if b.next > now + b.max then b.next = now + b.max end
  return b
end
-- The wait before the probe after `failed` failed ones (Block::probe_wait).
local function probe_wait(b)
  if b.ends ~= nil then return b.max end
  local w = b.first
  for _ = 1, b.failed do
    w = w * 2
    if w >= b.max then return b.max end
  end
  if w > b.max then return b.max end
  return w
end
-- Writes a block back; it lives until its next probe is due plus IDLE (nobody asked for a
-- day) plus the margin, so a block without end lives until lifted while anyone asks.
local function save_block(key, b)
  redis.call('DEL', key)
  redis.call('HSET', key, 'cause', b.cause, 'writes', b.writes, 'first', text(b.first),
    'max', text(b.max), 'next', text(b.next), 'failed', text(b.failed), 'gen', text(b.gen))
  if b.ends ~= nil then redis.call('HSET', key, 'until', text(b.ends)) end
  if b.period ~= '' then redis.call('HSET', key, 'period', b.period) end
  if b.scope ~= '' then redis.call('HSET', key, 'scope', b.scope) end
  local ttl = math.ceil((b.next - now) / 1000) + IDLE + margin
  if ttl < 1 then ttl = 1 end
  redis.call('PEXPIRE', key, text(ttl))
end
local function blocked_reply(reach, b)
  local ends = ''
  if b.ends ~= nil then ends = text(b.ends) end
  return {2, reach, b.cause, b.writes, ends, b.period, b.scope, text(b.first), text(b.max)}
end
-- The app's generation: raised each time a block is set in the app; a permit carries the
-- value at its grant, so a success lifts only blocks set before it was granted. When the
-- key is gone it starts again from Redis's clock in seconds, above any earlier value.
local function generation(key)
  own(key, 'string')
  local g = int(redis.call('GET', key) or '')
  if g == nil or g > 4294967295 then return 0 end
  return g
end
local function raise(key, ttl)
  local g = generation(key) + 1
  local t = tonumber(redis.call('TIME')[1])
  if t > g then g = t end
  redis.call('SET', key, text(g))
  local left = redis.call('PTTL', key)
  if left < ttl then redis.call('PEXPIRE', key, text(ttl)) end
  return g
end
-- Whether the probe slot `key` is held by this permit.
local function holds(key)
  own(key, 'string')
  return redis.call('GET', key) == permit
end
"#;

/// KEYS: credential block, app block, credential line, app line, credential permits, app
/// permits, credential probe slot, app probe slot, the app's generation. ARGV after the four
/// shared: `1` when the request only reads; then what the calling process knows, per kind
/// (15m, app24h, user24h) remaining, reset, limit ('' when unknown), taken in as the record
/// script takes a report but without subtracting the permits in flight (they are counted in
/// it already): so what Redis lost (a restart, a stall that lost writes) is written back.
/// Reply: `{0, generation, probe (0/1), windows...}` go, `{1, until, windows...}` wait,
/// `{2, reach, cause, writes, until or '', period, scope, first, max}` blocked; `windows` is
/// per kind remaining, reset, limit as text ('' when unknown), after the grant.
const ACQUIRE: &str = r#"
local read = ARGV[5] == '1'
-- Blocks first: a request a block reaches goes only as that block's probe, one at a time.
local probes = {}
for i, reach in ipairs({'credential', 'app'}) do
  local b = block(KEYS[i])
  if b ~= nil and (b.writes == '0' or not read) then
    own(KEYS[i + 6], 'string')
    if now < b.next or redis.call('EXISTS', KEYS[i + 6]) == 1 then
      return blocked_reply(reach, b)
    end
    probes[i] = true
  end
end
local at = clock()
local lines = { load(KEYS[3], CREDENTIAL), load(KEYS[4], APP) }
local kinds = { CREDENTIAL, APP }
local wait = nil
for i = 1, 2 do roll(lines[i], kinds[i], flight(KEYS[i + 4], at)) end
local ALL = {'15m', 'app24h', 'user24h'}
for n, kind in ipairs(ALL) do
  local rem, reset, limit = int(ARGV[3 * n + 3]), int(ARGV[3 * n + 4]), int(ARGV[3 * n + 5])
  if rem ~= nil and reset ~= nil and reset > now and reset <= now + LENGTH[kind] + SLACK then
    local i = 1
    if kind == 'app24h' then i = 2 end
    local w = lines[i][kind]
    if w ~= nil and w.reset == reset then
      if rem < w.rem then w.rem = rem end
      if w.limit == nil then w.limit = limit end
    elseif w == nil or w.reset < reset then
      lines[i][kind] = { rem = rem, reset = reset, limit = limit }
    end
  end
end
for i = 1, 2 do
  for _, w in pairs(lines[i]) do
    if w.rem == 0 and (wait == nil or w.reset > wait) then wait = w.reset end
  end
end
-- The windows as they stand, for the caller's own book.
local function windows(reply)
  for _, kind in ipairs(ALL) do
    local w = lines[1][kind] or lines[2][kind]
    if w == nil then
      for _ = 1, 3 do table.insert(reply, '') end
    else
      table.insert(reply, text(w.rem))
      table.insert(reply, text(w.reset))
      table.insert(reply, w.limit and text(w.limit) or '')
    end
  end
  return reply
end
if wait ~= nil then
  for i = 1, 2 do save(KEYS[i + 2], lines[i], kinds[i]) end
  return windows({1, wait})
end
for i = 1, 2 do
  for _, w in pairs(lines[i]) do w.rem = w.rem - 1 end
  save(KEYS[i + 2], lines[i], kinds[i])
  redis.call('ZADD', KEYS[i + 4], text(at + lifetime), permit)
  flight_expiry(KEYS[i + 4])
end
-- The probe's slot is held for the permit's lifetime on Redis's clock: a probe nobody ends
-- frees it on its own, whatever any caller's clock says.
local probe = 0
for i = 1, 2 do
  if probes[i] then
    redis.call('SET', KEYS[i + 6], permit, 'PX', text(lifetime))
    probe = 1
  end
end
return windows({0, generation(KEYS[9]), probe})
"#;

/// KEYS: as acquire. ARGV after the four shared: read (1/0), probe (1/0), the permit's
/// generation, succeeded (1/0); per kind (15m, app24h, user24h) remaining, reset, limit (all
/// '' when not reported); then the block: reach ('' for none, 'credential', 'app'), cause,
/// writes, until, period, scope, first probe wait, longest probe wait (µs).
const RECORD: &str = r#"
local read, probe, succeeded = ARGV[5] == '1', ARGV[6] == '1', ARGV[8] == '1'
local granted = int(ARGV[7]) or 0
-- Whether this permit is the probe holding slot i.
local function probing(i) return probe and holds(KEYS[i + 6]) end
local reach = ARGV[18]
if reach == 'credential' or reach == 'app' then
  local i = 1
  if reach == 'app' then i = 2 end
  local first, max = int(ARGV[24]), int(ARGV[25])
  local b = { cause = ARGV[19], writes = ARGV[20], ends = int(ARGV[21]),
              period = member(ARGV[22]), scope = member(ARGV[23]), first = first, max = max }
  local valid = first ~= nil and max ~= nil and first >= 1 and first <= max and max <= LONGEST
    and #b.cause <= 80 and string.match(b.cause, '^[scp]:[%w%-%._]*$')
    and (b.writes == '0' or b.writes == '1') and (ARGV[21] == '' or b.ends ~= nil)
  if valid then
    local known = block(KEYS[i])
    if known ~= nil then
      -- Known: a failing probe doubles the wait; any other failure restarts the interval.
      b.failed, b.gen = known.failed, known.gen
      if probing(i) then
        if b.failed < 64 then b.failed = b.failed + 1 end
        redis.call('DEL', KEYS[i + 6])
      end
      b.next = now + probe_wait(b)
      save_block(KEYS[i], b)
    else
      -- New: the app's generation rises, so requests granted before it cannot lift it. The
      -- generation outlives every block of the app and the permits granted under it.
      b.failed = 0
      b.next = now + probe_wait(b)
      b.gen = raise(KEYS[9], math.ceil((b.next - now) / 1000) + IDLE + margin + lifetime)
      save_block(KEYS[i], b)
    end
  end
else
  for i = 1, 2 do
    local b = block(KEYS[i])
    if b ~= nil and (b.writes == '0' or not read) then
      if succeeded and granted >= b.gen then
        -- A success of a request granted after the block was set: lifted.
        redis.call('DEL', KEYS[i], KEYS[i + 6])
      elseif probing(i) then
        -- A probe that neither failed nor succeeded frees its slot for the next interval.
        redis.call('DEL', KEYS[i + 6])
        b.next = now + probe_wait(b)
        save_block(KEYS[i], b)
      end
    end
  end
end
local at = clock()
local lines = { load(KEYS[3], CREDENTIAL), load(KEYS[4], APP) }
local in_flight = {}
for i = 1, 2 do
  own(KEYS[i + 4], 'zset')
  redis.call('ZREM', KEYS[i + 4], permit)
  in_flight[i] = flight(KEYS[i + 4], at)
end
for n, kind in ipairs({'15m', 'app24h', 'user24h'}) do
  local rem, reset, limit = int(ARGV[3 * n + 6]), int(ARGV[3 * n + 7]), int(ARGV[3 * n + 8])
  if rem ~= nil and reset ~= nil and reset > now and reset <= now + LENGTH[kind] + SLACK then
    local i = 1
    if kind == 'app24h' then i = 2 end
    local reported = rem - in_flight[i]
    if reported < 0 then reported = 0 end
    local w = lines[i][kind]
    if w ~= nil and w.reset == reset then
      if reported < w.rem then w.rem = reported end
      if limit ~= nil then w.limit = limit end
    elseif w ~= nil and w.reset > reset then
      -- A late response about an earlier window: stale, ignored.
    else
      lines[i][kind] = { rem = reported, reset = reset, limit = limit }
    end
  end
end
save(KEYS[3], lines[1], CREDENTIAL)
save(KEYS[4], lines[2], APP)
for i = 5, 6 do flight_expiry(KEYS[i]) end
return 0
"#;

/// KEYS: credential permits, app permits, credential probe slot, app probe slot. ARGV after
/// the four shared: probe (1/0). A released probe frees its slot at once.
const RELEASE: &str = r#"
for i = 1, 2 do
  own(KEYS[i], 'zset')
  redis.call('ZREM', KEYS[i], permit)
  if ARGV[5] == '1' and holds(KEYS[i + 2]) then redis.call('DEL', KEYS[i + 2]) end
end
return 0
"#;

/// Stream leases: KEYS[1] the lease, ARGV[1] the holder's token. A key of another type is
/// not a lease: acquire replaces it, renew and release leave it.
const LEASE_PRELUDE: &str = r#"
local t = redis.call('TYPE', KEYS[1]).ok
local held = false
if t == 'string' then held = redis.call('GET', KEYS[1]) end
"#;

/// ARGV[2]: the ttl (ms). Reply `{1}` granted (free, expired or the holder's own: the expiry
/// is set to the ttl on Redis's clock), `{0, ms left}` held by another (`-1`: no expiry).
const LEASE_ACQUIRE: &str = r#"
if held == false or held == ARGV[1] then
  if t ~= 'string' and t ~= 'none' then redis.call('DEL', KEYS[1]) end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1}
end
return {0, redis.call('PTTL', KEYS[1])}
"#;

/// ARGV[2]: the ttl (ms). Reply 1 renewed, 0 not the holder's.
const LEASE_RENEW: &str = r#"
if held ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"#;

/// Reply 1 released, 0 not the holder's.
const LEASE_RELEASE: &str = r#"
if held ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
"#;

/// The scripts, hashed once.
pub(crate) struct Scripts {
    pub(crate) acquire: Script,
    pub(crate) record: Script,
    pub(crate) release: Script,
    pub(crate) lease_acquire: Script,
    pub(crate) lease_renew: Script,
    pub(crate) lease_release: Script,
}

impl Scripts {
    pub(crate) fn new() -> Self {
        let micros = |d: Duration| d.as_micros();
        let constants = format!(
            "local LENGTH = {{ ['15m'] = {}, ['app24h'] = {}, ['user24h'] = {} }}\n\
             local SLACK, IDLE, LONGEST = {}, {}, {}\n\
             local CREDENTIAL, APP = {{ '{}', '{}' }}, {{ '{}' }}\n",
            micros(WindowKind::Endpoint.length()),
            micros(WindowKind::App24Hour.length()),
            micros(WindowKind::User24Hour.length()),
            micros(WindowKind::RESET_SLACK),
            BLOCK_IDLE.as_millis(),
            micros(LONGEST_PROBE),
            WindowKind::Endpoint.as_str(),
            WindowKind::User24Hour.as_str(),
            WindowKind::App24Hour.as_str(),
        );
        let script = |body: &str| Script::new(&format!("{constants}{PRELUDE}{body}"));
        Scripts {
            acquire: script(ACQUIRE),
            record: script(RECORD),
            release: script(RELEASE),
            lease_acquire: Script::new(&format!("{LEASE_PRELUDE}{LEASE_ACQUIRE}")),
            lease_renew: Script::new(&format!("{LEASE_PRELUDE}{LEASE_RENEW}")),
            lease_release: Script::new(&format!("{LEASE_PRELUDE}{LEASE_RELEASE}")),
        }
    }

    pub(crate) fn all(&self) -> [&Script; 6] {
        [
            &self.acquire,
            &self.record,
            &self.release,
            &self.lease_acquire,
            &self.lease_renew,
            &self.lease_release,
        ]
    }
}
