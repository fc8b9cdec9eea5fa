#![deny(unused_must_use)]

use std::time::SystemTime;

use twerr_core::{
    BookKey, CredentialId, ErrorResponse, NoJitter, Observation, Outcome, Permit, RetryPolicy,
    RetryState,
};

fn main() {
    let policy = RetryPolicy::default();
    // Returns a changed copy: the policy keeps 5 attempts.
    policy.with_max_attempts(2);
    let mut state = RetryState::new(policy, true);
    let ok = ErrorResponse::parse(200, b"{}");
    // A decision says whether to stop, wait or give up.
    state.decide(Outcome::Response(&ok), SystemTime::now(), &NoJitter);
    state.clone().not_resendable();
    let id = CredentialId::from_bytes([0; 16]);
    // A permit dropped unended stays in flight.
    Permit::new(BookKey::new(id, id, "GET api.x.com /2/users/me"));
    Observation::new().with_success(true);
}
