//! Splitting `curl -i` output into status, headers and body, and parsing `--header` arguments.
//! (`curl -v` output reaches it rewritten by `crate::verbose`.)
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
    /// Header lines that are not `Name: value` (an HTTP/2 pseudo-header `:status: 429`, a space
    /// before the colon, a stray line): skipped, and reported here, rather than refusing the
    /// capture and losing its status, headers and body.
    pub skipped_lines: Vec<CaptureError>,
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
/// Only such interim blocks are skipped (see [`is_interim`]): after any other block, what
/// follows the empty line is the body, even if it starts with `HTTP/`. Lines end with `\r\n`,
/// `\n` or a lone `\r`. A header line that is not `Name: value` is skipped and listed in
/// [`Capture::skipped_lines`].
///
/// Returns `Ok(None)` when `input` does not start with `HTTP/` (it is a bare body), and an
/// error only when a status line is malformed: the first line, or the line after an interim
/// block.
pub fn parse(input: &[u8]) -> Result<Option<Capture<'_>>, CaptureError> {
    if !is_capture(input) {
        return Ok(None);
    }
    let mut rest = strip_bom(input);
    let mut line_no = 0usize;
    let mut skipped_blocks = 0usize;
    let mut skipped_lines = Vec::new();
    loop {
        let (line, after) = next_line(rest);
        line_no += 1;
        let (status, reason) =
            parse_status_line(line).ok_or_else(|| error(line_no, line, STATUS_LINE))?;
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
                match headers.last_mut() {
                    Some((_, value)) => {
                        let more = trim(line);
                        if !more.is_empty() {
                            value.push(b' ');
                            value.extend_from_slice(more);
                        }
                    }
                    None => skipped_lines.push(error(line_no, line, HEADER_LINE)),
                }
                continue;
            }
            match parse_header(line) {
                Some(header) => headers.push(header),
                None => skipped_lines.push(error(line_no, line, HEADER_LINE)),
            }
        }
        if ended && is_interim(status, reason, &headers) && rest.starts_with(b"HTTP/") {
            skipped_blocks += 1;
            continue;
        }
        return Ok(Some(Capture {
            status,
            headers,
            body: rest,
            skipped_blocks,
            skipped_lines,
        }));
    }
}

/// Whether a header block is one that curl prints before the final response: an interim
/// `1xx`, a redirect it followed (`-L`: 301, 302, 303, 307 or 308 with a `Location`), or a
/// proxy's answer to `CONNECT` (a 2xx whose reason phrase says the connection is
/// established). Any other block is the final response, and what follows it is its body.
fn is_interim(status: u16, reason: &[u8], headers: &[(String, Vec<u8>)]) -> bool {
    let redirect = matches!(status, 301 | 302 | 303 | 307 | 308)
        && headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("location"));
    let connect = (200..300).contains(&status)
        && reason
            .windows(b"connection established".len())
            .any(|w| w.eq_ignore_ascii_case(b"connection established"));
    (100..200).contains(&status) || redirect || connect
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

/// The next line without its terminator (`\r\n`, `\n`, or a lone `\r` as old Mac tools and
/// some proxies write), and what follows it.
fn next_line(input: &[u8]) -> (&[u8], &[u8]) {
    match input.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(i) => {
            let after = if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            (&input[..i], &input[after..])
        }
        None => (input, &input[input.len()..]),
    }
}

/// `HTTP/<version> <3 digits>[ <reason>]`: the status and the reason phrase (curl prints
/// `HTTP/2 200 ` with none).
fn parse_status_line(line: &[u8]) -> Option<(u16, &[u8])> {
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
    let status = digits
        .iter()
        .fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    Some((status, trim(rest.get(3..).unwrap_or_default())))
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

/// A line for an error message: lossy UTF-8, at most 80 characters, quoted, escaped as
/// everything twerr prints from its input is (`crate::output::clean`).
pub fn show_line(bytes: &[u8]) -> String {
    const MAX: usize = 80;
    let text = String::from_utf8_lossy(bytes);
    format!("\"{}\"", crate::output::clean(&text, MAX))
}

#[cfg(test)]
#[path = "capture_tests.rs"]
mod tests;
