//! `twerr classify` on responses that are easy to get wrong: a response that carries the
//! server's clock, a plain-text body that happens to start with `HTTP/`, and a media upload
//! whose request succeeded but whose processing failed; and a code the table lacks (derived
//! from `Code::ALL`, so adding a row never breaks the test).

mod common;

use common::{capture, json, twerr};

/// A local clock years ahead of the captured response's `Date` (2027-01-15).
const SKEWED_NOW: &str = "1800000000";

#[test]
fn until_is_on_the_server_clock_when_the_response_has_a_date() {
    let path = capture("rate-limit-88-date.crlf.txt");
    // The Date says 15:46:40, the reset is 16:00:00: 800 s plus the 1 s margin, whatever the
    // local clock says.
    for now in [SKEWED_NOW, "1705420000", "0"] {
        let run = twerr(&["classify", "--now", now, &path], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        assert!(
            run.stdout.contains(
                "\nWait       801 s (13 min 21 s), until 2024-01-16T16:00:01Z by the server's clock\n"
            ),
            "--now {now}: {}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("resets 2024-01-16T16:00:00Z; server time 2024-01-16T15:46:40Z"),
            "{}",
            run.stdout
        );
        // --json keeps the delay itself.
        let run = twerr(&["classify", "--json", "--now", now, &path], b"");
        assert_eq!(json(&run)["wait_seconds"], 801, "--now {now}");
    }
}

#[test]
fn until_is_now_plus_the_wait_without_a_date() {
    let run = twerr(
        &[
            "classify",
            "--now",
            "1705420000",
            &capture("rate-limit-88.crlf.txt"),
        ],
        b"",
    );
    assert!(
        run.stdout
            .contains("\nWait       801 s (13 min 21 s), until 2024-01-16T16:00:01Z\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_backoff_wait_counts_from_the_server_date_too() {
    let body = br#"{"errors":[{"message":"Over capacity","code":130}]}"#;
    let run = twerr(
        &[
            "classify",
            "--status",
            "503",
            "--now",
            SKEWED_NOW,
            "--header",
            "Date: Tue, 16 Jan 2024 15:46:40 GMT",
        ],
        body,
    );
    assert!(
        run.stdout
            .contains("\nWait       5 s, until 2024-01-16T15:46:45Z by the server's clock\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_help_says_a_date_header_decides_the_wait() {
    let run = twerr(&["classify", "--help"], b"");
    assert_eq!(run.code, 0);
    let help = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("A `Date` header in the response takes precedence for the wait"),
        "{help}"
    );
}

/// Plain-text bodies that start like a status line but are not one.
const HTTP_TEXT_BODIES: [&[u8]; 2] = [
    b"HTTP/1.1 is required\n",
    b"HTTP/1.0 requests are not supported",
];

/// A real status line followed by a line that is not a header is a capture: the line is
/// skipped and reported, never fatal, so the status is not lost.
#[test]
fn a_status_line_then_a_stray_line_is_a_capture_with_the_line_skipped() {
    let body = b"HTTP/1.1 400 Bad Request\r\nyour client sent a malformed request\r\n";
    let run = twerr(&["classify", "--json"], body);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(json(&run)["status"], 400);
    assert_eq!(
        run.stderr,
        "twerr: note: standard input: line 2 of the capture is not a header line `Name: value` \
         (an empty line ends the headers): \"your client sent a malformed request\"; skipped it\n"
    );
}

#[test]
fn with_status_a_text_body_starting_with_http_is_the_body() {
    for body in HTTP_TEXT_BODIES {
        let run = twerr(&["classify", "--status", "400", "--json"], body);
        assert_eq!(run.code, 0, "{run:#?}");
        let out = json(&run);
        assert_eq!(out["status"], 400, "{run:#?}");
        assert_eq!(out["format"], "text", "{run:#?}");
        let text = String::from_utf8_lossy(body);
        assert_eq!(out["raw_body"].as_str(), Some(text.as_ref()), "{run:#?}");
        // One line on stderr says how the input was read.
        assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
        assert!(
            run.stderr
                .starts_with("twerr: note: standard input starts with `HTTP/` but is not"),
            "{run:#?}"
        );
        assert!(
            run.stderr.contains("classified all of it as the body"),
            "{run:#?}"
        );

        let run = twerr(&["classify", "--status", "400"], body);
        assert_eq!(run.code, 0, "{run:#?}");
        assert!(
            run.stdout
                .starts_with("Status     400 Bad Request: the request failed\nBody       text\n"),
            "{run:#?}"
        );
    }
}

#[test]
fn without_status_a_text_body_starting_with_http_is_still_refused() {
    for body in HTTP_TEXT_BODIES {
        let run = twerr(&["classify"], body);
        common::assert_refused(&run, "of the capture is not");
        assert!(run.stderr.contains("pass --status N"), "{run:#?}");
    }
}

#[test]
fn a_failed_media_upload_says_what_failed_and_to_upload_again() {
    let bodies = common::real_bodies();
    let media: Vec<_> = bodies
        .iter()
        .filter(|entry| {
            let response = twerr_core::ErrorResponse::parse(
                entry.http_status.unwrap_or(200),
                entry.body.as_bytes(),
            );
            response.media_error().is_some()
        })
        .collect();
    assert!(
        media.iter().any(|entry| entry.id == "dev-38"),
        "dev-38 is a failed media upload"
    );
    for entry in media {
        let status = entry.http_status.unwrap_or(200).to_string();
        let run = twerr(&["classify", "--status", &status], entry.body.as_bytes());
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let out = &run.stdout;
        assert!(!out.contains("nothing failed"), "{}: {out}", entry.id);
        if entry.id == "dev-38" {
            assert_eq!(
                out.as_str(),
                "Status     200 OK: the request succeeded, but the media processing failed\n\
                 Body       json\n\
                 Media      processing failed: InvalidMedia: \"Unsupported video format\" \
                 (media error code 1, not a v1.1 code)\n\
                 Retry      no: the media was rejected and asking again will not change that; \
                 upload it again as a supported file (a new INIT, APPEND and FINALIZE)\n"
            );
        }
    }
}

#[test]
fn a_media_error_without_details_is_still_a_failure() {
    let run = twerr(
        &["classify", "--status", "200"],
        br#"{"processing_info":{"state":"failed","error":{}}}"#,
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("\nMedia      processing failed\nRetry      no: the media was rejected"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_code_the_table_lacks_is_reported_and_the_status_decides() {
    let unknown = common::unknown_code();
    let body = format!(r#"{{"errors":[{{"code":{unknown},"message":"Something new"}}]}}"#);
    let run = twerr(&["classify", "--status", "403", "--json"], body.as_bytes());
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let out = json(&run);
    assert_eq!(out["errors"][0]["code"], unknown);
    assert_eq!(out["errors"][0]["known"], false);
    assert_eq!(out["errors"][0]["name"], serde_json::Value::Null);
    let by_status = twerr_core::Status::from_u16(403)
        .retry()
        .map(|r| r.as_str());
    assert_eq!(out["retry"].as_str(), by_status, "{run:#?}");

    let run = twerr(&["classify", "--status", "403"], body.as_bytes());
    assert!(
        run.stdout.contains(&format!(
            "\nError 1    code {unknown} (not in the table): \"Something new\"\n"
        )),
        "{}",
        run.stdout
    );
}
