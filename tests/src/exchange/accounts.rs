//! Accounts: balances per asset, trades and ledger entries.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};

/// The account the mock's default key belongs to.
pub const DEFAULT_ACCOUNT: &str = "default";

/// One fill of an order.
#[derive(Clone, Debug)]
pub(crate) struct Trade {
    pub id: String,
    pub ordertxid: String,
    pub pair_key: String,
    pub time: Decimal,
    pub side: String,
    pub ordertype: String,
    pub price: Decimal,
    pub cost: Decimal,
    pub fee: Decimal,
    pub vol: Decimal,
    pub maker: bool,
    pub trade_id: u64,
    pub ledgers: Vec<String>,
    /// Decimals of the pair's prices and of its costs.
    pub pair_dp: u32,
    pub cost_dp: u32,
    pub lot_dp: u32,
}

/// One ledger entry.
#[derive(Clone, Debug)]
pub(crate) struct LedgerEntry {
    pub id: String,
    pub refid: String,
    pub time: Decimal,
    pub kind: &'static str,
    pub asset: String,
    pub amount: Decimal,
    pub fee: Decimal,
    pub balance: Decimal,
}

/// An account's money and history.
#[derive(Clone, Debug, Default)]
pub(crate) struct Account {
    pub balances: BTreeMap<String, Decimal>,
    /// Oldest first.
    pub trades: Vec<Trade>,
    /// Oldest first.
    pub ledger: Vec<LedgerEntry>,
}

impl Account {
    pub fn balance(&self, asset: &str) -> Decimal {
        self.balances.get(asset).copied().unwrap_or_default()
    }

    /// Adds `amount` (may be negative) minus `fee` to `asset` and records
    /// a ledger entry; returns the entry's id.
    #[allow(clippy::too_many_arguments)]
    pub fn book(
        &mut self,
        id: String,
        refid: &str,
        kind: &'static str,
        asset: &str,
        amount: Decimal,
        fee: Decimal,
        time: Decimal,
    ) -> String {
        let balance = self.balance(asset) + amount - fee;
        self.balances.insert(asset.to_owned(), balance);
        self.ledger.push(LedgerEntry {
            id: id.clone(),
            refid: refid.to_owned(),
            time,
            kind,
            asset: asset.to_owned(),
            amount,
            fee,
            balance,
        });
        id
    }
}

/// Asset decimals from the recorded Assets fixtures (first wins).
pub(crate) fn asset_decimals(dir: &Path) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for name in ["Assets.json", "Assets.many.json"] {
        let Some(Value::Object(map)) = read_result(dir, name) else {
            continue;
        };
        for (asset, info) in map {
            let dp = info.get("decimals").and_then(Value::as_u64).unwrap_or(8);
            out.entry(asset).or_insert(dp.min(28) as u32);
        }
    }
    out
}

/// The balances of the recorded `Balance.json`: real-looking starting funds.
pub(crate) fn recorded_balances(dir: &Path) -> BTreeMap<String, Decimal> {
    let Some(Value::Object(map)) = read_result(dir, "Balance.json") else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter_map(|(asset, v)| Some((asset, Decimal::from_str(v.as_str()?).ok()?)))
        .collect()
}

fn read_result(dir: &Path, name: &str) -> Option<Value> {
    let body: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).ok()?).ok()?;
    body.get("result").cloned()
}

/// A Unix timestamp as a JSON number, as Kraken sends trade and ledger
/// times (an `f64` keeps 4 decimals of a current timestamp exactly enough).
pub(crate) fn unix_number(t: Decimal) -> Value {
    json!(t.round_dp(4).to_f64().unwrap_or_default())
}

/// `d` with exactly `dp` decimals.
pub(crate) fn fixed(d: Decimal, dp: u32) -> String {
    format!("{:.*}", dp as usize, d.round_dp(dp))
}

/// Kraken's TradeInfo object.
pub(crate) fn trade_info(t: &Trade, with_ledgers: bool) -> Value {
    let mut v = json!({
        "ordertxid": t.ordertxid,
        "postxid": "TKH2SE-M7IF5-CFI7LT",
        "pair": t.pair_key,
        "time": unix_number(t.time),
        "type": t.side,
        "ordertype": t.ordertype,
        "price": fixed(t.price, t.pair_dp),
        "cost": fixed(t.cost, t.cost_dp),
        "fee": fixed(t.fee, t.cost_dp),
        "vol": fixed(t.vol, t.lot_dp),
        "margin": fixed(Decimal::ZERO, t.cost_dp),
        "misc": "",
        "trade_id": t.trade_id,
        "maker": t.maker,
    });
    if with_ledgers {
        v["ledgers"] = json!(t.ledgers);
    }
    v
}

/// Kraken's LedgerEntry object.
pub(crate) fn ledger_info(e: &LedgerEntry, dp: u32) -> Value {
    json!({
        "refid": e.refid,
        "time": unix_number(e.time),
        "type": e.kind,
        "subtype": "",
        "aclass": "currency",
        "asset": e.asset,
        "amount": fixed(e.amount, dp),
        "fee": fixed(e.fee, dp),
        "balance": fixed(e.balance, dp),
    })
}

/// A page of at most 50 `items` (given most recent first) from offset `ofs`.
pub(crate) fn page<T>(items: Vec<T>, ofs: usize) -> Vec<T> {
    items.into_iter().skip(ofs).take(50).collect()
}

/// Builds a JSON object from `(key, value)` pairs.
pub(crate) fn object(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Object(entries.into_iter().collect::<Map<_, _>>())
}
