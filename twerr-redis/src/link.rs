//! The connection to Redis: up or down, one warning per outage, reconnection in the
//! background so no request waits for it.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use redis::AsyncConnectionConfig;
use tracing::{error, info, warn};

use crate::connection::{Connection, Connector};
use crate::error::Redactor;

/// How long and how often: the per-call timeout, the connect timeout, the pause between
/// reconnection attempts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timing {
    pub(crate) call: Duration,
    pub(crate) connect: Duration,
    pub(crate) retry_every: Duration,
}

/// The connection, shared by every clone of the store's futures.
pub(crate) struct Link {
    connector: Connector,
    timing: Timing,
    redactor: Redactor,
    state: Mutex<State>,
}

struct State {
    /// The live connection and its generation, or `None` while Redis is unreachable.
    up: Option<(Connection, u64)>,
    generation: u64,
    /// When the next reconnection attempt may start.
    retry_at: Instant,
    reconnecting: bool,
    /// Redis refused what reconnecting cannot fix (the user may not run scripts): the store
    /// stays on its local book for good.
    refused: bool,
}

/// A connection handed to one call, with the generation a failure is reported against.
pub(crate) struct Handle {
    pub(crate) connection: Connection,
    generation: u64,
}

impl Link {
    pub(crate) fn new(
        connector: Connector,
        connection: Connection,
        timing: Timing,
        redactor: Redactor,
    ) -> Arc<Self> {
        Arc::new(Link {
            connector,
            timing,
            redactor,
            state: Mutex::new(State {
                up: Some((connection, 0)),
                generation: 0,
                retry_at: Instant::now(),
                reconnecting: false,
                refused: false,
            }),
        })
    }

    /// The driver's own response timeout is off: [`call`](Self::call) bounds each call
    /// (including a script reload after a Redis restart) as a whole.
    pub(crate) fn config(timing: Timing) -> AsyncConnectionConfig {
        AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timing.connect))
            .set_response_timeout(None)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is a handful of plain fields, consistent after any panic.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the connection is up (no side effect).
    pub(crate) fn is_up(&self) -> bool {
        self.lock().up.is_some()
    }

    /// The connection to use, or `None` while Redis is down (the caller uses its local
    /// book). While down, the first call after each pause starts one reconnection attempt in
    /// the background; calls never wait for it.
    ///
    /// Also `None` outside a tokio runtime (e.g. a permit released from a `Drop` on a plain
    /// thread): nothing here may panic, and a permit not released expires on its own.
    pub(crate) fn handle(self: &Arc<Self>) -> Option<Handle> {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let mut state = self.lock();
        if let Some((connection, generation)) = &state.up {
            return Some(Handle {
                connection: connection.clone(),
                generation: *generation,
            });
        }
        if !state.refused && !state.reconnecting && Instant::now() >= state.retry_at {
            state.reconnecting = true;
            let link = Arc::clone(self);
            runtime.spawn(async move { link.reconnect().await });
        }
        None
    }

    async fn reconnect(&self) {
        let config = Self::config(self.timing);
        let attempt =
            tokio::time::timeout(self.timing.connect, self.connector.connect(&config)).await;
        let mut state = self.lock();
        state.reconnecting = false;
        match attempt {
            Ok(Ok(connection)) => {
                state.generation += 1;
                state.up = Some((connection, state.generation));
                info!("twerr-redis: Redis is reachable again; sharing rate-limit windows");
            }
            _ => state.retry_at = Instant::now() + self.timing.retry_every,
        }
    }

    /// Runs one call within the call timeout. A failure or a timeout marks the connection
    /// down (a warning, once per outage) and gives `None`. A refusal no reconnection can fix
    /// (`NOPERM`: the Redis user may not run scripts) is reported once, as an error, and the
    /// link stays down: no reconnection is tried again.
    pub(crate) async fn call<T>(
        &self,
        handle: &Handle,
        what: &'static str,
        call: impl Future<Output = Result<T, Box<dyn std::error::Error + Send + Sync>>>,
    ) -> Option<T> {
        let (error, refused) = match tokio::time::timeout(self.timing.call, call).await {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(error)) => (
                self.redactor.redact(&error.to_string()),
                is_refusal(&*error),
            ),
            Err(_) => (
                format!("no reply within {} ms", self.timing.call.as_millis()),
                false,
            ),
        };
        let mut state = self.lock();
        if refused && !state.refused {
            state.refused = true;
            state.up = None;
            error!(
                operation = what,
                error = %error,
                "twerr-redis: the Redis user may not run twerr's scripts (grant it EVALSHA, EVAL \
                 and SCRIPT, e.g. ACL SETUSER ... +@scripting); counting rate-limit windows in \
                 this process only, without reconnecting, until the store is created again"
            );
            return None;
        }
        if state
            .up
            .as_ref()
            .is_some_and(|(_, generation)| *generation == handle.generation)
        {
            state.up = None;
            state.retry_at = Instant::now() + self.timing.retry_every;
            warn!(
                operation = what,
                error = %error,
                "twerr-redis: Redis unreachable; counting rate-limit windows in this process \
                 until it is back"
            );
        }
        None
    }
}

/// Whether Redis refused the call for a reason reconnecting cannot fix: the user's ACL
/// denies the command (`NOPERM`).
pub(crate) fn is_refusal(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<redis::RedisError>()
        .is_some_and(|e| e.code() == Some("NOPERM"))
}
