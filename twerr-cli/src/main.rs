//! `twerr`: explain a Twitter/X API error code, classify a saved response, list the tables,
//! check the table and compare it with a docs page.
//!
//! Exit status: 0 answered; 1 the value is well-formed but not in the table (`status`: nothing
//! to show, or no block lifted); 2 the input or the arguments cannot be used, or Redis cannot
//! be read (messages on stderr start with `twerr: `).

mod capture;
mod classify;
mod cli;
mod entry;
mod error;
mod explain;
mod find;
mod input;
mod list;
mod output;
mod rows;
mod sources;
#[cfg(feature = "redis")]
mod status;
mod table;
mod value;
mod verbose;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::UNUSABLE;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let result = match &cli.command {
        Command::Explain(args) => explain::run(&args.value),
        Command::Classify(args) => classify::run(args),
        Command::List(args) => Ok(rows::run(args)),
        Command::Table(command) => table::run(command),
        #[cfg(feature = "redis")]
        Command::Status(args) => status::run(args),
        #[cfg(not(feature = "redis"))]
        Command::Status(_) => Err(error::Failure(String::from(
            "this twerr was built without `twerr status`: install it with the `redis` \
             feature (cargo install twerr-cli --features redis)",
        ))),
    };
    match result {
        Ok(outcome) => {
            for note in &outcome.notes {
                let _ = writeln!(io::stderr(), "twerr: note: {note}");
            }
            // Buffered, and written as it is made: a long answer is never held whole.
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            match outcome
                .text
                .write_to(&mut stdout)
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::from(outcome.exit),
                // `twerr list | head`: the reader left; that is not our failure.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(outcome.exit),
                Err(e) => {
                    let _ = writeln!(io::stderr(), "twerr: cannot write the output: {e}");
                    ExitCode::from(UNUSABLE)
                }
            }
        }
        Err(failure) => {
            let _ = writeln!(io::stderr(), "twerr: {failure}");
            ExitCode::from(UNUSABLE)
        }
    }
}

/// `--help` and `--version` go to stdout with status 0; argument errors to stderr with the
/// `twerr: ` prefix every other error has, and status 2.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    let code = u8::try_from(error.exit_code()).unwrap_or(UNUSABLE);
    if error.use_stderr() {
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        let _ = write!(io::stderr(), "twerr: {text}");
    } else {
        let _ = write!(io::stdout(), "{text}");
    }
    ExitCode::from(code)
}
