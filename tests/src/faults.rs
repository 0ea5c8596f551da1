//! Faults on demand: per path, for the next N calls or a fraction of calls.

use std::collections::HashMap;
use std::time::Duration;

/// What the mock does to a request that passed authentication, instead of
/// (or besides) answering it normally. See [`MockKraken::inject`](crate::MockKraken::inject).
///
/// `process` says whether the request is applied to the mock's state (an
/// order is placed, a cancel happens, counters move) before the fault.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// Read the whole request, apply it if `process`, then close the
    /// connection without sending any HTTP answer.
    Drop {
        /// Apply the request to the state first.
        process: bool,
    },
    /// Apply the request if `process`, then answer normally after `by` (real
    /// time). Without `process` the request is never applied and the answer,
    /// after `by`, is `{"error":["EService:Unavailable"]}`.
    Delay {
        /// How long to wait before answering.
        by: Duration,
        /// Apply the request to the state first.
        process: bool,
    },
    /// Answer `status` with a Cloudflare-style HTML page (`text/html`).
    Html {
        /// The HTTP status, e.g. 502, 503 or 520.
        status: u16,
        /// Apply the request to the state first.
        process: bool,
    },
    /// Answer HTTP 200 `{"error":[code]}`.
    Kraken {
        /// Kraken's error code, e.g. `"EService:Unavailable"`.
        code: String,
        /// Apply the request to the state first.
        process: bool,
    },
    /// Answer `status` (307 or 308) with this `Location`; never processes.
    Redirect {
        /// The HTTP status.
        status: u16,
        /// The `Location` header value.
        location: String,
    },
}

impl Fault {
    /// Whether the request is applied to the state before the fault.
    pub fn processes(&self) -> bool {
        match self {
            Fault::Drop { process }
            | Fault::Delay { process, .. }
            | Fault::Html { process, .. }
            | Fault::Kraken { process, .. } => *process,
            Fault::Redirect { .. } => false,
        }
    }
}

/// The HTML body of a Cloudflare-style error page for `status`.
pub(crate) fn html_page(status: u16) -> String {
    let title = match status {
        500 => "Internal server error",
        502 => "Bad gateway",
        503 => "Service unavailable",
        504 => "Gateway time-out",
        520 => "Web server is returning an unknown error",
        521 => "Web server is down",
        522 => "Connection timed out",
        524 => "A timeout occurred",
        _ => "Error",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>api.kraken.com | {status}: {title}</title></head>\n\
         <body><div id=\"cf-error-details\"><h1><span>{title}</span> \
         <span class=\"code-label\">Error code {status}</span></h1>\n\
         <p>Visit <a href=\"https://www.cloudflare.com/\">cloudflare.com</a> for more information.</p>\n\
         <p>Cloudflare Ray ID: <strong>8f3a1c2b7d4e5f60</strong></p></div></body>\n</html>\n"
    )
}

#[derive(Debug)]
struct Fraction {
    fault: Fault,
    fraction: f64,
}

/// The injected faults, per exact path.
#[derive(Debug)]
pub(crate) struct Faults {
    /// Faults for the next calls, each with the number of calls left, in order.
    counted: HashMap<String, Vec<(Fault, usize)>>,
    fractions: HashMap<String, Fraction>,
    rng: SplitMix64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            counted: HashMap::new(),
            fractions: HashMap::new(),
            rng: SplitMix64(FAULT_SEED),
        }
    }
}

/// The fixed seed of the fraction faults' RNG: runs are reproducible.
pub(crate) const FAULT_SEED: u64 = 0x6b72_616b_656e_2d6d;

impl Faults {
    pub fn inject(&mut self, path: &str, fault: Fault, calls: usize) {
        if calls > 0 {
            self.counted
                .entry(path.to_owned())
                .or_default()
                .push((fault, calls));
        }
    }

    pub fn inject_fraction(&mut self, path: &str, fault: Fault, fraction: f64) {
        let fraction = fraction.clamp(0.0, 1.0);
        self.fractions
            .insert(path.to_owned(), Fraction { fault, fraction });
    }

    pub fn clear(&mut self) {
        self.counted.clear();
        self.fractions.clear();
    }

    pub fn reseed(&mut self, seed: u64) {
        self.rng = SplitMix64(seed);
    }

    /// The fault for the next call to `path`, if any: counted faults first
    /// (each consumed once), then the path's fraction fault by a draw.
    pub fn next(&mut self, path: &str) -> Option<Fault> {
        let queue = self.counted.get_mut(path).filter(|q| !q.is_empty());
        if let Some(queue) = queue {
            let (fault, left) = &mut queue[0];
            let fault = fault.clone();
            *left -= 1;
            if *left == 0 {
                queue.remove(0);
            }
            return Some(fault);
        }
        let entry = self.fractions.get(path)?;
        (self.rng.unit() < entry.fraction).then(|| entry.fault.clone())
    }
}

/// A tiny deterministic RNG (SplitMix64): enough for fault fractions.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform draw in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_then_fraction() {
        let mut f = Faults::default();
        let drop = Fault::Drop { process: true };
        f.inject("/a", drop.clone(), 2);
        assert_eq!(f.next("/a"), Some(drop.clone()));
        assert_eq!(f.next("/a"), Some(drop));
        assert_eq!(f.next("/a"), None);
        assert_eq!(f.next("/b"), None);

        let html = Fault::Html {
            status: 502,
            process: false,
        };
        f.inject_fraction("/a", html, 0.3);
        let hits = (0..10_000).filter(|_| f.next("/a").is_some()).count();
        assert!((2_800..3_200).contains(&hits), "{hits}");
        f.clear();
        assert_eq!(f.next("/a"), None);
    }
}
