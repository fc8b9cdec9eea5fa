//! Workspace tests for twerr; the tests live in `tests/`.
