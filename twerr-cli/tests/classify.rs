//! `twerr classify` on every real error body, on `curl -i` captures built from them, and on
//! malformed input. `--json` is compared with the library's own serialisation of the same
//! response, so the two cannot drift.

mod common;

use common::{RealBody, Run, assert_refused, capture, json, real_bodies, twerr};
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use twerr_core::{Code, ErrorResponse, Status};

/// A fixed clock for the wait computations.
const NOW: u64 = 1_705_420_000;
const NOW_ARG: &str = "1705420000";

/// `output` minus the CLI's own keys must be exactly the library's serialisation.
fn assert_matches_library(output: &Value, response: &ErrorResponse) {
    let mut object = output.as_object().unwrap().clone();
    assert_eq!(object.remove("schema"), Some(Value::from(2)));
    let status = response.status();
    let text = status.is_known().then(|| status.message());
    assert_eq!(object.remove("status_text"), Some(Value::from(text)));
    let wait = response
        .retry_delay(0, UNIX_EPOCH + Duration::from_secs(NOW))
        .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
    assert_eq!(object.remove("wait_seconds"), Some(Value::from(wait)));
    assert_eq!(
        Value::Object(object),
        serde_json::to_value(response).unwrap()
    );
}

/// The `(code, message)` pairs of a v1.1 `{"errors":[{code, message}]}` body, read
/// independently of the library.
fn v11_codes(body: &str) -> Vec<u64> {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    value["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_u64()).collect())
        .unwrap_or_default()
}

fn classify_body(entry: &RealBody, status: u16, json_output: bool) -> Run {
    let status = status.to_string();
    let mut args = vec!["classify", "--status", &status, "--now", NOW_ARG];
    if json_output {
        args.push("--json");
    }
    twerr(&args, entry.body.as_bytes())
}

#[test]
fn every_real_body_as_json() {
    let bodies = real_bodies();
    assert!(
        bodies.len() >= 30,
        "the fixture has {} bodies",
        bodies.len()
    );
    for entry in &bodies {
        // Bodies saved without their status are classified as the 400 a client would
        // most likely have seen; the status itself is checked below.
        let status = entry.http_status.unwrap_or(400);
        let run = classify_body(entry, status, true);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (0, ""),
            "{}: {run:#?}",
            entry.id
        );
        let output = json(&run);
        assert_matches_library(
            &output,
            &ErrorResponse::parse(status, entry.body.as_bytes()),
        );
        assert_eq!(output["status"], status, "{}", entry.id);
        // Every v1.1 code in the body is reported, in order, with the table's verdict.
        let codes: Vec<u64> = output["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["code"].as_u64())
            .collect();
        if entry.format == "json" || entry.format == "json-pretty" {
            assert_eq!(codes, v11_codes(&entry.body), "{}", entry.id);
        }
        for error in output["errors"].as_array().unwrap() {
            if let Some(n) = error["code"].as_u64() {
                let code = Code::from_u16(u16::try_from(n).unwrap());
                assert_eq!(error["known"], code.is_known(), "{}", entry.id);
            }
        }
        let format = output["format"].as_str().unwrap();
        assert!(
            ["json", "xml", "html", "text", "empty"].contains(&format),
            "{}: {format}",
            entry.id
        );
    }
}

#[test]
fn every_real_body_as_text() {
    for entry in real_bodies() {
        let status = entry.http_status.unwrap_or(400);
        let run = classify_body(&entry, status, false);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (0, ""),
            "{}: {run:#?}",
            entry.id
        );
        let out = &run.stdout;
        let first = out.lines().next().unwrap();
        let status = Status::from_u16(status);
        assert!(first.starts_with("Status"), "{out}");
        if status.is_known() {
            assert!(first.contains(&status.to_string()), "{out}");
        }
        let response = ErrorResponse::parse(status, entry.body.as_bytes());
        for (i, error) in response.errors().iter().enumerate() {
            let line = out
                .lines()
                .find_map(|l| l.strip_prefix(&format!("Error {} ", i + 1)))
                .unwrap_or_else(|| panic!("{}: no Error {} line in {out}", entry.id, i + 1));
            if let Some(code) = error.code() {
                let want = if code.is_known() {
                    format!("code {} ({})", code.as_u16(), code.name())
                } else {
                    format!("code {} (not in the table)", code.as_u16())
                };
                assert!(line.contains(&want), "{}: {line}", entry.id);
            }
        }
        assert!(out.lines().any(|l| l.starts_with("Retry ")), "{out}");
    }
}

#[test]
fn a_body_without_a_status_is_classified_by_what_it_says() {
    for entry in real_bodies() {
        let Some(status) = entry.http_status else {
            continue;
        };
        let run = twerr(&["classify", "--now", NOW_ARG], entry.body.as_bytes());
        assert_eq!(run.code, 0, "{}: {run:#?}", entry.id);
        assert!(
            run.stderr
                .contains("has no status line: classified the body alone"),
            "{}: {run:#?}",
            entry.id
        );
        let status_line = run.stdout.lines().next().unwrap();
        assert!(
            status_line.starts_with("Status     unknown (a bare body)"),
            "{}: {status_line}",
            entry.id
        );
        // The body's errors are the same whatever the status.
        let with = twerr(
            &[
                "classify",
                "--now",
                NOW_ARG,
                "--status",
                &status.to_string(),
            ],
            entry.body.as_bytes(),
        );
        let errors = |out: &str| -> Vec<String> {
            out.lines()
                .filter(|l| l.starts_with("Error ") || l.starts_with("Problem "))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(errors(&run.stdout), errors(&with.stdout), "{}", entry.id);
        let value = json(&twerr(&["classify", "--json"], entry.body.as_bytes()));
        assert_eq!(value["status"], Value::Null, "{}", entry.id);
        assert_eq!(value["status_known"], Value::Bool(false), "{}", entry.id);
        assert_eq!(value["status_text"], Value::Null, "{}", entry.id);
        let with = json(&twerr(
            &["classify", "--json", "--status", &status.to_string()],
            entry.body.as_bytes(),
        ));
        assert_eq!(value["errors"], with["errors"], "{}", entry.id);
        assert_eq!(value["problem"], with["problem"], "{}", entry.id);
    }
}

#[test]
fn a_bare_code_88_body_is_a_rate_limit_of_unknown_status() {
    let body = br#"{"errors":[{"message":"Rate limit exceeded","code":88}]}"#;
    let run = twerr(&["classify", "--now", NOW_ARG], body);
    assert_eq!(run.code, 0, "{run:#?}");
    let status = Status::from_u16(429);
    assert_eq!(
        run.stdout.lines().next(),
        Some(
            format!(
                "Status     unknown (a bare body); its errors correspond with {status}: the body \
                 reports a failure"
            )
            .as_str()
        )
    );
    assert!(
        run.stdout.contains("\nRetry      after the reset"),
        "{}",
        run.stdout
    );
    // A body that names no failure: the status would decide, and none is known.
    let run = twerr(&["classify", "--json"], b"Rate limit exceeded");
    let value = json(&run);
    assert_eq!(
        (&value["is_error"], &value["retry"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn curl_verbose_output_reads_as_its_response() {
    let (_, from_i) = classify_capture("rate-limit-88.crlf.txt");
    let run = twerr(
        &[
            "classify",
            "--json",
            "--now",
            NOW_ARG,
            &capture("verbose-rate-limit-88.lf.txt"),
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("is `curl -v` output"), "{run:#?}");
    assert_eq!(json(&run), from_i);
    let text = twerr(
        &[
            "classify",
            "--now",
            NOW_ARG,
            &capture("verbose-rate-limit-88.lf.txt"),
        ],
        b"",
    );
    assert!(
        text.stdout
            .starts_with("Status     429 Too Many Requests: the request failed"),
        "{text:#?}"
    );
    // The request's credentials are not a response header.
    assert!(!text.stdout.contains("redacted"), "{text:#?}");
}

fn classify_capture(name: &str) -> (Run, Value) {
    let run = twerr(
        &["classify", "--json", "--now", NOW_ARG, &capture(name)],
        b"",
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{name}: {run:#?}");
    let value = json(&run);
    (run, value)
}

#[test]
fn capture_429_with_rate_limit_headers() {
    let (_, out) = classify_capture("rate-limit-88.crlf.txt");
    assert_eq!(out["status"], 429);
    assert_eq!(out["errors"][0]["code"], 88);
    assert_eq!(out["retry"], "after-reset");
    assert_eq!(out["rate_limit"]["limit"], 900);
    assert_eq!(out["rate_limit"]["remaining"], 0);
    assert_eq!(out["rate_limit"]["reset"], 1_705_420_800);
    // Wait for the reset, 800 s after NOW, and not a day longer.
    let wait = out["wait_seconds"].as_u64().unwrap();
    assert!((800..=86_400).contains(&wait), "{wait}");
    let headers = [
        ("x-rate-limit-limit", "900"),
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1705420800"),
    ];
    let body = br#"{"errors":[{"message":"Rate limit exceeded","code":88}]}"#;
    assert_matches_library(&out, &ErrorResponse::from_parts(429, headers, body));
}

#[test]
fn capture_text_output_says_what_failed_and_how_long_to_wait() {
    let run = twerr(
        &[
            "classify",
            "--now",
            NOW_ARG,
            &capture("rate-limit-88.crlf.txt"),
        ],
        b"",
    );
    assert_eq!(run.code, 0);
    let out = &run.stdout;
    let status = Status::from_u16(429);
    assert!(
        out.starts_with(&format!("Status     {status}: the request failed\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("code 88 ({})", Code::from_u16(88).name())),
        "{out}"
    );
    assert!(out.contains("\nRetry      after the reset:"), "{out}");
    assert!(out.contains("\nWait       "), "{out}");
    assert!(
        out.contains("0 of 900 left; resets 2024-01-16T16:00:00Z"),
        "{out}"
    );
}

#[test]
fn capture_after_100_continue_from_stdin() {
    let bytes = std::fs::read(capture("continue-duplicate-187.crlf.txt")).unwrap();
    for args in [
        &["classify", "--json", "-"][..],
        &["classify", "--json"][..],
    ] {
        let run = twerr(args, &bytes);
        assert_eq!(run.code, 0, "{run:#?}");
        let out = json(&run);
        assert_eq!(out["status"], 403);
        assert_eq!(out["errors"][0]["code"], 187);
        assert_eq!(out["errors"][0]["message"], "Status is a duplicate.");
    }
    let run = twerr(&["classify", "-"], &bytes);
    assert!(
        run.stdout
            .contains("(the last of 2 responses in the capture)"),
        "{run:#?}"
    );
}

#[test]
fn capture_after_a_redirect_with_lf_endings() {
    let (_, out) = classify_capture("redirect-unauthorized-32.lf.txt");
    assert_eq!(out["status"], 401);
    assert_eq!(out["errors"][0]["code"], 32);
    assert_eq!(out["errors"][0]["known"], Code::from_u16(32).is_known());
}

#[test]
fn crlf_and_lf_captures_classify_alike() {
    for name in ["rate-limit-88.crlf.txt", "continue-duplicate-187.crlf.txt"] {
        let crlf = std::fs::read(capture(name)).unwrap();
        let text = String::from_utf8(crlf.clone()).unwrap();
        // Only the header blocks change; these bodies have no line breaks.
        let lf = text.replace("\r\n", "\n");
        let args = ["classify", "--json", "--now", NOW_ARG];
        assert_eq!(
            twerr(&args, &crlf).stdout,
            twerr(&args, lf.as_bytes()).stdout,
            "{name}"
        );
    }
}

#[test]
fn capture_through_a_proxy_usage_capped() {
    let (_, out) = classify_capture("proxy-usage-capped.crlf.txt");
    assert_eq!(out["status"], 429);
    assert_eq!(out["problem"]["slug"], "usage-capped");
    assert_eq!(out["rate_limit"]["limit"], 40_000);
    assert_eq!(out["rate_limit"]["remaining"], 39_999);
    assert_eq!(out["rate_limit"]["reset"], Value::Null);
}

#[test]
fn capture_200_with_only_errors_and_mixed_case_headers() {
    let (_, out) = classify_capture("partial-200-not-found.lf.txt");
    assert_eq!(out["status"], 200);
    assert_eq!(out["errors"][0]["slug"], "resource-not-found");
    assert_eq!(out["rate_limit"]["limit"], 15);
    assert_eq!(out["rate_limit"]["remaining"], 14);
    assert_eq!(out["rate_limit"]["reset"], 1_619_190_978);
}

#[test]
fn capture_problem_json_403() {
    let (_, out) = classify_capture("problem-json-403-duplicate.crlf.txt");
    assert_eq!(out["status"], 403);
    assert_eq!(out["status_text"], Status::from_u16(403).message().unwrap());
    assert_eq!(out["problem"]["type"], "about:blank");
    assert_eq!(
        out["problem"]["detail"],
        "You are not allowed to create a Tweet with duplicate content."
    );
    assert_eq!(out["retry"], "never");
    assert_eq!(out["wait_seconds"], Value::Null);
}

#[test]
fn capture_plain_text_and_headers_only() {
    let (_, out) = classify_capture("oauth-text-401.crlf.txt");
    assert_eq!(
        (out["status"].as_u64(), out["format"].as_str()),
        (Some(401), Some("text"))
    );
    let (_, out) = classify_capture("banner-422-headers-only.crlf.txt");
    assert_eq!(
        (out["status"].as_u64(), out["format"].as_str()),
        (Some(422), Some("empty"))
    );
    assert_eq!(out["errors"], Value::Array(Vec::new()));
}

#[test]
fn status_and_header_arguments_override_the_capture() {
    let path = capture("rate-limit-88.crlf.txt");
    let run = twerr(
        &[
            "classify",
            "--json",
            "--now",
            NOW_ARG,
            "--status",
            "420",
            "--header",
            "X-Rate-Limit-Remaining: 5",
            "-H",
            "retry-after: 67",
            &path,
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let out = json(&run);
    assert_eq!(out["status"], 420);
    assert_eq!(out["rate_limit"]["remaining"], 5);
    assert_eq!(out["rate_limit"]["limit"], 900);
    assert_eq!(out["rate_limit"]["retry_after"], 67);
}

#[test]
fn headers_for_a_bare_body() {
    let body = br#"{"errors":[{"message":"Rate limit exceeded","code":88}]}"#;
    let run = twerr(
        &[
            "classify",
            "--json",
            "--status",
            "429",
            "--now",
            NOW_ARG,
            "--header",
            "x-rate-limit-reset: 1705420800",
        ],
        body,
    );
    let out = json(&run);
    assert_eq!(out["rate_limit"]["reset"], 1_705_420_800);
    let response =
        ErrorResponse::from_parts(429, [("x-rate-limit-reset", "1705420800")], &body[..]);
    assert_matches_library(&out, &response);
}

#[test]
fn malformed_captures_name_the_line() {
    // A malformed header line is skipped and named; the capture is still read.
    let run = twerr(
        &["classify"],
        b"HTTP/1.1 429 Too Many Requests\r\nx-rate-limit-limit 900\r\n\r\n{}",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.starts_with("Status     429 Too Many Requests"),
        "{run:#?}"
    );
    assert_eq!(
        run.stderr,
        "twerr: note: standard input: line 2 of the capture is not a header line `Name: \
         value` (an empty line ends the headers): \"x-rate-limit-limit 900\"; skipped it\n"
    );
    // A status line that is not one refuses the capture.
    let run = twerr(&["classify"], b"HTTP/1.1 4xx Oops\r\n\r\n");
    assert_refused(&run, "line 1 of the capture is not an HTTP status line");
    let run = twerr(
        &["classify"],
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1\r\n\r\n",
    );
    assert_refused(&run, "line 3 of the capture");
}

#[test]
fn bad_arguments_are_refused() {
    assert_refused(
        &twerr(&["classify", "--header", "retry-after 67"], b"{}"),
        "--header \"retry-after 67\" is not `Name: value`",
    );
    assert_refused(
        &twerr(&["classify", "--status", "abc"], b"{}"),
        "invalid value 'abc'",
    );
    assert_refused(&twerr(&["classify", "--status", "99"], b"{}"), "--status");
    assert_refused(
        &twerr(&["classify", "--status", "70000"], b"{}"),
        "--status",
    );
    assert_refused(
        &twerr(&["classify", "--now=-1"], b"{}"),
        "invalid value '-1' for '--now",
    );
    assert_refused(
        &twerr(&["classify", "--now", "soon"], b"{}"),
        "invalid value 'soon' for '--now",
    );
    assert_refused(
        &twerr(&["classify", "/no/such/file"], b""),
        "cannot open /no/such/file",
    );
    let dir = env!("CARGO_MANIFEST_DIR");
    assert_refused(
        &twerr(&["classify", "--status", "400", dir], b""),
        "cannot read",
    );
}

#[test]
fn any_bytes_classify_without_panic() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut bytes = Vec::new();
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.push(state.to_le_bytes()[0]);
    }
    for input in [
        &bytes[..],
        b"\xff\xfe{\"errors\":[{\"code\":88}]}",
        b"{\"errors\":[{\"code\":99999999999999999999,\"message\":\"\xc3\x28\"}]}",
        b"{\"errors\":[{\"code\":-1},{\"code\":1.5},{\"code\":\"88\"}]}",
        b"\0\0\0\0",
        b"<errors><error code=\"88\">\x1b[31mred</error></errors>",
    ] {
        let run = twerr(&["classify", "--status", "500"], input);
        assert_eq!(run.code, 0, "{run:#?}");
        // At most a note on how the bytes were read (UTF-16, say), never a failure.
        assert!(
            run.stderr.lines().all(|l| l.starts_with("twerr: note: ")),
            "{run:#?}"
        );
        assert!(
            !run.stdout.contains('\u{1b}'),
            "escape sequences must not reach the terminal"
        );
        let run = twerr(&["classify", "--status", "500", "--json"], input);
        assert_eq!(run.code, 0);
        json(&run);
    }
}

#[test]
fn large_input_is_read_and_huge_input_refused() {
    // A 5 MB success body is classified.
    let mut big = b"{\"data\":[".to_vec();
    while big.len() < 5_000_000 {
        big.extend_from_slice(b"{\"id\":\"1508806917874978822\"},");
    }
    big.extend_from_slice(b"{}]}");
    let run = twerr(&["classify", "--status", "200"], &big);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // More than the limit is refused with a message, not read to exhaustion.
    let huge = vec![b'x'; 33 * 1024 * 1024];
    let run = twerr(&["classify", "--status", "200"], &huge);
    assert_refused(&run, "standard input is larger than 32 MiB");
}

#[cfg(unix)]
#[test]
fn header_values_need_not_be_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let args = [
        OsStr::new("classify"),
        OsStr::new("--status"),
        OsStr::new("429"),
        OsStr::new("--header"),
        OsStr::from_bytes(b"x-rate-limit-reset: \xff"),
    ];
    let run = common::twerr_os(args, b"{}");
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
}
