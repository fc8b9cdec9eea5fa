use super::*;

fn def(id: &str, title: &str, url: Option<&str>, date: Option<&str>) -> SourceDef {
    SourceDef {
        id: id.to_owned(),
        title: title.to_owned(),
        url: url.map(str::to_owned),
        commit: None,
        date: date.map(str::to_owned),
        unidentified: None,
    }
}

/// A fixture of the table's `[[source]]` shapes: documents, copies of them, and titles that
/// name two documents with the first one's date and link.
fn fixture() -> Vec<SourceDef> {
    vec![
        def(
            "2019",
            "developer.twitter.com, \"Response codes\"",
            Some("https://example.com/2019"),
            Some("2019"),
        ),
        def(
            "2019-clip",
            "developer.twitter.com, \"Response codes\" (web clip)",
            Some("https://example.com/clip"),
            Some("2019"),
        ),
        def(
            "2018",
            "developer.twitter.com, \"Response codes\" (scraped copy: a/b)",
            Some("https://example.com/2018"),
            Some("2018"),
        ),
        def(
            "2021-10",
            "developer.twitter.com, \"Twitter API error codes\" (verbatim copy: c/d)",
            Some("https://example.com/2021"),
            Some("2021-10"),
        ),
    ]
}

#[test]
fn titles_split_at_top_level_semicolons_only() {
    assert_eq!(
        split("A, \"x; y\" (p; q); the same in B, 2019"),
        ["A, \"x; y\" (p; q)", "the same in B, 2019"]
    );
    assert_eq!(split("one document"), ["one document"]);
    assert_eq!(split("a;b"), ["a;b"]);
}

#[test]
fn a_later_document_gets_its_own_source_when_one_matches() {
    let defs = fixture();
    let id = |part: &str| matching(part, &defs).map(|d| d.id.as_str());
    // The whole title beats a copy's; the year must be there.
    assert_eq!(
        id("the same in developer.twitter.com, \"Response codes\", 2019"),
        Some("2019")
    );
    // A copy named with its year inside: the title without its parenthesis.
    assert_eq!(
        id("developer.twitter.com, \"Response codes\", 2018 (scraped copy: a/b @ 1234)"),
        Some("2018")
    );
    assert_eq!(
        id("developer.twitter.com, \"Twitter API error codes\", October 2021 (verbatim copy: c/d)"),
        Some("2021-10")
    );
    // Nothing the table defines: stands as written.
    assert_eq!(
        id("same wording in the October 2021 developer.twitter.com table"),
        None
    );
    let part = "developer.twitter.com, \"Response codes\", 2018 (scraped copy: a/b @ 1234)";
    assert_eq!(
        with_details(part, matching(part, &defs).unwrap()),
        format!("{part} <https://example.com/2018>")
    );
}

/// Every source the compiled-in table cites: a title naming several documents with a date
/// or link is printed one document per line, the date and link with the first; nothing else
/// changes.
#[test]
fn the_real_table_one_document_per_line() {
    use twerr_core::{Code, Problem, Status};
    let rows = Status::ALL
        .iter()
        .filter_map(|s| s.row())
        .chain(Code::ALL.iter().filter_map(|c| c.row()))
        .chain(Problem::ALL.iter().filter_map(|p| p.row()));
    let mut affected = 0;
    for row in rows {
        let cited = std::iter::once(row.source())
            .chain(row.history().iter().map(|h| h.source()))
            .chain(row.observed().iter().map(|o| o.source()));
        let mut split_here = false;
        for source in cited {
            let out = lines(source);
            let whole = source.to_string();
            let details = source.date().is_some() || source.url().is_some();
            if out.len() == 1 {
                assert_eq!(out[0], whole);
                continue;
            }
            split_here = true;
            assert!(details, "{whole}");
            let first = &out[0];
            if let Some(date) = source.date() {
                assert!(first.contains(&format!(", {date}")), "{first}");
            }
            if let Some(url) = source.url() {
                assert!(first.ends_with(&format!(" <{url}>")), "{first}");
            }
            // A date and link follow the document they belong to, never a later one.
            for later in &out[1..] {
                assert!(
                    whole.contains(
                        later
                            .split(" <")
                            .next()
                            .unwrap()
                            .split(", 20")
                            .next()
                            .unwrap()
                    )
                );
            }
        }
        affected += usize::from(split_here);
    }
    assert!(affected > 0, "the table cites titles naming two documents");
}
