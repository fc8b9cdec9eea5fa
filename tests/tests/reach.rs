//! How far each row's failure reaches, over the real table: the rules hold for every row (read
//! from `ALL`), and a few facts of the docs and of real bodies are pinned on purpose.

use twerr_core::table::Row;
use twerr_core::{Code, Problem, Reach, Retry, Status};

/// Every row of the three tables, with a label for messages.
fn rows() -> Vec<(String, &'static Row)> {
    let statuses = Status::ALL
        .iter()
        .filter_map(|s| Some((format!("status {}", s.as_u16()), s.row()?)));
    let codes = Code::ALL
        .iter()
        .filter_map(|c| Some((format!("code {}", c.as_u16()), c.row()?)));
    let problems = Problem::ALL
        .iter()
        .filter_map(|p| Some((format!("problem {}", p.slug()?), p.row()?)));
    statuses.chain(codes).chain(problems).collect()
}

#[test]
fn reach_spellings_round_trip_and_differ() {
    let all = [Reach::Request, Reach::Window, Reach::Credential, Reach::App];
    for reach in all {
        assert_eq!(Reach::from_name(reach.as_str()), Some(reach));
        assert_eq!(reach.to_string(), reach.as_str());
    }
    let mut spellings: Vec<&str> = all.iter().map(|r| r.as_str()).collect();
    spellings.sort_unstable();
    spellings.dedup();
    assert_eq!(spellings.len(), all.len());
    assert_eq!(Reach::from_name("account"), None);
    assert_eq!(
        all.iter().filter(|r| r.blocks()).count(),
        2,
        "only credential and app block"
    );
}

#[test]
fn every_error_row_has_a_reach_and_no_other_row_does() {
    for (label, row) in rows() {
        assert_eq!(row.reach().is_some(), row.retry().is_some(), "{label}");
    }
}

#[test]
fn writes_only_goes_with_a_reach_that_blocks() {
    let mut seen = 0;
    for (label, row) in rows().into_iter().filter(|(_, row)| row.writes_only()) {
        seen += 1;
        assert!(row.reach().is_some_and(Reach::blocks), "{label}");
    }
    assert!(seen > 0, "the table has writes-only rows (261, 185)");
}

/// A failure that reaches beyond the request is not healed by resending the request.
#[test]
fn a_blocking_row_is_never_retried() {
    for (label, row) in rows() {
        if row.reach().is_some_and(Reach::blocks) {
            assert_eq!(row.retry(), Some(Retry::Never), "{label}");
        }
    }
}

/// A window is the rate-limit book's: only rows that wait for a reset reach it.
#[test]
fn a_window_row_waits_for_the_reset() {
    for (label, row) in rows() {
        if row.reach() == Some(Reach::Window) {
            assert_eq!(row.retry(), Some(Retry::AfterReset), "{label}");
        }
    }
}

#[test]
fn the_accessors_read_the_row() {
    for status in Status::ALL {
        assert_eq!(status.reach(), status.row().and_then(Row::reach));
        assert_eq!(
            status.writes_only(),
            status.row().is_some_and(Row::writes_only)
        );
    }
    for code in Code::ALL {
        assert_eq!(code.reach(), code.row().and_then(Row::reach));
        assert_eq!(code.writes_only(), code.row().is_some_and(Row::writes_only));
    }
    for problem in Problem::ALL {
        assert_eq!(problem.reach(), problem.row().and_then(Row::reach));
    }
}

#[test]
fn unknown_values_and_non_errors_have_no_reach() {
    assert_eq!(Status::from_u16(499).reach(), None);
    assert_eq!(Code::from_u16(9999).reach(), None);
    assert_eq!(
        Problem::from_type("https://api.x.com/2/problems/new-kind").reach(),
        None
    );
    assert_eq!(Status::Ok.reach(), None);
    assert_eq!(Problem::AboutBlank.reach(), None);
    assert!(!Code::from_u16(9999).writes_only());
}

#[test]
fn reaches_of_the_docs_and_real_bodies() {
    // Billing and caps: the whole app.
    assert_eq!(Status::from_u16(402).reach(), Some(Reach::App));
    for uri in [
        "https://api.x.com/2/problems/credits-depleted",
        "https://api.twitter.com/2/problems/credits",
        "https://api.x.com/2/problems/spend-cap-reached",
        "https://api.twitter.com/2/problems/usage-capped",
    ] {
        let problem = Problem::from_type(uri);
        assert!(problem.is_known(), "{uri}");
        assert_eq!(problem.reach(), Some(Reach::App), "{uri}");
        assert!(!problem.writes_only(), "{uri}");
    }
    assert_eq!(
        Problem::from_type("credits-depleted").status(),
        Some(Status::from_u16(402))
    );
    assert_eq!(
        Problem::from_type("spend-cap-reached").status(),
        Some(Status::Forbidden)
    );
    // The credential: a bad token, a suspended or locked account.
    for n in [64, 89, 326] {
        assert_eq!(
            Code::from_u16(n).reach(),
            Some(Reach::Credential),
            "code {n}"
        );
    }
    // Writes only.
    assert_eq!(
        (
            Code::from_u16(261).reach(),
            Code::from_u16(261).writes_only()
        ),
        (Some(Reach::App), true)
    );
    assert_eq!(
        (
            Code::from_u16(185).reach(),
            Code::from_u16(185).writes_only()
        ),
        (Some(Reach::Credential), true)
    );
    // Windows.
    assert_eq!(Code::RateLimitExceeded.reach(), Some(Reach::Window));
    assert_eq!(
        Problem::from_type("rate-limit-exceeded").reach(),
        Some(Reach::Window)
    );
    // One request's mistakes: a duplicate, a bad request, a signing or clock mistake.
    for n in [187, 32, 135] {
        assert_eq!(Code::from_u16(n).reach(), Some(Reach::Request), "code {n}");
    }
    assert_eq!(Status::BadRequest.reach(), Some(Reach::Request));
    assert_eq!(Status::Unauthorized.reach(), Some(Reach::Request));
    assert_eq!(
        Problem::from_type("invalid-request").reach(),
        Some(Reach::Request)
    );
}

#[test]
fn retirements_follow_the_docs() {
    for n in [304, 406, 410, 422] {
        let retired = Status::from_u16(n).retired().map(|r| r.date());
        assert_eq!(retired, Some("2025-06-27"), "status {n}");
    }
    let unimplemented = Status::from_u16(501);
    assert_eq!(unimplemented.message(), Some("Unimplemented"));
    assert_eq!(
        unimplemented.retired().map(|r| r.date()),
        Some("2026-01-16")
    );
    for slug in [
        "rule-length",
        "client-disconnected",
        "unsupported-authentication",
    ] {
        let retired = Problem::from_type(slug).retired().map(|r| r.date());
        assert_eq!(retired, Some("2026-01-16"), "{slug}");
    }
    for slug in ["conflict", "noncompliant-rules"] {
        let retired = Problem::from_type(slug).retired().map(|r| r.date());
        assert_eq!(retired, Some("2026-08-07"), "{slug}");
    }
    for slug in [
        "usage-capped",
        "disallowed-resource",
        "operational-disconnect",
    ] {
        assert!(Problem::from_type(slug).retired().is_none(), "{slug}");
    }
    assert!(!Status::from_u16(413).documented());
}
