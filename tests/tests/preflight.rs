//! `scripts/preflight` (the first step of scripts/check) on a `PATH` of stubs: it passes when
//! every tool is there, and when one is missing it stops at once with one line naming the tool
//! and how to install it, having run nothing but version queries. Installing is either turned
//! off (`TWERR_PREFLIGHT_NO_INSTALL=1`) or goes to a stub `apt-get`: no test runs the real one.
#![cfg(target_os = "linux")]

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::{env, fs};

/// Every tool the preflight looks for, and the two it installs with.
const TOOLS: &[&str] = &[
    "cargo",
    "rustc",
    "python3",
    "redis-server",
    "redis-cli",
    "valgrind",
    "rustup",
    "apt-get",
];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/preflight")
}

/// A real program on the test's own `PATH`.
fn real(name: &str) -> PathBuf {
    env::split_paths(&env::var_os("PATH").unwrap_or_default())
        .chain([PathBuf::from("/bin")])
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{name} is installed"))
}

/// The real bash, which the script's `#!/usr/bin/env bash` looks up on the stub `PATH`.
fn bash() -> PathBuf {
    real("bash")
}

/// A directory of stubs for `tools` (each logs its arguments to `calls.log` and prints a
/// version), plus bash itself. The stub `apt-get` "installs" a package by writing a stub of
/// the tool it provides.
struct Stubs {
    dir: PathBuf,
}

impl Stubs {
    fn new(name: &str, tools: &[&str]) -> Stubs {
        let dir = env::temp_dir().join(format!("twerr-preflight-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("bin")).expect("create the stub directory");
        symlink(bash(), dir.join("bin/bash")).expect("link bash");
        let stubs = Stubs { dir };
        for tool in tools {
            stubs.write_stub(tool);
        }
        stubs
    }

    fn write_stub(&self, tool: &str) {
        let log = self.dir.join("calls.log");
        let body = match tool {
            "rustc" => "echo 'rustc 1.95.0 (stub)'".to_owned(),
            "cargo" => "echo \"cargo $1 1.95.0 (stub)\"".to_owned(),
            // `apt-get install ... redis-server` writes the redis-server stub.
            "apt-get" => format!(
                "for p in \"$@\"; do [ \"$p\" = redis-server ] && {{ printf '#!%s\\necho stub\\n' \
                 '{bash}' > '{bin}/redis-server'; '{chmod}' +x '{bin}/redis-server'; }}; done; true",
                bash = bash().display(),
                chmod = real("chmod").display(),
                bin = self.dir.join("bin").display()
            ),
            _ => "echo stub".to_owned(),
        };
        let path = self.dir.join("bin").join(tool);
        let text = format!(
            "#!{}\necho \"{tool} $*\" >> '{}'\n{body}\n",
            bash().display(),
            log.display()
        );
        fs::write(&path, text).expect("write a stub");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("make it executable");
    }

    /// Runs the preflight with only the stubs on `PATH`; `install` leaves installing on.
    fn run(&self, install: bool) -> Output {
        let mut command = Command::new(bash());
        command
            .arg(script())
            .env_clear()
            .env("PATH", self.dir.join("bin"))
            .env("HOME", &self.dir);
        if !install {
            command.env("TWERR_PREFLIGHT_NO_INSTALL", "1");
        }
        command.output().expect("run scripts/preflight")
    }

    /// Every stub call, one `tool args` line each.
    fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.dir.join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Stubs {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn without(tool: &str) -> Vec<&'static str> {
    TOOLS.iter().copied().filter(|t| *t != tool).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Only questions were asked: `--version`, `cargo fmt --version`, `cargo clippy --version`.
fn assert_only_version_queries(calls: &[String]) {
    for call in calls {
        assert!(call.ends_with("--version"), "ran `{call}`: {calls:?}");
    }
}

#[test]
fn passes_when_every_tool_is_there() {
    let stubs = Stubs::new("all", TOOLS);
    let output = stubs.run(true);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("redis-server"));
    assert_only_version_queries(&stubs.calls());
}

#[test]
fn a_missing_redis_server_stops_it_at_once_saying_how_to_install_it() {
    let stubs = Stubs::new("no-redis", &without("redis-server"));
    let output = stubs.run(false);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let problems: Vec<&str> = stderr.lines().filter(|l| l.contains("missing")).collect();
    assert_eq!(problems.len(), 1, "one line per missing tool: {stderr}");
    assert!(
        problems[0].contains("redis-server is missing")
            && problems[0].contains("apt-get install redis-server"),
        "{stderr}"
    );
    assert!(stderr.contains("TWERR_PREFLIGHT_NO_INSTALL=1"), "{stderr}");
    assert_only_version_queries(&stubs.calls());
}

#[test]
fn every_missing_tool_gets_its_own_line() {
    let stubs = Stubs::new("bare", &["apt-get"]);
    let output = stubs.run(false);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for expected in [
        "cargo and rustc are missing: install Rust 1.88 or newer with rustup",
        "python3 is missing",
        "redis-server is missing",
        "redis-cli is missing",
        "apt-get install redis-tools",
        "valgrind is missing",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in: {stderr}");
    }
    assert!(stubs.calls().is_empty(), "{:?}", stubs.calls());
}

/// As root, with apt-get there and installing on, it runs `apt-get update` once and installs
/// the missing package noninteractively (here the stub's); otherwise it only reports.
#[test]
fn installs_a_missing_package_with_apt_get_only_as_root() {
    let stubs = Stubs::new("install", &without("redis-server"));
    let output = stubs.run(true);
    let calls = stubs.calls();
    let root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if root {
        assert!(output.status.success(), "{}", text(&output.stderr));
        let apt: Vec<&String> = calls.iter().filter(|c| c.starts_with("apt-get")).collect();
        assert_eq!(apt.len(), 2, "{calls:?}");
        assert!(apt[0].contains("update"), "{calls:?}");
        assert!(
            apt[1].contains("install -y") && apt[1].ends_with(" redis-server"),
            "{calls:?}"
        );
    } else {
        assert_eq!(output.status.code(), Some(1));
        assert!(text(&output.stderr).contains("redis-server is missing"));
        assert_only_version_queries(&calls);
    }
}

#[test]
fn an_old_rust_is_reported_with_the_version_needed() {
    let stubs = Stubs::new("old-rust", TOOLS);
    fs::write(
        stubs.dir.join("bin/rustc"),
        format!("#!{}\necho 'rustc 1.80.1 (stub)'\n", bash().display()),
    )
    .expect("rewrite the rustc stub");
    let output = stubs.run(false);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "rustc 1.80.1 (stub) is older than the 1.88 the crates need: rustup update stable"
        ),
        "{stderr}"
    );
}
