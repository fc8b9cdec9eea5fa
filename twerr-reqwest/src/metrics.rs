//! [`MetricsObserver`]: the observer on the `metrics` facade (feature `metrics`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use ::metrics::{Label, histogram};
use ::metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge};
use twerr_core::{
    BlockEvent, Cause, CredentialSlot, EndpointLabel, GiveUpEvent, Observer, ReconnectEvent,
    ResendEvent, WaitEvent, WindowEvent, WindowKind,
};

/// Counts of waits, resends, give-ups and blocked requests, and the requests left in each
/// endpoint's windows, reported through the [`metrics`](::metrics) facade to whatever
/// recorder the program installed (Prometheus, StatsD, ...). Feature `metrics`.
///
/// ```
/// use std::sync::Arc;
/// use twerr_reqwest::{MetricsObserver, TwerrMiddleware};
///
/// // After installing a recorder (e.g. metrics-exporter-prometheus):
/// let middleware = TwerrMiddleware::builder()
///     .observer(Arc::new(MetricsObserver::new()))
///     .build();
/// # let _ = middleware;
/// ```
///
/// # Names and labels
///
/// The names are part of the API: dashboards are built on them.
///
/// | Metric | Kind | Labels | Counts |
/// |---|---|---|---|
/// | `twerr_waits_total` | counter | `endpoint`, `reason` | waits before a send or a resend |
/// | `twerr_wait_seconds` | histogram | `endpoint`, `reason` | each wait's length, in seconds |
/// | `twerr_resends_total` | counter | `endpoint`, `reason` | requests sent again |
/// | `twerr_give_ups_total` | counter | `endpoint`, `reason` | requests given up |
/// | `twerr_blocked_total` | counter | `endpoint`, `kind`, `reach` | requests a block kept back |
/// | `twerr_stream_reconnects_total` | counter | `endpoint`, `reason` | stream reconnects |
/// | `twerr_window_remaining` | gauge | `endpoint`, `kind` | requests left, lowest among credentials |
///
/// - `endpoint`: the method and X's path template, `GET /2/users/{id}`, or `other` for a
///   path outside the known templates ([`EndpointLabel`]), so the label set stays bounded.
///   Never the host, an id or the query.
/// - `reason`: of a wait or resend ([`WaitReason::as_str`](twerr_core::WaitReason::as_str):
///   `window`, `rate_limited`, `backoff`, `network_error`); of a give-up
///   ([`GiveUp::as_str`](twerr_core::GiveUp::as_str): `not_retryable`, `not_idempotent`,
///   `not_resendable`, `attempts_exhausted`, `wait_too_long`, `total_wait_exceeded`); of a
///   reconnect ([`ReconnectReason::as_str`](twerr_core::ReconnectReason::as_str)).
/// - `kind`: of a block, the table row that set it: the problem type's slug
///   (`credits-depleted`), `code-N` or `http-N`; of a window
///   ([`WindowKind::as_str`]): `15m`, `app24h`, `user24h`.
/// - `reach`: `credential` or `app`.
///
/// No label ever names a credential or an app (cardinality and secrecy). So
/// `twerr_window_remaining` is, per endpoint and window kind, the **lowest** remaining among
/// the credentials (for `app24h`, the apps) whose window has not reset yet: it shows the one
/// closest to running out, and does not jump with whichever credential answered last. The
/// observer keeps one small entry per credential and endpoint for this, dropped when its
/// window resets and the endpoint reports again.
///
/// Blocks set and lifted, and stream leases, have no metric: a block's effect is counted by
/// `twerr_blocked_total`; `twerr status` shows what the store holds.
#[derive(Debug, Default)]
pub struct MetricsObserver {
    /// Per endpoint and window kind: each credential's remaining and its window's reset.
    windows: Mutex<HashMap<(EndpointLabel, WindowKind), HashMap<CredentialSlot, Left>>>,
}

/// What one credential has left in a window.
#[derive(Clone, Copy, Debug)]
struct Left {
    remaining: u64,
    reset: SystemTime,
}

impl MetricsObserver {
    /// An observer reporting to the recorder installed when each event happens; it describes
    /// its metrics (help text, units) to the recorder installed now.
    pub fn new() -> Self {
        describe_counter!(
            "twerr_waits_total",
            "Waits before sending or resending a request, by endpoint and reason."
        );
        describe_histogram!(
            "twerr_wait_seconds",
            Unit::Seconds,
            "Length of each wait before sending or resending a request."
        );
        describe_counter!(
            "twerr_resends_total",
            "Requests sent again after a failure, by endpoint and reason."
        );
        describe_counter!(
            "twerr_give_ups_total",
            "Requests given up, by endpoint and reason."
        );
        describe_counter!(
            "twerr_blocked_total",
            "Requests not sent because a block (no credits, a usage cap, a revoked \
             credential) reaches them."
        );
        describe_counter!(
            "twerr_stream_reconnects_total",
            "Stream reconnects, by stream endpoint and reason."
        );
        describe_gauge!(
            "twerr_window_remaining",
            "Requests left in the endpoint's rate-limit window: the lowest among the \
             credentials that reported it."
        );
        Self::default()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        HashMap<(EndpointLabel, WindowKind), HashMap<CredentialSlot, Left>>,
    > {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn endpoint(label: EndpointLabel) -> Label {
    Label::new("endpoint", label.to_string())
}

/// A block's row as a label: `credits-depleted`, `code-89`, `http-402`.
fn cause(cause: Cause) -> String {
    match cause {
        Cause::Problem(problem) => problem.slug().unwrap_or("unknown-problem").to_owned(),
        Cause::Code(code) => format!("code-{}", code.as_u16()),
        Cause::Status(status) => format!("http-{}", status.as_u16()),
        _ => "other".to_owned(),
    }
}

impl Observer for MetricsObserver {
    fn on_wait(&self, event: &WaitEvent) {
        let labels = [
            endpoint(event.endpoint()),
            Label::new("reason", event.reason().as_str()),
        ];
        counter!("twerr_waits_total", labels.iter()).increment(1);
        histogram!("twerr_wait_seconds", labels.iter()).record(event.wait().as_secs_f64());
    }

    fn on_resend(&self, event: &ResendEvent) {
        let labels = [
            endpoint(event.endpoint()),
            Label::new("reason", event.reason().as_str()),
        ];
        counter!("twerr_resends_total", labels.iter()).increment(1);
    }

    fn on_give_up(&self, event: &GiveUpEvent) {
        let labels = [
            endpoint(event.endpoint()),
            Label::new("reason", event.why().as_str()),
        ];
        counter!("twerr_give_ups_total", labels.iter()).increment(1);
    }

    fn on_blocked(&self, event: &BlockEvent) {
        let block = event.block();
        let labels = [
            endpoint(event.endpoint()),
            Label::new("kind", cause(block.cause())),
            Label::new("reach", block.reach().as_str()),
        ];
        counter!("twerr_blocked_total", labels.iter()).increment(1);
    }

    fn on_reconnect(&self, event: &ReconnectEvent) {
        let labels = [
            endpoint(event.stream()),
            Label::new("reason", event.reason().as_str()),
        ];
        counter!("twerr_stream_reconnects_total", labels.iter()).increment(1);
    }

    fn on_window(&self, event: &WindowEvent) {
        let lowest = {
            let mut windows = self.lock();
            let credentials = windows.entry((event.endpoint(), event.kind())).or_default();
            // A window that has reset no longer says anything about what is left.
            credentials.retain(|_, left| left.reset > event.seen_at());
            let reported = Left {
                remaining: event.remaining(),
                reset: event.reset(),
            };
            credentials
                .entry(event.slot())
                .and_modify(|left| {
                    // A newer window replaces; within one window the count only goes down
                    // (responses of concurrent requests arrive in any order).
                    if reported.reset > left.reset {
                        *left = reported;
                    } else if reported.reset == left.reset {
                        left.remaining = left.remaining.min(reported.remaining);
                    }
                })
                .or_insert(reported);
            credentials.values().map(|left| left.remaining).min()
        };
        let Some(lowest) = lowest else { return };
        let labels = [
            endpoint(event.endpoint()),
            Label::new("kind", event.kind().as_str()),
        ];
        // Precise up to 2^53, far above any window's limit.
        #[allow(clippy::cast_precision_loss)]
        gauge!("twerr_window_remaining", labels.iter()).set(lowest as f64);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use twerr_core::{CredentialId, WindowReport};

    use super::*;

    /// The gauge after each report of `(credential, remaining, reset, seen at)`, in seconds.
    fn gauges(reports: &[(u8, u64, u64, u64)]) -> Vec<f64> {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let observer = MetricsObserver::default();
        let endpoint = EndpointLabel::new("GET", Some("/2/users/{id}"));
        let secs = |s| UNIX_EPOCH + Duration::from_secs(s);
        reports
            .iter()
            .map(|&(who, remaining, reset, seen)| {
                let slot = CredentialSlot::of(CredentialId::from_bytes([who; 16]));
                let report = WindowReport::new(WindowKind::Endpoint, remaining, secs(reset));
                let event = WindowEvent::new(endpoint, slot, report, secs(seen));
                ::metrics::with_local_recorder(&recorder, || observer.on_window(&event));
                match snapshotter.snapshot().into_vec().pop().map(|m| m.3) {
                    Some(DebugValue::Gauge(value)) => value.into_inner(),
                    other => panic!("expected a gauge, got {other:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn the_gauge_is_the_lowest_of_the_windows_not_yet_reset() {
        // Alice runs low; Bob's higher counts do not hide it until her window resets.
        let alice_resets = gauges(&[(1, 2, 100, 0), (2, 9, 900, 10), (2, 8, 900, 101)]);
        assert_eq!(alice_resets, [2.0, 2.0, 8.0]);
        // Within one window a late, higher count does not raise it; a new window does.
        let late = gauges(&[(1, 5, 100, 0), (1, 6, 100, 1), (1, 14, 1000, 100)]);
        assert_eq!(late, [5.0, 5.0, 14.0]);
    }
}
