//! Stream leases in Redis: one string per app and stream holding its holder's token, set
//! `PX` on Redis's clock; renew and release compare the holder before they change anything.

use std::time::Duration;

use redis::Value;
use twerr_core::{LeaseAnswer, LeaseHolder, LeaseKey, StoreError};

use crate::codec;
use crate::keys::Keys;
use crate::link::Link;
use crate::scripts::Scripts;

/// The lease operations over the store's link.
pub(crate) struct Leases<'a> {
    pub(crate) link: &'a std::sync::Arc<Link>,
    pub(crate) keys: &'a Keys,
    pub(crate) scripts: &'a Scripts,
}

impl Leases<'_> {
    /// Runs one lease script. No fallback: a lease only this process knows would let another
    /// worker connect too, so while Redis is unreachable the answer is an error (the stream
    /// waits, and a holder that cannot renew closes its connection).
    async fn run(
        &self,
        what: &'static str,
        script: &redis::Script,
        lease: &LeaseKey,
        holder: LeaseHolder,
        ttl: Option<Duration>,
    ) -> Result<Value, StoreError> {
        let handle = self.link.handle().ok_or_else(unreachable)?;
        let mut invocation = script.prepare_invoke();
        invocation.key(self.keys.lease(lease)).arg(holder.to_hex());
        if let Some(ttl) = ttl {
            invocation.arg(codec::millis(ttl));
        }
        let mut connection = handle.connection.clone();
        let call = async {
            invocation
                .invoke_async::<Value>(&mut connection)
                .await
                .map_err(Into::into)
        };
        self.link
            .call(&handle, what, call)
            .await
            .ok_or_else(unreachable)
    }

    pub(crate) async fn acquire(
        &self,
        lease: &LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<LeaseAnswer, StoreError> {
        let script = &self.scripts.lease_acquire;
        let reply = self.run("lease", script, lease, holder, Some(ttl)).await?;
        let Value::Array(items) = &reply else {
            return Err(bad());
        };
        match items.as_slice() {
            [Value::Int(1)] => Ok(LeaseAnswer::Granted),
            [Value::Int(0), Value::Int(left)] => Ok(LeaseAnswer::Held {
                expires_in: u64::try_from(*left).ok().map(Duration::from_millis),
            }),
            _ => Err(bad()),
        }
    }

    pub(crate) async fn renew(
        &self,
        lease: &LeaseKey,
        holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let script = &self.scripts.lease_renew;
        flag(self.run("lease", script, lease, holder, Some(ttl)).await?)
    }

    pub(crate) async fn release(
        &self,
        lease: &LeaseKey,
        holder: LeaseHolder,
    ) -> Result<bool, StoreError> {
        let script = &self.scripts.lease_release;
        flag(self.run("lease", script, lease, holder, None).await?)
    }
}

fn flag(reply: Value) -> Result<bool, StoreError> {
    match reply {
        Value::Int(0) => Ok(false),
        Value::Int(1) => Ok(true),
        _ => Err(bad()),
    }
}

fn bad() -> StoreError {
    StoreError::new(codec::BadReply("lease"))
}

fn unreachable() -> StoreError {
    StoreError::new(
        "Redis is unreachable; a stream lease is neither granted nor renewed until it is back",
    )
}
