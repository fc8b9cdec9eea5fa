//! Workspace tests for twerr; the tests live in `tests/`.
//!
//! The package READMEs that are not their crate's documentation run here as doctests, so their
//! examples cannot go stale (twerr-core's README is its crate documentation, and twerr-core
//! runs the workspace README's).

#[cfg(doctest)]
#[doc = include_str!("../twerr-reqwest/README.md")]
struct TwerrReqwestReadme;

#[cfg(doctest)]
#[doc = include_str!("../twerr-redis/README.md")]
struct TwerrRedisReadme;

#[cfg(doctest)]
#[doc = include_str!("../twerr-cli/README.md")]
struct TwerrCliReadme;

#[cfg(doctest)]
#[doc = include_str!("../twerr-table/README.md")]
struct TwerrTableReadme;

#[cfg(doctest)]
#[doc = include_str!("../twerr-macros/README.md")]
struct TwerrMacrosReadme;
