//! `scripts/rust-versions.py` (run by scripts/check) against a small workspace of its own:
//! it fails when a crate declares a lower `rust-version` than a crate it depends on (also
//! through another crate), names the dependency and the version to declare, and does not
//! count dev-dependencies.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::{env, fs};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/rust-versions.py")
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create a directory");
    }
    fs::write(path, text).expect("write a file");
}

/// `app` (rust-version `declared`) -> `middle` (none) -> `base` (1.80); `app` dev-depends on
/// `tooling` (1.90).
fn workspace(root: &Path, declared: &str) {
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"app\", \"middle\", \"base\", \"tooling\"]\n",
    );
    let crate_at = |name: &str, version: Option<&str>, deps: &str| {
        let rust_version = version.map_or(String::new(), |v| format!("rust-version = \"{v}\"\n"));
        write(
            &root.join(name).join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 {rust_version}publish = false\n\n{deps}"
            ),
        );
        write(&root.join(name).join("src/lib.rs"), "");
    };
    crate_at("base", Some("1.80"), "");
    crate_at(
        "middle",
        None,
        "[dependencies]\nbase = { path = \"../base\" }\n",
    );
    crate_at("tooling", Some("1.90"), "");
    crate_at(
        "app",
        Some(declared),
        "[dependencies]\nmiddle = { path = \"../middle\" }\n\n\
         [dev-dependencies]\ntooling = { path = \"../tooling\" }\n",
    );
}

fn run(root: &Path) -> Output {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let lock = Command::new(&cargo)
        .args(["generate-lockfile", "--offline"])
        .current_dir(root)
        .output()
        .expect("cargo generate-lockfile");
    assert!(
        lock.status.success(),
        "{}",
        String::from_utf8_lossy(&lock.stderr)
    );
    Command::new("python3")
        .arg(script())
        .current_dir(root)
        .env("CARGO", &cargo)
        .output()
        .expect("python3 scripts/rust-versions.py (python3 is needed by scripts/check)")
}

fn scratch(name: &str) -> PathBuf {
    let root = env::temp_dir().join(format!("twerr-rust-versions-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    root
}

#[test]
fn a_declaration_below_a_transitive_dependency_fails() {
    let root = scratch("low");
    workspace(&root, "1.70");
    let output = run(&root);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("app declares rust-version 1.70, but base 0.1.0 needs 1.80"),
        "{stderr}"
    );
    assert!(stderr.contains("rust-version = \"1.80\""), "{stderr}");
    assert!(
        stderr.contains("middle declares rust-version (none)"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_sufficient_declaration_passes_and_dev_dependencies_do_not_count() {
    let root = scratch("enough");
    workspace(&root, "1.80");
    // `middle` declares nothing: give it the version it needs too.
    let middle = root.join("middle/Cargo.toml");
    let text = fs::read_to_string(&middle).expect("read");
    write(
        &middle,
        &text.replace(
            "publish = false",
            "rust-version = \"1.80\"\npublish = false",
        ),
    );
    let output = run(&root);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // 1.80 through middle and base; tooling's 1.90 is a dev-dependency's and does not count.
    assert!(
        stdout.contains("app: rust-version 1.80 >= 1.80 ("),
        "{stdout}"
    );
    let _ = fs::remove_dir_all(&root);
}
