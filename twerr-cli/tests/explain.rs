//! `twerr explain` on every row of the compiled-in tables, on unknown and on malformed values.
//! Expected texts come from the `twerr_core` API, so adding a row never breaks these tests.

mod common;

use common::{assert_refused, twerr};
use twerr_core::{Code, Problem, Retry, Status};

/// The first word of the advice line for a retry class (a row whose reach blocks says
/// "never by itself:" and what a person must do).
fn retry_start(retry: Option<Retry>) -> Option<&'static str> {
    match retry? {
        Retry::Never => Some("never"),
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

/// The `Reach` line: on error rows only, naming the reach; a reach that blocks says that twerr
/// stops sending, and its retry line says what a person must do instead of "fix the request".
fn check_reach(out: &str, row: &twerr_core::table::Row) {
    let line = field(out, "Reach");
    let Some(reach) = row.reach() else {
        assert_eq!(line, None, "{out}");
        return;
    };
    let line = line.unwrap_or_else(|| panic!("no Reach line: {out}"));
    assert!(line.starts_with(&format!("{reach}: ")), "{out}");
    assert_eq!(
        line.contains("twerr stops sending"),
        reach.blocks(),
        "{out}"
    );
    assert_eq!(
        line.contains("reads still work"),
        row.writes_only(),
        "{out}"
    );
    let retry = field(out, "Retry").unwrap();
    if reach.blocks() {
        assert!(retry.starts_with("never by itself: "), "{out}");
        assert!(!retry.contains("fix the request"), "{out}");
    } else if row.retry() == Some(Retry::Never) {
        assert!(retry.starts_with("never: "), "{out}");
    }
}

fn check_provenance(
    out: &str,
    observed: usize,
    history: usize,
    retired: Option<&twerr_core::table::Retired>,
    source: Option<&twerr_core::table::Source>,
) {
    // A title naming two documents is printed one a line, the date and link with the first.
    let two_documents = source
        .is_some_and(|s| s.title().contains("\"; ") || s.title().contains("); "))
        && source.is_some_and(|s| s.url().is_some() || s.date().is_some());
    if two_documents {
        let s = source.unwrap();
        let first = field(out, "Source").unwrap();
        assert!(!s.title().starts_with(first), "{out}");
        if let Some(url) = s.url() {
            assert!(first.ends_with(&format!(" <{url}>")), "{out}");
        }
        if let Some(date) = s.date() {
            assert!(first.contains(&format!(", {date}")), "{out}");
        }
    } else {
        // A source no maintainer can re-check says so after its text.
        let source = source.map(|s| match s.unidentified() {
            Some(why) => format!("{s}; cannot be re-checked: {why}"),
            None => s.to_string(),
        });
        assert_eq!(field(out, "Source"), source.as_deref(), "{out}");
    }
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
        check_reach(out, code.row().unwrap());
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
        // The `code:` prefix means the same, without the pointer at a status of that number.
        assert_eq!(
            twerr(&["explain", &format!("code:{n}")], b"").stdout,
            without_also(out)
        );
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
        check_reach(out, status.row().unwrap());
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
        check_reach(out, problem.row().unwrap());
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

/// The examples of the reach: what a person reading `twerr explain` must learn from it.
#[test]
fn failures_an_operator_must_fix_say_so() {
    let usage = twerr(&["explain", "usage-capped"], b"").stdout;
    assert_eq!(
        field(&usage, "Retry"),
        Some(
            "never by itself: the account must be fixed first (top up its credits, raise its \
             spend cap) or the usage period must end"
        ),
        "{usage}"
    );
    let payment = twerr(&["explain", "http:402"], b"").stdout;
    assert!(
        field(&payment, "Reach").is_some_and(|r| r.starts_with(
            "app: every request of the app or account fails too, whatever the credential"
        )),
        "{payment}"
    );
    let token = twerr(&["explain", "89"], b"").stdout;
    assert!(
        field(&token, "Reach").is_some_and(|r| r.ends_with("other credentials go on")),
        "{token}"
    );
    let duplicate = twerr(&["explain", "187"], b"").stdout;
    assert_eq!(
        field(&duplicate, "Reach"),
        Some("request: this request only; other requests are not affected")
    );
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
        ("Foo::Bar", "\"Foo::Bar\" is not a variant path"),
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

/// `explain` output without its `Also` line.
fn without_also(out: &str) -> String {
    out.lines()
        .filter(|l| !l.starts_with("Also "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Every listed value as (what `explain` takes for it alone, its variant path, its message).
fn every_value() -> Vec<(String, String, &'static str)> {
    let mut all = Vec::new();
    for s in Status::ALL {
        all.push((
            format!("http:{}", s.as_u16()),
            format!("twerr_core::Status::{}", s.name()),
            s.message().unwrap(),
        ));
    }
    for c in Code::ALL {
        all.push((
            c.as_u16().to_string(),
            format!("twerr_core::Code::{}", c.name()),
            c.message().unwrap(),
        ));
    }
    for p in Problem::ALL {
        all.push((
            p.slug().unwrap().to_owned(),
            format!("twerr_core::Problem::{}", p.name()),
            p.message().unwrap(),
        ));
    }
    all
}

#[test]
fn a_number_that_is_only_a_status_explains_the_status_and_says_so() {
    let n = (100..=999u16)
        .find(|&n| Status::from_u16(n).is_known() && !Code::from_u16(n).is_known())
        .expect("a status number no code has, like 429");
    let run = twerr(&["explain", &n.to_string()], b"");
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    let (first, rest) = run.stdout.split_once('\n').unwrap();
    assert_eq!(
        first,
        format!("Code {n} is not in the table; showing HTTP {n} (twerr explain http:{n}).")
    );
    assert_eq!(rest, twerr(&["explain", &format!("http:{n}")], b"").stdout);
    // `code:` asks for the code only: not in the table, with the status pointed at.
    let run = twerr(&["explain", &format!("code:{n}")], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    let also = field(&run.stdout, "Also").unwrap();
    assert!(also.ends_with(&format!("twerr explain http:{n}")), "{also}");
}

#[test]
fn a_number_that_is_a_code_and_a_status_explains_the_code_and_points_at_the_status() {
    let both: Vec<u16> = Code::ALL
        .iter()
        .map(|c| c.as_u16())
        .filter(|&n| (100..=999).contains(&n) && Status::from_u16(n).is_known())
        .collect();
    assert!(!both.is_empty(), "415 is a code and a status");
    for n in both {
        let run = twerr(&["explain", &n.to_string()], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        assert!(
            run.stdout.starts_with(&format!("Code {n}: ")),
            "{}",
            run.stdout
        );
        let status = Status::from_u16(n);
        assert_eq!(
            field(&run.stdout, "Also"),
            Some(
                format!(
                    "HTTP {n} {}: twerr explain http:{n}",
                    status.message().unwrap()
                )
                .as_str()
            )
        );
        // Without the line, it is what `code:N` prints.
        let explicit = twerr(&["explain", &format!("code:{n}")], b"").stdout;
        assert_eq!(without_also(&run.stdout), explicit);
    }
}

#[test]
fn a_number_that_is_neither_is_not_in_the_table() {
    let n = (100..=999u16)
        .find(|&n| !Status::from_u16(n).is_known() && !Code::from_u16(n).is_known())
        .unwrap();
    let run = twerr(&["explain", &n.to_string()], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.stdout.lines().next(),
        Some(format!("Code {n} is not in the table.").as_str())
    );
    assert_eq!(field(&run.stdout, "Also"), None, "{}", run.stdout);
}

#[test]
fn variant_names_as_printed() {
    let all = every_value();
    for (query, path, _) in &all {
        // What `explain` says of the value alone, but the pointer of a code at the status of
        // the same number, which only a bare number gets.
        let alone = without_also(&twerr(&["explain", query], b"").stdout);
        // The full path names one variant.
        let run = twerr(&["explain", path], b"");
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
        let (first, rest) = run.stdout.split_once('\n').unwrap();
        let name = path.rsplit("::").next().unwrap();
        assert_eq!(first, format!("{name} is {path} (twerr explain {query})."));
        assert_eq!(rest, alone);
        // The bare name: the same, or every variant so named, listed.
        let same_name: Vec<&String> = all
            .iter()
            .filter(|(_, p, _)| p.rsplit("::").next() == Some(name))
            .map(|(q, _, _)| q)
            .collect();
        // A problem type's slug comes first, whatever its case (`Conflict` is `conflict`).
        if Problem::from_type(&name.to_ascii_lowercase()) != Problem::Unknown {
            continue;
        }
        let run = twerr(&["explain", name], b"");
        if same_name.len() == 1 {
            assert_eq!(run.code, 0, "{run:#?}");
            assert!(
                without_also(&run.stdout).ends_with(&alone),
                "{}",
                run.stdout
            );
        } else if same_name.len() > 1 {
            assert_eq!(run.code, 1, "{run:#?}");
            assert!(
                run.stdout
                    .starts_with(&format!("{name} names {} variants", same_name.len())),
                "{}",
                run.stdout
            );
            for q in same_name {
                assert!(
                    run.stdout.contains(&format!("twerr explain {q} ")),
                    "{q} in {}",
                    run.stdout
                );
            }
        }
    }
    let run = twerr(&["explain", "RateLimitExceeded"], b"");
    assert_eq!(run.code, 1, "code 88 and rate-limit-exceeded: {run:#?}");
    let run = twerr(&["explain", "Code::NoSuchVariant"], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.stdout.lines().next(),
        Some("No variant of Code is named NoSuchVariant.")
    );
}

#[test]
fn message_texts() {
    let all = every_value();
    let norm = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    for (query, _, message) in &all {
        // As a response might say it: other case, a final period, blanks around.
        let typed = format!("  {}. ", message.to_uppercase());
        let run = twerr(&["explain", &typed], b"");
        let rows_with_it = all
            .iter()
            .filter(|(_, _, m)| norm(m) == norm(message))
            .count();
        if run.code == 0 {
            let first = run.stdout.lines().next().unwrap();
            assert!(
                first.ends_with(&format!("(twerr explain {query}).")),
                "{first}"
            );
            assert_eq!(rows_with_it, 1, "{run:#?}");
        } else {
            // Several rows say it (HTTP 403 and code 200 "Forbidden"), or a variant or a
            // problem type is called so: every row with the message is listed.
            assert_eq!(run.code, 1, "{run:#?}");
            assert!(
                run.stdout.contains(&format!("twerr explain {query} ")),
                "{query} in {}",
                run.stdout
            );
        }
    }
    let run = twerr(&["explain", "Rate limit exceeded."], b"");
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout.lines().next(),
        Some("\"Rate limit exceeded.\" is the message of Code 88 (twerr explain 88).")
    );
    let run = twerr(&["explain", "no row says this"], b"");
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.stdout.lines().next(),
        Some("No row of the table has the message \"no row says this\".")
    );
}

#[test]
fn a_history_of_two_documents_prints_each_with_its_own_date_and_link() {
    let run = twerr(&["explain", "88"], b"");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("History "))
        .unwrap();
    let (first, second) = (lines[at], lines[at + 1]);
    // The 2025 docs page, its date and its link, then the 2021 copy with its own.
    assert!(first.ends_with("2025-06-24 <https://github.com/xdevplatform/docs/blob/d1139bf61bb3393c1c606ddd9ec80a6184f71537/x-api/fundamentals/response-codes-and-errors.mdx>;"), "{first}");
    assert!(
        second
            .trim_start()
            .starts_with("developer.twitter.com, \"Twitter API error codes\", October 2021"),
        "{second}"
    );
    assert!(
        second.ends_with(", 2021-10 <https://github.com/michimani/gotwi>)"),
        "{second}"
    );
}
