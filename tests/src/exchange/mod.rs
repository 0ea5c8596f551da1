//! The sandbox's exchange state: pairs, orders, fills.
//!
//! Orders are matched against a last price per pair: a market order, or a
//! limit order that crosses the last price, fills at once (taker); a resting
//! limit order fills when [`MockKraken::set_price`](crate::MockKraken::set_price)
//! moves the price through its limit (maker). Fills are whole.

mod orders;
mod pairs;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

pub(crate) use orders::{Ctx, handle};
pub(crate) use pairs::Pair;

/// An order the sandbox accepted, as [`MockKraken::orders`](crate::MockKraken::orders) shows it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MockOrder {
    /// Kraken's order id, e.g. `"OABCDE-FGHIJ-KLMNOP"`.
    pub txid: String,
    /// The client order id it was placed with.
    pub cl_ord_id: Option<String>,
    /// The user reference it was placed with.
    pub userref: Option<i64>,
    /// The pair's altname, e.g. `"XBTUSD"`.
    pub pair: String,
    /// `buy` or `sell`.
    pub side: String,
    /// `limit`, `market`, …
    pub ordertype: String,
    /// The volume as sent (or as last amended/edited).
    pub volume: String,
    /// The price as sent (or as last amended), if any.
    pub price: Option<String>,
    /// The secondary price as sent, if any.
    pub price2: Option<String>,
    /// The order flags as sent, e.g. `"post"`.
    pub oflags: String,
    /// `GTC`, `IOC`, `GTD` or `FOK`.
    pub timeinforce: String,
    /// `open`, `closed` or `canceled`.
    pub status: String,
    /// Why it was closed or canceled, e.g. `"User requested"`.
    pub reason: Option<String>,
    /// When it was opened, Unix seconds (mock clock).
    pub opentm: Decimal,
    /// When it was closed or canceled.
    pub closetm: Option<Decimal>,
    /// Volume executed so far.
    pub vol_exec: Decimal,
    /// Quote-currency cost of what executed.
    pub cost: Decimal,
    /// Fee paid, in the quote currency.
    pub fee: Decimal,
    /// The API key that placed it.
    pub api_key: String,
}

/// An amend of an order (OrderAmends).
#[derive(Clone, Debug)]
pub(crate) struct Amend {
    pub amend_id: String,
    pub amend_type: &'static str,
    pub order_qty: Decimal,
    pub remaining_qty: Decimal,
    pub limit_price: Option<String>,
    pub trigger_price: Option<String>,
    pub post_only: bool,
    pub timestamp_ms: i64,
}

/// An order with what the sandbox needs besides its public view.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    pub view: MockOrder,
    /// Mock-clock seconds when it was placed or last amended (its "age").
    pub aged_from: f64,
    pub volume: Decimal,
    pub limit: Option<Decimal>,
    pub amends: Vec<Amend>,
}

impl Order {
    pub fn is_open(&self) -> bool {
        self.view.status == "open"
    }
}

/// The exchange: pairs, last prices, orders (oldest first), and id counters.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub pairs: Vec<Pair>,
    pub last: HashMap<String, Decimal>,
    pub orders: Vec<Order>,
    /// Dead man's switch: mock Unix time at which every open order is canceled.
    pub cancel_all_at: Option<Decimal>,
    ids: u64,
}

impl Exchange {
    /// Pairs from the recorded AssetPairs fixtures, and the last price of
    /// XBT/USD from the recorded Depth (mid of best bid and ask).
    pub fn from_fixtures(dir: &std::path::Path) -> Exchange {
        let pairs = pairs::load(dir);
        let mut last = HashMap::new();
        if let Some(mid) = pairs::depth_mid(dir) {
            last.insert("XBTUSD".to_owned(), mid);
        }
        Exchange {
            pairs,
            last,
            orders: Vec::new(),
            cancel_all_at: None,
            ids: 0,
        }
    }

    /// A pair by key, altname or wsname.
    pub fn pair(&self, name: &str) -> Option<&Pair> {
        self.pairs
            .iter()
            .find(|p| p.key == name || p.altname == name || p.wsname == name)
    }

    /// A fresh Kraken-style id with `prefix`, e.g. `OABCDE-FGHIJ-KLMNOP`.
    pub fn new_id(&mut self, prefix: char) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        self.ids += 1;
        let mut x = self.ids.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995;
        let mut chars = String::with_capacity(19);
        chars.push(prefix);
        for i in 1..17 {
            if i == 6 || i == 11 {
                chars.push('-');
            }
            chars.push(ALPHABET[(x % 32) as usize] as char);
            x = (x / 32) ^ (x << 59);
        }
        chars
    }

    pub fn find_open(&self, txid: &str) -> Option<usize> {
        self.orders
            .iter()
            .position(|o| o.is_open() && o.view.txid == txid)
    }

    pub fn find_open_cl(&self, key: &str, cl_ord_id: &str) -> Option<usize> {
        self.orders.iter().position(|o| {
            o.is_open() && o.view.api_key == key && o.view.cl_ord_id.as_deref() == Some(cl_ord_id)
        })
    }

    /// Closes order `i` with `status` and `reason` at `now`.
    pub fn close(&mut self, i: usize, status: &str, reason: Option<&str>, now: Decimal) {
        let o = &mut self.orders[i].view;
        o.status = status.to_owned();
        o.reason = reason.map(str::to_owned);
        o.closetm = Some(now);
    }

    /// Fills order `i` whole at `price` with fee rate `fee_pct` (percent).
    pub fn fill(&mut self, i: usize, price: Decimal, fee_pct: Decimal, now: Decimal) {
        let order = &mut self.orders[i];
        let pair = self
            .pairs
            .iter()
            .find(|p| p.altname == order.view.pair)
            .cloned();
        let cost_dp = pair.map_or(8, |p| p.cost_decimals);
        let cost = (order.volume * price).round_dp(cost_dp);
        order.view.vol_exec = order.volume;
        order.view.cost = cost;
        order.view.fee = (cost * fee_pct / Decimal::from(100)).round_dp(cost_dp);
        self.close(i, "closed", None, now);
    }

    /// Fills the resting limit orders of `pair` that `price` crosses (maker).
    pub fn match_resting(&mut self, pair: &str, price: Decimal, now: Decimal) {
        let Some(fee) = self.pair(pair).map(|p| p.maker_fee) else {
            return;
        };
        for i in 0..self.orders.len() {
            let o = &self.orders[i];
            if !o.is_open() || o.view.pair != pair || o.view.ordertype != "limit" {
                continue;
            }
            let Some(limit) = o.limit else { continue };
            let crossed = match o.view.side.as_str() {
                "buy" => price <= limit,
                _ => price >= limit,
            };
            if crossed {
                self.fill(i, limit, fee, now);
            }
        }
    }

    /// The dead man's switch: cancels every open order once its time passed.
    pub fn run_timers(&mut self, now: Decimal) {
        if self.cancel_all_at.is_some_and(|at| now >= at) {
            self.cancel_all_at = None;
            for i in 0..self.orders.len() {
                if self.orders[i].is_open() {
                    self.close(i, "canceled", Some("User requested"), now);
                }
            }
        }
    }

    /// Kraken's OrderInfo object for order `o`; `closed_fields` adds
    /// `reason` and `closetm` (ClosedOrders), `reason_null` adds `"reason": null`
    /// for open orders (QueryOrders).
    pub fn order_info(&self, o: &Order, with_reason: bool) -> Value {
        let v = &o.view;
        let pair = self.pair(&v.pair);
        let (pdp, ldp, cdp) = pair.map_or((5, 8, 6), |p| {
            (p.pair_decimals, p.lot_decimals, p.cost_decimals)
        });
        let fixed = |d: Decimal, dp: u32| format!("{:.*}", dp as usize, d.round_dp(dp));
        let price_text = |s: &Option<String>| match s.as_deref().map(str::parse::<Decimal>) {
            Some(Ok(d)) => fixed(d, pdp),
            Some(Err(_)) => s.clone().unwrap_or_default(),
            None => "0".to_owned(),
        };
        let avg = if v.vol_exec.is_zero() {
            Decimal::ZERO
        } else {
            v.cost / v.vol_exec
        };
        let mut info = serde_json::Map::new();
        info.insert("refid".into(), Value::Null);
        info.insert(
            "userref".into(),
            match v.userref {
                Some(u) => json!(u),
                None if v.cl_ord_id.is_some() => Value::Null,
                None => json!(0),
            },
        );
        if let Some(cl) = &v.cl_ord_id {
            info.insert("cl_ord_id".into(), json!(cl));
        }
        info.insert("status".into(), json!(v.status));
        info.insert("opentm".into(), json!(fixed(v.opentm, 6)));
        info.insert("starttm".into(), json!("0"));
        info.insert("expiretm".into(), json!("0"));
        info.insert(
            "descr".into(),
            json!({
                "pair": v.pair,
                "type": v.side,
                "ordertype": v.ordertype,
                "price": price_text(&v.price),
                "price2": price_text(&v.price2),
                "leverage": "none",
                "order": orders::describe(v, pdp, ldp),
                "close": "",
            }),
        );
        info.insert("vol".into(), json!(fixed(o.volume, ldp)));
        info.insert("vol_exec".into(), json!(fixed(v.vol_exec, ldp)));
        info.insert("cost".into(), json!(fixed(v.cost, cdp)));
        info.insert("fee".into(), json!(fixed(v.fee, cdp)));
        info.insert("price".into(), json!(fixed(avg, cdp)));
        info.insert("stopprice".into(), json!(fixed(Decimal::ZERO, cdp)));
        info.insert("limitprice".into(), json!(fixed(Decimal::ZERO, cdp)));
        info.insert("misc".into(), json!(""));
        let mut oflags = v.oflags.clone();
        if !oflags.split(',').any(|f| f == "fciq" || f == "fcib") {
            if !oflags.is_empty() {
                oflags.push(',');
            }
            oflags.push_str("fciq");
        }
        info.insert("oflags".into(), json!(oflags));
        if v.status != "open" {
            info.insert("reason".into(), json!(v.reason));
            info.insert(
                "closetm".into(),
                json!(v.closetm.map(|t| fixed(t, 6)).unwrap_or_default()),
            );
        } else if with_reason {
            info.insert("reason".into(), Value::Null);
        }
        Value::Object(info)
    }
}
