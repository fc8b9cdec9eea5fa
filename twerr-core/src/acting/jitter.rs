//! Where the random part of a wait comes from: injected, so tests assert exact waits.

use std::collections::hash_map::RandomState;
use std::fmt::Debug;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A source of jitter: the random wait added on top of every retry wait.
pub trait Jitter: Send + Sync + Debug {
    /// A wait from zero up to `max` (both included).
    fn sample(&self, max: Duration) -> Duration;
}

/// No jitter at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn sample(&self, _max: Duration) -> Duration {
        Duration::ZERO
    }
}

/// Always the same jitter (at most `max`): for tests that assert exact waits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixedJitter(pub Duration);

impl Jitter for FixedJitter {
    fn sample(&self, max: Duration) -> Duration {
        self.0.min(max)
    }
}

/// Uniform jitter from std's randomly keyed hasher (no RNG dependency: jitter needs spread,
/// not cryptographic quality).
#[derive(Debug, Default)]
pub struct RandomJitter {
    counter: AtomicU64,
    state: RandomState,
}

impl Jitter for RandomJitter {
    fn sample(&self, max: Duration) -> Duration {
        let mut hasher = self.state.build_hasher();
        hasher.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
        let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
        max.mul_f64(fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_jitter_stays_in_range_and_varies() {
        let jitter = RandomJitter::default();
        let max = Duration::from_secs(1);
        let samples: Vec<_> = (0..64).map(|_| jitter.sample(max)).collect();
        assert!(samples.iter().all(|s| *s <= max));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
        assert_eq!(FixedJitter(Duration::from_secs(9)).sample(max), max);
    }
}
