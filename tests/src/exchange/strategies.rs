//! Algo Trading (TWAP) in the sandbox: AddStrategy, CancelStrategy,
//! QueryStrategies, GetOpenStrategies and GetClosedStrategies from state.
//!
//! A strategy is `pending` until its `starttm`, then `open`; while open, each
//! time the clock is looked at it sends one child order (an IOC limit order
//! at its `price`, or a market order) for the volume the elapsed part of its
//! window calls for, which trades against the pair's book like any order and
//! appears in ClosedOrders and the trade history. It ends `closed` once the
//! whole volume executed, `expired` at `expiretm` otherwise, or `cancelled`
//! with reason `userRequested` on CancelStrategy.
//!
//! Shapes: AddStrategy, QueryStrategies and GetClosedStrategies follow
//! Kraken's documented examples (`fixtures/*Strategies*.docs.json`).
//! CancelStrategy and GetOpenStrategies have no recorded or documented
//! example: their answers are built from the field list (kraken-rest.md §14,
//! the docs' page descriptions), see [`cancel`] and [`open`].

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{Exchange, MockOrder, Order};
use crate::params::Params;

type Answer = Result<Value, String>;

/// Kraken documents no error for an unknown strategy id; this is its
/// documented generic form with the parameter as detail.
const UNKNOWN_STRATEGY: &str = "EGeneral:Invalid arguments:strategy_id";
/// A window must be at least this long (seconds) …
const MIN_WINDOW: i64 = 60;
/// … and end within this many seconds from now (30 days).
const MAX_AHEAD: i64 = 30 * 86_400;
/// A window is executed in this many equal slices (Kraken does not publish
/// how it sizes child orders; this is the sandbox's choice).
const SLICES: i64 = 10;

/// One strategy of an account.
#[derive(Clone, Debug)]
pub(crate) struct Strategy {
    pub id: String,
    pub account: String,
    /// `pending`, `open`, `closed`, `expired` or `cancelled`.
    pub status: &'static str,
    pub reason: Option<&'static str>,
    pub side: String,
    pub volume: Decimal,
    pub filled: Decimal,
    pub cost: Decimal,
    pub fee: Decimal,
    pub starttm: Decimal,
    pub expiretm: Decimal,
    /// The symbol as sent, e.g. `BTC/USD`.
    pub symbol: String,
    /// The pair's altname, e.g. `XBTUSD`.
    pub pair: String,
    pub asset_class: Option<String>,
    pub ordertype: String,
    pub price: Option<Decimal>,
    /// When it was created and when it reached a terminal state.
    pub opened_at: Decimal,
    pub closed_at: Option<Decimal>,
}

impl Strategy {
    fn is_active(&self) -> bool {
        matches!(self.status, "pending" | "open")
    }

    /// The strategy object of QueryStrategies and GetClosedStrategies.
    fn info(&self, lot_dp: u32, cost_dp: u32, pair_dp: u32) -> Value {
        let fixed = |d: Decimal, dp: u32| format!("{:.*}", dp as usize, d.round_dp(dp));
        let mut details = Map::new();
        details.insert("strategy_type".into(), json!("twap"));
        details.insert("side".into(), json!(self.side));
        details.insert("volume".into(), json!(fixed(self.volume, lot_dp)));
        details.insert("filled_volume".into(), json!(fixed(self.filled, lot_dp)));
        // The docs mark the totals "absent before a fill".
        if !self.filled.is_zero() {
            let avg = self.cost / self.filled;
            details.insert("avg_price".into(), json!(fixed(avg, pair_dp)));
            details.insert("total_cost".into(), json!(fixed(self.cost, cost_dp)));
            details.insert("total_fee".into(), json!(fixed(self.fee, cost_dp)));
        }
        details.insert("starttm".into(), json!(fixed(self.starttm, 0)));
        details.insert("expiretm".into(), json!(fixed(self.expiretm, 0)));
        details.insert("symbol".into(), json!(self.symbol));
        if let Some(class) = &self.asset_class {
            details.insert("asset_class".into(), json!(class));
        }
        details.insert("ordertype".into(), json!(self.ordertype));
        if let Some(price) = self.price {
            details.insert("price".into(), json!(fixed(price, pair_dp)));
        }
        let mut out = Map::new();
        out.insert("strategy_id".into(), json!(self.id));
        out.insert("status".into(), json!(self.status));
        if let Some(reason) = self.reason {
            out.insert("reason".into(), json!(reason));
        }
        out.insert("details".into(), Value::Object(details));
        Value::Object(out)
    }
}

fn invalid(name: &str) -> String {
    format!("EGeneral:Invalid arguments:{name}")
}

/// `symbol` as a pair: its key, altname or wsname, with `BTC` read as
/// Kraken's `XBT` (the docs' examples write `BTC/USD`).
fn pair_of(ex: &Exchange, symbol: &str) -> Option<String> {
    ex.pair(symbol)
        .or_else(|| ex.pair(&symbol.replace("BTC", "XBT")))
        .map(|p| p.altname.clone())
}

/// A time: Unix seconds, or `+N` seconds from `now`.
fn time_of(text: &str, now: Decimal) -> Option<Decimal> {
    match text.strip_prefix('+') {
        Some(rel) => Some(now + Decimal::from_str(rel).ok()?),
        None => Decimal::from_str(text).ok(),
    }
}

/// AddStrategy: checks every parameter; with `validate` answers an empty
/// `strategy_id` (as the spec documents) and creates nothing.
pub(crate) fn add(ex: &mut Exchange, account: &str, p: &Params, now: Decimal) -> Answer {
    let symbol = p.get("symbol").ok_or_else(|| invalid("symbol"))?;
    let pair = pair_of(ex, &symbol).ok_or("EQuery:Unknown asset pair")?;
    if p.get("strategy_type").as_deref() != Some("twap") {
        return Err(invalid("strategy_type"));
    }
    if let Some(class) = p.get("asset_class")
        && class != "forex"
    {
        // xStocks (tokenized assets) are not supported by Algo Trading.
        return Err(invalid("asset_class"));
    }
    let side = p.get("side").ok_or_else(|| invalid("side"))?;
    if side != "buy" && side != "sell" {
        return Err(invalid("side"));
    }
    let volume = p
        .get("volume")
        .and_then(|v| Decimal::from_str(&v).ok())
        .filter(|v| v.is_sign_positive() && !v.is_zero())
        .ok_or_else(|| invalid("volume"))?;
    let ordertype = p.get("ordertype").ok_or_else(|| invalid("ordertype"))?;
    let price = match (ordertype.as_str(), p.get("price")) {
        ("limit", Some(text)) => Some(
            Decimal::from_str(&text)
                .ok()
                .filter(|d| d.is_sign_positive() && !d.is_zero())
                .ok_or_else(|| invalid("price"))?,
        ),
        ("market", None) => None,
        ("limit" | "market", _) => return Err(invalid("price")),
        _ => return Err(invalid("ordertype")),
    };
    let starttm = match p.get("starttm") {
        Some(t) => time_of(&t, now).ok_or_else(|| invalid("starttm"))?,
        None => now,
    };
    let expiretm = match p.get("expiretm") {
        Some(t) => time_of(&t, now).ok_or_else(|| invalid("expiretm"))?,
        None => return Err(invalid("expiretm")),
    };
    let horizon = now + Decimal::from(MAX_AHEAD);
    if expiretm - starttm < Decimal::from(MIN_WINDOW) || expiretm > horizon || starttm > horizon {
        return Err(invalid("expiretm"));
    }
    if p.flag("validate") {
        return Ok(json!({"strategy_id": ""}));
    }
    let id = format!("A{}", ex.new_id('S'));
    ex.strategies.push(Strategy {
        id: id.clone(),
        account: account.to_owned(),
        status: "pending",
        reason: None,
        side,
        volume,
        filled: Decimal::ZERO,
        cost: Decimal::ZERO,
        fee: Decimal::ZERO,
        starttm,
        expiretm,
        symbol,
        pair,
        asset_class: p.get("asset_class"),
        ordertype,
        price,
        opened_at: now,
        closed_at: None,
    });
    ex.run_strategies(now);
    Ok(json!({ "strategy_id": id }))
}

fn position(ex: &Exchange, account: &str, id: &str) -> Option<usize> {
    ex.strategies
        .iter()
        .position(|s| s.account == account && s.id == id)
}

/// CancelStrategy: a pending or open strategy of the account ends
/// `cancelled` with reason `userRequested`.
///
/// Built from the field list, no recorded or documented example: §14 calls
/// the answer "an acknowledgement" without its shape; this one names the
/// strategy and its new status.
pub(crate) fn cancel(ex: &mut Exchange, account: &str, p: &Params, now: Decimal) -> Answer {
    let id = p.get("strategy_id").ok_or_else(|| invalid("strategy_id"))?;
    let i = position(ex, account, &id).ok_or(UNKNOWN_STRATEGY)?;
    let s = &mut ex.strategies[i];
    if !s.is_active() {
        return Err(UNKNOWN_STRATEGY.to_owned());
    }
    s.status = "cancelled";
    s.reason = Some("userRequested");
    s.closed_at = Some(now);
    Ok(json!({"strategy_id": id, "status": "cancelled"}))
}

fn info(ex: &Exchange, s: &Strategy) -> Value {
    let (lot, cost, price) = ex.pair(&s.pair).map_or((8, 2, 1), |p| {
        (p.lot_decimals, p.cost_decimals, p.pair_decimals)
    });
    s.info(lot, cost, price)
}

/// QueryStrategies: the named strategies of the account, keyed by id
/// (ids not found, or of another account, are left out).
pub(crate) fn query(ex: &Exchange, account: &str, p: &Params) -> Answer {
    let list = p
        .get("strategy_ids")
        .ok_or_else(|| invalid("strategy_ids"))?;
    let ids: Vec<&str> = list.split(',').map(str::trim).collect();
    if ids.len() > 20 {
        return Err(invalid("strategy_ids"));
    }
    let found: Map<String, Value> = ex
        .strategies
        .iter()
        .filter(|s| s.account == account && ids.contains(&s.id.as_str()))
        .map(|s| (s.id.clone(), info(ex, s)))
        .collect();
    Ok(json!({ "strategies": found }))
}

/// GetOpenStrategies: the account's pending and open strategies, newest
/// first, optionally of one `strategy_type`.
///
/// Built from the field list, no recorded or documented example: the docs'
/// example is cut off after `{"error":[],"result":{"`; the strategy objects
/// are QueryStrategies' ("the same strategy object as GetOpenStrategies"),
/// listed under `open` as GetClosedStrategies lists its under `closed`.
pub(crate) fn open(ex: &Exchange, account: &str, p: &Params) -> Answer {
    if let Some(kind) = p.get("strategy_type")
        && kind != "twap"
    {
        return Err(invalid("strategy_type"));
    }
    let list: Vec<Value> = ex
        .strategies
        .iter()
        .rev()
        .filter(|s| s.account == account && s.is_active())
        .map(|s| info(ex, s))
        .collect();
    Ok(json!({ "open": list }))
}

/// GetClosedStrategies: terminal strategies, newest first (by close time,
/// or open time with `query_time_mode=open`), `limit` a page (default and
/// most 100), `cursor` an offset handed out as `next_cursor`.
pub(crate) fn closed(ex: &Exchange, account: &str, p: &Params) -> Answer {
    let int = |name: &str| p.get(name).and_then(|v| Decimal::from_str(&v).ok());
    let limit = match p.get("limit") {
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| invalid("limit"))?,
        None => 100,
    };
    let offset = match p.get("cursor") {
        Some(c) => decode_cursor(&c).ok_or_else(|| invalid("cursor"))?,
        None => 0,
    };
    let by_open = p.get("query_time_mode").as_deref() == Some("open");
    let (start, end) = (int("start"), int("end"));
    let status = p.get("status");
    let class = p.get("asset_class");
    let mut list: Vec<&Strategy> = ex
        .strategies
        .iter()
        .filter(|s| s.account == account && !s.is_active())
        .filter(|s| status.as_deref().is_none_or(|st| st == s.status))
        .filter(|s| class.is_none() || class == s.asset_class)
        .filter(|s| {
            let t = if by_open {
                s.opened_at
            } else {
                s.closed_at.unwrap_or(s.opened_at)
            };
            start.is_none_or(|st| t >= st) && end.is_none_or(|e| t <= e)
        })
        .collect();
    list.sort_by_key(|s| std::cmp::Reverse(s.closed_at.unwrap_or(s.opened_at)));
    let page: Vec<Value> = list
        .iter()
        .skip(offset)
        .take(limit)
        .map(|s| info(ex, s))
        .collect();
    let mut out = json!({ "closed": page });
    if offset + limit < list.len() {
        out["next_cursor"] = json!(encode_cursor(offset + limit));
    }
    Ok(out)
}

fn encode_cursor(offset: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("CLOSED:{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("CLOSED:")?
        .parse()
        .ok()
}

impl Exchange {
    /// Moves every strategy on to `now`: pending ones start, open ones send
    /// the child order their elapsed window calls for, and ones past their
    /// window expire (or close, if everything executed).
    pub fn run_strategies(&mut self, now: Decimal) {
        for i in 0..self.strategies.len() {
            let s = &mut self.strategies[i];
            if s.status == "pending" && now >= s.starttm {
                s.status = "open";
            }
            if s.status != "open" {
                continue;
            }
            let window = s.expiretm - s.starttm;
            let elapsed = (now.min(s.expiretm) - s.starttm).max(Decimal::ZERO);
            let s = &self.strategies[i];
            let lot_dp = self.pair(&s.pair).map_or(8, |p| p.lot_decimals);
            // The window is cut into SLICES equal parts; each part's share
            // of the volume is due once the part has begun.
            let slices = Decimal::from(SLICES);
            let begun = ((elapsed * slices / window).floor() + Decimal::ONE).min(slices);
            let due = (s.volume * begun / slices).round_dp(lot_dp) - s.filled;
            if due.is_sign_positive() && !due.is_zero() && !self.paused {
                self.child_order(i, due, now);
            }
            let s = &mut self.strategies[i];
            if s.filled >= s.volume {
                s.status = "closed";
                s.closed_at = Some(now);
            } else if now >= s.expiretm {
                s.status = "expired";
                s.closed_at = Some(now);
            }
        }
    }

    /// Sends strategy `i`'s child order for `volume`: IOC at the limit
    /// price, or at the market; what it executes adds to the strategy.
    fn child_order(&mut self, i: usize, volume: Decimal, now: Decimal) {
        let txid = self.new_id('O');
        let s = &self.strategies[i];
        let (ordertype, timeinforce) = match s.price {
            Some(_) => ("limit", "IOC"),
            None => ("market", "GTC"),
        };
        let order = Order {
            view: MockOrder {
                txid,
                cl_ord_id: None,
                userref: None,
                pair: s.pair.clone(),
                side: s.side.clone(),
                ordertype: ordertype.to_owned(),
                volume: volume.to_string(),
                price: s.price.map(|p| p.to_string()),
                price2: None,
                oflags: String::new(),
                timeinforce: timeinforce.to_owned(),
                status: "open".to_owned(),
                reason: None,
                opentm: now,
                closetm: None,
                vol_exec: Decimal::ZERO,
                cost: Decimal::ZERO,
                fee: Decimal::ZERO,
                api_key: String::new(),
            },
            aged_from: 0.0,
            volume,
            limit: s.price,
            amends: Vec::new(),
            account: s.account.clone(),
            expires_at: None,
            triggered: false,
            trail_extreme: None,
        };
        // Like any order, a child order needs the funds it would hold.
        let short = self.hold_of(&order).is_some_and(|(asset, needed)| {
            let held = self.holds(&order.account).get(&asset).copied();
            let balance = self
                .accounts
                .get(&order.account)
                .map_or(Decimal::ZERO, |a| a.balance(&asset));
            balance - held.unwrap_or_default() < needed
        });
        self.orders.push(order);
        let o = self.orders.len() - 1;
        if short {
            self.close(o, "canceled", Some("Insufficient funds"), now);
            return;
        }
        self.take(o, now);
        if self.orders[o].is_open() {
            // A market child order on a pair without a price: nothing now.
            self.close(o, "canceled", Some("Insufficient liquidity"), now);
        }
        let view = &self.orders[o].view;
        let (vol, cost, fee) = (view.vol_exec, view.cost, view.fee);
        let s = &mut self.strategies[i];
        s.filled += vol;
        s.cost += cost;
        s.fee += fee;
    }
}
