//! `twerr table check` and `twerr table diff`: the table with the build's own rules
//! (twerr-table), and a docs page compared with it.

mod diff;
mod normalize;
mod page;
mod report;
mod write;

#[cfg(test)]
mod tests;

use std::path::Path;

use twerr_table::diagnostics::{Diag, io_reason, render};
use twerr_table::model::Table;

use crate::cli::{CheckArgs, DiffArgs, TableCommand};
use crate::error::{Failure, Outcome};

/// Exit status of `table check` when the table has mistakes, and of `table diff` when the
/// page differs.
const DIFFERENT: u8 = 1;

/// How diagnostics name the compiled-in table: as the macro names it.
const COMPILED_IN: &str = "error-table.toml";

/// Runs `twerr table ...`.
pub fn run(command: &TableCommand) -> Result<Outcome, Failure> {
    match command {
        TableCommand::Check(args) => check(args),
        TableCommand::Diff(args) => run_diff(args),
    }
}

/// A table's text and how messages name it.
struct Loaded {
    name: String,
    text: String,
}

fn load(file: Option<&Path>) -> Result<Loaded, Failure> {
    match file {
        None => Ok(Loaded {
            name: COMPILED_IN.to_owned(),
            text: twerr_core::ERROR_TABLE.to_owned(),
        }),
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure(format!("{name}: cannot read the table: {}", io_reason(&e)))
            })?;
            Ok(Loaded { name, text })
        }
    }
}

/// One diagnostic as `table check` prints it: the macro's message, warnings marked.
fn line(loaded: &Loaded, diag: &Diag) -> String {
    let rendered = render(&loaded.name, &loaded.text, diag);
    if diag.is_error() {
        rendered
    } else {
        // `NAME:L:C: warning: ...`, as compilers mark theirs.
        let (at, message) = rendered.split_at(rendered.len() - diag.message.len());
        format!("{at}warning: {message}")
    }
}

fn check(args: &CheckArgs) -> Result<Outcome, Failure> {
    let loaded = load(args.file.as_deref())?;
    let (table, diags) = twerr_table::check(&loaded.text);
    let mut text: String = diags.iter().map(|d| line(&loaded, d) + "\n").collect();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let warned = match warnings {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    let exit = if errors == 0 {
        text.push_str(&format!(
            "{}: valid: {} statuses, {} codes, {} problems{warned}\n",
            loaded.name,
            table.statuses.len(),
            table.codes.len(),
            table.problems.len()
        ));
        0
    } else {
        let noun = if errors == 1 { "mistake" } else { "mistakes" };
        text.push_str(&format!("{}: {errors} {noun}{warned}\n", loaded.name));
        DIFFERENT
    };
    Ok(Outcome {
        text,
        exit,
        note: None,
    })
}

/// The valid table of `file`; a table with mistakes is unusable input.
fn valid_table(loaded: &Loaded) -> Result<Table, Failure> {
    let (table, diags) = twerr_table::check(&loaded.text);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(Failure(format!(
            "{}: the table has {errors} mistake(s); `twerr table check {}` lists them",
            loaded.name, loaded.name
        )));
    }
    Ok(table)
}

fn run_diff(args: &DiffArgs) -> Result<Outcome, Failure> {
    let shown = args.page.display();
    let bytes = std::fs::read(&args.page)
        .map_err(|e| Failure(format!("{shown}: cannot read the page: {}", io_reason(&e))))?;
    // A stray invalid byte must not hide the tables around it.
    let text = String::from_utf8_lossy(&bytes);
    let tables = page::read(&text);
    if tables.is_empty() {
        return Err(Failure(format!(
            "{shown}: no recognisable table; expected Markdown pipe tables with Code/Text/\
             Description, Code/Meaning/..., Title/Type/Description or Type/Description \
             columns, or the 2014 page's `Code Text Description` lines"
        )));
    }
    let loaded = load(args.table.as_deref())?;
    let table = valid_table(&loaded)?;
    let changes = diff::compare(&table, &tables);
    let mut note = None;
    if args.write {
        // clap requires --table and --source with --write.
        let (Some(path), Some(source)) = (args.table.as_deref(), args.source.as_deref()) else {
            return Err(Failure(
                "--write needs --table FILE and --source ID".to_owned(),
            ));
        };
        let written = write::apply(&loaded.text, &table, &changes, source)
            .map_err(|e| Failure(format!("{}: not written: {e}", loaded.name)))?;
        std::fs::write(path, &written.text).map_err(|e| {
            Failure(format!(
                "{}: cannot write the table: {}",
                loaded.name,
                io_reason(&e)
            ))
        })?;
        note = Some(format!("wrote {}: {}", loaded.name, written.summary));
    }
    let counts = |strict: bool| {
        changes.iter().any(|c| match c.change {
            diff::ChangeKind::New | diff::ChangeKind::Changed => true,
            diff::ChangeKind::Absent => strict,
        })
    };
    let text = if args.json {
        report::json(&changes)
    } else {
        report::text(&changes)
    };
    Ok(Outcome {
        text,
        exit: if counts(args.strict) { DIFFERENT } else { 0 },
        note,
    })
}
