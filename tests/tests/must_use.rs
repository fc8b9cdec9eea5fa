//! Builder-style methods that return a changed copy, decisions and permits are `#[must_use]`:
//! dropping one is a mistake the compiler reports (here denied, so the case must fail).
//! Regenerate the expected output with `TRYBUILD=overwrite` and review the diff.

#[test]
fn dropped_results_are_reported() {
    trybuild::TestCases::new().compile_fail("tests/must_use/dropped_results.rs");
}
