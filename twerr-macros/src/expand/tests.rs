//! Snapshots of the expansion of a fixture table: the generated API and its rustdoc.

use crate::expand::expand;
use crate::expand::pretty::pretty;
use crate::model::Table;
use crate::run::check;
use crate::validate::fixture::TABLE;

fn fixture() -> Table {
    let (table, diags) = check(TABLE);
    assert_eq!(diags, vec![]);
    table
}

#[test]
fn expansion_of_the_fixture_table() {
    insta::assert_snapshot!(pretty(expand(
        &fixture(),
        Some("/path/to/error-table.toml")
    )));
}

#[test]
fn an_empty_table_still_invokes_every_type() {
    let text = pretty(expand(&Table::default(), None));
    for head in [
        "status Status (UnknownStatus)",
        "code Code (UnknownCode)",
        "problem Problem",
    ] {
        assert!(text.contains(head), "{head} missing from:\n{text}");
    }
    assert!(!text.contains("include_str"));
}

#[test]
fn the_table_file_is_included_for_rebuilds() {
    let tokens = expand(&Table::default(), Some("/x/error-table.toml")).to_string();
    assert!(
        tokens.contains(":: core :: include_str ! (\"/x/error-table.toml\")"),
        "{tokens}"
    );
}
