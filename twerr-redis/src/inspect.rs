//! Reading the store for a person (`twerr status`): every window, block, stream lease and
//! permit set under a prefix, read with plain commands (`SCAN`, `TYPE`, `HGETALL`, `ZCOUNT`,
//! `GET`, `PTTL`) that change nothing; and lifting one block.
//!
//! A stream lease is read as `SET key holder NX PX ttl` writes it (a string, the holder's
//! token, with an expiry); a key of another type is listed as [`Unreadable`].
//!
//! It needs no scripting permission, unlike [`RedisStore`](crate::RedisStore): a read-only
//! Redis user (`+@read +scan +info +time`, and `+del` to lift) can watch a fleet.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;
use twerr_core::{BlockEntry, CredentialId, Reach, WindowKind};

use crate::codec::{self, BlockFields};
use crate::connection::{Connection, Node};
use crate::error::{ConnectError, Redactor};
use crate::keys::{self, Keys, VERSION};

/// How many keys one `SCAN` step asks for, and one pipeline reads.
const BATCH: usize = 1000;

/// The longest lease holder or raw value kept as it is; longer ones are cut (with `…`).
const MAX_RAW: usize = 200;

/// A read-only view of a [`RedisStore`](crate::RedisStore)'s keys under one prefix.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use std::time::Duration;
///
/// let inspector =
///     twerr_redis::inspect::Inspector::connect("redis://127.0.0.1/", "twerr", Duration::from_secs(1))
///         .await?;
/// let snapshot = inspector.snapshot().await?;
/// for block in &snapshot.blocks {
///     println!("{} {}", block.app, block.entry.block());
/// }
/// # Ok(()) }
/// ```
///
/// A URL of a Redis Cluster node is read as the whole cluster when the feature `cluster` is
/// on: every master is scanned ([`Snapshot::masters`]). Without it, [`Snapshot::cluster`]
/// says the server is a cluster node and the snapshot holds that node's keys alone.
pub struct Inspector {
    connection: Connection,
    cluster: bool,
    prefix: String,
    address: String,
    redactor: Redactor,
}

impl std::fmt::Debug for Inspector {
    // Without the URL: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inspector")
            .field("address", &self.address)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// What the store held at one moment, as [`Inspector::snapshot`] read it. Each list is sorted
/// (by endpoint, app and credential; blocks by app, reach and holder).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Snapshot {
    /// Redis's clock when the snapshot was taken (`TIME`): permits in flight are counted by it.
    pub redis_time: SystemTime,
    /// The server is a Redis Cluster node.
    pub cluster: bool,
    /// The cluster's masters whose keys were read (`host:port`, sorted): every master, as
    /// the cluster reported them when the snapshot was taken. Empty for a single Redis, and
    /// for a cluster node read without the feature `cluster` (then only its own keys were
    /// read).
    pub masters: Vec<String>,
    /// Every rate-limit window.
    pub windows: Vec<WindowState>,
    /// Every block.
    pub blocks: Vec<BlockState>,
    /// Every stream lease.
    pub leases: Vec<LeaseState>,
    /// Every line with permits in flight (none listed with zero).
    pub in_flight: Vec<FlightState>,
    /// Keys of another key layout version (`v1`, a later one), by version: counted, not read.
    pub other_versions: BTreeMap<String, u64>,
    /// Values and keys that are not what this version writes: shown raw, never trusted.
    pub unreadable: Vec<Unreadable>,
}

impl Snapshot {
    /// Nothing under the prefix at all.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
            && self.blocks.is_empty()
            && self.leases.is_empty()
            && self.in_flight.is_empty()
            && self.other_versions.is_empty()
            && self.unreadable.is_empty()
    }
}

/// One rate-limit window as stored (a reset that has passed is shown as stored: the scripts
/// roll it into the next window when a request comes).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WindowState {
    /// The app (hash).
    pub app: CredentialId,
    /// The credential (hash); `None` for the app's 24-hour window.
    pub credential: Option<CredentialId>,
    /// `METHOD host /path/template`.
    pub endpoint: String,
    /// Which window.
    pub kind: WindowKind,
    /// Requests left.
    pub remaining: u64,
    /// The window's limit, when a response said it.
    pub limit: Option<u64>,
    /// When the window resets (the X server's clock).
    pub reset: SystemTime,
}

/// One block with where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BlockState {
    /// The app the block was set in (for an app's block, its holder too).
    pub app: CredentialId,
    /// The block, its holder and its probe schedule.
    pub entry: BlockEntry,
    /// A probe is out now (its slot is held).
    pub probe_in_flight: bool,
    key: String,
}

/// One stream lease: which worker holds the app's connection to the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseState {
    /// The app.
    pub app: CredentialId,
    /// The stream's name.
    pub stream: String,
    /// The holder's token, as stored (printable ASCII, else unreadable).
    pub holder: String,
    /// How long until the lease expires unless renewed (`PTTL`); `None` without expiry.
    pub expires_in: Option<Duration>,
}

/// The permits in flight on one line, counted by Redis's clock (expired ones excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlightState {
    /// The app.
    pub app: CredentialId,
    /// The credential; `None` for the app's line.
    pub credential: Option<CredentialId>,
    /// `METHOD host /path/template`.
    pub endpoint: String,
    /// Permits in flight.
    pub permits: u64,
}

/// A key or value this version does not read: a corrupt value, a key of another type, a name
/// these scripts do not write.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unreadable {
    /// The key's full name (hashes, never secrets).
    pub key: String,
    /// The hash field, when one field is at fault.
    pub field: Option<String>,
    /// The value as stored (cut at 200 characters, non-UTF-8 bytes replaced), or the key's
    /// type.
    pub raw: String,
    /// Why it was not read, in words.
    pub reason: &'static str,
}

/// Reading the store failed after connecting: Redis went away, stalled, or refused a command
/// (ACL). The message names the address, never the URL's user name or password.
#[derive(Debug)]
pub struct InspectError(String);

impl std::fmt::Display for InspectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InspectError {}

/// What a key name under the prefix says it is.
#[derive(Debug, PartialEq, Eq)]
enum Shape<'a> {
    Line(CredentialId, Option<CredentialId>, &'a str),
    Flight(CredentialId, Option<CredentialId>, &'a str),
    Block(CredentialId, Reach, CredentialId),
    Probe,
    Generation,
    Lease(CredentialId, &'a str),
    Version(&'a str),
    Unknown,
}

/// Reads a key name after `PREFIX:`.
fn shape<'a>(rest: &'a str) -> Shape<'a> {
    let Some((version, rest)) = rest.split_once(':') else {
        return Shape::Unknown;
    };
    if version != VERSION {
        let known = version.len() > 1
            && version.starts_with('v')
            && version[1..].bytes().all(|b| b.is_ascii_digit());
        return if known {
            Shape::Version(version)
        } else {
            Shape::Unknown
        };
    }
    let parsed = (|| {
        let (app, rest) = rest.strip_prefix('{')?.split_once("}:")?;
        let app = keys::from_hex(app)?;
        // `c:CREDENTIAL:ENDPOINT` or `a:ENDPOINT`.
        let holder = |rest: &'a str| -> Option<(Option<CredentialId>, &'a str)> {
            if let Some(rest) = rest.strip_prefix("a:") {
                return Some((None, rest));
            }
            let (credential, endpoint) = rest.strip_prefix("c:")?.split_once(':')?;
            Some((Some(keys::from_hex(credential)?), endpoint))
        };
        let (kind, rest) = rest.split_once(':').unwrap_or((rest, ""));
        Some(match kind {
            "line" => holder(rest).map(|(c, e)| Shape::Line(app, c, e))?,
            "flight" => holder(rest).map(|(c, e)| Shape::Flight(app, c, e))?,
            "block" if rest == "a" => Shape::Block(app, Reach::App, app),
            "block" => Shape::Block(
                app,
                Reach::Credential,
                keys::from_hex(rest.strip_prefix("c:")?)?,
            ),
            "probe" => Shape::Probe,
            "gen" if rest.is_empty() => Shape::Generation,
            "lease" if !rest.is_empty() => Shape::Lease(app, rest),
            _ => return None,
        })
    })();
    parsed.unwrap_or(Shape::Unknown)
}

/// The `SCAN MATCH` pattern of every key under `prefix`.
fn pattern(prefix: &str) -> String {
    let mut pattern = String::new();
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push_str(":*");
    pattern
}

/// A window as the scripts store it: `remaining:reset:limit`, the limit possibly empty.
fn window(text: &str) -> Option<(u64, SystemTime, Option<u64>)> {
    let mut parts = text.split(':');
    let (remaining, reset, limit) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let limit = match limit {
        "" => None,
        digits => Some(codec::number(digits)?),
    };
    Some((
        codec::number(remaining)?,
        codec::instant(codec::number(reset)?),
        limit,
    ))
}

fn kind_of(field: &str) -> Option<WindowKind> {
    match field {
        "15m" => Some(WindowKind::Endpoint),
        "app24h" => Some(WindowKind::App24Hour),
        "user24h" => Some(WindowKind::User24Hour),
        _ => None,
    }
}

fn raw(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(MAX_RAW) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

fn bytes(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(text) => Some(text.as_bytes()),
        _ => None,
    }
}

/// A hash's field-value pairs, from RESP2 (a flat array) or RESP3 (a map).
fn pairs(value: &Value) -> Vec<(String, String)> {
    let text = |v: &Value| bytes(v).map(raw).unwrap_or_default();
    match value {
        Value::Array(items) => items
            .chunks_exact(2)
            .map(|p| (text(&p[0]), text(&p[1])))
            .collect(),
        Value::Map(items) => items.iter().map(|(k, v)| (text(k), text(v))).collect(),
        _ => Vec::new(),
    }
}

impl Inspector {
    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db]` or
    /// `redis+unix:///path`) to read the keys under `prefix` (the store's
    /// [prefix](crate::RedisStoreBuilder::prefix), default `twerr`). `timeout` bounds the
    /// connection and each round trip after it. A Redis Cluster node (`INFO cluster`) is
    /// taken as the way into its cluster, with the feature `cluster`.
    ///
    /// # Errors
    ///
    /// [`ConnectError`] when the prefix holds a brace, the URL is not a Redis URL, or Redis is
    /// unreachable, refuses the connection or does not answer within `timeout`. Its message
    /// never holds the URL's user name or password.
    pub async fn connect(
        url: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Inspector, ConnectError> {
        if Keys::new(prefix).is_none() {
            return Err(ConnectError::prefix(prefix));
        }
        let redactor = Redactor::for_url(url);
        let client = redis::Client::open(url)
            .map_err(|e| ConnectError::new(None, redactor.redact(&e.to_string())))?;
        let address = client.get_connection_info().addr().to_string();
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout));
        let connect = client.get_multiplexed_async_connection_with_config(&config);
        let connection = match tokio::time::timeout(timeout, connect).await {
            Err(_) => return Err(ConnectError::timed_out(Some(address), timeout)),
            Ok(Err(e)) if e.is_timeout() => {
                return Err(ConnectError::timed_out(Some(address), timeout));
            }
            Ok(Err(e)) => {
                return Err(ConnectError::new(
                    Some(address),
                    redactor.redact(&e.to_string()),
                ));
            }
            Ok(Ok(connection)) => connection,
        };
        let mut inspector = Inspector {
            connection: Connection::Single(connection),
            cluster: false,
            prefix: prefix.to_owned(),
            address,
            redactor,
        };
        let info: String = inspector
            .query(redis::cmd("INFO").arg("cluster"))
            .await
            .map_err(|e| ConnectError::new(Some(inspector.address.clone()), e.0))?;
        inspector.cluster = info.contains("cluster_enabled:1");
        #[cfg(feature = "cluster")]
        if inspector.cluster {
            let client = redis::cluster::ClusterClient::builder([url])
                .connection_timeout(timeout)
                .response_timeout(timeout)
                .build()
                .map_err(|e| {
                    ConnectError::new(
                        Some(inspector.address.clone()),
                        inspector.redactor.redact(&e.to_string()),
                    )
                })?;
            let connection = tokio::time::timeout(timeout, client.get_async_connection())
                .await
                .map_err(|_| ConnectError::timed_out(Some(inspector.address.clone()), timeout))?
                .map_err(|e| {
                    ConnectError::new(
                        Some(inspector.address.clone()),
                        inspector.redactor.redact(&e.to_string()),
                    )
                })?;
            inspector.connection = Connection::Cluster(connection);
        }
        Ok(inspector)
    }

    /// The server's address (host and port, or socket path): never the user name or password.
    pub fn address(&self) -> &str {
        &self.address
    }

    fn failed(&self, error: &redis::RedisError) -> InspectError {
        InspectError(format!(
            "reading Redis at {} failed: {}",
            self.address,
            self.redactor.redact(&error.to_string())
        ))
    }

    async fn query<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
    ) -> Result<T, InspectError> {
        let mut connection = self.connection.clone();
        command
            .query_async(&mut connection)
            .await
            .map_err(|e| self.failed(&e))
    }

    /// Reads every key under the prefix: a `SCAN` of the whole key space (of every master,
    /// on a cluster), then each key by its type, a thousand keys per round trip.
    ///
    /// # Errors
    ///
    /// [`InspectError`] when Redis stops answering or refuses a command.
    pub async fn snapshot(&self) -> Result<Snapshot, InspectError> {
        let (secs, micros): (u64, u64) = self.query(&redis::cmd("TIME")).await?;
        let redis_time = UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros);
        let now_ms = secs * 1000 + micros / 1000;
        let nodes = self.connection.nodes().await.map_err(|e| self.failed(&e))?;
        let mut snapshot = Snapshot {
            redis_time,
            cluster: self.cluster,
            masters: nodes
                .iter()
                .filter(|node| **node != Node::Only)
                .map(ToString::to_string)
                .collect(),
            windows: Vec::new(),
            blocks: Vec::new(),
            leases: Vec::new(),
            in_flight: Vec::new(),
            other_versions: BTreeMap::new(),
            unreadable: Vec::new(),
        };
        let mut probes = HashSet::new();
        let pattern = pattern(&self.prefix);
        for node in &nodes {
            let mut cursor = 0u64;
            loop {
                let mut scan = redis::cmd("SCAN");
                scan.arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(BATCH);
                let (next, names): (u64, Vec<String>) = self
                    .connection
                    .query_on(node, &scan)
                    .await
                    .map_err(|e| self.failed(&e))?;
                self.read(node, &names, now_ms, &mut snapshot, &mut probes)
                    .await?;
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        for block in &mut snapshot.blocks {
            block.probe_in_flight = Keys::probe_of(&block.key).is_some_and(|p| probes.contains(&p));
        }
        snapshot.windows.sort_by(|a, b| {
            let order = |w: &WindowState| WindowKind::ALL.iter().position(|k| *k == w.kind);
            (&a.endpoint, a.app, a.credential, order(a)).cmp(&(
                &b.endpoint,
                b.app,
                b.credential,
                order(b),
            ))
        });
        snapshot.blocks.sort_by_key(|b| {
            let reach = b.entry.block().reach();
            (b.app, reach != Reach::App, b.entry.holder())
        });
        snapshot
            .leases
            .sort_by(|a, b| (a.app, &a.stream).cmp(&(b.app, &b.stream)));
        snapshot.in_flight.sort_by(|a, b| {
            (&a.endpoint, a.app, a.credential).cmp(&(&b.endpoint, b.app, b.credential))
        });
        snapshot.unreadable.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(snapshot)
    }

    /// Reads one `SCAN` batch: each key's type, then its content by its type (two pipelines).
    async fn read(
        &self,
        node: &Node,
        names: &[String],
        now_ms: u64,
        snapshot: &mut Snapshot,
        probes: &mut HashSet<String>,
    ) -> Result<(), InspectError> {
        let mut ours = Vec::new();
        for name in names {
            let rest = name
                .strip_prefix(self.prefix.as_str())
                .and_then(|r| r.strip_prefix(':'))
                .unwrap_or_default();
            match shape(rest) {
                Shape::Version(version) => {
                    *snapshot
                        .other_versions
                        .entry(version.to_owned())
                        .or_default() += 1;
                }
                Shape::Probe => {
                    probes.insert(name.clone());
                }
                Shape::Generation => {}
                Shape::Unknown => snapshot.unreadable.push(Unreadable {
                    key: name.clone(),
                    field: None,
                    raw: String::new(),
                    reason: "a key name this version does not write",
                }),
                shape => ours.push((name, shape)),
            }
        }
        if ours.is_empty() {
            return Ok(());
        }
        let mut types = redis::pipe();
        for (name, _) in &ours {
            types.cmd("TYPE").arg(name.as_str());
        }
        let types: Vec<String> = self
            .connection
            .pipeline_on(node, &types)
            .await
            .map_err(|e| self.failed(&e))?;
        let mut reads = redis::pipe();
        let mut wanted = Vec::new();
        for ((name, shape), kind) in ours.into_iter().zip(types) {
            let expected = match shape {
                Shape::Line(..) | Shape::Block(..) => "hash",
                Shape::Flight(..) => "zset",
                _ => "string",
            };
            if kind == "none" {
                continue; // expired since the scan
            }
            if kind != expected {
                snapshot.unreadable.push(Unreadable {
                    key: name.clone(),
                    field: None,
                    raw: kind,
                    reason: "a key of another type than this version writes",
                });
                continue;
            }
            match shape {
                Shape::Line(..) | Shape::Block(..) => reads.cmd("HGETALL").arg(name.as_str()),
                Shape::Flight(..) => reads
                    .cmd("ZCOUNT")
                    .arg(name.as_str())
                    .arg(format!("({now_ms}"))
                    .arg("+inf"),
                _ => reads.cmd("GET").arg(name.as_str()),
            };
            reads.cmd("PTTL").arg(name.as_str());
            wanted.push((name, shape));
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let values: Vec<Value> = self
            .connection
            .pipeline_on(node, &reads)
            .await
            .map_err(|e| self.failed(&e))?;
        for ((name, shape), pair) in wanted.into_iter().zip(values.chunks_exact(2)) {
            add(snapshot, name, shape, &pair[0], &pair[1]);
        }
        Ok(())
    }

    /// Lifts `block` (a person fixed its cause): deletes exactly its key and its probe slot,
    /// as [`RateLimitStore::lift`](twerr_core::RateLimitStore::lift) does for each block it
    /// finds; whether it was still there. Unlike the store's `lift` of a credential, which
    /// lifts its blocks in every app, this lifts the one block listed.
    ///
    /// # Errors
    ///
    /// [`InspectError`] when Redis stops answering or refuses `DEL` (ACL).
    pub async fn lift(&self, block: &BlockState) -> Result<bool, InspectError> {
        let mut delete = redis::cmd("DEL");
        delete.arg(&block.key);
        // The block and its probe slot share the app's slot: one DEL.
        if let Some(probe) = Keys::probe_of(&block.key) {
            delete.arg(probe);
        }
        let deleted: u64 = self.query(&delete).await?;
        Ok(deleted > 0)
    }
}

/// Adds one key's content, read as `value` with its `PTTL`, to the snapshot.
fn add(snapshot: &mut Snapshot, name: &str, shape: Shape<'_>, value: &Value, ttl: &Value) {
    let corrupt = |field: Option<&str>, raw: String, reason| Unreadable {
        key: name.to_owned(),
        field: field.map(str::to_owned),
        raw,
        reason,
    };
    match shape {
        Shape::Line(app, credential, endpoint) => {
            for (field, text) in pairs(value) {
                let parsed = kind_of(&field).zip(window(&text));
                match parsed {
                    // A field on the wrong line (an app window on a credential's) is foreign.
                    Some((kind, (remaining, reset, limit)))
                        if (kind == WindowKind::App24Hour) == credential.is_none() =>
                    {
                        snapshot.windows.push(WindowState {
                            app,
                            credential,
                            endpoint: endpoint.to_owned(),
                            kind,
                            remaining,
                            limit,
                            reset,
                        });
                    }
                    _ => snapshot.unreadable.push(corrupt(
                        Some(&field),
                        text,
                        "not a window as this version stores it (remaining:reset:limit)",
                    )),
                }
            }
        }
        Shape::Block(app, reach, holder) => {
            let pairs = pairs(value);
            let fields = BlockFields::from_hash(reach, &pairs);
            match (codec::block_of(&fields), fields.schedule()) {
                (Some(block), Some((next, failed))) => snapshot.blocks.push(BlockState {
                    app,
                    entry: BlockEntry::new(holder, block, next, failed),
                    probe_in_flight: false,
                    key: name.to_owned(),
                }),
                _ => {
                    let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    snapshot.unreadable.push(corrupt(
                        None,
                        raw(text.join(" ").as_bytes()),
                        "not a block as this version stores it",
                    ));
                }
            }
        }
        Shape::Flight(app, credential, endpoint) => match value {
            Value::Int(0) => {}
            Value::Int(n) => snapshot.in_flight.push(FlightState {
                app,
                credential,
                endpoint: endpoint.to_owned(),
                permits: u64::try_from(*n).unwrap_or_default(),
            }),
            _ => {}
        },
        Shape::Lease(app, stream) => {
            let Some(holder) = bytes(value) else {
                return; // expired since the scan
            };
            let printable = !holder.is_empty()
                && holder.len() <= MAX_RAW
                && holder.iter().all(u8::is_ascii_graphic);
            if !printable {
                snapshot.unreadable.push(corrupt(
                    None,
                    raw(holder),
                    "not a lease holder as this version stores it",
                ));
                return;
            }
            let expires_in = match ttl {
                Value::Int(ms) if *ms >= 0 => Some(Duration::from_millis(ms.unsigned_abs())),
                _ => None,
            };
            snapshot.leases.push(LeaseState {
                app,
                stream: stream.to_owned(),
                holder: raw(holder),
                expires_in,
            });
        }
        Shape::Probe | Shape::Generation | Shape::Version(_) | Shape::Unknown => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_read_as_the_store_writes_them() {
        let keys = Keys::new("twerr").unwrap();
        let app = CredentialId::from_bytes([1; 16]);
        let credential = CredentialId::from_bytes([2; 16]);
        let endpoint = "GET 127.0.0.1:8080 /2/users/{id}";
        let names = keys.names(&twerr_core::BookKey::new(app, credential, endpoint));
        let rest = |name: &str| name.strip_prefix("twerr:").unwrap().to_owned();
        assert_eq!(
            shape(&rest(&names.credential_line)),
            Shape::Line(app, Some(credential), endpoint)
        );
        assert_eq!(
            shape(&rest(&names.app_line)),
            Shape::Line(app, None, endpoint)
        );
        assert_eq!(
            shape(&rest(&names.credential_permits)),
            Shape::Flight(app, Some(credential), endpoint)
        );
        assert_eq!(
            shape(&rest(&names.credential_block)),
            Shape::Block(app, Reach::Credential, credential)
        );
        assert_eq!(
            shape(&rest(&names.app_block)),
            Shape::Block(app, Reach::App, app)
        );
        assert_eq!(shape(&rest(&names.app_probe)), Shape::Probe);
        assert_eq!(shape(&rest(&names.generation)), Shape::Generation);
        assert_eq!(shape("v1:{abc}:window:x"), Shape::Version("v1"));
        assert_eq!(shape("v2:{zz}:line:a:GET x /"), Shape::Unknown);
        assert_eq!(shape("something"), Shape::Unknown);
        assert_eq!(pattern("a*b"), "a\\*b:*");
    }

    #[test]
    fn windows_are_read_strictly() {
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(window("4:1700000000000000:10"), Some((4, at, Some(10))));
        assert_eq!(window("4:1700000000000000:"), Some((4, at, None)));
        for bad in [
            "",
            "4",
            "4:1",
            "-1:5:10",
            "4:5:10:1",
            "a:5:",
            "4:99999999999999999:",
        ] {
            assert_eq!(window(bad), None, "{bad:?}");
        }
        assert_eq!(raw(&[b'a'; 300]).chars().count(), MAX_RAW + 1);
    }
}
