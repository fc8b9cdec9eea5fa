use super::*;

fn header(name: &str, value: &str) -> (String, Vec<u8>) {
    (name.to_owned(), value.as_bytes().to_vec())
}

#[test]
fn a_bare_body_is_not_a_capture() {
    assert_eq!(parse(br#"{"errors":[{"code":88}]}"#), Ok(None));
    assert_eq!(parse(b""), Ok(None));
    assert_eq!(
        parse(b"Failed to validate oauth signature and token"),
        Ok(None)
    );
    // HTML and XML bodies start with `<`, even the Jetty page with a literal `\n`.
    assert_eq!(parse(b"<html>\\n<head>"), Ok(None));
}

#[test]
fn crlf_capture() {
    let input = b"HTTP/1.1 429 Too Many Requests\r\nx-rate-limit-limit: 900\r\n\
        x-rate-limit-remaining:0\r\nx-rate-limit-reset:   1705420800  \r\n\r\n{\"errors\":[]}\r\n";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.status, 429);
    assert_eq!(
        capture.headers,
        vec![
            header("x-rate-limit-limit", "900"),
            header("x-rate-limit-remaining", "0"),
            header("x-rate-limit-reset", "1705420800"),
        ]
    );
    // The body keeps its own line endings.
    assert_eq!(capture.body, b"{\"errors\":[]}\r\n");
    assert_eq!(capture.skipped_blocks, 0);
}

#[test]
fn lf_capture_with_http2_status_line_without_reason() {
    let input = b"HTTP/2 403 \ncontent-type: application/json\n\nbody\nmore";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.status, 403);
    assert_eq!(
        capture.headers,
        vec![header("content-type", "application/json")]
    );
    assert_eq!(capture.body, b"body\nmore");
}

#[test]
fn last_block_wins_after_continue_and_redirects() {
    let input = b"HTTP/1.1 100 Continue\r\n\r\n\
        HTTP/1.1 301 Moved Permanently\r\nlocation: https://api.x.com/\r\n\r\n\
        HTTP/2 401\r\nwww-authenticate: OAuth realm=\"https://api.twitter.com\"\r\n\r\n\
        {\"errors\":[{\"code\":32}]}";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.status, 401);
    assert_eq!(
        capture.headers,
        vec![header(
            "www-authenticate",
            "OAuth realm=\"https://api.twitter.com\""
        )]
    );
    assert_eq!(capture.body, b"{\"errors\":[{\"code\":32}]}");
    assert_eq!(capture.skipped_blocks, 2);
}

#[test]
fn headers_only_capture_has_an_empty_body() {
    let capture = parse(b"HTTP/1.1 422 Unprocessable Entity\r\ndate: x\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(capture.status, 422);
    assert_eq!(capture.headers, vec![header("date", "x")]);
    assert_eq!(capture.body, b"");
    let capture = parse(b"HTTP/1.0 503").unwrap().unwrap();
    assert_eq!((capture.status, capture.body), (503, &b""[..]));
}

/// The skipped header lines of a capture, by line number.
fn skipped(input: &[u8]) -> Vec<usize> {
    let capture = parse(input).unwrap().unwrap();
    capture.skipped_lines.iter().map(|e| e.line).collect()
}

#[test]
fn a_body_starting_with_http_after_the_headers_is_a_body_only_after_a_block_ends() {
    // Without the empty line the text is a header line, and a malformed one: skipped.
    assert_eq!(skipped(b"HTTP/1.1 200 OK\nHTTP/1.1 404 Not Found\n"), [2]);
}

/// Only interim blocks are skipped: after a final response, a body that starts with `HTTP/`
/// is its body.
#[test]
fn only_interim_blocks_are_skipped() {
    let capture = parse(b"HTTP/1.1 400 Bad Request\r\n\r\nHTTP/1.1 505 not supported here\r\n")
        .unwrap()
        .unwrap();
    assert_eq!((capture.status, capture.skipped_blocks), (400, 0));
    assert_eq!(capture.body, b"HTTP/1.1 505 not supported here\r\n");
    for (first, interim) in [
        (&b"HTTP/1.1 100 Continue\r\n"[..], true),
        (b"HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n", true),
        (
            b"HTTP/1.1 302 Found\r\nLocation: https://api.x.com/\r\n",
            true,
        ),
        (b"HTTP/1.1 200 Connection established\r\n", true),
        (
            b"HTTP/1.0 200 Connection Established\r\nProxy-agent: x\r\n",
            true,
        ),
        (b"HTTP/1.1 200 OK\r\n", false),
        (b"HTTP/1.1 304 Not Modified\r\n", false),
        (b"HTTP/1.1 302 Found\r\n", false),
        (b"HTTP/2 429\r\n", false),
    ] {
        let input = [first, b"\r\nHTTP/2 401\r\n\r\n{}"].concat();
        let capture = parse(&input).unwrap().unwrap();
        assert_eq!(capture.status == 401, interim, "{}", show_line(first));
    }
}

/// Lines may end with a lone carriage return: the body is not dropped.
#[test]
fn cr_only_line_endings() {
    let input =
        b"HTTP/1.1 200 OK\r\r{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.status, 200);
    assert_eq!(capture.body, &input[17..]);
    let capture = parse(b"HTTP/1.1 429 x\rretry-after: 5\r\rbody")
        .unwrap()
        .unwrap();
    assert_eq!(capture.headers, vec![header("retry-after", "5")]);
    assert_eq!(capture.body, b"body");
}

/// A header line the reader cannot use is skipped and reported; the status, the other
/// headers and the body survive.
#[test]
fn a_malformed_header_line_is_skipped_and_reported() {
    let input =
        b"HTTP/2 429\r\n:status: 429\r\nretry-after : 5\r\nx-rate-limit-remaining: 0\r\n\r\n{}";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.status, 429);
    assert_eq!(capture.headers, vec![header("x-rate-limit-remaining", "0")]);
    assert_eq!(capture.body, b"{}");
    let lines: Vec<String> = capture
        .skipped_lines
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "line 2 of the capture is not a header line `Name: value` (an empty line ends the \
             headers): \":status: 429\"",
            "line 3 of the capture is not a header line `Name: value` (an empty line ends the \
             headers): \"retry-after : 5\"",
        ]
    );
}

#[test]
fn folded_header_lines_continue_the_value() {
    let input = b"HTTP/1.1 200 OK\r\nx-note: one\r\n  two\r\n\r\n";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.headers, vec![header("x-note", "one two")]);
    // Nothing to continue: skipped.
    assert_eq!(skipped(b"HTTP/1.1 200 OK\r\n  two\r\n\r\n"), [2]);
}

#[test]
fn header_values_keep_raw_bytes() {
    let input = b"HTTP/1.1 200 OK\r\nx-odd: \xff\xfe caf\xc3\xa9\r\n\r\n";
    let capture = parse(input).unwrap().unwrap();
    assert_eq!(capture.headers[0].1, b"\xff\xfe caf\xc3\xa9");
}

#[test]
fn a_utf8_bom_before_the_status_line_is_ignored() {
    let capture = parse(b"\xEF\xBB\xBFHTTP/1.1 404 Not Found\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(capture.status, 404);
}

#[test]
fn malformed_lines_are_named_with_their_number() {
    let err = parse(b"HTTP/1.1 42 Short\r\n\r\n").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.to_string().starts_with(
        "line 1 of the capture is not an HTTP status line like `HTTP/1.1 429 Too Many Requests`: \"HTTP/1.1 42 Short\""
    ));
    for bad in [
        &b"HTTP/1.1 4290 x"[..],
        b"HTTP/1.1",
        b"HTTP/ 200 OK",
        b"HTTP/x.y 200 OK",
        b"HTTP/1.1 abc OK",
    ] {
        assert_eq!(parse(bad).unwrap_err().line, 1, "{}", show_line(bad));
    }
    assert_eq!(
        skipped(b"HTTP/1.1 200 OK\ncontent-type: json\nnot a header\n\n{}"),
        [3]
    );
    // A name with a space or no name at all.
    assert_eq!(skipped(b"HTTP/1.1 200 OK\nbad name: x\n"), [2]);
    assert_eq!(skipped(b"HTTP/1.1 200 OK\n: x\n"), [2]);
    // The second block's status line is checked too.
    assert_eq!(
        parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 x\r\n\r\n")
            .unwrap_err()
            .line,
        3
    );
}

#[test]
fn error_lines_are_escaped_and_shortened() {
    let long = [b'a'; 500];
    let mut input = b"HTTP/1.1 200 OK\n".to_vec();
    input.extend_from_slice(&long);
    let first_skipped = |input: &[u8]| {
        let capture = parse(input).unwrap().unwrap();
        capture
            .skipped_lines
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let text = first_skipped(&input);
    assert!(
        text.ends_with(&format!("\"{}…\"", "a".repeat(80))),
        "{text}"
    );
    let text = first_skipped(b"HTTP/1.1 200 OK\n\x00\x1b[31m\xff\xe2\x80\xa8\n");
    assert!(text.ends_with(r#""\u{0}\u{1b}[31m�\u{2028}""#), "{text}");
}

#[test]
fn header_arguments() {
    assert_eq!(
        parse_header_arg(b"X-Rate-Limit-Reset: 1705420800"),
        Ok(header("X-Rate-Limit-Reset", "1705420800"))
    );
    assert_eq!(
        parse_header_arg(b"retry-after:67"),
        Ok(header("retry-after", "67"))
    );
    assert_eq!(parse_header_arg(b"x-empty:"), Ok(header("x-empty", "")));
    let err = parse_header_arg(b"retry-after 67").unwrap_err();
    assert_eq!(
        err,
        "--header \"retry-after 67\" is not `Name: value` (a header name, a colon, then the value)"
    );
    assert!(parse_header_arg(b"").is_err());
    assert!(parse_header_arg(b" x: 1").is_err());
}

#[test]
fn header_arguments_replace_captured_headers_of_the_same_name() {
    let merged = merge_headers(
        vec![
            header("X-Rate-Limit-Reset", "1"),
            header("date", "d"),
            header("x-rate-limit-reset", "2"),
        ],
        vec![
            header("x-rate-limit-reset", "3"),
            header("retry-after", "67"),
        ],
    );
    assert_eq!(
        merged,
        vec![
            header("date", "d"),
            header("x-rate-limit-reset", "3"),
            header("retry-after", "67")
        ]
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic fuzz: every prefix of a capture, and byte soup.
    let input: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/2 429 \r\nx-a: 1\r\n  b\r\n\r\n{}";
    for end in 0..=input.len() {
        let _ = parse(&input[..end]);
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..2000 {
        let mut bytes = b"HTTP/1.1 ".to_vec();
        for _ in 0..64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push(b"0129 :\r\nHTTP/\t\xffa"[(state % 16) as usize]);
        }
        let _ = parse(&bytes);
    }
}
