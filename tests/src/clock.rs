//! The mock's clock: real time plus an offset that tests can advance.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
// tokio's Instant is real time, except in tests that pause tokio's clock:
// then the mock's counters follow that virtual time too.
use tokio::time::Instant;

use rust_decimal::Decimal;

use crate::lock;

/// A clock that runs in real time and can be moved forward.
///
/// Everything time-based in the mock (counter decay, lockout cool-downs,
/// order ages, timestamps in answers) reads this clock, so a test can
/// [`advance`](Clock::advance) it instead of sleeping.
#[derive(Clone, Debug)]
pub struct Clock {
    started: Instant,
    offset: Arc<Mutex<Duration>>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            started: Instant::now(),
            offset: Arc::new(Mutex::new(Duration::ZERO)),
        }
    }
}

impl Clock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        *lock(&self.offset) += by;
    }

    /// Mock time elapsed since the clock was created (monotonic).
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed() + *lock(&self.offset)
    }

    /// [`elapsed`](Self::elapsed) in seconds, for counter arithmetic.
    pub(crate) fn secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// The mock's wall-clock time.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + *lock(&self.offset)
    }

    /// The mock's wall-clock time as Unix seconds with microseconds, exact.
    pub fn unix(&self) -> Decimal {
        let since = self.now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Decimal::from(since.as_secs()) + Decimal::new(i64::from(since.subsec_micros()), 6)
    }
}
