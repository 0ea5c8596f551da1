//! Nonces, and the order signed requests leave in.
//!
//! Kraken refuses a nonce that is not above the last one it accepted for the
//! key (`EAPI:Invalid nonce`), and counts such refusals against the key. A
//! strictly increasing counter is not enough when requests run concurrently:
//! two requests signed with nonces 5 and 6 can arrive as 6 then 5. So each
//! key's signed requests pass a gate: a request takes its nonce only once it
//! holds the gate, and holds it until the answer's head arrives, by which
//! time Kraken has checked the nonce. Requests thus reach Kraken in nonce
//! order. The gate is FIFO, so callers are served in the order they asked.
//!
//! One process: the gate is an in-process semaphore shared by every clone of
//! the client. Several processes on one key: [`NonceSource::shared_file`]
//! keeps the last nonce in a lock file, and the file lock is the gate.

use crate::Error;
use std::fmt;
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Where a client's nonces come from. Once a key has seen nonces of one
/// scale, keep that scale: after nanosecond nonces (the default, and Kraken's
/// CLI), millisecond ones are refused until the key is replaced or given a
/// nonce window.
#[derive(Clone)]
pub struct NonceSource {
    kind: Arc<Kind>,
}

enum Kind {
    Clock {
        divisor: u64,
        last: AtomicU64,
    },
    Custom {
        next: Box<dyn Fn() -> u64 + Send + Sync>,
        last: AtomicU64,
    },
    SharedFile {
        path: PathBuf,
        divisor: u64,
    },
}

impl fmt::Debug for NonceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Clock { divisor, .. } => write!(f, "NonceSource::Clock({})", unit(*divisor)),
            Kind::Custom { .. } => f.write_str("NonceSource::Custom"),
            Kind::SharedFile { path, divisor } => {
                write!(
                    f,
                    "NonceSource::SharedFile({}, {})",
                    path.display(),
                    unit(*divisor)
                )
            }
        }
    }
}

fn unit(divisor: u64) -> &'static str {
    match divisor {
        1 => "ns",
        1_000 => "µs",
        _ => "ms",
    }
}

impl Default for NonceSource {
    fn default() -> Self {
        Self::nanoseconds()
    }
}

impl NonceSource {
    fn clock(divisor: u64) -> Self {
        NonceSource {
            kind: Arc::new(Kind::Clock {
                divisor,
                last: AtomicU64::new(0),
            }),
        }
    }

    /// Unix time in nanoseconds (the default; the scale Kraken's CLI uses).
    pub fn nanoseconds() -> Self {
        Self::clock(1)
    }

    /// Unix time in microseconds.
    pub fn microseconds() -> Self {
        Self::clock(1_000)
    }

    /// Unix time in milliseconds (what many older tools use).
    pub fn milliseconds() -> Self {
        Self::clock(1_000_000)
    }

    /// The caller's own source. Its values are still made strictly
    /// increasing: a value not above the last one becomes the last one + 1.
    pub fn custom(next: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        NonceSource {
            kind: Arc::new(Kind::Custom {
                next: Box::new(next),
                last: AtomicU64::new(0),
            }),
        }
    }

    /// Nanosecond nonces shared by every process on this machine that uses
    /// the same file: the file holds the last nonce, and its lock is held
    /// from taking a nonce until the answer arrives, so the processes' signed
    /// requests reach Kraken one at a time, in nonce order. The file is
    /// created if needed; its directory must exist.
    pub fn shared_file(path: impl Into<PathBuf>) -> Self {
        NonceSource {
            kind: Arc::new(Kind::SharedFile {
                path: path.into(),
                divisor: 1,
            }),
        }
    }
}

fn now(divisor: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    nanos / divisor
}

/// `max(candidate, last + 1)`, stored as the new last, atomically.
fn above(last: &AtomicU64, candidate: u64) -> u64 {
    let mut seen = last.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(seen.saturating_add(1));
        match last.compare_exchange_weak(seen, next, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(actual) => seen = actual,
        }
    }
}

/// A key's gate plus its nonce source: every signed request of one client
/// (and its clones) goes through one of these.
#[derive(Debug)]
pub(crate) struct NonceGate {
    source: NonceSource,
    permits: Arc<Semaphore>,
}

/// A nonce, and the right to send with it. Dropping it lets the next signed
/// request of this key go.
pub(crate) struct Ticket {
    pub(crate) nonce: u64,
    _permit: OwnedSemaphorePermit,
    _file: Option<std::fs::File>,
}

impl NonceGate {
    /// `in_flight` signed requests may be under way at once (1 keeps strict
    /// nonce order; more needs a nonce window on the key).
    pub(crate) fn new(source: NonceSource, in_flight: usize) -> Self {
        NonceGate {
            source,
            permits: Arc::new(Semaphore::new(in_flight.max(1))),
        }
    }

    /// A nonce for a request that is ready to leave now.
    pub(crate) async fn ticket(&self) -> Result<Ticket, Error> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| Error::InvalidConfig("the nonce gate was closed".into()))?;
        let (nonce, file) = match &*self.source.kind {
            Kind::Clock { divisor, last } => (above(last, now(*divisor)), None),
            Kind::Custom { next, last } => (above(last, next()), None),
            Kind::SharedFile { path, divisor } => {
                let (path, divisor) = (path.clone(), *divisor);
                let taken = tokio::task::spawn_blocking(move || take_from_file(&path, divisor))
                    .await
                    .map_err(|e| {
                        Error::InvalidConfig(format!("the nonce file task failed: {e}"))
                    })?;
                let (nonce, file) = taken?;
                (nonce, Some(file))
            }
        };
        Ok(Ticket {
            nonce,
            _permit: permit,
            _file: file,
        })
    }
}

/// Locks the file (blocking until no other process holds it), reads the last
/// nonce, writes the next one, and returns it with the still-locked file.
fn take_from_file(path: &std::path::Path, divisor: u64) -> Result<(u64, std::fs::File), Error> {
    let fail = |what: &str, e: std::io::Error| {
        Error::InvalidConfig(format!("nonce file {}: cannot {what}: {e}", path.display()))
    };
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| fail("open", e))?;
    file.lock().map_err(|e| fail("lock", e))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| fail("read", e))?;
    let last: u64 = match text.trim() {
        "" => 0,
        t => t.parse().map_err(|_| {
            Error::InvalidConfig(format!(
                "nonce file {} does not hold a number",
                path.display()
            ))
        })?,
    };
    let next = now(divisor).max(last.saturating_add(1));
    file.set_len(0).map_err(|e| fail("truncate", e))?;
    file.rewind().map_err(|e| fail("rewind", e))?;
    file.write_all(next.to_string().as_bytes())
        .map_err(|e| fail("write", e))?;
    file.flush().map_err(|e| fail("write", e))?;
    Ok((next, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictly_increasing_across_threads() {
        let last = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let last = Arc::clone(&last);
                std::thread::spawn(move || {
                    (0..10_000)
                        .map(|_| above(&last, now(1)))
                        .collect::<Vec<_>>()
                })
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
        let last = AtomicU64::new(u64::MAX - 2);
        assert_eq!(above(&last, 5), u64::MAX - 1);
        assert_eq!(above(&last, 5), u64::MAX);
    }

    #[tokio::test]
    async fn scales_and_custom_sources() {
        let ns = NonceGate::new(NonceSource::nanoseconds(), 1);
        let ms = NonceGate::new(NonceSource::milliseconds(), 1);
        let a = ns.ticket().await.unwrap().nonce;
        let b = ms.ticket().await.unwrap().nonce;
        // Nanoseconds since 1970 have 19 digits today; milliseconds 13.
        assert_eq!(a.to_string().len(), 19, "{a}");
        assert_eq!(b.to_string().len(), 13, "{b}");
        let custom = NonceGate::new(NonceSource::custom(|| 42), 1);
        assert_eq!(custom.ticket().await.unwrap().nonce, 42);
        assert_eq!(
            custom.ticket().await.unwrap().nonce,
            43,
            "made strictly increasing"
        );
    }

    #[tokio::test]
    async fn the_gate_lets_one_request_go_at_a_time() {
        let gate = NonceGate::new(NonceSource::nanoseconds(), 1);
        let first = gate.ticket().await.unwrap();
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), gate.ticket());
        assert!(
            waiting.await.is_err(),
            "a second ticket while the first is held"
        );
        drop(first);
        gate.ticket().await.unwrap();
    }

    #[tokio::test]
    async fn a_shared_file_continues_from_the_last_nonce_written() {
        let path = std::env::temp_dir().join(format!("kraken-nonce-{}", std::process::id()));
        let far = now(1) + 1_000_000_000_000;
        std::fs::write(&path, far.to_string()).unwrap();
        let gate = NonceGate::new(NonceSource::shared_file(&path), 1);
        let first = gate.ticket().await.unwrap().nonce;
        assert_eq!(first, far + 1);
        let second = gate.ticket().await.unwrap().nonce;
        assert_eq!(second, far + 2);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            (far + 2).to_string()
        );
        std::fs::remove_file(&path).unwrap();
    }
}
