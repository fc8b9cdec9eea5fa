//! `twerr status` as a person reads it: one aligned table per kind of state.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use twerr_core::Reach;
use twerr_redis::inspect::{BlockState, Snapshot};

use super::{Frame, block_id, cause, kind_name, short, short_key};
use crate::output::clean;

/// Cells of the remaining-of-limit bar.
const BAR: usize = 10;

/// The whole listing of one snapshot.
pub fn render(frame: &Frame<'_>) -> String {
    let snapshot = frame.snapshot;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Redis {}, prefix {}, at {}",
        frame.address,
        clean(frame.prefix, 80),
        local(frame.now, frame.now)
    );
    if !snapshot.masters.is_empty() {
        let _ = writeln!(
            out,
            "Redis Cluster: every master read ({})",
            snapshot.masters.join(", ")
        );
    } else if snapshot.cluster {
        out.push_str("Note: this server is a Redis Cluster node; only its own keys are shown.\n");
    }
    if !frame.readable() {
        let _ = writeln!(
            out,
            "\nNothing this version of twerr reads under the prefix {:?}: no worker wrote \
             here yet, its keys expired, or the workers use another --prefix.",
            frame.prefix
        );
    }
    windows(&mut out, frame);
    blocks(&mut out, frame);
    leases(&mut out, snapshot);
    in_flight(&mut out, snapshot);
    for (version, count) in &snapshot.other_versions {
        let _ = writeln!(
            out,
            "\nNot read: {count} key(s) of key layout {version}, written by another twerr \
             version (they expire on their own; see twerr-redis's notes on upgrading)."
        );
    }
    if !snapshot.unreadable.is_empty() {
        let _ = writeln!(out, "\nUnreadable ({})", snapshot.unreadable.len());
        for entry in &snapshot.unreadable {
            let field = entry
                .field
                .as_deref()
                .map(|f| format!(" field {}", clean(f, 40)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{field}: {:?}\n    {}",
                clean(&short_key(&entry.key), 200),
                clean(&entry.raw, 200),
                entry.reason
            );
        }
    }
    out
}

fn windows(out: &mut String, frame: &Frame<'_>) {
    let list = &frame.snapshot.windows;
    if list.is_empty() {
        return;
    }
    let mut table = vec![row([
        "ENDPOINT",
        "APP",
        "CREDENTIAL",
        "KIND",
        "REMAINING",
        "",
        "RESET",
    ])];
    for w in list {
        let limit = w.limit.map_or_else(|| String::from("?"), |l| l.to_string());
        table.push(vec![
            clean(&w.endpoint, 80),
            short(w.app),
            w.credential.map_or_else(|| String::from("-"), short),
            kind_name(w.kind).to_owned(),
            bar(w.remaining, w.limit),
            format!("{} of {limit}", w.remaining),
            local(w.reset, frame.now),
        ]);
    }
    section(out, "Windows", list.len(), &table);
}

fn blocks(out: &mut String, frame: &Frame<'_>) {
    let list = &frame.snapshot.blocks;
    if list.is_empty() {
        return;
    }
    let mut table = vec![row(["BLOCK", "KIND", "REACH", "UNTIL", "NEXT PROBE"])];
    for state in list {
        table.push(block_row(state, frame));
    }
    section(out, "Blocks", list.len(), &table);
}

/// One block's cells: its id for `--lift`, cause with period and scope, reach, end, probe.
fn block_row(state: &BlockState, frame: &Frame<'_>) -> Vec<String> {
    let block = state.entry.block();
    let mut kind = cause(block.cause());
    match (block.period(), block.scope()) {
        (Some(period), Some(scope)) => {
            let _ = write!(kind, " ({}, {})", clean(period, 64), clean(scope, 64));
        }
        (Some(one), None) | (None, Some(one)) => {
            let _ = write!(kind, " ({})", clean(one, 64));
        }
        (None, None) => {}
    }
    let mut reach = match block.reach() {
        Reach::App => String::from("app"),
        Reach::Credential => String::from("credential"),
        other => other.to_string(),
    };
    if block.writes_only() {
        reach.push_str(", writes");
    }
    let until = block.until().map_or_else(
        || String::from("no known end"),
        |until| local(until, frame.now),
    );
    let mut probe = if state.probe_in_flight {
        String::from("a probe is out")
    } else {
        local(state.entry.next_probe(), frame.now)
    };
    if state.entry.failed_probes() > 0 {
        let _ = write!(probe, ", {} failed", state.entry.failed_probes());
    }
    vec![block_id(state, frame.snapshot), kind, reach, until, probe]
}

fn leases(out: &mut String, snapshot: &Snapshot) {
    if snapshot.leases.is_empty() {
        return;
    }
    let mut table = vec![row(["APP", "STREAM", "HOLDER", "EXPIRES"])];
    for lease in &snapshot.leases {
        table.push(vec![
            short(lease.app),
            clean(&lease.stream, 80),
            clean(&lease.holder.chars().take(8).collect::<String>(), 8),
            lease
                .expires_in
                .map_or_else(|| String::from("never"), |d| format!("in {}", countdown(d))),
        ]);
    }
    section(out, "Stream leases", snapshot.leases.len(), &table);
}

fn in_flight(out: &mut String, snapshot: &Snapshot) {
    if snapshot.in_flight.is_empty() {
        return;
    }
    let mut table = vec![row(["ENDPOINT", "APP", "CREDENTIAL", "PERMITS"])];
    for flight in &snapshot.in_flight {
        table.push(vec![
            clean(&flight.endpoint, 80),
            short(flight.app),
            flight.credential.map_or_else(|| String::from("-"), short),
            flight.permits.to_string(),
        ]);
    }
    section(out, "In flight", snapshot.in_flight.len(), &table);
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// A titled table, columns padded to their widest cell.
fn section(out: &mut String, title: &str, count: usize, rows: &[Vec<String>]) {
    let _ = writeln!(out, "\n{title} ({count})");
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for cells in rows {
        let mut line = String::new();
        for (cell, width) in cells.iter().zip(&widths) {
            let _ = write!(line, "  {cell:<width$}");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// `[######....]`: the share of the limit left; `[??????????]` when the limit is unknown.
fn bar(remaining: u64, limit: Option<u64>) -> String {
    let Some(limit) = limit.filter(|l| *l > 0) else {
        return format!("[{}]", "?".repeat(BAR));
    };
    let filled = (u128::from(remaining.min(limit)) * BAR as u128).div_ceil(u128::from(limit));
    let filled = usize::try_from(filled).unwrap_or(BAR);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(BAR - filled))
}

/// `at` in local time (the time of day alone when it is today) and how far from `now`.
pub fn local(at: SystemTime, now: SystemTime) -> String {
    let zone = jiff::tz::TimeZone::system();
    let zoned = |t: SystemTime| {
        jiff::Timestamp::try_from(t)
            .ok()
            .map(|t| t.to_zoned(zone.clone()))
    };
    let (Some(at_local), Some(now_local)) = (zoned(at), zoned(now)) else {
        return String::from("(out of range)");
    };
    let shown = if at_local.date() == now_local.date() {
        at_local.strftime("%H:%M:%S").to_string()
    } else {
        at_local.strftime("%Y-%m-%d %H:%M").to_string()
    };
    if at == now {
        return format!("{shown} {}", at_local.strftime("%Z"));
    }
    match at.duration_since(now) {
        Ok(ahead) => format!("{shown} (in {})", countdown(ahead)),
        Err(past) => format!("{shown} ({} ago)", countdown(past.duration())),
    }
}

/// A countdown in its two largest units, rounded up to the second.
fn countdown(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        3600..86_400 => format!("{} h {} min", secs / 3600, secs / 60 % 60),
        _ => format!("{} d {} h", secs / 86_400, secs / 3600 % 24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_countdowns() {
        assert_eq!(bar(0, Some(75)), "[..........]");
        assert_eq!(bar(1, Some(75)), "[#.........]", "anything left shows");
        assert_eq!(bar(75, Some(75)), "[##########]");
        assert_eq!(bar(80, Some(75)), "[##########]");
        assert_eq!(bar(3, None), "[??????????]");
        assert_eq!(bar(3, Some(0)), "[??????????]");
        assert_eq!(countdown(Duration::from_millis(500)), "1 s");
        assert_eq!(countdown(Duration::from_secs(500)), "8 min 20 s");
        assert_eq!(countdown(Duration::from_secs(3 * 86_400 + 7200)), "3 d 2 h");
    }
}
