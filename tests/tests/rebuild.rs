//! Editing only `error-table.toml` rebuilds twerr-core: the expansion `include_str!`s the
//! table, so cargo tracks the file. The test copies the workspace to a temporary directory,
//! builds it, appends a `[[code]]` and a `[[problem]]` row, and compiles and runs an example
//! that uses the two new variants: with no Rust change, and no `cargo clean`.
//!
//! It builds with its own target directory (the one running the tests is locked) and
//! `--offline`, and takes a minute or more, so it is ignored by default; scripts/check runs it:
//! `cargo test -p twerr-tests --test rebuild -- --ignored`.
#![cfg(unix)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::{env, fs, io};

/// Rows a real table will not have: the largest code, a slug after every real one.
const NEW_ROWS: &str = r#"
[[code]]
code = 65535
name = "RebuildProbeCode"
message = "Rebuild probe"
description = "Appended by tests/tests/rebuild.rs."
retry = "never"
http = 429
source = "tests/tests/rebuild.rs"

[[problem]]
slug = "zzzz-rebuild-probe"
name = "RebuildProbeProblem"
message = "Rebuild Probe Problem"
description = "Appended by tests/tests/rebuild.rs."
retry = "backoff"
source = "tests/tests/rebuild.rs"
"#;

const PROBE: &str = r#"//! Uses the rows the rebuild test appended.
fn main() {
    let code = twerr_core::Code::RebuildProbeCode;
    assert_eq!(twerr_core::Code::from_u16(65535), code);
    let problem = twerr_core::Problem::RebuildProbeProblem;
    assert_eq!(twerr_core::Problem::from_type("https://api.x.com/2/problems/zzzz-rebuild-probe"), problem);
    println!("{code} / {problem}");
}
"#;

/// Removes the copied workspace even when the test fails.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies the workspace, leaving out `.git` and every `target*` directory; symlinks (the
/// table's) stay symlinks.
fn copy_tree(from: &Path, to: &Path, top: bool) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let skip = name == ".git" || (top && name.to_string_lossy().starts_with("target"));
        if skip {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&source)?, &dest)?;
        } else if kind.is_dir() {
            copy_tree(&source, &dest, false)?;
        } else {
            fs::copy(&source, &dest)?;
        }
    }
    Ok(())
}

fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> Output {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(cargo)
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output();
    let output = output.unwrap_or_else(|e| panic!("cannot run cargo {args:?}: {e}"));
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
#[ignore = "builds a copy of the workspace; run by scripts/check with --ignored"]
fn editing_only_the_table_rebuilds_twerr_core() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("the tests crate is inside the workspace"));
    let workspace = env::temp_dir().join(format!("twerr-rebuild-{}", std::process::id()));
    let _cleanup = Cleanup(workspace.clone());
    // Shared between runs so dependencies are compiled once; the twerr crates always rebuild
    // because the copy's files are new.
    let target = env::temp_dir().join("twerr-rebuild-target");
    copy_tree(root, &workspace, true).unwrap_or_else(|e| panic!("copying the workspace: {e}"));

    cargo(
        &workspace,
        &target,
        &["build", "--offline", "-p", "twerr-core"],
    );

    let table = workspace.join("error-table.toml");
    let mut text = fs::read_to_string(&table).unwrap_or_else(|e| panic!("reading the copy: {e}"));
    text.push_str(NEW_ROWS);
    fs::write(&table, text).unwrap_or_else(|e| panic!("editing the copy: {e}"));

    let rebuilt = cargo(
        &workspace,
        &target,
        &["build", "--offline", "-p", "twerr-core"],
    );
    let log = String::from_utf8_lossy(&rebuilt.stderr);
    assert!(
        log.contains("Compiling twerr-core"),
        "the table edit did not rebuild twerr-core:\n{log}"
    );

    let example = workspace.join("twerr-core/examples/rebuild_probe.rs");
    fs::create_dir_all(workspace.join("twerr-core/examples"))
        .and_then(|()| fs::write(&example, PROBE))
        .unwrap_or_else(|e| panic!("writing the probe example: {e}"));
    let run = cargo(
        &workspace,
        &target,
        &[
            "run",
            "--offline",
            "-q",
            "-p",
            "twerr-core",
            "--example",
            "rebuild_probe",
        ],
    );
    let printed = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        printed.trim(),
        "65535 Rebuild probe / zzzz-rebuild-probe Rebuild Probe Problem"
    );
}
