//! Reading the saved response from a file or standard input.

use std::io::{self, IsTerminal, Read};
use std::path::Path;

use crate::error::Failure;

/// The most `classify` reads. Error responses are a few hundred bytes; a success body of a
/// big timeline is a few megabytes. Anything beyond this is not a saved response (or is
/// `/dev/zero`), and refusing it beats exhausting memory.
pub const MAX_INPUT: u64 = 32 * 1024 * 1024;

/// Reads all of `file`, or standard input when `file` is `None` or `-`.
pub fn read(file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    match file {
        Some(path) if path != Path::new("-") => {
            let shown = path.display();
            let handle = std::fs::File::open(path)
                .map_err(|e| Failure(format!("cannot open {shown}: {}", describe(&e))))?;
            read_bounded(handle, &shown.to_string())
        }
        _ => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                eprintln!(
                    "twerr: reading the response from standard input (end it with Ctrl-D; \
                     or pass a FILE)"
                );
            }
            read_bounded(stdin.lock(), "standard input")
        }
    }
}

fn read_bounded(reader: impl Read, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure(format!("cannot read {what}: {}", describe(&e))))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(Failure(format!(
            "{what} is larger than {} MiB, more than any saved response; pass one response \
             (`curl -i URL > response.txt`), not a stream or a log",
            MAX_INPUT / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// An I/O error in words, without Rust's `(os error 2)` suffix.
fn describe(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}
