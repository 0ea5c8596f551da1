//! Kraken's rate counters (kraken-rest.md §4, §14): the REST call counter per
//! API key and the trading counter per API key and pair.
//!
//! # The rules the mock enforces
//!
//! Both counters decay linearly with mock time and never go below 0. A call
//! that is refused adds nothing.
//!
//! * **REST counter**: a call costing `c` is refused with
//!   `EAPI:Rate limit exceeded` when `counter + c > max` (so with max 20,
//!   twenty cost-1 calls in a burst pass and the 21st is refused).
//! * **Trading counter**: a transaction charging `c` (fixed part plus the
//!   penalty for the order's age) is refused with `EOrder:Rate limit exceeded`
//!   when `counter + c >= threshold`, i.e. when it would *reach* the
//!   threshold. The counter therefore always stays below the threshold, and
//!   §4's "refused while counter ≥ threshold" holds: at rest it never gets
//!   there. A transaction charging 0 (cancelling an order older than 300 s)
//!   always passes.

use std::collections::HashMap;

/// A Kraken account tier, which sets both counters' limits and decay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateTier {
    /// REST max 15, decay 0.33/s; trading threshold 60, decay 1/s.
    Starter,
    /// REST max 20, decay 0.5/s; trading threshold 125, decay 2.34/s.
    Intermediate,
    /// REST max 20, decay 1/s; trading threshold 180, decay 3.75/s.
    Pro,
}

impl RateTier {
    /// The REST counter's maximum.
    pub fn rest_max(self) -> f64 {
        match self {
            RateTier::Starter => 15.0,
            RateTier::Intermediate | RateTier::Pro => 20.0,
        }
    }

    /// The REST counter's decay per second.
    pub fn rest_decay(self) -> f64 {
        match self {
            RateTier::Starter => 0.33,
            RateTier::Intermediate => 0.5,
            RateTier::Pro => 1.0,
        }
    }

    /// The trading counter's threshold per pair.
    pub fn trading_threshold(self) -> f64 {
        match self {
            RateTier::Starter => 60.0,
            RateTier::Intermediate => 125.0,
            RateTier::Pro => 180.0,
        }
    }

    /// The trading counter's decay per second.
    pub fn trading_decay(self) -> f64 {
        match self {
            RateTier::Starter => 1.0,
            RateTier::Intermediate => 2.34,
            RateTier::Pro => 3.75,
        }
    }

    /// The most open orders per pair.
    pub fn max_open_orders(self) -> usize {
        match self {
            RateTier::Starter => 60,
            RateTier::Intermediate => 80,
            RateTier::Pro => 225,
        }
    }

    /// Parses `starter`, `intermediate` or `pro` (any case).
    pub fn parse(name: &str) -> Option<RateTier> {
        match name.to_ascii_lowercase().as_str() {
            "starter" => Some(RateTier::Starter),
            "intermediate" => Some(RateTier::Intermediate),
            "pro" => Some(RateTier::Pro),
            _ => None,
        }
    }
}

/// `EAPI:Rate limit exceeded`, verbatim.
pub const REST_LIMIT: &str = "EAPI:Rate limit exceeded";
/// `EOrder:Rate limit exceeded`, verbatim.
pub const TRADING_LIMIT: &str = "EOrder:Rate limit exceeded";

/// A private path's cost on the REST counter (§4 and §14); public and OAuth
/// paths are not counted (`0`).
pub fn rest_cost(path: &str) -> u32 {
    let Some(name) = path.strip_prefix("/0/private/") else {
        return 0;
    };
    match name {
        "Ledgers" | "QueryLedgers" | "TradesHistory" | "OpenOrders" | "ClosedOrders"
        | "QueryTrades" => 2,
        "AddOrder"
        | "CancelOrder"
        | "AmendOrder"
        | "EditOrder"
        | "AddOrderBatch"
        | "CancelOrderBatch"
        | "CancelAll"
        | "CancelAllOrdersAfter" => 0,
        _ => 1,
    }
}

/// Trading-counter penalty of an amend, by the order's age in seconds.
pub fn amend_penalty(age: f64) -> f64 {
    1.0 + by_age(age, &[(5.0, 3.0), (10.0, 2.0), (15.0, 1.0)])
}

/// Trading-counter penalty of an edit, by the order's age in seconds.
pub fn edit_penalty(age: f64) -> f64 {
    1.0 + by_age(
        age,
        &[
            (5.0, 6.0),
            (10.0, 5.0),
            (15.0, 4.0),
            (45.0, 2.0),
            (90.0, 1.0),
        ],
    )
}

/// Trading-counter penalty of a cancel, by the order's age in seconds.
pub fn cancel_penalty(age: f64) -> f64 {
    by_age(
        age,
        &[
            (5.0, 8.0),
            (10.0, 6.0),
            (15.0, 5.0),
            (45.0, 4.0),
            (90.0, 2.0),
            (300.0, 1.0),
        ],
    )
}

/// Trading-counter charge of an add of `n` orders (`1` for AddOrder, `n/2` for a batch).
pub fn add_charge(n: usize, batch: bool) -> f64 {
    if batch { n as f64 / 2.0 } else { 1.0 }
}

fn by_age(age: f64, steps: &[(f64, f64)]) -> f64 {
    steps
        .iter()
        .find(|(below, _)| age < *below)
        .map_or(0.0, |(_, p)| *p)
}

#[derive(Clone, Copy, Debug, Default)]
struct Counter {
    value: f64,
    at: f64,
}

impl Counter {
    fn decayed(&mut self, now: f64, decay: f64) -> f64 {
        self.value = (self.value - (now - self.at).max(0.0) * decay).max(0.0);
        self.at = now;
        self.value
    }
}

/// Both counters; off until a tier is set.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub tier: Option<RateTier>,
    rest: HashMap<String, Counter>,
    trading: HashMap<(String, String), Counter>,
}

impl Counters {
    /// Charges the REST counter of `key` for `path` at time `now` (seconds).
    pub fn charge_rest(&mut self, key: &str, path: &str, now: f64) -> Result<(), &'static str> {
        let Some(tier) = self.tier else { return Ok(()) };
        let cost = f64::from(rest_cost(path));
        let counter = self.rest.entry(key.to_owned()).or_default();
        if counter.decayed(now, tier.rest_decay()) + cost > tier.rest_max() {
            return Err(REST_LIMIT);
        }
        counter.value += cost;
        Ok(())
    }

    /// Charges `amount` to the trading counter of `key` on `pair`.
    pub fn charge_trading(
        &mut self,
        key: &str,
        pair: &str,
        amount: f64,
        now: f64,
    ) -> Result<(), &'static str> {
        let Some(tier) = self.tier else { return Ok(()) };
        let counter = self
            .trading
            .entry((key.to_owned(), pair.to_owned()))
            .or_default();
        let value = counter.decayed(now, tier.trading_decay());
        if amount > 0.0 && value + amount >= tier.trading_threshold() {
            return Err(TRADING_LIMIT);
        }
        counter.value += amount;
        Ok(())
    }

    /// The REST counter of `key` at `now`.
    pub fn rest(&mut self, key: &str, now: f64) -> f64 {
        let decay = self.tier.map_or(0.0, RateTier::rest_decay);
        self.rest
            .get_mut(key)
            .map_or(0.0, |c| c.decayed(now, decay))
    }

    /// The trading counter of `key` on `pair` at `now`.
    pub fn trading(&mut self, key: &str, pair: &str, now: f64) -> f64 {
        let decay = self.tier.map_or(0.0, RateTier::trading_decay);
        self.trading
            .get_mut(&(key.to_owned(), pair.to_owned()))
            .map_or(0.0, |c| c.decayed(now, decay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalties_match_the_table() {
        // §4 worked example: add, amend at 7 s, cancel 36 s later = 1+1+2+4 = 8.
        assert_eq!(
            add_charge(1, false) + amend_penalty(7.0) + cancel_penalty(36.0),
            8.0
        );
        assert_eq!(cancel_penalty(4.9), 8.0);
        assert_eq!(cancel_penalty(299.0), 1.0);
        assert_eq!(cancel_penalty(300.0), 0.0);
        assert_eq!(edit_penalty(89.0), 2.0);
        assert_eq!(edit_penalty(90.0), 1.0);
        assert_eq!(amend_penalty(15.0), 1.0);
        assert_eq!(add_charge(3, true), 1.5);
    }

    #[test]
    fn rest_counter_refuses_the_call_that_would_exceed() {
        let mut c = Counters {
            tier: Some(RateTier::Intermediate),
            ..Counters::default()
        };
        for _ in 0..20 {
            c.charge_rest("k", "/0/private/Balance", 0.0).unwrap();
        }
        assert_eq!(
            c.charge_rest("k", "/0/private/Balance", 0.0),
            Err(REST_LIMIT)
        );
        assert_eq!(c.rest("k", 0.0), 20.0);
        // AddOrder costs nothing on this counter.
        c.charge_rest("k", "/0/private/AddOrder", 0.0).unwrap();
        // 2 s later 1 unit has decayed: one cost-1 call passes, a cost-2 one not.
        assert_eq!(
            c.charge_rest("k", "/0/private/Ledgers", 2.0),
            Err(REST_LIMIT)
        );
        c.charge_rest("k", "/0/private/Balance", 2.0).unwrap();
    }

    #[test]
    fn trading_counter_refuses_the_call_that_would_reach() {
        let mut c = Counters {
            tier: Some(RateTier::Starter),
            ..Counters::default()
        };
        for _ in 0..59 {
            c.charge_trading("k", "XBTUSD", 1.0, 0.0).unwrap();
        }
        assert_eq!(
            c.charge_trading("k", "XBTUSD", 1.0, 0.0),
            Err(TRADING_LIMIT)
        );
        assert_eq!(c.charge_trading("k", "XBTUSD", 0.0, 0.0), Ok(()));
        c.charge_trading("k", "ETHUSD", 1.0, 0.0).unwrap();
        c.charge_trading("k", "XBTUSD", 1.0, 1.0).unwrap();
        assert_eq!(c.trading("k", "XBTUSD", 1.0), 59.0);
    }
}
