//! The generated types over the real table: every `u16` round-trips, known numbers are never
//! `Unknown`, unknown statuses get their class default, text forms agree with the data.
//!
//! Expectations come from the data (`ALL`, `message()`), so adding rows never breaks these
//! tests; a few semantic facts of the Twitter docs are pinned on purpose.

use core::mem::size_of;

use twerr_core::{Code, Problem, Retry, Status};

fn known_status(n: u16) -> bool {
    Status::ALL.iter().any(|s| s.as_u16() == n)
}

fn known_code(n: u16) -> bool {
    Code::ALL.iter().any(|c| c.as_u16() == n)
}

#[test]
fn every_u16_round_trips() {
    for n in 0..=u16::MAX {
        assert_eq!(Status::from_u16(n).as_u16(), n);
        assert_eq!(Code::from_u16(n).as_u16(), n);
        assert_eq!(u16::from(Status::from(n)), n);
        assert_eq!(u16::from(Code::from(n)), n);
        assert_eq!(
            Status::from_u16(n).is_known(),
            known_status(n),
            "status {n}"
        );
        assert_eq!(Code::from_u16(n).is_known(), known_code(n), "code {n}");
    }
}

#[test]
fn known_numbers_are_their_named_variant() {
    for &status in Status::ALL {
        assert_eq!(Status::from_u16(status.as_u16()), status);
        assert!(!matches!(status, Status::Unknown(_)));
        assert_ne!(status.name(), "Unknown");
        assert!(
            status.message().is_some_and(|m| !m.is_empty()),
            "{status:?}"
        );
        assert_eq!(status.row().map(|row| row.name()), Some(status.name()));
    }
    for &code in Code::ALL {
        assert_eq!(Code::from_u16(code.as_u16()), code);
        assert!(!matches!(code, Code::Unknown(_)));
        assert_ne!(code.name(), "Unknown");
        assert!(code.message().is_some_and(|m| !m.is_empty()), "{code:?}");
        assert_eq!(code.row().map(|row| row.name()), Some(code.name()));
    }
}

#[test]
fn unknown_values_keep_their_number_and_say_nothing() {
    for n in (0..=u16::MAX).filter(|n| !known_status(*n)) {
        let status = Status::from_u16(n);
        let Status::Unknown(unknown) = status else {
            panic!("{n} is not in the table but converted to {status:?}");
        };
        assert_eq!(unknown.get(), n);
        assert_eq!(unknown.to_string(), n.to_string());
        assert_eq!(
            (
                status.message(),
                status.name(),
                status.description(),
                status.source()
            ),
            (None, "Unknown", None, None)
        );
        assert!(!status.documented());
        assert!(status.retired().is_none() && status.observed().is_empty());
        assert!(status.history().is_empty() && status.row().is_none());
        assert_eq!(status.to_string(), format!("{n} <unknown status>"));
    }
    for n in (0..=u16::MAX).filter(|n| !known_code(*n)) {
        let code = Code::from_u16(n);
        let Code::Unknown(unknown) = code else {
            panic!("{n} is not in the table but converted to {code:?}");
        };
        assert_eq!(unknown.get(), n);
        assert_eq!((code.message(), code.name()), (None, "Unknown"));
        assert_eq!((code.description(), code.source()), (None, None));
        assert_eq!((code.retry(), code.status()), (None, None));
        assert!(!code.documented() && !code.is_retryable());
    }
}

#[test]
fn retry_advice_follows_the_table_and_the_status_class() {
    for n in 0..=u16::MAX {
        let status = Status::from_u16(n);
        if status.is_known() {
            // The table's rule: exactly the error rows carry retry advice.
            assert_eq!(status.retry().is_some(), n >= 400, "{status:?}");
        } else {
            assert_eq!(status.retry(), Retry::for_status_class(n), "{n}");
        }
        let retryable = matches!(status.retry(), Some(Retry::Backoff | Retry::AfterReset));
        assert_eq!(status.is_retryable(), retryable, "{n}");
    }
    for &code in Code::ALL {
        assert!(
            code.retry().is_some(),
            "{code:?} is an error without retry advice"
        );
        let retryable = matches!(code.retry(), Some(Retry::Backoff | Retry::AfterReset));
        assert_eq!(code.is_retryable(), retryable, "{code:?}");
    }
}

#[test]
fn class_defaults_of_unknown_statuses() {
    let first_unknown = |range: core::ops::RangeInclusive<u16>, except: &[u16]| {
        range
            .filter(|n| !known_status(*n) && !except.contains(n))
            .map(Status::from_u16)
            .next()
    };
    let server = first_unknown(500..=599, &[501, 505]).map(Status::retry);
    assert_eq!(server, Some(Some(Retry::Backoff)));
    let client = first_unknown(400..=499, &[429]).map(Status::retry);
    assert_eq!(client, Some(Some(Retry::Never)));
    let success = first_unknown(100..=399, &[]).map(Status::retry);
    assert_eq!(success, Some(None));
    for n in [501, 505] {
        if !known_status(n) {
            assert_eq!(Status::from_u16(n).retry(), Some(Retry::Never));
        }
    }
}

#[test]
fn display_is_number_and_message() {
    for n in 0..=u16::MAX {
        let (status, code) = (Status::from_u16(n), Code::from_u16(n));
        let status_text = status.message().unwrap_or("<unknown status>");
        let code_text = code.message().unwrap_or("<unknown code>");
        assert_eq!(status.to_string(), format!("{n} {status_text}"));
        assert_eq!(code.to_string(), format!("{n} {code_text}"));
    }
    let unknown = (0..=u16::MAX).rev().find(|n| !known_code(*n));
    let shown = unknown.map(|n| Code::from_u16(n).to_string());
    assert_eq!(shown, unknown.map(|n| format!("{n} <unknown code>")));
    let unknown = (0..=u16::MAX).rev().find(|n| !known_status(*n));
    let shown = unknown.map(|n| Status::from_u16(n).to_string());
    assert_eq!(shown, unknown.map(|n| format!("{n} <unknown status>")));
}

#[test]
fn from_str_parses_decimal_numbers_only() {
    for n in 0..=u16::MAX {
        assert_eq!(n.to_string().parse::<Status>(), Ok(Status::from_u16(n)));
        assert_eq!(n.to_string().parse::<Code>(), Ok(Code::from_u16(n)));
    }
    assert_eq!("088".parse::<Code>(), Ok(Code::from_u16(88)));
    for bad in [
        "",
        "abc",
        "-1",
        "+88",
        " 88",
        "88 ",
        "8.8",
        "65536",
        "99999999999",
    ] {
        let code = bad.parse::<Code>();
        let status = bad.parse::<Status>();
        assert!(code.is_err() && status.is_err(), "{bad:?} parsed");
        let code = code.err().map(|e| e.to_string()).unwrap_or_default();
        let status = status.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(code.starts_with("invalid code: "), "{code}");
        assert!(status.starts_with("invalid status: "), "{status}");
    }
}

#[test]
fn at_most_four_bytes() {
    assert!(size_of::<Status>() <= 4);
    assert!(size_of::<Code>() <= 4);
    assert!(size_of::<Problem>() <= 4);
}

#[test]
fn ordered_by_number_and_all_in_table_order() {
    assert!(
        Status::ALL
            .windows(2)
            .all(|w| w[0].as_u16() < w[1].as_u16())
    );
    assert!(Code::ALL.windows(2).all(|w| w[0].as_u16() < w[1].as_u16()));
    assert!(Status::ALL.is_sorted() && Code::ALL.is_sorted());
    let mut mixed: Vec<Code> = [65535, 88, 0, 415, 32, 9999, 500]
        .map(Code::from_u16)
        .to_vec();
    mixed.extend(Code::ALL.iter().rev());
    mixed.sort();
    assert!(mixed.windows(2).all(|w| w[0].as_u16() <= w[1].as_u16()));
    let a = Status::from_u16(599);
    let b = Status::from_u16(200);
    assert_eq!(a.cmp(&b), 599.cmp(&200));
}

#[test]
fn problems_by_slug_or_type_uri() {
    assert!(Problem::ALL.windows(2).all(|w| w[0].slug() < w[1].slug()));
    assert!(Problem::ALL.is_sorted());
    for &problem in Problem::ALL {
        let slug = problem.slug().unwrap();
        assert_eq!(Problem::from_type(slug), problem);
        let title = problem.message().unwrap();
        assert_eq!(problem.to_string(), format!("{slug} {title}"));
        if slug == "about:blank" {
            assert_eq!(problem.retry(), None);
            continue;
        }
        assert!(
            problem.retry().is_some(),
            "{problem:?} is an error without retry advice"
        );
        for host in [
            "https://api.twitter.com/2/problems/",
            "https://api.x.com/2/problems/",
            "https://api.twitter.com/labs/1/problems/",
            "",
        ] {
            // Read like a URI: a query, a fragment and one trailing `/` are not the slug.
            for suffix in [
                "",
                "?x=1",
                "/",
                "#frag",
                "/?x=1#frag",
                "?next=a/b",
                "#a/b?c",
            ] {
                let type_uri = format!("{host}{slug}{suffix}");
                assert_eq!(Problem::from_type(&type_uri), problem, "{type_uri}");
            }
            for suffix in ["//", "/x", "-", "%20"] {
                let type_uri = format!("{host}{slug}{suffix}");
                assert_eq!(
                    Problem::from_type(&type_uri),
                    Problem::Unknown,
                    "{type_uri}"
                );
            }
        }
    }
    // `about:blank` is matched exactly: it is a whole URI, not a path segment.
    let about_blank = Problem::from_type("about:blank");
    assert_eq!(
        about_blank.slug(),
        Some("about:blank"),
        "the table lists about:blank"
    );
    for near in [
        "about:blank?x=1",
        "about:blank#frag",
        "about:blank/",
        "x/about:blank",
    ] {
        assert_eq!(Problem::from_type(near), Problem::Unknown, "{near}");
    }
    for unknown in [
        "",
        "/",
        "?",
        "#",
        "https://api.x.com/2/problems/",
        "https://api.x.com/2/problems/?x=1",
        "https://api.x.com/2/problems#frag",
        "not-a-listed-problem-type",
    ] {
        assert_eq!(Problem::from_type(unknown), Problem::Unknown);
    }
    assert_eq!(Problem::Unknown.to_string(), "<unknown problem>");
    assert_eq!(
        (Problem::Unknown.slug(), Problem::Unknown.retry()),
        (None, None)
    );
}

/// Facts of the Twitter docs that the table must keep, whatever else changes.
#[test]
fn pinned_facts() {
    assert_eq!(Code::from_u16(88), Code::RateLimitExceeded);
    assert_eq!(Code::RateLimitExceeded.retry(), Some(Retry::AfterReset));
    assert_eq!(
        Code::RateLimitExceeded.to_string(),
        "88 Rate limit exceeded"
    );
    assert_eq!(Status::TooManyRequests.to_string(), "429 Too Many Requests");
    assert_eq!(Status::TooManyRequests.retry(), Some(Retry::AfterReset));
    assert_eq!(Code::OverCapacity.retry(), Some(Retry::Backoff));
    assert_eq!(Code::PageDoesNotExist.status(), Some(Status::NotFound));
    assert_eq!(Status::Ok.retry(), None);
    // Code 415 arrives with HTTP 403: it has nothing to do with HTTP 415.
    let code = Code::from_u16(415);
    assert_eq!(code.as_u16(), 415);
    assert_ne!(code.status(), Some(Status::from_u16(415)));
}

#[test]
fn class_predicates_partition_the_statuses_like_http() {
    for n in 0..=u16::MAX {
        let status = Status::from_u16(n);
        let classes = [
            status.is_informational(),
            status.is_success(),
            status.is_redirection(),
            status.is_client_error(),
            status.is_server_error(),
        ];
        let class = (100..600).contains(&n).then(|| usize::from(n / 100 - 1));
        for (i, &is) in classes.iter().enumerate() {
            assert_eq!(is, class == Some(i), "{n}");
        }
        if let Ok(http) = http::StatusCode::from_u16(n) {
            assert_eq!(status.is_success(), http.is_success(), "{n}");
            assert_eq!(status.is_client_error(), http.is_client_error(), "{n}");
            assert_eq!(status.is_server_error(), http.is_server_error(), "{n}");
        }
    }
}

#[test]
fn retry_spellings_round_trip_and_differ() {
    let classes = [Retry::Backoff, Retry::AfterReset, Retry::Never];
    for retry in classes {
        assert_eq!(Retry::from_name(retry.as_str()), Some(retry));
        assert_eq!(retry.to_string(), retry.as_str());
    }
    let mut spellings: Vec<&str> = classes.iter().map(|r| r.as_str()).collect();
    spellings.sort_unstable();
    spellings.dedup();
    assert_eq!(spellings.len(), classes.len());
    assert_eq!(Retry::from_name("later"), None);
}
