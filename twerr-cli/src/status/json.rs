//! `twerr status --json`: schema 1, documented in `twerr status --help` and the README.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use twerr_core::Reach;

use super::{Frame, block_id, cause, kind_name, short, short_key};

/// Raised when a field changes meaning or goes away (adding one does not raise it).
pub const SCHEMA: u64 = 1;

/// The snapshot as one JSON object.
pub fn render(frame: &Frame<'_>) -> Value {
    let snapshot = frame.snapshot;
    let windows: Vec<Value> = snapshot
        .windows
        .iter()
        .map(|w| {
            json!({
                "app": short(w.app),
                "credential": w.credential.map(short),
                "endpoint": w.endpoint,
                "kind": kind_name(w.kind),
                "remaining": w.remaining,
                "limit": w.limit,
                "reset": unix(w.reset),
            })
        })
        .collect();
    let blocks: Vec<Value> = snapshot
        .blocks
        .iter()
        .map(|state| {
            let block = state.entry.block();
            let reach = match block.reach() {
                Reach::App => String::from("app"),
                Reach::Credential => String::from("credential"),
                other => other.to_string(),
            };
            json!({
                "id": block_id(state, snapshot),
                "app": short(state.app),
                "reach": reach,
                "holder": short(state.entry.holder()),
                "cause": cause(block.cause()),
                "writes_only": block.writes_only(),
                "period": block.period(),
                "scope": block.scope(),
                "until": block.until().map(unix),
                "next_probe": unix(state.entry.next_probe()),
                "failed_probes": state.entry.failed_probes(),
                "probe_in_flight": state.probe_in_flight,
            })
        })
        .collect();
    let leases: Vec<Value> = snapshot
        .leases
        .iter()
        .map(|lease| {
            json!({
                "app": short(lease.app),
                "stream": lease.stream,
                "holder": lease.holder.chars().take(8).collect::<String>(),
                "expires_in_ms": lease.expires_in.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            })
        })
        .collect();
    let in_flight: Vec<Value> = snapshot
        .in_flight
        .iter()
        .map(|f| {
            json!({
                "app": short(f.app),
                "credential": f.credential.map(short),
                "endpoint": f.endpoint,
                "permits": f.permits,
            })
        })
        .collect();
    let unreadable: Vec<Value> = snapshot
        .unreadable
        .iter()
        .map(|u| {
            json!({
                "key": short_key(&u.key),
                "field": u.field,
                "raw": u.raw,
                "reason": u.reason,
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "redis": frame.address,
        "prefix": frame.prefix,
        "now": unix(frame.now),
        "cluster_node": snapshot.cluster,
        "masters": snapshot.masters,
        "windows": windows,
        "blocks": blocks,
        "leases": leases,
        "in_flight": in_flight,
        "other_versions": snapshot.other_versions,
        "unreadable": unreadable,
    })
}

/// Unix seconds, rounded up: an instant waited for is never shown as reached early.
fn unix(at: SystemTime) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    since.as_secs() + u64::from(since.subsec_nanos() > 0)
}
