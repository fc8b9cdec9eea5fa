//! `Problem::from_type` and the parsed error's `slug()` follow one rule, `problem_slug`, for
//! any `type` string: any host or scheme, prefixes, trailing slashes, queries, fragments, case.
#![cfg(feature = "std")]

use proptest::prelude::*;
use twerr_core::table::problem_slug;
use twerr_core::{ErrorResponse, Problem};

/// A problem body with `type_uri` as its type (JSON-escaped by serde_json).
fn body(type_uri: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "title": "t",
        "detail": "d",
        "type": type_uri,
    }))
    .unwrap_or_default()
}

fn known_problem() -> impl Strategy<Value = Problem> {
    assert!(!Problem::ALL.is_empty(), "the table lists problem types");
    proptest::sample::select(Problem::ALL)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the text, the parsed error's slug is `problem_slug` of its type, and the
    /// problem is the one whose slug that is (or `Unknown`).
    #[test]
    fn parsed_slug_and_from_type_agree(type_uri in any::<String>()) {
        let response = ErrorResponse::parse(403, &body(&type_uri));
        let error = response.problem().or_else(|| response.errors().first());
        let slug = problem_slug(&type_uri);
        if let Some(error) = error {
            prop_assert_eq!(error.problem_type(), Some(type_uri.as_str()));
            prop_assert_eq!(error.slug(), Some(slug));
            prop_assert_eq!(error.problem(), Some(Problem::from_type(&type_uri)));
        }
        let problem = Problem::from_type(&type_uri);
        match problem.slug() {
            Some(known) => prop_assert_eq!(known, slug),
            None => prop_assert!(Problem::ALL.iter().all(|p| p.slug() != Some(slug))),
        }
    }

    /// A known slug is found behind any scheme, host, prefix and case of the host, with a
    /// query, a fragment or one trailing slash.
    #[test]
    fn a_known_slug_is_found_on_any_host(
        problem in known_problem(),
        host in "[a-zA-Z0-9.-]{1,20}",
        prefix in "(/[a-z0-9]{1,6}){0,3}",
        suffix in prop_oneof![
            Just(String::new()),
            Just("/".to_owned()),
            "\\?[ -~]{0,12}",
            "#[ -~]{0,12}",
        ],
    ) {
        let Some(slug) = problem.slug() else { unreachable!("listed problems have slugs") };
        prop_assume!(!slug.contains(':'));
        let type_uri = format!("https://{host}{prefix}/problems/{slug}{suffix}");
        prop_assert_eq!(Problem::from_type(&type_uri), problem, "{}", type_uri);
        let response = ErrorResponse::parse(400, &body(&type_uri));
        let error = response.problem().or_else(|| response.errors().first());
        prop_assert_eq!(error.and_then(|e| e.slug()), Some(slug));
    }
}
