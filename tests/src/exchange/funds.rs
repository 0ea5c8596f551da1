//! The account endpoints the sandbox answers from state: balances, trades
//! and ledgers.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Exchange;
use super::accounts::{Account, fixed, ledger_info, object, page, trade_info};
use crate::params::Params;

type Answer = Result<Value, String>;

fn account<'a>(ex: &'a Exchange, name: &str) -> Option<&'a Account> {
    ex.accounts.get(name)
}

/// Balance: every asset the account holds, with the asset's decimals.
pub(crate) fn balance(ex: &Exchange, name: &str) -> Value {
    let Some(a) = account(ex, name) else {
        return json!({});
    };
    object(
        a.balances
            .iter()
            .map(|(asset, b)| (asset.clone(), json!(fixed(*b, ex.asset_dp(asset))))),
    )
}

/// BalanceEx: balance and what open orders hold (`hold_trade`).
pub(crate) fn balance_ex(ex: &Exchange, name: &str) -> Value {
    let Some(a) = account(ex, name) else {
        return json!({});
    };
    let holds = ex.holds(name);
    object(a.balances.iter().map(|(asset, b)| {
        let dp = ex.asset_dp(asset);
        let hold = holds.get(asset).copied().unwrap_or_default();
        (
            asset.clone(),
            json!({"balance": fixed(*b, dp), "hold_trade": fixed(hold, dp)}),
        )
    }))
}

/// `start`/`end` bounds: Unix times (exclusive start, inclusive end).
fn in_range(p: &Params, t: Decimal) -> bool {
    let bound = |name: &str| p.get(name).and_then(|v| Decimal::from_str(&v).ok());
    bound("start").is_none_or(|s| t > s) && bound("end").is_none_or(|e| t <= e)
}

fn offset(p: &Params) -> usize {
    p.get("ofs").and_then(|o| o.parse().ok()).unwrap_or(0)
}

/// TradesHistory: most recent first, 50 per page from `ofs`.
pub(crate) fn trades_history(ex: &Exchange, name: &str, p: &Params) -> Value {
    let trades: Vec<_> = account(ex, name)
        .map(|a| {
            a.trades
                .iter()
                .rev()
                .filter(|t| in_range(p, t.time))
                .collect()
        })
        .unwrap_or_default();
    let count = trades.len();
    let with_ledgers = p.flag("ledgers");
    let page = object(
        page(trades, offset(p))
            .into_iter()
            .map(|t| (t.id.clone(), trade_info(t, with_ledgers))),
    );
    if p.flag("without_count") {
        json!({"trades": page})
    } else {
        json!({"trades": page, "count": count})
    }
}

/// The comma-separated ids of parameter `name` (at most `max`).
fn ids(p: &Params, name: &str, max: usize) -> Result<Vec<String>, String> {
    let list = p
        .get(name)
        .ok_or_else(|| format!("EGeneral:Invalid arguments:{name}"))?;
    let ids: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
    if ids.len() > max {
        return Err(format!("EGeneral:Invalid arguments:{name}"));
    }
    Ok(ids)
}

/// QueryTrades: the named trades (unknown ids left out).
pub(crate) fn query_trades(ex: &Exchange, name: &str, p: &Params) -> Answer {
    let wanted = ids(p, "txid", 20)?;
    let found = account(ex, name).into_iter().flat_map(|a| {
        a.trades
            .iter()
            .filter(|t| wanted.contains(&t.id))
            .map(|t| (t.id.clone(), trade_info(t, false)))
    });
    Ok(object(found))
}

/// Ledgers: most recent first, filtered by `asset` (comma list) and
/// `type`, 50 per page from `ofs`.
pub(crate) fn ledgers(ex: &Exchange, name: &str, p: &Params) -> Value {
    let assets: Option<Vec<String>> = p
        .get("asset")
        .filter(|a| a != "all")
        .map(|a| a.split(',').map(str::to_owned).collect());
    let kind = p.get("type").filter(|t| t != "all");
    let entries: Vec<_> = account(ex, name)
        .map(|a| {
            a.ledger
                .iter()
                .rev()
                .filter(|e| assets.as_ref().is_none_or(|list| list.contains(&e.asset)))
                .filter(|e| kind.as_deref().is_none_or(|k| k == e.kind))
                .filter(|e| in_range(p, e.time))
                .collect()
        })
        .unwrap_or_default();
    let count = entries.len();
    let page = object(
        page(entries, offset(p))
            .into_iter()
            .map(|e| (e.id.clone(), ledger_info(e, ex.asset_dp(&e.asset)))),
    );
    if p.flag("without_count") {
        json!({"ledger": page})
    } else {
        json!({"ledger": page, "count": count})
    }
}

/// QueryLedgers: the named entries (unknown ids left out).
pub(crate) fn query_ledgers(ex: &Exchange, name: &str, p: &Params) -> Answer {
    let wanted = ids(p, "id", 20)?;
    let found = account(ex, name).into_iter().flat_map(|a| {
        a.ledger
            .iter()
            .filter(|e| wanted.contains(&e.id))
            .map(|e| (e.id.clone(), ledger_info(e, ex.asset_dp(&e.asset))))
    });
    Ok(object(found))
}

/// TradeVolume: the account's 30-day USD volume and, for each pair asked
/// for, where it stands in the pair's taker and maker fee tiers.
pub(crate) fn trade_volume(ex: &Exchange, name: &str, p: &Params, now: Decimal) -> Answer {
    let volume = account(ex, name).map_or(Decimal::ZERO, |a| a.volume_30d(now));
    let mut result = json!({"currency": "ZUSD", "volume": fixed(volume, 4)});
    let Some(list) = p.get("pair") else {
        return Ok(result);
    };
    let mut fees = serde_json::Map::new();
    let mut fees_maker = serde_json::Map::new();
    for name in list.split(',').map(str::trim) {
        let pair = ex.pair(name).ok_or("EQuery:Unknown asset pair")?;
        for (maker, out) in [(false, &mut fees), (true, &mut fees_maker)] {
            let tiers = pair.tiers(maker);
            let Some(i) = pair.tier_index(volume, maker) else {
                continue;
            };
            let pct = |d: Decimal| json!(fixed(d, 4));
            let next = tiers.get(i + 1);
            out.insert(
                pair.key.clone(),
                json!({
                    "fee": pct(tiers[i].1),
                    "minfee": pct(tiers.last().map_or(tiers[i].1, |t| t.1)),
                    "maxfee": pct(tiers[0].1),
                    "nextfee": next.map(|t| pct(t.1)),
                    "nextvolume": next.map(|t| pct(t.0)),
                    "tiervolume": pct(tiers[i].0),
                }),
            );
        }
    }
    result["fees"] = Value::Object(fees);
    result["fees_maker"] = Value::Object(fees_maker);
    Ok(result)
}
