//! Loading the table's text: from the macro argument or from a file next to the crate.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use twerr_table::diagnostics::io_reason;

use crate::input::TableSource;

/// The table's text and how diagnostics name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// How diagnostics name the table: the file's path relative to rustc's working directory
    /// (the workspace root, in a cargo build), so a terminal or an editor opens it; the path
    /// as written when it is elsewhere; `<inline>` for inline tables.
    pub name: String,
    pub text: String,
    /// The file's full path, for `include_str!` (so cargo rebuilds when the file changes);
    /// `None` for inline tables or a path that is not UTF-8.
    pub file: Option<String>,
}

/// Loads the table. `manifest_dir` is `CARGO_MANIFEST_DIR` of the crate invoking the macro,
/// `working_dir` rustc's working directory. The error is a complete diagnostic message naming
/// the path as written.
pub fn load(
    source: &TableSource,
    manifest_dir: Option<&OsStr>,
    working_dir: Option<&Path>,
) -> Result<Loaded, String> {
    match source {
        TableSource::Inline(text) => Ok(Loaded {
            name: "<inline>".to_owned(),
            text: text.clone(),
            file: None,
        }),
        TableSource::Path(path) => {
            let Some(dir) = manifest_dir else {
                return Err(format!(
                    "{path}: cannot locate the table: CARGO_MANIFEST_DIR is not set; \
                     build with cargo, or pass the table inline with `source = r#\"...\"#`"
                ));
            };
            let full: PathBuf = Path::new(dir).join(path);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                format!(
                    "{path}: cannot read the table: {}; the path is relative to the directory \
                     of the crate's Cargo.toml: fix the path or create the file",
                    io_reason(&e)
                )
            })?;
            Ok(Loaded {
                name: display_name(&full, working_dir).unwrap_or_else(|| path.clone()),
                text,
                file: full.to_str().map(str::to_owned),
            })
        }
    }
}

/// `full` relative to `working_dir`, both with symlinks resolved (twerr-core's table is a
/// link to the workspace's), when the file is inside it.
fn display_name(full: &Path, working_dir: Option<&Path>) -> Option<String> {
    let file = full.canonicalize().ok()?;
    let dir = working_dir?.canonicalize().ok()?;
    let relative = file.strip_prefix(dir).ok()?;
    relative.to_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_tables_are_named_inline() {
        let loaded = load(&TableSource::Inline("x = 1".into()), None, None);
        assert_eq!(
            loaded.map(|l| (l.name, l.file)),
            Ok(("<inline>".into(), None))
        );
    }

    #[test]
    fn a_file_is_read_relative_to_the_manifest_dir() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let loaded = load(
            &TableSource::Path("Cargo.toml".into()),
            Some(OsStr::new(dir)),
            None,
        );
        let loaded = loaded.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.name, "Cargo.toml");
        assert!(loaded.text.contains("twerr-macros"));
        assert_eq!(loaded.file, Some(format!("{dir}/Cargo.toml")));
    }

    #[test]
    fn diagnostics_name_the_file_relative_to_the_working_directory() {
        // As in a workspace build: the crate is a member, rustc runs in the workspace root.
        let crate_dir = env!("CARGO_MANIFEST_DIR");
        let workspace = Path::new(crate_dir).parent().map(Path::to_path_buf);
        let source = TableSource::Path("../twerr-core/error-table.toml".into());
        let loaded = load(&source, Some(OsStr::new(crate_dir)), workspace.as_deref());
        let loaded = loaded.unwrap_or_else(|e| panic!("{e}"));
        // twerr-core's table is a link to the workspace's: the real file is named.
        assert_eq!(loaded.name, "error-table.toml");
        // Outside the working directory, the path stays as written.
        let elsewhere = load(
            &source,
            Some(OsStr::new(crate_dir)),
            Some(Path::new("/proc")),
        );
        assert_eq!(
            elsewhere.map(|l| l.name),
            Ok("../twerr-core/error-table.toml".to_owned())
        );
    }

    #[test]
    fn a_missing_file_names_the_path_as_written() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let err = load(
            &TableSource::Path("no/such-table.toml".into()),
            Some(OsStr::new(dir)),
            None,
        );
        insta::assert_snapshot!(err.err().unwrap_or_default());
    }

    #[test]
    fn without_a_manifest_dir_the_message_says_why() {
        let err = load(&TableSource::Path("t.toml".into()), None, None);
        insta::assert_snapshot!(err.err().unwrap_or_default());
    }
}
