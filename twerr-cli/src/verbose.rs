//! `curl -v` output (`curl -v URL > saved.txt 2>&1`) turned into the `curl -i` form that
//! [`crate::capture`] reads, so one reader splits every capture.
//!
//! curl marks its lines: `< ` what the server sent (status line, headers, the empty line
//! ending them), `> ` what curl sent, `* ` its own remarks, `{ [` and `} [` data it elides.
//! Unmarked lines are the body, which curl writes to stdout between them.

/// The response lines of `curl -v` output as a `curl -i` capture, or `None` when `input` is
/// not such output: it must start with a marked line and hold a `< HTTP/` status line.
pub fn to_capture(input: &[u8]) -> Option<Vec<u8>> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let first = input
        .split(|&b| b == b'\n')
        .find(|l| !trim_cr(l).is_empty())?;
    if !is_curl_line(trim_cr(first)) {
        return None;
    }
    let mut head = Vec::new();
    let mut body: Vec<&[u8]> = Vec::new();
    let mut seen_status = false;
    for line in input.split(|&b| b == b'\n') {
        let line = trim_cr(line);
        if let Some(sent) = line.strip_prefix(b"<") {
            // `< HTTP/2 429`, `< x-rate-limit-limit: 900`, and `<` alone ending the headers.
            let sent = sent.strip_prefix(b" ").unwrap_or(sent);
            seen_status |= sent.starts_with(b"HTTP/");
            head.extend_from_slice(sent);
            head.extend_from_slice(b"\r\n");
        } else if !is_curl_line(line) {
            // The body; curl appends `* Connection #0 to host ... left intact` to a body that
            // does not end with a newline.
            body.push(strip_connection_note(line));
        }
    }
    if !seen_status {
        return None;
    }
    // The split leaves an empty piece after the last newline, and curl's remarks may follow
    // the body: trailing empty lines are not the body's.
    while body.last().is_some_and(|l| l.is_empty()) {
        body.pop();
    }
    let mut out = head;
    out.extend_from_slice(&body.join(&b'\n'));
    Some(out)
}

/// A line curl writes about the exchange rather than one the server sent.
fn is_curl_line(line: &[u8]) -> bool {
    matches!(line, b"*" | b">" | b"<")
        || [&b"* "[..], b"> ", b"< ", b"{ [", b"} ["]
            .iter()
            .any(|p| line.starts_with(p))
}

fn strip_connection_note(line: &[u8]) -> &[u8] {
    const NOTE: &[u8] = b"* Connection #";
    match line.windows(NOTE.len()).position(|w| w == NOTE) {
        Some(i) if line.ends_with(b"left intact") => &line[..i],
        _ => line,
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture;

    const VERBOSE: &[u8] = b"* Host api.x.com:443 was resolved.\n\
        *   Trying 104.244.42.66:443...\n\
        * Connected to api.x.com (104.244.42.66) port 443\n\
        { [5 bytes data]\n\
        > GET /2/users/me HTTP/2\r\n\
        > Host: api.x.com\r\n\
        > authorization: Bearer abc\r\n\
        >\r\n\
        < HTTP/2 429 \r\n\
        < content-type: application/json; charset=utf-8\r\n\
        < x-rate-limit-limit: 900\r\n\
        < x-rate-limit-remaining: 0\r\n\
        <\r\n\
        {\"errors\":[{\"message\":\"Rate limit exceeded\",\"code\":88}]}* Connection #0 to host api.x.com left intact\n";

    #[test]
    fn the_response_lines_become_a_capture() {
        let rebuilt = to_capture(VERBOSE).unwrap();
        let c = capture::parse(&rebuilt).unwrap().unwrap();
        assert_eq!(c.status, 429);
        let names: Vec<&str> = c.headers.iter().map(|(n, _)| n.as_str()).collect();
        // The request's headers (and its credentials) are not the response's.
        assert_eq!(
            names,
            [
                "content-type",
                "x-rate-limit-limit",
                "x-rate-limit-remaining"
            ]
        );
        assert_eq!(
            c.body,
            br#"{"errors":[{"message":"Rate limit exceeded","code":88}]}"#
        );
        assert!(c.skipped_lines.is_empty(), "{:?}", c.skipped_lines);
    }

    #[test]
    fn a_multi_line_body_keeps_its_lines_and_interim_blocks_stay_first() {
        let input = b"> POST /1.1/statuses/update.json HTTP/1.1\n>\n< HTTP/1.1 100 Continue\n<\n\
            < HTTP/1.1 403 Forbidden\n< content-type: application/json\n<\n{\n  \"errors\": []\n}\n\
            * Connection #0 to host api.twitter.com left intact\n";
        let rebuilt = to_capture(input).unwrap();
        let c = capture::parse(&rebuilt).unwrap().unwrap();
        assert_eq!((c.status, c.skipped_blocks), (403, 1));
        assert_eq!(c.body, b"{\n  \"errors\": []\n}");
    }

    #[test]
    fn other_input_is_not_verbose_output() {
        assert_eq!(
            to_capture(b"HTTP/1.1 429 Too Many Requests\r\n\r\n{}"),
            None
        );
        assert_eq!(to_capture(br#"{"errors":[]}"#), None);
        // Marked lines but no response: curl failed before one came.
        assert_eq!(to_capture(b"* Could not resolve host: api.x.com\n"), None);
        assert_eq!(to_capture(b""), None);
    }
}
