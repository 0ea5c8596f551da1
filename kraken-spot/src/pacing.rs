//! Pacing: local copies of Kraken's two counters, so calls wait instead of
//! being refused.
//!
//! - The REST call counter, per API key: each call adds its cost (from the
//!   spec), the counter decays every second, and a call that would take it
//!   over the tier's maximum waits.
//! - The trading counter, per pair: order calls add a fixed charge and, for
//!   amends, edits and cancels, a penalty by the order's age (Kraken's table,
//!   `kraken-rest.md` §4). The client remembers when each of its orders was
//!   placed, by txid and client order id, to charge the right penalty.
//!
//! Waits happen before a nonce is taken. When Kraken answers a rate-limit
//! error anyway (another program on the same key), the local counter goes to
//! its maximum.

use crate::endpoint::{TradingAction, TradingCharge};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Kraken's verification tiers, which set both counters' limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitTier {
    /// REST: maximum 15, −0.33/s. Trading: threshold 60, −1/s.
    Starter,
    /// REST: maximum 20, −0.5/s. Trading: threshold 125, −2.34/s.
    Intermediate,
    /// REST: maximum 20, −1/s. Trading: threshold 180, −3.75/s.
    Pro,
}

impl RateLimitTier {
    fn rest(self) -> Limit {
        match self {
            RateLimitTier::Starter => Limit::new(15.0, 0.33),
            RateLimitTier::Intermediate => Limit::new(20.0, 0.5),
            RateLimitTier::Pro => Limit::new(20.0, 1.0),
        }
    }

    fn trading(self) -> Limit {
        match self {
            RateLimitTier::Starter => Limit::exclusive(60.0, 1.0),
            RateLimitTier::Intermediate => Limit::exclusive(125.0, 2.34),
            RateLimitTier::Pro => Limit::exclusive(180.0, 3.75),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Limit {
    max: f64,
    decay: f64,
    /// Whether a call may take the counter exactly to `max`. The REST counter
    /// refuses a call that would go over its maximum; the trading counter
    /// refuses one that would reach its threshold ("counter ≥ threshold").
    inclusive: bool,
}

impl Limit {
    const fn new(max: f64, decay: f64) -> Self {
        Limit {
            max,
            decay,
            inclusive: true,
        }
    }

    const fn exclusive(max: f64, decay: f64) -> Self {
        Limit {
            max,
            decay,
            inclusive: false,
        }
    }
}

/// A counter's level, decayed lazily.
#[derive(Debug, Clone, Copy)]
struct Level {
    value: f64,
    at: Instant,
}

impl Level {
    fn zero(now: Instant) -> Self {
        Level {
            value: 0.0,
            at: now,
        }
    }

    fn decayed(&mut self, limit: Limit, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.value = (self.value - elapsed * limit.decay).max(0.0);
        self.at = now;
        self.value
    }

    /// Spends `charge` now if it fits under the limit, or says how long to
    /// wait. A charge fits when the level after it stays under the limit (or
    /// at it, for an inclusive limit) and the level before it is below the
    /// limit (so a charge of 0 still waits for a full counter to drain).
    fn try_spend(&mut self, limit: Limit, charge: f64, now: Instant) -> Result<(), Duration> {
        // A margin below the limit, so that float rounding here or at the
        // exchange never turns "exactly at the limit" into "over it".
        const MARGIN: f64 = 1e-3;
        let level = self.decayed(limit, now);
        let ceiling = if limit.inclusive {
            limit.max - MARGIN / 1000.0
        } else {
            limit.max - MARGIN
        };
        let charge = charge.min(ceiling);
        if level + charge <= ceiling && (charge > 0.0 || level < ceiling) {
            self.value += charge;
            return Ok(());
        }
        let excess = (level + charge - ceiling).max(f64::EPSILON);
        // A little more, so float rounding never wakes us a hair early.
        Err(Duration::from_secs_f64(excess / limit.decay) + Duration::from_micros(50))
    }
}

/// A snapshot of a counter, for dashboards.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CounterLevel {
    /// The counter's current (local) level.
    pub level: f64,
    /// The level at which Kraken refuses calls.
    pub limit: f64,
    /// How much it decays per second.
    pub decay_per_second: f64,
}

/// The local counters of a client, as [`crate::SpotClient::rate_counters`]
/// reads them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RateCounters {
    /// The REST call counter of the API key.
    pub rest: CounterLevel,
    /// The trading counter of each pair the client has traded, by pair as
    /// sent.
    pub trading: Vec<(String, CounterLevel)>,
}

/// The counters of one API key, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Pacer {
    tier: RateLimitTier,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    rest: Level,
    trading: HashMap<String, Level>,
    /// When each known order was placed or last amended: id (txid or
    /// cl_ord_id) → (pair, time). Entries older than the longest penalty
    /// window are dropped.
    orders: HashMap<String, (String, Instant)>,
}

/// What a call will charge the trading counters, worked out before it waits.
#[derive(Debug, Default)]
pub(crate) struct TradingBill {
    by_pair: Vec<(String, f64)>,
}

const PENALTY_WINDOW: Duration = Duration::from_secs(300);

/// The age penalty of an amend, edit or cancel of an order this old (§4).
fn penalty(action: TradingAction, age: Duration) -> f64 {
    let s = age.as_secs_f64();
    let table: &[(f64, f64)] = match action {
        TradingAction::Amend => &[(5.0, 3.0), (10.0, 2.0), (15.0, 1.0)],
        TradingAction::Edit => &[
            (5.0, 6.0),
            (10.0, 5.0),
            (15.0, 4.0),
            (45.0, 2.0),
            (90.0, 1.0),
        ],
        TradingAction::Cancel | TradingAction::CancelAll | TradingAction::BatchCancel => &[
            (5.0, 8.0),
            (10.0, 6.0),
            (15.0, 5.0),
            (45.0, 4.0),
            (90.0, 2.0),
            (300.0, 1.0),
        ],
        TradingAction::Add | TradingAction::BatchAdd => &[],
    };
    table
        .iter()
        .find(|(under, _)| s < *under)
        .map_or(0.0, |(_, p)| *p)
}

impl Pacer {
    pub(crate) fn new(tier: RateLimitTier) -> Self {
        let now = Instant::now();
        Pacer {
            tier,
            state: Mutex::new(State {
                rest: Level::zero(now),
                trading: HashMap::new(),
                orders: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // No code panics while holding this lock, so a poisoned one is still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What a call with this charge, touching these pair and order ids, will
    /// add to each pair's trading counter.
    pub(crate) fn bill(
        &self,
        charge: &TradingCharge,
        pair: Option<&str>,
        orders: &[String],
        new_orders: usize,
    ) -> TradingBill {
        let now = Instant::now();
        let mut state = self.lock();
        state
            .orders
            .retain(|_, (_, at)| now.saturating_duration_since(*at) < PENALTY_WINDOW);
        let mut bill = TradingBill::default();
        let mut add =
            |pair: &str, amount: f64| match bill.by_pair.iter_mut().find(|(p, _)| p == pair) {
                Some((_, a)) => *a += amount,
                None => bill.by_pair.push((pair.to_owned(), amount)),
            };
        let fixed = match charge.action {
            TradingAction::Add | TradingAction::Amend | TradingAction::Edit => 1.0,
            TradingAction::BatchAdd => new_orders as f64 / 2.0,
            _ => 0.0,
        };
        if let Some(pair) = pair {
            add(pair, fixed);
        }
        let touched: Vec<(String, Duration)> = if charge.action == TradingAction::CancelAll {
            state
                .orders
                .values()
                .map(|(p, at)| (p.clone(), now.saturating_duration_since(*at)))
                .collect()
        } else {
            orders
                .iter()
                .filter_map(|id| state.orders.get(id))
                .map(|(p, at)| (p.clone(), now.saturating_duration_since(*at)))
                .collect()
        };
        for (order_pair, age) in touched {
            add(pair.unwrap_or(&order_pair), penalty(charge.action, age));
        }
        bill
    }

    /// Waits until the REST cost and the trading bill fit, then spends them.
    /// Returns how long it waited.
    pub(crate) async fn acquire(
        &self,
        endpoint: &'static str,
        cost: u32,
        bill: &TradingBill,
    ) -> Duration {
        let start = Instant::now();
        let (rest_limit, trading_limit) = (self.tier.rest(), self.tier.trading());
        loop {
            let wait = {
                let now = Instant::now();
                let mut state = self.lock();
                // Check everything first, so that nothing is spent unless all fits.
                let mut wait = Duration::ZERO;
                let mut counter = "";
                if cost > 0 {
                    let mut probe = state.rest;
                    if let Err(w) = probe.try_spend(rest_limit, f64::from(cost), now) {
                        (wait, counter) = (w, "rest");
                    }
                }
                for (pair, amount) in &bill.by_pair {
                    let mut probe = state.trading.get(pair).copied().unwrap_or(Level::zero(now));
                    if let Err(w) = probe.try_spend(trading_limit, *amount, now)
                        && w > wait
                    {
                        (wait, counter) = (w, "trading");
                    }
                }
                if wait.is_zero() {
                    if cost > 0 {
                        let _ = state.rest.try_spend(rest_limit, f64::from(cost), now);
                    }
                    for (pair, amount) in &bill.by_pair {
                        let level = state
                            .trading
                            .entry(pair.clone())
                            .or_insert(Level::zero(now));
                        let _ = level.try_spend(trading_limit, *amount, now);
                    }
                    return start.elapsed();
                }
                tracing::debug!(
                    endpoint,
                    counter,
                    wait_ms = wait.as_secs_f64() * 1e3,
                    "pacing: waiting for the counter to decay"
                );
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Remembers orders just placed (or amended, or created by an edit), so
    /// later cancels and amends are charged the right penalty.
    pub(crate) fn placed(&self, pair: &str, ids: impl IntoIterator<Item = String>) {
        let now = Instant::now();
        let mut state = self.lock();
        for id in ids {
            state.orders.insert(id, (pair.to_owned(), now));
        }
    }

    /// Forgets cancelled orders.
    pub(crate) fn cancelled(&self, ids: &[String], all: bool) {
        let mut state = self.lock();
        if all {
            state.orders.clear();
        } else {
            for id in ids {
                state.orders.remove(id);
            }
        }
    }

    /// The pair a known order was placed on.
    pub(crate) fn pair_of(&self, id: &str) -> Option<String> {
        self.lock().orders.get(id).map(|(p, _)| p.clone())
    }

    /// Kraken refused a call on the REST counter: assume it is full.
    pub(crate) fn rest_exhausted(&self) {
        let now = Instant::now();
        let max = self.tier.rest().max;
        self.lock().rest = Level {
            value: max,
            at: now,
        };
    }

    /// Kraken refused an order call on a pair's trading counter: assume it is full.
    pub(crate) fn trading_exhausted(&self, pair: &str) {
        let now = Instant::now();
        let max = self.tier.trading().max;
        self.lock().trading.insert(
            pair.to_owned(),
            Level {
                value: max,
                at: now,
            },
        );
    }

    pub(crate) fn snapshot(&self) -> RateCounters {
        let now = Instant::now();
        let (rest_limit, trading_limit) = (self.tier.rest(), self.tier.trading());
        let mut state = self.lock();
        let level = |l: &mut Level, limit: Limit| CounterLevel {
            level: l.decayed(limit, now),
            limit: limit.max,
            decay_per_second: limit.decay,
        };
        let rest = level(&mut state.rest, rest_limit);
        let mut trading: Vec<_> = state
            .trading
            .iter_mut()
            .map(|(p, l)| (p.clone(), level(l, trading_limit)))
            .collect();
        trading.sort_by(|a, b| a.0.cmp(&b.0));
        RateCounters { rest, trading }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(action: TradingAction) -> TradingCharge {
        TradingCharge {
            action,
            pair: Some("pair"),
            orders: &["txid"],
            new_orders: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn starter_tier_lets_15_calls_through_then_paces_at_its_decay() {
        let pacer = Pacer::new(RateLimitTier::Starter);
        let none = TradingBill::default();
        let start = Instant::now();
        for _ in 0..15 {
            pacer.acquire("x", 1, &none).await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(5),
            "the first 15 calls do not wait (beyond the rounding margin)"
        );
        pacer.acquire("x", 1, &none).await;
        let waited = start.elapsed().as_secs_f64();
        assert!((waited - 1.0 / 0.33).abs() < 0.01, "waited {waited} s");
        pacer.acquire("x", 2, &none).await;
        let waited = start.elapsed().as_secs_f64();
        assert!(
            (waited - 3.0 / 0.33).abs() < 0.01,
            "a cost-2 call waits for 2 units: {waited} s"
        );
    }

    #[test]
    fn penalties_follow_krakens_table() {
        let s = Duration::from_secs;
        assert_eq!(penalty(TradingAction::Cancel, s(0)), 8.0);
        assert_eq!(penalty(TradingAction::Cancel, s(36)), 4.0);
        assert_eq!(penalty(TradingAction::Cancel, s(299)), 1.0);
        assert_eq!(penalty(TradingAction::Cancel, s(300)), 0.0);
        assert_eq!(penalty(TradingAction::Amend, s(7)), 2.0);
        assert_eq!(penalty(TradingAction::Amend, s(15)), 0.0);
        assert_eq!(penalty(TradingAction::Edit, s(44)), 2.0);
        assert_eq!(penalty(TradingAction::Add, s(0)), 0.0);
    }

    #[tokio::test(start_paused = true)]
    async fn krakens_worked_example_costs_8() {
        // Add, amend at 7 s, cancel 36 s later: 1 + (1 + 2) + 4 = 8 (§4).
        let pacer = Pacer::new(RateLimitTier::Pro);
        let ids = ["O1".to_owned()];
        let add = pacer.bill(&charge(TradingAction::Add), Some("XBTUSD"), &[], 0);
        assert_eq!(add.by_pair, [("XBTUSD".to_owned(), 1.0)]);
        pacer.placed("XBTUSD", ids.clone());
        tokio::time::advance(Duration::from_secs(7)).await;
        let amend = pacer.bill(&charge(TradingAction::Amend), Some("XBTUSD"), &ids, 0);
        assert_eq!(amend.by_pair, [("XBTUSD".to_owned(), 3.0)]);
        pacer.placed("XBTUSD", ids.clone());
        tokio::time::advance(Duration::from_secs(36)).await;
        let cancel = pacer.bill(&charge(TradingAction::Cancel), None, &ids, 0);
        assert_eq!(cancel.by_pair, [("XBTUSD".to_owned(), 4.0)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_trading_counter_makes_order_calls_wait() {
        let pacer = Pacer::new(RateLimitTier::Starter);
        pacer.trading_exhausted("XBTUSD");
        let bill = pacer.bill(&charge(TradingAction::Add), Some("XBTUSD"), &[], 0);
        let waited = pacer.acquire("submit_order", 0, &bill).await;
        // 60 → under 59 at 1/s takes 1 s (the trading threshold is exclusive).
        assert!((waited.as_secs_f64() - 1.0).abs() < 0.01, "{waited:?}");
        let snap = pacer.snapshot();
        assert_eq!(snap.trading[0].0, "XBTUSD");
        assert!((snap.trading[0].1.level - 60.0).abs() < 0.01);
    }
}
