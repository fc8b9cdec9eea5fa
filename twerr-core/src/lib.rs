//! A typed, documented model of how the Twitter/X API reports failure.
//!
//! (Crate docs: filled in with the README's examples.)
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The generated code names this crate by its absolute path, `::twerr_core::...`.
extern crate self as twerr_core;

mod generated;
mod parse_error;
mod retry;
pub mod row;

pub use generated::{Code, Problem, Status, UnknownCode, UnknownStatus};
pub use parse_error::ParseError;
pub use retry::Retry;
