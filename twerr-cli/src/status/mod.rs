//! `twerr status`: the state a fleet shares in Redis, read with twerr-redis's read-only
//! [`Inspector`], printed once, redrawn every second, or one block lifted.

mod json;
mod view;

use std::io::{self, BufRead, IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;
use twerr_core::{Cause, CredentialId, Reach, WindowKind};
use twerr_redis::inspect::{BlockState, Inspector, Snapshot};

use crate::cli::StatusArgs;
use crate::error::{Failure, NOT_IN_TABLE, Outcome, Output};

/// How long connecting, and each round trip, may take: an unreachable Redis is reported
/// within a second.
const TIMEOUT: Duration = Duration::from_millis(800);

/// One snapshot with what it is shown with.
pub struct Frame<'a> {
    address: &'a str,
    prefix: &'a str,
    now: SystemTime,
    snapshot: &'a Snapshot,
}

impl Frame<'_> {
    /// Whether the store holds anything this version reads.
    fn readable(&self) -> bool {
        let s = self.snapshot;
        !(s.windows.is_empty()
            && s.blocks.is_empty()
            && s.leases.is_empty()
            && s.in_flight.is_empty()
            && s.unreadable.is_empty())
    }
}

/// Runs `twerr status`.
pub fn run(args: &StatusArgs) -> Result<Outcome, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let inspector = connect(&runtime, args)?;
    if let Some(block) = &args.lift {
        return lift(&runtime, &inspector, block, args.yes);
    }
    let now = move || {
        args.now
            .map_or_else(SystemTime::now, |s| UNIX_EPOCH + Duration::from_secs(s))
    };
    if args.watch {
        let (prefix, json) = (args.prefix.clone(), args.json);
        let count = args.watch_count;
        let (url, fixed) = (args.redis.clone(), args.now);
        let write = move |out: &mut dyn Write| {
            watch(&runtime, inspector, &url, &prefix, json, count, fixed, out)
        };
        return Ok(Outcome {
            text: Output::Stream(Box::new(write)),
            exit: 0,
            notes: Vec::new(),
        });
    }
    let snapshot = runtime
        .block_on(inspector.snapshot())
        .map_err(|e| Failure(e.to_string()))?;
    let frame = Frame {
        address: inspector.address(),
        prefix: &args.prefix,
        now: now(),
        snapshot: &snapshot,
    };
    let text = if args.json {
        format!("{}\n", json::render(&frame))
    } else {
        view::render(&frame)
    };
    Ok(Outcome {
        exit: if frame.readable() { 0 } else { NOT_IN_TABLE },
        ..Outcome::ok(text)
    })
}

fn connect(runtime: &Runtime, args: &StatusArgs) -> Result<Inspector, Failure> {
    runtime
        .block_on(Inspector::connect(&args.redis, &args.prefix, TIMEOUT))
        .map_err(|e| Failure(e.to_string()))
}

/// Redraws until interrupted (or `count` frames); a failed read is shown and retried.
#[allow(clippy::too_many_arguments)] // the closure's captures, passed on once
fn watch(
    runtime: &Runtime,
    mut inspector: Inspector,
    url: &str,
    prefix: &str,
    json: bool,
    count: Option<u64>,
    fixed: Option<u64>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let clear = !json && io::stdout().is_terminal();
    let mut drawn = 0u64;
    loop {
        let now = fixed.map_or_else(SystemTime::now, |s| UNIX_EPOCH + Duration::from_secs(s));
        let text = match runtime.block_on(inspector.snapshot()) {
            Ok(snapshot) => {
                let frame = Frame {
                    address: inspector.address(),
                    prefix,
                    now,
                    snapshot: &snapshot,
                };
                if json {
                    format!("{}\n", json::render(&frame))
                } else {
                    view::render(&frame)
                }
            }
            Err(error) => {
                // The connection may be gone for good: connect afresh for the next frame.
                if let Ok(fresh) = runtime.block_on(Inspector::connect(url, prefix, TIMEOUT)) {
                    inspector = fresh;
                }
                let _ = writeln!(io::stderr(), "twerr: {error}; trying again");
                String::new()
            }
        };
        if clear {
            out.write_all(b"\x1b[H\x1b[2J")?;
        } else if drawn > 0 && !json {
            out.write_all(b"\n")?;
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
        drawn += 1;
        if count.is_some_and(|n| drawn >= n) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Lifts the one block `wanted` names, after a confirmation unless `yes`.
fn lift(
    runtime: &Runtime,
    inspector: &Inspector,
    wanted: &str,
    yes: bool,
) -> Result<Outcome, Failure> {
    let snapshot = runtime
        .block_on(inspector.snapshot())
        .map_err(|e| Failure(e.to_string()))?;
    let state = select(&snapshot, wanted)?;
    let Some(state) = state else {
        let listed: Vec<String> = snapshot
            .blocks
            .iter()
            .map(|b| block_id(b, &snapshot))
            .collect();
        let listed = if listed.is_empty() {
            String::from("there is none")
        } else {
            format!("there are: {}", listed.join(", "))
        };
        return Ok(Outcome {
            exit: NOT_IN_TABLE,
            ..Outcome::ok(format!("No block {wanted} to lift; {listed}.\n"))
        });
    };
    let id = block_id(state, &snapshot);
    let what = format!("{id} ({})", state.entry.block());
    if !yes {
        if !io::stdin().is_terminal() {
            return Err(Failure(format!(
                "not lifting {id} without a confirmation: standard input is not a terminal; \
                 add --yes to lift it"
            )));
        }
        let mut stderr = io::stderr();
        let _ = write!(
            stderr,
            "Lift {what}?\nRequests it holds back will be sent again. [y/N] "
        );
        let _ = stderr.flush();
        let mut answer = String::new();
        let _ = io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            return Ok(Outcome {
                exit: NOT_IN_TABLE,
                ..Outcome::ok(format!("Not lifted: {id}.\n"))
            });
        }
    }
    let lifted = runtime
        .block_on(inspector.lift(state))
        .map_err(|e| Failure(e.to_string()))?;
    Ok(if lifted {
        Outcome::ok(format!("Lifted {what}.\n"))
    } else {
        Outcome {
            exit: NOT_IN_TABLE,
            ..Outcome::ok(format!(
                "{id} was already gone (lifted, or a probe succeeded).\n"
            ))
        }
    })
}

/// The block `wanted` names: `app:HEX` or `credential:HEX[@APPHEX]`, 8 to 32 hex digits.
/// `Ok(None)` when none matches; a failure when the text is malformed or names several.
fn select<'a>(snapshot: &'a Snapshot, wanted: &str) -> Result<Option<&'a BlockState>, Failure> {
    let bad = || {
        Failure(format!(
            "{wanted:?} is not a block as the listing names it: app:HASH or credential:HASH \
             (or credential:HASH@APPHASH), with 8 to 32 hex digits"
        ))
    };
    let (reach, rest) = match wanted.split_once(':') {
        Some(("app", rest)) => (Reach::App, rest),
        Some(("credential", rest)) => (Reach::Credential, rest),
        _ => return Err(bad()),
    };
    let (holder, app) = match rest.split_once('@') {
        Some((holder, app)) if reach == Reach::Credential => (holder, Some(app)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let hex =
        |text: &str| (8..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(holder) || !app.is_none_or(hex) {
        return Err(bad());
    }
    let starts = |id: CredentialId, text: &str| id.to_hex().starts_with(&text.to_ascii_lowercase());
    let found: Vec<&BlockState> = snapshot
        .blocks
        .iter()
        .filter(|b| b.entry.block().reach() == reach && starts(b.entry.holder(), holder))
        .filter(|b| app.is_none_or(|app| starts(b.app, app)))
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|b| {
                    let holder = b.entry.holder().to_hex();
                    match reach {
                        Reach::App => format!("app:{holder}"),
                        _ => format!("credential:{holder}@{}", b.app.to_hex()),
                    }
                })
                .collect();
            Err(Failure(format!(
                "{wanted} names {} blocks; name one of: {}",
                several.len(),
                ids.join(", ")
            )))
        }
    }
}

/// A block as the listing names it and `--lift` takes it.
fn block_id(state: &BlockState, snapshot: &Snapshot) -> String {
    let holder = state.entry.holder();
    match state.entry.block().reach() {
        Reach::App => format!("app:{}", short(holder)),
        _ => {
            let elsewhere = snapshot
                .blocks
                .iter()
                .any(|b| b.entry.holder() == holder && b.app != state.app);
            if elsewhere {
                format!("credential:{}@{}", short(holder), short(state.app))
            } else {
                format!("credential:{}", short(holder))
            }
        }
    }
}

/// A hash as twerr logs it: its first 8 hex digits.
fn short(id: CredentialId) -> String {
    id.to_string()
}

/// A key name with each full hash (32 hex digits) cut to its first 8 and `…`.
fn short_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() == 32 {
            out.push_str(&run[..8]);
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in name.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The window's name as stored: `15m`, `app24h`, `user24h`.
fn kind_name(kind: WindowKind) -> &'static str {
    match kind {
        WindowKind::Endpoint => "15m",
        WindowKind::App24Hour => "app24h",
        WindowKind::User24Hour => "user24h",
        _ => "other",
    }
}

/// A cause as `twerr explain` takes it: `usage-capped`, `http:402`, `code:89`.
fn cause(cause: Cause) -> String {
    match cause {
        Cause::Status(status) => format!("http:{}", status.as_u16()),
        Cause::Code(code) => format!("code:{}", code.as_u16()),
        Cause::Problem(problem) => problem
            .slug()
            .map_or_else(|| String::from("an unknown problem type"), str::to_owned),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_keep_only_short_hashes() {
        let hash = "3f2a9c1d".repeat(4);
        assert_eq!(
            short_key(&format!(
                "twerr:v2:{{{hash}}}:line:c:{hash}:GET x /2/users/me"
            )),
            "twerr:v2:{3f2a9c1d…}:line:c:3f2a9c1d…:GET x /2/users/me"
        );
        assert_eq!(short_key("abc:def"), "abc:def");
    }
}
