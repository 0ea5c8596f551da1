//! Which failed calls are sent again, and after how long.

use crate::endpoint::Effect;
use crate::{Error, ErrorKind};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many times a failed call is tried again, and how long to wait in
/// between: exponential backoff from `initial_backoff` up to `max_backoff`,
/// with jitter (each wait is between half and all of the backoff), unless
/// Kraken states a wait (`EService:Throttled:<time>`, `Retry-After`), which
/// is honoured.
///
/// What is retried depends on the call's effect (from the spec):
/// - reads (public or private) are retried on timeouts, connection errors,
///   HTTP 429 and 5xx, and Kraken's transient codes (rate limits, throttling,
///   `EService:Unavailable`/`Busy`, `EGeneral:Internal error`, …), each
///   attempt signed with a fresh nonce;
/// - calls that change state (orders, cancels, withdrawals, transfers, Earn,
///   subaccounts, keys) only where the request cannot have acted: a
///   connection that was never made, and `EAPI:Invalid nonce`.
///
/// `EAPI:Invalid key`, `EAPI:Invalid signature`, `EGeneral:Permission
/// denied` and `EGeneral:Temporary lockout` are never retried.
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
    /// Three retries, backing off from 250 ms up to 4 s (the default).
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(250),
        max_backoff: Duration::from_secs(4),
    };

    /// Never retry.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::DEFAULT
    };

    /// A policy with `max_retries` retries and the given backoff bounds.
    pub fn new(max_retries: u32, initial_backoff: Duration, max_backoff: Duration) -> Self {
        RetryPolicy {
            max_retries,
            initial_backoff,
            max_backoff,
        }
    }

    /// The backoff before retry number `attempt` (0-based), before jitter.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_backoff)
    }

    /// The wait before retry number `attempt`: a wait Kraken stated, or the
    /// backoff with jitter.
    pub(crate) fn wait(&self, attempt: u32, stated: Option<Duration>) -> Duration {
        if let Some(stated) = stated {
            return stated;
        }
        let backoff = self.backoff(attempt);
        let mut byte = [0u8; 2];
        let r = match getrandom::fill(&mut byte) {
            Ok(()) => f64::from(u16::from_le_bytes(byte)) / f64::from(u16::MAX),
            Err(_) => 0.5,
        };
        backoff.mul_f64(0.5 + r / 2.0)
    }

    /// Whether a call with this effect that failed with `error` may be sent again.
    pub(crate) fn retryable(effect: Effect, error: &Error) -> bool {
        if let Some(k) = error.kraken() {
            if k.is_invalid_nonce() {
                return true;
            }
            if k.is_bad_credentials()
                || k.has("EGeneral:Permission denied")
                || k.has("EGeneral:Temporary lockout")
            {
                return false;
            }
        }
        match effect {
            Effect::Read => match error {
                Error::Kraken { error, .. } => error.is_retryable(),
                Error::Http { status, .. } | Error::Api { status, .. } => {
                    *status == 429 || *status >= 500
                }
                Error::Transport { .. } => true,
                _ => false,
            },
            Effect::Write => {
                matches!(error, Error::Transport { source, .. } if source.is_connect())
            }
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

/// The wait Kraken stated in an error, if any: `EService:Throttled:<unix
/// seconds>` (until then) or HTTP `Retry-After` (passed in by the sender).
pub(crate) fn stated_wait(error: &Error, retry_after: Option<Duration>) -> Option<Duration> {
    if let Some(until) = error.kraken().and_then(|k| k.throttled_until()) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return Some(Duration::from_secs(until.saturating_sub(now)));
    }
    if error.kind() == ErrorKind::RateLimit
        || matches!(error, Error::Http { .. } | Error::Api { .. })
    {
        return retry_after;
    }
    None
}

/// Parses `Retry-After` in its seconds form (the HTTP-date form is rare on
/// APIs and is ignored).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kraken(code: &str) -> Error {
        Error::Kraken {
            endpoint: "x",
            error: crate::KrakenError::new(vec![code.into()]),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_stays_within_half() {
        let p = RetryPolicy::DEFAULT;
        assert_eq!(p.backoff(0), Duration::from_millis(250));
        assert_eq!(p.backoff(1), Duration::from_millis(500));
        assert_eq!(p.backoff(10), Duration::from_secs(4));
        for _ in 0..100 {
            let w = p.wait(1, None);
            assert!(
                w >= Duration::from_millis(250) && w <= Duration::from_millis(500),
                "{w:?}"
            );
        }
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn reads_retry_transient_failures_writes_only_what_cannot_have_acted() {
        let http502 = Error::Http {
            endpoint: "x",
            status: 502,
            body_start: String::new(),
        };
        for e in [
            kraken("EService:Unavailable"),
            kraken("EAPI:Rate limit exceeded"),
            kraken("EGeneral:Internal error"),
            http502,
        ] {
            assert!(RetryPolicy::retryable(Effect::Read, &e), "read: {e}");
            assert!(!RetryPolicy::retryable(Effect::Write, &e), "write: {e}");
        }
        let nonce = kraken("EAPI:Invalid nonce");
        assert!(RetryPolicy::retryable(Effect::Read, &nonce));
        assert!(RetryPolicy::retryable(Effect::Write, &nonce));
        for never in [
            "EAPI:Invalid key",
            "EAPI:Invalid signature",
            "EGeneral:Permission denied",
            "EGeneral:Temporary lockout",
            "EOrder:Insufficient funds",
            "EQuery:Unknown asset pair",
        ] {
            assert!(
                !RetryPolicy::retryable(Effect::Read, &kraken(never)),
                "{never}"
            );
        }
    }

    #[test]
    fn throttled_errors_state_their_wait() {
        let later = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3;
        let e = kraken(&format!("EService:Throttled:{later}"));
        let w = stated_wait(&e, None).unwrap();
        assert!(
            w <= Duration::from_secs(3) && w >= Duration::from_secs(2),
            "{w:?}"
        );
        let e = kraken("EAPI:Rate limit exceeded");
        assert_eq!(
            stated_wait(&e, Some(Duration::from_secs(9))),
            Some(Duration::from_secs(9))
        );
        assert_eq!(parse_retry_after(" 12 "), Some(Duration::from_secs(12)));
    }
}
