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
    /// The pair is quoted in `ZUSD` (its cost counts as USD volume).
    pub usd_quoted: bool,
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
    /// 30-day USD trading volume from before the sandbox started (config).
    pub prior_volume: Decimal,
    /// Oldest first.
    pub trades: Vec<Trade>,
    /// Oldest first.
    pub ledger: Vec<LedgerEntry>,
}

impl Account {
    /// The 30-day USD volume at `now`: the prior volume plus the cost of
    /// this account's trades of the last 30 days on pairs quoted in `ZUSD`.
    pub fn volume_30d(&self, now: Decimal) -> Decimal {
        let since = now - Decimal::from(30 * 86_400);
        let traded: Decimal = self
            .trades
            .iter()
            .filter(|t| t.time > since && t.usd_quoted)
            .map(|t| t.cost)
            .sum();
        self.prior_volume + traded
    }

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

/// The key marking an object whose keys must keep their order (a
/// `serde_json::Map` sorts them); see [`object`] and [`to_json`].
const ORDERED: &str = "\u{1}ordered";

/// A JSON object whose keys keep the order of `entries` (e.g. most recent
/// first, as Kraken lists trades) once written with [`to_json`].
pub(crate) fn object(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    let pairs: Vec<Value> = entries
        .into_iter()
        .map(|(k, v)| Value::Array(vec![Value::String(k), v]))
        .collect();
    let mut map = Map::new();
    map.insert(ORDERED.to_owned(), Value::Array(pairs));
    Value::Object(map)
}

/// Writes `v` as JSON text, with the objects made by [`object`] in order.
pub(crate) fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    let key = |k: &str, out: &mut String| {
        out.push_str(&Value::String(k.to_owned()).to_string());
        out.push(':');
    };
    match v {
        Value::Object(map) => {
            out.push('{');
            match map.get(ORDERED).and_then(Value::as_array) {
                Some(pairs) => {
                    for (i, pair) in pairs.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        key(pair[0].as_str().unwrap_or_default(), out);
                        write_json(&pair[1], out);
                    }
                }
                None => {
                    for (i, (k, w)) in map.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        key(k, out);
                        write_json(w, out);
                    }
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, w) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(w, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_objects_keep_their_order() {
        let inner = object([("b".to_owned(), json!(1)), ("a".to_owned(), json!([true]))]);
        let v = json!({"z": inner, "count": 2});
        assert_eq!(to_json(&v), r#"{"count":2,"z":{"b":1,"a":[true]}}"#);
    }
}
