//! The sandbox's exchange state: pairs, accounts, orders, fills.
//!
//! Orders are matched against a last price per pair: a market order, or a
//! limit order that crosses the last price, fills at once (taker); a resting
//! limit order fills when [`MockKraken::set_price`](crate::MockKraken::set_price)
//! moves the price through its limit (maker); a stop-loss or take-profit
//! order triggers when the price reaches its trigger price and then fills
//! as a market order (or rests as a limit order at `price2` for the
//! `-limit` variants). Fills are whole. Each fill moves the account's
//! balances (fees in the quote currency), and adds a trade and two ledger
//! entries.

pub(crate) mod accounts;
mod book;
pub(crate) mod exports;
pub(crate) mod funding_beta;
mod funds;
mod orders;
mod pairs;
mod strategies;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

pub(crate) use accounts::{Account, DEFAULT_ACCOUNT, to_json};
pub(crate) use book::Book;
pub(crate) use orders::{Ctx, handle, rfc3339};
pub(crate) use pairs::Pair;

/// An order the sandbox accepted, as [`MockKraken::orders`](crate::MockKraken::orders) shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
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
    /// The account it belongs to.
    pub account: String,
    /// GTD: when it expires (mock Unix time).
    pub expires_at: Option<Decimal>,
    /// A stop or take-profit order whose trigger price was reached.
    pub triggered: bool,
    /// Trailing stops: the best price since placement (highest for a
    /// sell, lowest for a buy).
    pub trail_extreme: Option<Decimal>,
}

impl Order {
    pub fn is_open(&self) -> bool {
        self.view.status == "open"
    }
}

/// The exchange: pairs, assets, accounts, last prices, orders (oldest
/// first), and id counters.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub pairs: Vec<Pair>,
    /// Decimals per asset.
    pub assets: HashMap<String, u32>,
    pub accounts: HashMap<String, Account>,
    pub last: HashMap<String, Decimal>,
    /// Outside liquidity per pair altname; pairs without a book trade any
    /// volume at their last price.
    pub books: HashMap<String, Book>,
    pub orders: Vec<Order>,
    /// Dead man's switch per account: mock Unix time at which every open
    /// order of the account is canceled.
    pub cancel_all_at: HashMap<String, Decimal>,
    /// Requested trade and ledger exports.
    pub exports: Vec<exports::Export>,
    /// Algo Trading strategies (TWAP), oldest first.
    pub strategies: Vec<strategies::Strategy>,
    /// Funding (Beta) state per account.
    pub funding: HashMap<String, funding_beta::FundingAccount>,
    /// While paused, nothing fills; orders rest until matching resumes.
    pub paused: bool,
    /// `online`, `cancel_only`, `post_only`, `limit_only` or `maintenance`.
    pub system_status: String,
    ids: u64,
    trade_ids: u64,
}

impl Exchange {
    /// Pairs from the recorded AssetPairs fixtures, and the last price of
    /// XBT/USD from the recorded Depth (mid of best bid and ask).
    pub fn from_fixtures(dir: &std::path::Path) -> Exchange {
        let pairs = pairs::load(dir);
        let mut last = HashMap::new();
        let mut books = HashMap::new();
        let recorded = book::recorded(dir)
            .and_then(|(key, book)| Some((pairs.iter().find(|p| p.key == key)?, book)));
        if let Some((pair, book)) = recorded {
            if let Some(mid) = book.mid() {
                last.insert(pair.altname.clone(), mid.round_dp(pair.pair_decimals));
            }
            books.insert(pair.altname.clone(), book);
        }
        let default = Account {
            balances: accounts::recorded_balances(dir),
            ..Account::default()
        };
        Exchange {
            pairs,
            assets: accounts::asset_decimals(dir),
            accounts: HashMap::from([(DEFAULT_ACCOUNT.to_owned(), default)]),
            last,
            books,
            orders: Vec::new(),
            cancel_all_at: HashMap::new(),
            exports: Vec::new(),
            strategies: Vec::new(),
            funding: HashMap::new(),
            paused: false,
            system_status: "online".to_owned(),
            ids: 0,
            trade_ids: 40_274_859,
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

    pub fn find_open_cl(&self, account: &str, cl_ord_id: &str) -> Option<usize> {
        self.orders.iter().position(|o| {
            o.is_open() && o.account == account && o.view.cl_ord_id.as_deref() == Some(cl_ord_id)
        })
    }

    /// Decimals of `asset` (8 if unknown).
    pub fn asset_dp(&self, asset: &str) -> u32 {
        self.assets.get(asset).copied().unwrap_or(8)
    }

    /// What open order `o` holds: `(asset, amount)`. A buy holds its quote
    /// cost plus the taker fee at its limit (or trigger, or last) price; a
    /// sell holds its base volume.
    pub fn hold_of(&self, o: &Order) -> Option<(String, Decimal)> {
        let pair = self.pair(&o.view.pair)?;
        let remaining = o.volume - o.view.vol_exec;
        if o.view.side == "sell" {
            return Some((pair.base.clone(), remaining));
        }
        let price = o
            .limit
            .or_else(|| o.view.price.as_deref().and_then(orders::absolute))
            .or_else(|| self.last.get(&pair.altname).copied())?;
        let cost = remaining * price;
        Some((
            pair.quote.clone(),
            cost + cost * pair.taker_fee / Decimal::from(100),
        ))
    }

    /// What the open orders of `account` hold, per asset.
    pub fn holds(&self, account: &str) -> HashMap<String, Decimal> {
        let mut out: HashMap<String, Decimal> = HashMap::new();
        for o in self
            .orders
            .iter()
            .filter(|o| o.is_open() && o.account == account)
        {
            if let Some((asset, amount)) = self.hold_of(o) {
                *out.entry(asset).or_default() += amount;
            }
        }
        out
    }

    /// Closes order `i` with `status` and `reason` at `now`.
    pub fn close(&mut self, i: usize, status: &str, reason: Option<&str>, now: Decimal) {
        let o = &mut self.orders[i].view;
        o.status = status.to_owned();
        o.reason = reason.map(str::to_owned);
        o.closetm = Some(now);
    }

    /// Sets the last price of `pair` (altname): its book, if any, moves
    /// so its mid is `price`; then resting orders the price reaches fill.
    pub fn set_last(&mut self, pair: &str, price: Decimal, now: Decimal) {
        let dp = self.pair(pair).map_or(8, |p| p.pair_decimals);
        if let Some(book) = self.books.get_mut(pair) {
            book.recenter(price, dp);
        }
        self.last.insert(pair.to_owned(), price);
        self.match_resting(pair, price, now);
    }

    /// Executes `volume` of order `i` at `price` (taker or maker fee): the
    /// account's balances move, a trade and two ledger entries are recorded,
    /// and the order closes once it is fully executed.
    pub fn fill(&mut self, i: usize, price: Decimal, volume: Decimal, maker: bool, now: Decimal) {
        let Some(pair) = self.pair(&self.orders[i].view.pair).cloned() else {
            return;
        };
        let volume_30d = self
            .accounts
            .get(&self.orders[i].account)
            .map_or(Decimal::ZERO, |a| a.volume_30d(now));
        let fee_pct = pair.fee_at(volume_30d, maker);
        let trade_id = self.new_id('T');
        let ledger_ids = [self.new_id('L'), self.new_id('L')];
        self.trade_ids += 1;
        let order = &mut self.orders[i];
        let cost = (volume * price).round_dp(pair.cost_decimals);
        let fee = (cost * fee_pct / Decimal::from(100)).round_dp(pair.cost_decimals);
        order.view.vol_exec += volume;
        order.view.cost += cost;
        order.view.fee += fee;
        let done = order.view.vol_exec >= order.volume;
        let (side, ordertype) = (order.view.side.clone(), order.view.ordertype.clone());
        let (txid, account) = (order.view.txid.clone(), order.account.clone());
        let account = self.accounts.entry(account).or_default();
        let (base_amount, quote_amount) = if side == "buy" {
            (volume, -cost)
        } else {
            (-volume, cost)
        };
        let [l1, l2] = ledger_ids;
        let l1 = account.book(
            l1,
            &trade_id,
            "trade",
            &pair.base,
            base_amount,
            Decimal::ZERO,
            now,
        );
        let l2 = account.book(l2, &trade_id, "trade", &pair.quote, quote_amount, fee, now);
        account.trades.push(accounts::Trade {
            id: trade_id,
            ordertxid: txid,
            pair_key: pair.key.clone(),
            time: now,
            side,
            ordertype,
            price,
            cost,
            fee,
            vol: volume,
            maker,
            trade_id: self.trade_ids,
            ledgers: vec![l1, l2],
            pair_dp: pair.pair_decimals,
            cost_dp: pair.cost_decimals,
            lot_dp: pair.lot_decimals,
            usd_quoted: pair.quote == "ZUSD",
        });
        if done {
            self.close(i, "closed", None, now);
        }
    }

    /// Order `i` takes liquidity: from the pair's book level by level up to
    /// its limit (or at the last price if the pair has no book). A post-only
    /// order that would take is canceled; a FOK order that cannot fill whole
    /// is canceled; what a market or IOC order cannot fill is canceled. A
    /// market order on a pair with neither book nor price waits for a price.
    pub fn take(&mut self, i: usize, now: Decimal) {
        let o = &self.orders[i];
        let market = o.view.ordertype == "market" || (o.triggered && o.limit.is_none());
        if !market && o.limit.is_none() {
            return; // a relative or trigger price: nothing to cross yet
        }
        let (pair, side) = (o.view.pair.clone(), o.view.side.clone());
        let remaining = o.volume - o.view.vol_exec;
        let limit = if market { None } else { o.limit };
        let post = o.view.oflags.split(',').any(|f| f == "post");
        let tif = o.view.timeinforce.clone();
        let last = self.last.get(&pair).copied();
        let fills = match (self.books.get(&pair), last) {
            (Some(book), _) => book.takeable(&side, limit, remaining),
            (None, Some(last)) => {
                let crosses =
                    limit.is_none_or(|l| if side == "buy" { l >= last } else { l <= last });
                if crosses {
                    vec![(last, remaining)]
                } else {
                    Vec::new()
                }
            }
            (None, None) if market => return,
            (None, None) => Vec::new(),
        };
        let total: Decimal = fills.iter().map(|(_, v)| *v).sum();
        if post && !fills.is_empty() {
            self.close(i, "canceled", Some("Post only order"), now);
            return;
        }
        if tif == "FOK" && total < remaining {
            self.close(i, "canceled", Some("Insufficient liquidity"), now);
            return;
        }
        if let Some(book) = self.books.get_mut(&pair) {
            book.consume(&side, &fills);
        }
        for (price, volume) in &fills {
            self.fill(i, *price, *volume, false, now);
        }
        if let Some((price, _)) = fills.last() {
            self.last.insert(pair, *price);
        }
        if self.orders[i].is_open() && (market || tif == "IOC" || tif == "FOK") {
            self.close(i, "canceled", Some("Insufficient liquidity"), now);
        }
    }

    /// Fills or triggers the open orders of `pair` that `price` reaches:
    /// market orders left from a pause fill at `price`; resting limit
    /// orders fill at their limit (maker); stop-loss and
    /// take-profit orders trigger (see the module docs).
    pub fn match_resting(&mut self, pair: &str, price: Decimal, now: Decimal) {
        if self.paused {
            return;
        }
        for i in 0..self.orders.len() {
            let o = &self.orders[i];
            if !o.is_open() || o.view.pair != pair {
                continue;
            }
            if o.triggered {
                // A triggered order rests like a limit order at its limit.
                let Some(limit) = o.limit else { continue };
                if (o.view.side == "buy" && price <= limit)
                    || (o.view.side == "sell" && price >= limit)
                {
                    let remaining = o.volume - o.view.vol_exec;
                    self.fill(i, limit, remaining, true, now);
                }
                continue;
            }
            let buy = o.view.side == "buy";
            let trigger = o.view.price.as_deref().and_then(orders::absolute);
            let ordertype = o.view.ordertype.clone();
            match ordertype.as_str() {
                // Only rests while matching was paused, or before any price.
                "market" => self.take(i, now),
                "limit" | "iceberg" => {
                    let Some(limit) = o.limit else { continue };
                    if (buy && price <= limit) || (!buy && price >= limit) {
                        let remaining = o.volume - o.view.vol_exec;
                        self.fill(i, limit, remaining, true, now);
                    }
                }
                kind @ ("stop-loss" | "take-profit" | "stop-loss-limit" | "take-profit-limit") => {
                    let Some(trigger) = trigger else { continue };
                    // A stop triggers when the price moves against the
                    // position it protects; a take-profit when it moves for it.
                    let stop = kind.starts_with("stop");
                    let reached = match (stop, buy) {
                        (true, true) | (false, false) => price >= trigger,
                        (true, false) | (false, true) => price <= trigger,
                    };
                    if !reached {
                        continue;
                    }
                    // Triggered: it trades as the market or limit order it carries.
                    let o = &mut self.orders[i];
                    if kind.ends_with("-limit") {
                        o.limit = o.view.price2.as_deref().and_then(orders::absolute);
                    } else {
                        o.limit = None;
                    }
                    o.triggered = true;
                    self.take(i, now);
                }
                kind @ ("trailing-stop" | "trailing-stop-limit") => {
                    let extreme = o.trail_extreme.unwrap_or(price);
                    let extreme = if buy {
                        extreme.min(price)
                    } else {
                        extreme.max(price)
                    };
                    let offset = o
                        .view
                        .price
                        .as_deref()
                        .and_then(|t| orders::offset(t, extreme));
                    let limit_offset = o.view.price2.clone();
                    let o = &mut self.orders[i];
                    o.trail_extreme = Some(extreme);
                    let Some(offset) = offset.map(|d| d.abs()) else {
                        continue;
                    };
                    // The trigger trails the best price by the offset.
                    let trigger = if buy {
                        extreme + offset
                    } else {
                        extreme - offset
                    };
                    if (buy && price < trigger) || (!buy && price > trigger) {
                        continue;
                    }
                    o.limit = match kind {
                        "trailing-stop-limit" => limit_offset
                            .as_deref()
                            .and_then(|t| orders::offset(t, trigger))
                            .map(|d| trigger + d),
                        _ => None,
                    };
                    o.triggered = true;
                    self.take(i, now);
                }
                _ => {}
            }
        }
    }

    /// Time-driven events: the dead man's switch cancels every open order
    /// of an account once its time has passed; GTD orders expire; Algo
    /// Trading strategies start, send child orders, and end.
    pub fn run_timers(&mut self, now: Decimal) {
        let due: Vec<String> = self
            .cancel_all_at
            .iter()
            .filter(|(_, at)| now >= **at)
            .map(|(account, _)| account.clone())
            .collect();
        for account in due {
            self.cancel_all_at.remove(&account);
            for i in 0..self.orders.len() {
                if self.orders[i].is_open() && self.orders[i].account == account {
                    self.close(i, "canceled", Some("User requested"), now);
                }
            }
        }
        for i in 0..self.orders.len() {
            let o = &self.orders[i];
            if o.is_open() && o.expires_at.is_some_and(|at| now >= at) {
                self.close(i, "expired", Some("Order expired"), now);
            }
        }
        self.run_strategies(now);
    }

    /// Kraken's OrderInfo object for order `o`. Closed orders carry
    /// `reason` and `closetm`; `with_reason` adds `"reason": null` to open
    /// ones too (QueryOrders does, OpenOrders does not).
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
        let expiretm = o.expires_at.map_or_else(|| "0".to_owned(), |t| fixed(t, 0));
        info.insert("expiretm".into(), json!(expiretm));
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
