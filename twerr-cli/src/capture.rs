//! Splitting `curl -i` output into status, headers and body, and parsing `--header` arguments.
//!
//! Pure functions over bytes: header values keep their raw bytes (Twitter's are ASCII, but a
//! capture may hold anything), and nothing here allocates more than the headers themselves.

use std::fmt;

/// A saved response whose first line is an HTTP status line.
#[derive(Debug, PartialEq, Eq)]
pub struct Capture<'a> {
    /// The status of the last header block.
    pub status: u16,
    /// The headers of the last header block, in order, values trimmed of surrounding blanks.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Everything after the last header block's empty line.
    pub body: &'a [u8],
    /// How many header blocks preceded the last one (100 Continue, redirects, proxy CONNECT).
    pub skipped_blocks: usize,
}

/// A line of the capture that is neither a status line, a header nor the empty line ending
/// the headers.
#[derive(Debug, PartialEq, Eq)]
pub struct CaptureError {
    line: usize,
    text: String,
    expected: &'static str,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} of the capture is not {}: {}",
            self.line, self.expected, self.text
        )
    }
}

const STATUS_LINE: &str = "an HTTP status line like `HTTP/1.1 429 Too Many Requests`";
const HEADER_LINE: &str = "a header line `Name: value` (an empty line ends the headers)";

/// Whether `input` is a `curl -i` capture rather than a bare body: it starts with `HTTP/`.
pub fn is_capture(input: &[u8]) -> bool {
    strip_bom(input).starts_with(b"HTTP/")
}

/// Splits a `curl -i` capture. Status and headers come from the last header block: curl
/// prints one block per response it received, so `100 Continue`, each redirect followed with
/// `-L` and a proxy's `200 Connection established` come first, the final response last.
///
/// Returns `Ok(None)` when `input` does not start with `HTTP/` (it is a bare body).
pub fn parse(input: &[u8]) -> Result<Option<Capture<'_>>, CaptureError> {
    if !is_capture(input) {
        return Ok(None);
    }
    let mut rest = strip_bom(input);
    let mut line_no = 0usize;
    let mut skipped_blocks = 0usize;
    loop {
        let (line, after) = next_line(rest);
        line_no += 1;
        let status = parse_status_line(line).ok_or_else(|| error(line_no, line, STATUS_LINE))?;
        rest = after;
        let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
        let mut ended = false;
        while !rest.is_empty() {
            let (line, after) = next_line(rest);
            line_no += 1;
            rest = after;
            if line.is_empty() {
                ended = true;
                break;
            }
            if matches!(line.first(), Some(b' ' | b'\t')) {
                // An obsolete folded continuation line (RFC 9112 section 5.2): part of the
                // previous header's value.
                let Some((_, value)) = headers.last_mut() else {
                    return Err(error(line_no, line, HEADER_LINE));
                };
                let more = trim(line);
                if !more.is_empty() {
                    value.push(b' ');
                    value.extend_from_slice(more);
                }
                continue;
            }
            let header = parse_header(line).ok_or_else(|| error(line_no, line, HEADER_LINE))?;
            headers.push(header);
        }
        if ended && rest.starts_with(b"HTTP/") {
            skipped_blocks += 1;
            continue;
        }
        return Ok(Some(Capture {
            status,
            headers,
            body: rest,
            skipped_blocks,
        }));
    }
}

/// Parses one `--header` argument, `Name: value`.
pub fn parse_header_arg(arg: &[u8]) -> Result<(String, Vec<u8>), String> {
    parse_header(arg).ok_or_else(|| {
        format!(
            "--header {} is not `Name: value` (a header name, a colon, then the value)",
            show_line(arg)
        )
    })
}

/// Replaces or adds headers: each of `extra` replaces every header of the same name
/// (names compare ASCII case-insensitively), so a `--header` always wins over the capture.
pub fn merge_headers(
    mut headers: Vec<(String, Vec<u8>)>,
    extra: Vec<(String, Vec<u8>)>,
) -> Vec<(String, Vec<u8>)> {
    for (name, _) in &extra {
        headers.retain(|(have, _)| !have.eq_ignore_ascii_case(name));
    }
    headers.extend(extra);
    headers
}

fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
}

/// The next line without its terminator (`\n` or `\r\n`), and what follows it.
fn next_line(input: &[u8]) -> (&[u8], &[u8]) {
    let (line, rest) = match input.iter().position(|&b| b == b'\n') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, &input[input.len()..]),
    };
    (line.strip_suffix(b"\r").unwrap_or(line), rest)
}

/// `HTTP/<version> <3 digits>[ <reason>]`; curl prints `HTTP/2 200 ` with no reason phrase.
fn parse_status_line(line: &[u8]) -> Option<u16> {
    let rest = line.strip_prefix(b"HTTP/")?;
    let space = rest.iter().position(|&b| b == b' ')?;
    let (version, rest) = rest.split_at(space);
    if version.is_empty() || !version.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let rest = rest.trim_ascii_start();
    let digits = rest.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !matches!(rest.get(3), None | Some(b' ' | b'\t')) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u16, |n, &d| n * 10 + u16::from(d - b'0')),
    )
}

/// `Name: value` where the name is an RFC 9110 token.
fn parse_header(line: &[u8]) -> Option<(String, Vec<u8>)> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return None;
    }
    // tchar is ASCII, so this cannot fail; `from_utf8` keeps it free of unchecked indexing.
    let name = std::str::from_utf8(name).ok()?.to_owned();
    Some((name, trim(value).to_vec()))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

fn error(line: usize, text: &[u8], expected: &'static str) -> CaptureError {
    CaptureError {
        line,
        text: show_line(text),
        expected,
    }
}

/// A line for an error message: lossy UTF-8, control characters escaped, at most 80
/// characters, quoted.
pub fn show_line(bytes: &[u8]) -> String {
    const MAX: usize = 80;
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        shown.push('…');
    }
    format!("\"{}\"", shown.escape_debug())
}

#[cfg(test)]
#[path = "capture_tests.rs"]
mod tests;
