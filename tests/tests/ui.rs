//! The table macro's compile errors as a user sees them, and a valid inline table that builds.
//!
//! Each case is its own crate under target/tests/trybuild, so the tables are inline
//! (`source = r#"..."#`); `missing_file` shows the message for a path that does not exist.
//! Regenerate the expected output with `TRYBUILD=overwrite` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/valid_inline.rs");
    cases.pass("tests/ui/nested_scopes.rs");
    cases.compile_fail("tests/ui/one_mistake.rs");
    cases.compile_fail("tests/ui/several_mistakes.rs");
    cases.compile_fail("tests/ui/syntax_error.rs");
    cases.compile_fail("tests/ui/missing_file.rs");
    cases.compile_fail("tests/ui/bad_arguments.rs");
}
