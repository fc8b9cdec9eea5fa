// twerr-core's README is the crate documentation, so its examples run as doctests. They show
// the `std` API (responses, rate limits), so without `std` the crate has a short doc of its own.
#![cfg_attr(feature = "std", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "std"),
    doc = "twerr-core without `std`: the table types (`Status`, `Code`, `Problem`, `Retry`) and \
           `UnixTime`. See the README for the whole crate."
)]
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The workspace README's examples run as doctests too.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;

// The generated code names this crate by its absolute path, `::twerr_core::...`.
extern crate self as twerr_core;

#[cfg(feature = "std")]
pub mod escape;
mod reach;
mod retry;
pub mod table;
mod unix_time;

#[cfg(feature = "std")]
mod acting;
#[cfg(feature = "std")]
mod advice;
#[cfg(feature = "http")]
mod http_interop;
#[cfg(feature = "std")]
mod response;
#[cfg(feature = "serde")]
mod serde_impls;

#[cfg(feature = "store-conformance")]
pub use acting::conformance;
#[cfg(feature = "std")]
pub use acting::{
    Acquire, Block, BlockEntry, BlockEvent, BookKey, Cause, ClockSkew, CredentialId,
    CredentialSlot, Decision, EndpointLabel, FixedJitter, GiveUp, GiveUpEvent, Jitter, LeaseAnswer,
    LeaseEvent, LeaseHolder, LeaseKey, LiftEvent, MemoryStore, NoJitter, Observation, Observer,
    Outcome, Permit, RandomJitter, RateLimitBook, RateLimitStore, Reconnect, ReconnectCause,
    ReconnectEvent, ReconnectReason, ResendEvent, RetryPolicy, RetryState, StopKind, StoreError,
    StoreFuture, StreamDecision, StreamEvent, StreamPolicy, StreamState, StreamStop, WaitEvent,
    WaitReason, WindowEvent, WindowKind, WindowReport, is_idempotent_method,
};
#[cfg(feature = "std")]
pub use advice::{RateLimit, RetryAfter, Window};
pub use reach::Reach;
#[cfg(feature = "std")]
pub use response::{ApiError, BodyFormat, ErrorResponse, MediaError};
pub use retry::Retry;
pub use table::{Code, ERROR_TABLE, ParseNumberError, Problem, Status, UnknownCode, UnknownStatus};
pub use unix_time::UnixTime;
