//! `twerr explain` on every row of the compiled-in tables, on unknown and on malformed values.
//! Expected texts come from the `twerr_core` API, so adding a row never breaks these tests.

mod common;

use common::{assert_refused, twerr};
use twerr_core::{Code, Problem, Retry, Status};

/// The first word of the advice line for a retry class.
fn retry_start(retry: Option<Retry>) -> Option<&'static str> {
    match retry? {
        Retry::Never => Some("never:"),
        Retry::Backoff => Some("with backoff:"),
        Retry::AfterReset => Some("after the reset:"),
    }
}

/// The value of the `Label` line(s).
fn field<'a>(stdout: &'a str, label: &str) -> Option<&'a str> {
    stdout.lines().find_map(|line| {
        line.strip_prefix(label)?
            .strip_prefix(' ')
            .map(str::trim_start)
    })
}

fn check_provenance(
    out: &str,
    observed: usize,
    history: usize,
    retired: Option<&twerr_core::table::Retired>,
    source: Option<&twerr_core::table::Source>,
) {
    // A source no maintainer can re-check says so after its text.
    let source = source.map(|s| match s.unidentified() {
        Some(why) => format!("{s}; cannot be re-checked: {why}"),
        None => s.to_string(),
    });
    assert_eq!(field(out, "Source"), source.as_deref(), "{out}");
    assert_eq!(field(out, "Observed").is_some(), observed > 0, "{out}");
    assert_eq!(field(out, "History").is_some(), history > 0, "{out}");
    match retired {
        Some(r) => assert_eq!(
            field(out, "Retired"),
            Some(format!("{}: {}", r.date(), r.note()).as_str()),
            "{out}"
        ),
        None => assert_eq!(field(out, "Retired"), None, "{out}"),
    }
}

#[test]
fn every_code() {
    assert!(!Code::ALL.is_empty());
    for &code in Code::ALL {
        let n = code.as_u16();
        let run = twerr(&["explain", &n.to_string()], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let out = &run.stdout;
        assert_eq!(
            out.lines().next(),
            Some(format!("Code {n}: {}", code.message().unwrap()).as_str())
        );
        let description = code.description().unwrap();
        if !description.is_empty() {
            assert!(out.contains(description), "{out}");
        }
        let http = field(out, "HTTP").unwrap();
        match code.status() {
            Some(status) => assert_eq!(http, status.to_string()),
            None => assert!(http.starts_with("not documented"), "{out}"),
        }
        let retry = field(out, "Retry").unwrap();
        assert!(
            retry.starts_with(retry_start(code.retry()).unwrap()),
            "{out}"
        );
        assert_eq!(
            field(out, "Documented").is_none(),
            code.documented(),
            "{out}"
        );
        check_provenance(
            out,
            code.observed().len(),
            code.history().len(),
            code.retired(),
            code.source(),
        );
        for seen in code.observed() {
            if let Some(message) = seen.message() {
                assert!(out.contains(&format!("\"{message}\"")), "{out}");
            }
        }
        assert_eq!(
            field(out, "Variant"),
            Some(format!("twerr_core::Code::{}", code.name()).as_str())
        );
        // The `code:` prefix means the same.
        assert_eq!(twerr(&["explain", &format!("code:{n}")], b"").stdout, *out);
    }
}

#[test]
fn every_status() {
    assert!(!Status::ALL.is_empty());
    for &status in Status::ALL {
        let n = status.as_u16();
        let run = twerr(&["explain", &format!("http:{n}")], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let out = &run.stdout;
        assert_eq!(
            out.lines().next(),
            Some(format!("HTTP {n}: {}", status.message().unwrap()).as_str())
        );
        let retry = field(out, "Retry").unwrap();
        match retry_start(status.retry()) {
            Some(start) => assert!(retry.starts_with(start), "{out}"),
            None => assert!(retry.starts_with("no: not an error"), "{out}"),
        }
        let codes: Vec<String> = Code::ALL
            .iter()
            .filter(|c| c.status() == Some(status))
            .map(|c| c.as_u16().to_string())
            .collect();
        let want = (!codes.is_empty()).then(|| codes.join(", "));
        assert_eq!(field(out, "Codes"), want.as_deref(), "{out}");
        check_provenance(
            out,
            status.observed().len(),
            status.history().len(),
            status.retired(),
            status.source(),
        );
    }
}

#[test]
fn every_problem_by_slug_and_by_uri() {
    for &problem in Problem::ALL {
        let slug = problem.slug().unwrap();
        let run = twerr(&["explain", slug], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let out = &run.stdout;
        assert_eq!(
            out.lines().next(),
            Some(format!("Problem {slug}: {}", problem.message().unwrap()).as_str())
        );
        if let Some(status) = problem.status() {
            assert_eq!(field(out, "HTTP"), Some(status.to_string().as_str()));
        }
        match retry_start(problem.retry()) {
            Some(start) => assert!(field(out, "Retry").unwrap().starts_with(start), "{out}"),
            None => assert!(
                field(out, "Retry")
                    .unwrap()
                    .starts_with("see the HTTP status")
            ),
        }
        check_provenance(
            out,
            problem.observed().len(),
            problem.history().len(),
            problem.retired(),
            problem.source(),
        );
        if slug != "about:blank" {
            for host in ["https://api.twitter.com/2", "https://api.x.com/2"] {
                let uri = format!("{host}/problems/{slug}");
                assert_eq!(twerr(&["explain", &uri], b"").stdout, *out, "{uri}");
            }
        }
    }
}

#[test]
fn unknown_code_says_so_and_falls_back_to_the_status() {
    let unknown = common::unknown_code();
    assert!(!Code::from_u16(unknown).is_known());
    let run = twerr(&["explain", &unknown.to_string()], b"");
    assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{run:#?}");
    assert_eq!(
        run.stdout.lines().next(),
        Some(format!("Code {unknown} is not in the table.").as_str())
    );
    let fallback = field(&run.stdout, "Fallback").unwrap();
    assert!(fallback.contains("HTTP status"), "{}", run.stdout);
    // The class defaults are read from `Retry::for_status_class`.
    let class_4xx = Retry::for_status_class(400).unwrap().as_str();
    let class_5xx = Retry::for_status_class(500).unwrap().as_str();
    assert!(
        run.stdout.contains(&format!("4xx {class_4xx}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("5xx {class_5xx}")),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_status_falls_back_to_its_class() {
    for class in [4u16, 5] {
        let Some(n) = (class * 100..class * 100 + 100).find(|&n| !Status::from_u16(n).is_known())
        else {
            continue;
        };
        let run = twerr(&["explain", &format!("http:{n}")], b"");
        assert_eq!(run.code, 1, "{run:#?}");
        assert_eq!(
            run.stdout.lines().next(),
            Some(format!("HTTP {n} is not in the table.").as_str())
        );
        let fallback = field(&run.stdout, "Fallback").unwrap();
        let start = retry_start(Retry::for_status_class(n)).unwrap();
        assert!(
            fallback.starts_with(&format!("its class, {class}xx: {start}")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn unknown_problem_type() {
    for value in [
        "no-such-problem",
        "https://api.x.com/2/problems/no-such-problem",
    ] {
        let run = twerr(&["explain", value], b"");
        assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{run:#?}");
        assert_eq!(
            run.stdout.lines().next(),
            Some(format!("Problem type \"{value}\" is not in the table.").as_str())
        );
        assert!(field(&run.stdout, "Fallback").is_some(), "{}", run.stdout);
        if !Problem::ALL.is_empty() {
            let known = field(&run.stdout, "Known").unwrap();
            for p in Problem::ALL {
                assert!(known.contains(p.slug().unwrap()), "{known}");
            }
        }
    }
}

#[test]
fn malformed_values_are_refused_with_exit_2() {
    for (value, needle) in [
        ("", "the value is empty"),
        ("http:abc", "\"abc\" is not an HTTP status"),
        ("http:", "`http:` needs a status"),
        ("http:42", "42 is not an HTTP status"),
        ("99999", "99999 is not a code"),
        ("88a", "\"88a\" is not a code"),
        ("-5", "\"-5\" is not understood"),
        ("+5", "\"+5\" is not understood"),
        ("rate limit", "\"rate limit\" is not understood"),
        ("\u{1b}[2J", "\"\\u{1b}[2J\" is not understood"),
    ] {
        let run = twerr(&["explain", value], b"");
        assert_refused(&run, needle);
    }
}

#[test]
fn missing_or_extra_arguments_are_refused_by_the_parser() {
    assert_refused(&twerr(&["explain"], b""), "required");
    assert_refused(&twerr(&["explain", "88", "89"], b""), "unexpected argument");
    assert_refused(&twerr(&[], b""), "Usage");
    let help = twerr(&["explain", "--help"], b"");
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("http:429"), "{help:#?}");
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let args = [
        std::ffi::OsStr::new("explain"),
        std::ffi::OsStr::from_bytes(b"8\xff"),
    ];
    let run = common::twerr_os(args, b"");
    assert_refused(&run, "UTF-8");
}
