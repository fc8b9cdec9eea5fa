//! Acting on the advice across requests: the retry policy, the retry state of one request,
//! the rate-limit book and the store behind it, the state of a stream and its lease, and the
//! observer told what a client does.
//! Sans-IO: the current time is always passed in; nothing here sleeps, spawns or talks to the
//! network, so any HTTP client, blocking or async, can drive it.

mod attempt;
mod block;
mod book;
mod jitter;
mod key;
mod lease;
mod memory;
mod observe;
mod observer;
mod policy;
mod store;
mod stream;
mod swept;

#[cfg(feature = "store-conformance")]
pub mod conformance;

pub use attempt::{Decision, GiveUp, Outcome, RetryState, is_idempotent_method};
pub use block::{Block, BlockEntry, Cause};
pub use book::RateLimitBook;
pub use jitter::{FixedJitter, Jitter, NoJitter, RandomJitter};
pub use key::{BookKey, CredentialId};
pub use lease::{LeaseAnswer, LeaseHolder, LeaseKey};
pub use memory::MemoryStore;
pub use observe::{ClockSkew, Observation, WindowKind, WindowReport};
pub use observer::{
    BlockEvent, CredentialSlot, EndpointLabel, GiveUpEvent, LeaseEvent, LiftEvent, Observer,
    ReconnectEvent, ReconnectReason, ResendEvent, WaitEvent, WaitReason, WindowEvent,
};
pub use policy::RetryPolicy;
pub use store::{Acquire, Permit, RateLimitStore, StoreError, StoreFuture};
pub use stream::{
    Reconnect, ReconnectCause, StopKind, StreamDecision, StreamEvent, StreamPolicy, StreamState,
    StreamStop,
};
