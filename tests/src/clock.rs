//! The mock's clock: real time plus an offset that tests can advance, and
//! that tests can freeze.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
// tokio's Instant is real time, except in tests that pause tokio's clock:
// then the mock's counters follow that virtual time too.
use tokio::time::Instant;

use rust_decimal::Decimal;

use crate::lock;

/// A clock that runs in real time and can be moved forward or frozen.
///
/// Everything time-based in the mock (counter decay, lockout cool-downs,
/// order ages, timestamps in answers, scheduled events) reads this clock, so
/// a test can [`advance`](Clock::advance) it instead of sleeping, and
/// [`freeze`](Clock::freeze) it to make counter values exact.
#[derive(Clone, Debug)]
pub struct Clock {
    started_wall: SystemTime,
    state: Arc<Mutex<State>>,
}

/// Mock time elapsed = `base` + the real time since `running_since` (if running).
#[derive(Debug)]
struct State {
    base: Duration,
    running_since: Option<Instant>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            started_wall: SystemTime::now(),
            state: Arc::new(Mutex::new(State {
                base: Duration::ZERO,
                running_since: Some(Instant::now()),
            })),
        }
    }
}

impl Clock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        lock(&self.state).base += by;
    }

    /// Stops the clock following real time: from now on only
    /// [`advance`](Self::advance) moves it.
    pub fn freeze(&self) {
        let mut state = lock(&self.state);
        if let Some(since) = state.running_since.take() {
            state.base += since.elapsed();
        }
    }

    /// Lets the clock follow real time again, from where it stands.
    pub fn unfreeze(&self) {
        let mut state = lock(&self.state);
        if state.running_since.is_none() {
            state.running_since = Some(Instant::now());
        }
    }

    /// Mock time elapsed since the clock was created (monotonic).
    pub fn elapsed(&self) -> Duration {
        let state = lock(&self.state);
        state.base + state.running_since.map_or(Duration::ZERO, |s| s.elapsed())
    }

    /// [`elapsed`](Self::elapsed) in seconds, for counter arithmetic.
    pub(crate) fn secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// The mock's wall-clock time.
    pub fn now(&self) -> SystemTime {
        self.started_wall + self.elapsed()
    }

    /// The mock's wall-clock time as Unix seconds with microseconds, exact.
    pub fn unix(&self) -> Decimal {
        let since = self.now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Decimal::from(since.as_secs()) + Decimal::new(i64::from(since.subsec_micros()), 6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clocks_move_only_when_advanced() {
        let clock = Clock::default();
        clock.freeze();
        let t = clock.elapsed();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(clock.elapsed(), t);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.elapsed(), t + Duration::from_secs(5));
        clock.unfreeze();
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.elapsed() >= t + Duration::from_millis(5020));
    }
}
