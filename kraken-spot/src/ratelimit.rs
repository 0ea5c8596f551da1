//! Client-side pacing and retries: the REST call counter Kraken keeps per API
//! key, and which failures are safe to try again.

use crate::Error;
use crate::endpoint::{Auth, HttpMethod};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Kraken's REST call-counter tiers. Each private call adds its cost (1, or 2
/// for ledger and trade history) to a per-key counter that decays every
/// second; going over the tier's maximum answers `EAPI:Rate limit exceeded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitTier {
    /// Maximum 15, decays by 0.33 per second.
    Starter,
    /// Maximum 20, decays by 0.5 per second.
    Intermediate,
    /// Maximum 20, decays by 1 per second.
    Pro,
}

impl RateLimitTier {
    fn max(self) -> f64 {
        match self {
            RateLimitTier::Starter => 15.0,
            RateLimitTier::Intermediate | RateLimitTier::Pro => 20.0,
        }
    }

    fn decay_per_second(self) -> f64 {
        match self {
            RateLimitTier::Starter => 0.33,
            RateLimitTier::Intermediate => 0.5,
            RateLimitTier::Pro => 1.0,
        }
    }
}

/// A local copy of Kraken's call counter for one API key: calls wait until
/// their cost fits instead of being refused. Shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct CallCounter {
    tier: RateLimitTier,
    state: Mutex<(f64, Instant)>,
}

impl CallCounter {
    pub(crate) fn new(tier: RateLimitTier) -> Self {
        Self {
            tier,
            state: Mutex::new((0.0, Instant::now())),
        }
    }

    /// Waits until `cost` fits under the tier's maximum, then spends it.
    pub(crate) async fn acquire(&self, cost: u32) {
        if cost == 0 {
            return;
        }
        let (max, decay) = (self.tier.max(), self.tier.decay_per_second());
        let cost = f64::from(cost).min(max);
        loop {
            let wait = {
                // No code panics while holding this lock, so a poisoned one is still consistent.
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let level = (state.0 - now.duration_since(state.1).as_secs_f64() * decay).max(0.0);
                *state = (level, now);
                if level + cost <= max {
                    state.0 += cost;
                    return;
                }
                Duration::from_secs_f64((level + cost - max) / decay)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Which failed calls are tried again, and how long to wait in between
/// (doubling from `initial_backoff` up to `max_backoff`).
///
/// Only failures that cannot have acted are retried on every endpoint: a
/// connection that was never made, and `EAPI:Invalid nonce` (Kraken refused
/// the request unread; the retry is signed with a fresh nonce). Public reads
/// are also retried on timeouts, HTTP 429 and 5xx, `EGeneral:Too many
/// requests` and `EService:Unavailable`/`Busy`. Orders are never sent twice
/// after a response that might mean they were accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The wait before the first retry.
    pub initial_backoff: Duration,
    /// The longest wait between retries.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// Two retries, waiting 200 ms then 400 ms (the default).
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(2),
    };

    /// Never retry.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::DEFAULT
    };

    /// A policy with `max_retries` retries and the default backoff.
    pub fn new(max_retries: u32, initial_backoff: Duration, max_backoff: Duration) -> Self {
        RetryPolicy {
            max_retries,
            initial_backoff,
            max_backoff,
        }
    }

    /// The wait before retry number `attempt` (0-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_backoff)
    }

    /// Whether a call that failed with `error` may be sent again.
    pub(crate) fn retryable(auth: Auth, method: HttpMethod, error: &Error) -> bool {
        let public_read = auth == Auth::Public && method == HttpMethod::Get;
        match error {
            Error::Transport { source, .. } => {
                source.is_connect() || (public_read && (source.is_timeout() || source.is_request()))
            }
            Error::Kraken { error, .. } => {
                error.is_invalid_nonce()
                    || (public_read
                        && (error.has("EGeneral:Too many requests")
                            || error.has("EService:Unavailable")
                            || error.has("EService:Busy")))
            }
            Error::Http { status, .. } => public_read && (*status == 429 || *status >= 500),
            _ => false,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starter_tier_lets_15_calls_through_then_paces_at_its_decay() {
        let counter = CallCounter::new(RateLimitTier::Starter);
        let start = Instant::now();
        for _ in 0..15 {
            counter.acquire(1).await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first 15 calls do not wait"
        );
        counter.acquire(1).await;
        let waited = start.elapsed().as_secs_f64();
        assert!((waited - 1.0 / 0.33).abs() < 0.01, "waited {waited} s");
        counter.acquire(2).await;
        let waited = start.elapsed().as_secs_f64();
        assert!(
            (waited - 3.0 / 0.33).abs() < 0.01,
            "a cost-2 call waits for 2 units: {waited} s"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn public_and_trading_calls_cost_nothing() {
        let counter = CallCounter::new(RateLimitTier::Starter);
        let start = Instant::now();
        for _ in 0..100 {
            counter.acquire(0).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::DEFAULT;
        assert_eq!(p.backoff(0), Duration::from_millis(200));
        assert_eq!(p.backoff(1), Duration::from_millis(400));
        assert_eq!(p.backoff(10), Duration::from_secs(2));
    }

    #[test]
    fn only_calls_that_cannot_have_acted_are_retried_on_private_endpoints() {
        let kraken = |code: &str| Error::Kraken {
            endpoint: "x",
            error: crate::KrakenError::new(vec![code.into()]),
        };
        let nonce = kraken("EAPI:Invalid nonce");
        let busy = kraken("EService:Unavailable");
        let http = Error::Http {
            endpoint: "x",
            status: 502,
            body_start: String::new(),
        };
        assert!(RetryPolicy::retryable(
            Auth::ApiKey,
            HttpMethod::Post,
            &nonce
        ));
        assert!(!RetryPolicy::retryable(
            Auth::ApiKey,
            HttpMethod::Post,
            &busy
        ));
        assert!(!RetryPolicy::retryable(
            Auth::ApiKey,
            HttpMethod::Post,
            &http
        ));
        assert!(RetryPolicy::retryable(Auth::Public, HttpMethod::Get, &busy));
        assert!(RetryPolicy::retryable(Auth::Public, HttpMethod::Get, &http));
        assert!(!RetryPolicy::retryable(
            Auth::Public,
            HttpMethod::Get,
            &kraken("EQuery:Unknown asset pair")
        ));
    }
}
