//! Book keys: a credential as a keyed hash, an endpoint as a template. Versioned, because a
//! shared store (Redis) holds keys derived by every process that uses it: a process with a
//! different derivation would count in different lines.

mod credential;
mod endpoint;
mod templates;

pub(crate) use credential::Hasher;
pub use credential::{DEFAULT_HASHING_KEY, credential_key_v1};
pub(crate) use endpoint::endpoint_v2;
pub use endpoint::{endpoint_key_v1, endpoint_key_v2};
