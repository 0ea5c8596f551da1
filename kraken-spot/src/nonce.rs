//! Strictly increasing nonces, shared by every clone of a client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Hands out nanosecond-based nonces (the format Kraken's own CLI uses), each
/// strictly greater than the last, whatever the clock does and whichever
/// thread asks.
#[derive(Debug, Default)]
pub(crate) struct NonceGenerator {
    last: AtomicU64,
}

impl NonceGenerator {
    pub(crate) fn next(&self) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn strictly_increasing_across_threads() {
        let generator = Arc::new(NonceGenerator::default());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let g = Arc::clone(&generator);
                std::thread::spawn(move || (0..10_000).map(|_| g.next()).collect::<Vec<_>>())
            })
            .collect();
        let mut all: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a nonce was handed out twice");
    }

    #[test]
    fn never_goes_backwards_when_the_clock_does() {
        let generator = NonceGenerator {
            last: AtomicU64::new(u64::MAX - 2),
        };
        assert_eq!(generator.next(), u64::MAX - 1);
        assert_eq!(generator.next(), u64::MAX);
    }
}
