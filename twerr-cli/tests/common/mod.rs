//! Running the built `twerr` binary, and the fixtures.
#![allow(dead_code)] // each test crate uses a different part

use std::io::Write;
use std::process::{Command, Stdio};

/// What one run of `twerr` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `twerr` with `args`, feeding `stdin`. Fails the test if the process did not exit
/// normally with 0, 1 or 2, or if it panicked.
pub fn twerr(args: &[&str], stdin: &[u8]) -> Run {
    twerr_os(args.iter().map(std::ffi::OsStr::new), stdin)
}

/// [`twerr`] with arguments that need not be UTF-8.
pub fn twerr_os<'a>(args: impl IntoIterator<Item = &'a std::ffi::OsStr>, stdin: &[u8]) -> Run {
    twerr_env(args, &[], stdin)
}

/// [`twerr_os`] with environment variables set. `COLUMNS` is unset unless given, so the
/// width of the terminal the tests run in never changes an answer.
pub fn twerr_env<'a>(
    args: impl IntoIterator<Item = &'a std::ffi::OsStr>,
    env: &[(&str, &str)],
    stdin: &[u8],
) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twerr"))
        .args(args)
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the twerr binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // Write from a thread: the child may stop reading early (a refused huge input), and
    // a full pipe must not deadlock the test.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("twerr finishes");
    let _ = writer.join();
    let run = Run {
        code: output
            .status
            .code()
            .expect("twerr exits, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        matches!(run.code, 0..=2) && !run.stderr.contains("panicked"),
        "twerr failed badly: {run:#?}"
    );
    run
}

/// Asserts a refusal: exit 2, nothing on stdout, one `twerr: ` message on stderr that
/// contains `needle`.
pub fn assert_refused(run: &Run, needle: &str) {
    assert_eq!(run.code, 2, "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    assert!(run.stderr.starts_with("twerr: "), "{run:#?}");
    assert!(
        run.stderr.contains(needle),
        "expected {needle:?} in {run:#?}"
    );
}

/// One entry of the workspace's `tests/fixtures/real-error-bodies.json`.
pub struct RealBody {
    pub id: String,
    pub body: String,
    pub http_status: Option<u16>,
    pub format: String,
}

/// Every body of the workspace's `tests/fixtures/real-error-bodies.json`.
pub fn real_bodies() -> Vec<RealBody> {
    let text = include_str!("../../../tests/fixtures/real-error-bodies.json");
    let value: serde_json::Value = serde_json::from_str(text).expect("the fixture is JSON");
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|entry| RealBody {
            id: entry["id"].as_str().expect("id").to_owned(),
            body: entry["body"].as_str().expect("body").to_owned(),
            http_status: entry["http_status"]
                .as_u64()
                .map(|n| u16::try_from(n).expect("a status")),
            format: entry["format"].as_str().expect("format").to_owned(),
        })
        .collect()
}

/// The path of a capture in `fixtures/captures/`.
pub fn capture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/captures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A code number the table lacks, derived from `Code::ALL` so that adding a row (9999, say)
/// never turns a test's "unknown" code into a known one.
pub fn unknown_code() -> u16 {
    let known = |n: u16| twerr_core::Code::ALL.iter().any(|c| c.as_u16() == n);
    (0..=u16::MAX)
        .rev()
        .find(|&n| !known(n))
        .expect("the table has fewer than 65536 codes")
}

/// Parses `--json` output.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:#?}"))
}
