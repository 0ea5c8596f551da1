//! The order endpoints of the sandbox: add, batch add, amend, edit, cancel
//! (one, batch, all, after a timeout) and the order queries.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::accounts::object;
use super::{Amend, Exchange, MockOrder, Order, exports, funds, strategies};
use crate::counters::{self, Counters};
use crate::params::Params;

/// Who is calling and when.
pub(crate) struct Ctx<'a> {
    /// The API key that signed the request.
    pub key: &'a str,
    /// The account the key belongs to.
    pub account: &'a str,
    /// Mock-clock seconds (monotonic), for counters and order ages.
    pub secs: f64,
    /// Mock Unix time, for timestamps.
    pub unix: Decimal,
}

type Answer = Result<Value, String>;

/// Answers `path` from the exchange state; `None` if the path has no state
/// (the mock then serves the recording).
pub(crate) fn handle(
    ex: &mut Exchange,
    counters: &mut Counters,
    ctx: &Ctx<'_>,
    path: &str,
    p: &Params,
) -> Option<Answer> {
    ex.run_timers(ctx.unix);
    let name = path.strip_prefix("/0/private/")?;
    if let Err(e) = market_open_for(ex, name) {
        return Some(Err(e));
    }
    let answer = match name {
        "AddOrder" => add_order(ex, counters, ctx, p),
        "AddOrderBatch" => add_order_batch(ex, counters, ctx, p),
        "AmendOrder" => amend_order(ex, counters, ctx, p),
        "EditOrder" => edit_order(ex, counters, ctx, p),
        "CancelOrder" => cancel_order(ex, counters, ctx, p),
        "CancelOrderBatch" => cancel_order_batch(ex, counters, ctx, p),
        "CancelAll" => cancel_all(ex, ctx),
        "CancelAllOrdersAfter" => cancel_all_after(ex, ctx, p),
        "OpenOrders" => Ok(open_orders(ex, ctx, p)),
        "ClosedOrders" => Ok(closed_orders(ex, ctx, p)),
        "QueryOrders" => query_orders(ex, ctx, p),
        "OrderAmends" => order_amends(ex, ctx, p),
        "Balance" => Ok(funds::balance(ex, ctx.account)),
        "BalanceEx" => Ok(funds::balance_ex(ex, ctx.account)),
        "TradesHistory" => Ok(funds::trades_history(ex, ctx.account, p)),
        "QueryTrades" => funds::query_trades(ex, ctx.account, p),
        "Ledgers" => Ok(funds::ledgers(ex, ctx.account, p)),
        "QueryLedgers" => funds::query_ledgers(ex, ctx.account, p),
        "TradeVolume" => funds::trade_volume(ex, ctx.account, p, ctx.unix),
        "AddExport" => exports::add(ex, ctx.account, p, ctx.unix),
        "ExportStatus" => exports::status(ex, ctx.account, p),
        "RemoveExport" => exports::remove(ex, ctx.account, p),
        "AddStrategy" => strategies::add(ex, ctx.account, p, ctx.unix),
        "CancelStrategy" => strategies::cancel(ex, ctx.account, p, ctx.unix),
        "QueryStrategies" => strategies::query(ex, ctx.account, p),
        "GetOpenStrategies" => strategies::open(ex, ctx.account, p),
        "GetClosedStrategies" => strategies::closed(ex, ctx.account, p),
        _ => return None,
    };
    Some(answer)
}

/// Refuses order-creating calls by the system status: everything in
/// `maintenance`, everything but cancels in `cancel_only`. (`post_only`
/// is checked per order in [`check_order`].)
fn market_open_for(ex: &Exchange, name: &str) -> Result<(), String> {
    let creates = matches!(
        name,
        "AddOrder" | "AddOrderBatch" | "EditOrder" | "AmendOrder"
    );
    let trading = creates || name.starts_with("Cancel");
    match ex.system_status.as_str() {
        "maintenance" if trading => Err("EService:Unavailable".to_owned()),
        "cancel_only" if creates => Err("EService:Market in cancel_only mode".to_owned()),
        _ => Ok(()),
    }
}

fn invalid(name: &str) -> String {
    format!("EGeneral:Invalid arguments:{name}")
}

const UNKNOWN_ORDER: &str = "EOrder:Unknown order";
const ORDER_TYPES: &[&str] = &[
    "market",
    "limit",
    "iceberg",
    "stop-loss",
    "take-profit",
    "stop-loss-limit",
    "take-profit-limit",
    "trailing-stop",
    "trailing-stop-limit",
    "settle-position",
];

/// An absolute decimal price (not `+1.5%`, `#10`, …).
pub(crate) fn absolute(text: &str) -> Option<Decimal> {
    if text.starts_with(['+', '-', '#']) || text.ends_with('%') {
        return None;
    }
    Decimal::from_str(text).ok()
}

/// Kraken's `cl_ord_id` formats: a UUID with or without dashes, or up to
/// 18 ASCII characters of free text.
fn valid_cl_ord_id(id: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let dashed: Vec<&str> = id.split('-').collect();
    let long = dashed.iter().map(|s| s.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && dashed.iter().all(|s| hex(s));
    let short = id.len() == 32 && hex(id);
    let free = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_graphic());
    long || short || free
}

/// A checked order, not yet placed.
struct NewOrder {
    view: MockOrder,
    expires_at: Option<Decimal>,
    volume: Decimal,
    limit: Option<Decimal>,
}

/// Checks one order's parameters; `pair` comes from the order or the batch.
fn check_order(ex: &Exchange, ctx: &Ctx<'_>, p: &Params, pair: &str) -> Result<NewOrder, String> {
    let pair = ex.pair(pair).ok_or("EQuery:Unknown asset pair")?.clone();
    let side = p.get("type").ok_or_else(|| invalid("type"))?;
    if side != "buy" && side != "sell" {
        return Err(invalid("type"));
    }
    let ordertype = p.get("ordertype").ok_or_else(|| invalid("ordertype"))?;
    if !ORDER_TYPES.contains(&ordertype.as_str()) {
        return Err(invalid("ordertype"));
    }
    let volume_text = p.get("volume").ok_or_else(|| invalid("volume"))?;
    let volume = Decimal::from_str(&volume_text)
        .ok()
        .filter(|v| v.is_sign_positive() && !v.is_zero())
        .ok_or_else(|| invalid("volume"))?;
    let price = p.get("price");
    if ordertype != "market" && ordertype != "settle-position" && price.is_none() {
        return Err(invalid("price"));
    }
    let userref = match p.get("userref") {
        Some(u) => Some(i32::from_str(&u).map_err(|_| invalid("userref"))?),
        None => None,
    };
    let cl_ord_id = p.get("cl_ord_id");
    if let Some(id) = &cl_ord_id {
        // Kraken documents cl_ord_id and userref as mutually exclusive, but
        // not the error text; this is Kraken's generic invalid-arguments form.
        if !valid_cl_ord_id(id) || userref.is_some() {
            return Err(invalid("cl_ord_id"));
        }
    }
    let timeinforce = p.get("timeinforce").unwrap_or_else(|| "GTC".to_owned());
    if !["GTC", "IOC", "GTD", "FOK"].contains(&timeinforce.as_str()) {
        return Err(invalid("timeinforce"));
    }
    if timeinforce == "GTD" && p.get("expiretm").is_none() {
        return Err(invalid("expiretm"));
    }
    let oflags = p.get("oflags").unwrap_or_default();
    let post = oflags.split(',').any(|f| f == "post");
    if ex.system_status == "post_only" && !(ordertype == "limit" && post) {
        return Err("EService:Market in post_only mode".to_owned());
    }
    let expires_at = match p.get("expiretm") {
        Some(t) if timeinforce == "GTD" => {
            Some(time_param(&t, ctx.unix).ok_or_else(|| invalid("expiretm"))?)
        }
        _ => None,
    };
    if pair.ordermin.is_some_and(|min| volume < min) {
        return Err("EOrder:Order minimum not met".to_owned());
    }
    let limit = if ordertype == "limit" || ordertype == "iceberg" {
        price.as_deref().and_then(absolute)
    } else {
        None
    };
    let off_tick = match (price.as_deref().and_then(absolute), pair.tick_size) {
        (Some(abs), Some(tick)) => !tick.is_zero() && !(abs % tick).is_zero(),
        _ => false,
    };
    if off_tick {
        return Err("EOrder:Tick size check failed".to_owned());
    }
    let reference = limit.or_else(|| ex.last.get(&pair.altname).copied());
    let below_costmin = match (reference, pair.costmin) {
        (Some(price), Some(min)) => price * volume < min,
        _ => false,
    };
    if below_costmin {
        return Err("EOrder:Cost minimum not met".to_owned());
    }
    Ok(NewOrder {
        expires_at,
        view: MockOrder {
            txid: String::new(),
            cl_ord_id,
            userref: userref.map(i64::from),
            pair: pair.altname.clone(),
            side,
            ordertype,
            volume: volume_text,
            price,
            price2: p.get("price2"),
            oflags,
            timeinforce,
            status: "open".to_owned(),
            reason: None,
            opentm: ctx.unix,
            closetm: None,
            vol_exec: Decimal::ZERO,
            cost: Decimal::ZERO,
            fee: Decimal::ZERO,
            api_key: ctx.key.to_owned(),
        },
        volume,
        limit,
    })
}

/// A signed price offset: `+50`, `-50`, `+1.5%` (of `base`), `50`.
pub(crate) fn offset(text: &str, base: Decimal) -> Option<Decimal> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-Decimal::ONE, rest),
        None => (Decimal::ONE, text.strip_prefix('+').unwrap_or(text)),
    };
    let value = match rest.strip_suffix('%') {
        Some(pct) => base * Decimal::from_str(pct).ok()? / Decimal::from(100),
        None => Decimal::from_str(rest).ok()?,
    };
    Some(sign * value)
}

/// A time parameter: Unix seconds, or `+N` seconds from `now`.
fn time_param(text: &str, now: Decimal) -> Option<Decimal> {
    match text.strip_prefix('+') {
        Some(rel) => Some(now + Decimal::from_str(rel).ok()?),
        None => Decimal::from_str(text).ok(),
    }
}

/// `descr.order`, e.g. `buy 1.25000000 XBTUSD @ limit 37500.0`.
pub(crate) fn describe(v: &MockOrder, pair_dp: u32, lot_dp: u32) -> String {
    let price = |s: &Option<String>| match s.as_deref() {
        Some(t) => match absolute(t) {
            Some(d) => format!("{:.*}", pair_dp as usize, d.round_dp(pair_dp)),
            None => t.to_owned(),
        },
        None => "0".to_owned(),
    };
    let volume = Decimal::from_str(&v.volume).unwrap_or_default();
    let head = format!(
        "{} {:.*} {} @ ",
        v.side,
        lot_dp as usize,
        volume.round_dp(lot_dp),
        v.pair
    );
    let kind = v.ordertype.replace('-', " ");
    let tail = match v.ordertype.as_str() {
        "market" | "settle-position" => kind,
        t if t.ends_with("-limit") => format!(
            "{} {} -> limit {}",
            kind.trim_end_matches(" limit"),
            price(&v.price),
            price(&v.price2)
        ),
        _ => format!("{kind} {}", price(&v.price)),
    };
    head + &tail
}

fn descr(ex: &Exchange, v: &MockOrder) -> String {
    let (pdp, ldp) = ex
        .pair(&v.pair)
        .map_or((5, 8), |p| (p.pair_decimals, p.lot_decimals));
    describe(v, pdp, ldp)
}

/// With the counters on, refuses an order beyond the tier's maximum of open
/// orders per pair (§4: 60 / 80 / 225) with `EOrder:Orders limit exceeded`.
fn orders_limit(
    ex: &Exchange,
    counters: &Counters,
    ctx: &Ctx<'_>,
    pair: &str,
) -> Result<(), String> {
    let Some(tier) = counters.tier else {
        return Ok(());
    };
    let open = ex
        .orders
        .iter()
        .filter(|o| o.is_open() && o.account == ctx.account && o.view.pair == pair)
        .count();
    if open >= tier.max_open_orders() {
        return Err("EOrder:Orders limit exceeded".to_owned());
    }
    Ok(())
}

/// Whether an open order of the caller already holds the new order's cl_ord_id.
fn cl_ord_id_taken(ex: &Exchange, ctx: &Ctx<'_>, new: &NewOrder) -> bool {
    new.view
        .cl_ord_id
        .as_deref()
        .is_some_and(|id| ex.find_open_cl(ctx.account, id).is_some())
}

/// Places a checked order (with a fresh txid) if the account can pay for
/// it, and matches it at once if it can; returns its index.
fn place(ex: &mut Exchange, ctx: &Ctx<'_>, new: NewOrder) -> Result<usize, String> {
    let order = Order {
        view: new.view,
        aged_from: ctx.secs,
        volume: new.volume,
        limit: new.limit,
        amends: Vec::new(),
        account: ctx.account.to_owned(),
        expires_at: new.expires_at,
        triggered: false,
        trail_extreme: None,
    };
    if let Some((asset, needed)) = ex.hold_of(&order) {
        let held = ex
            .holds(ctx.account)
            .get(&asset)
            .copied()
            .unwrap_or_default();
        let balance = ex
            .accounts
            .get(ctx.account)
            .map_or(Decimal::ZERO, |a| a.balance(&asset));
        if balance - held < needed {
            return Err("EOrder:Insufficient funds".to_owned());
        }
    }
    let mut order = order;
    order.view.txid = ex.new_id('O');
    ex.orders.push(order);
    let i = ex.orders.len() - 1;
    match_now(ex, ctx, i);
    Ok(i)
}

/// Order `i` trades at once what it can (see [`Exchange::take`]); a stop or
/// take-profit order whose trigger the last price already reached triggers.
fn match_now(ex: &mut Exchange, ctx: &Ctx<'_>, i: usize) {
    if ex.paused {
        return;
    }
    let o = &ex.orders[i];
    if matches!(o.view.ordertype.as_str(), "market" | "limit" | "iceberg") {
        ex.take(i, ctx.unix);
    } else if let Some(last) = ex.last.get(&o.view.pair).copied() {
        let pair = o.view.pair.clone();
        ex.match_resting(&pair, last, ctx.unix);
    }
}

fn add_order(ex: &mut Exchange, counters: &mut Counters, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let pair_name = p.get("pair").ok_or_else(|| invalid("pair"))?;
    let validate = p.flag("validate");
    let pair = ex.pair(&pair_name).map(|p| p.altname.clone());
    if let (false, Some(pair)) = (validate, pair) {
        // The fixed +1 applies even when the order then fails its checks (§4).
        counters.charge_trading(ctx.key, &pair, counters::add_charge(1, false), ctx.secs)?;
    }
    let new = check_order(ex, ctx, p, &pair_name)?;
    let order_descr = descr(ex, &new.view);
    if validate {
        return Ok(json!({"descr": {"order": order_descr}}));
    }
    if cl_ord_id_taken(ex, ctx, &new) {
        // Kraken does not document its answer to a cl_ord_id already used
        // by an open order; this is its generic invalid-arguments form.
        return Err(invalid("cl_ord_id"));
    }
    orders_limit(ex, counters, ctx, &new.view.pair)?;
    let i = place(ex, ctx, new)?;
    Ok(json!({"descr": {"order": order_descr}, "txid": [ex.orders[i].view.txid]}))
}

fn add_order_batch(
    ex: &mut Exchange,
    counters: &mut Counters,
    ctx: &Ctx<'_>,
    p: &Params,
) -> Answer {
    let pair_name = p.get("pair").ok_or_else(|| invalid("pair"))?;
    let list = p.list("orders").ok_or_else(|| invalid("orders"))?;
    if !(2..=15).contains(&list.len()) {
        return Err(invalid("orders"));
    }
    let validate = p.flag("validate");
    let pair = ex.pair(&pair_name).map(|p| p.altname.clone());
    if let (false, Some(pair)) = (validate, pair) {
        let charge = counters::add_charge(list.len(), true);
        counters.charge_trading(ctx.key, &pair, charge, ctx.secs)?;
    }
    // The whole batch is checked before anything is placed.
    let mut checked = Vec::new();
    for order in list {
        checked.push(check_order(
            ex,
            ctx,
            &Params::from_value(order),
            &pair_name,
        )?);
    }
    let mut results = Vec::new();
    for new in checked {
        let order_descr = descr(ex, &new.view);
        if validate {
            results.push(json!({"descr": {"order": order_descr}}));
            continue;
        }
        // An order whose cl_ord_id an open order holds fails on its own.
        if cl_ord_id_taken(ex, ctx, &new) {
            results.push(json!({"error": invalid("cl_ord_id")}));
            continue;
        }
        let placed =
            orders_limit(ex, counters, ctx, &new.view.pair).and_then(|()| place(ex, ctx, new));
        match placed {
            Ok(i) => results
                .push(json!({"txid": ex.orders[i].view.txid, "descr": {"order": order_descr}})),
            Err(e) => results.push(json!({"error": e})),
        }
    }
    Ok(json!({"orders": results}))
}

/// The open order named by `txid` (or by `cl_ord_id` when `txid` is absent).
fn target(ex: &Exchange, ctx: &Ctx<'_>, p: &Params) -> Result<usize, String> {
    let found = match (p.get("txid"), p.get("cl_ord_id")) {
        (Some(txid), _) => ex
            .find_open(&txid)
            .filter(|&i| ex.orders[i].account == ctx.account),
        (None, Some(cl)) => ex.find_open_cl(ctx.account, &cl),
        (None, None) => return Err(invalid("txid")),
    };
    found.ok_or_else(|| UNKNOWN_ORDER.to_owned())
}

fn amend_order(ex: &mut Exchange, counters: &mut Counters, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let i = target(ex, ctx, p)?;
    let order_qty = match p.get("order_qty") {
        Some(q) => Some(
            Decimal::from_str(&q)
                .ok()
                .filter(|q| q.is_sign_positive() && !q.is_zero())
                .ok_or_else(|| invalid("order_qty"))?,
        ),
        None => None,
    };
    let limit_price = p.get("limit_price");
    let trigger_price = p.get("trigger_price");
    let o = &ex.orders[i];
    let age = ctx.secs - o.aged_from;
    let pair = o.view.pair.clone();
    counters.charge_trading(ctx.key, &pair, counters::amend_penalty(age), ctx.secs)?;
    let timestamp_ms = (ctx.unix * Decimal::from(1000)).trunc();
    let timestamp_ms = i64::try_from(timestamp_ms).unwrap_or_default();
    let original_id = ex.new_id('T');
    let id = ex.new_id('T');
    let o = &mut ex.orders[i];
    if o.amends.is_empty() {
        o.amends.push(Amend {
            amend_id: original_id,
            amend_type: "original",
            order_qty: o.volume,
            remaining_qty: o.volume - o.view.vol_exec,
            limit_price: o.view.price.clone(),
            trigger_price: None,
            post_only: false,
            timestamp_ms: i64::try_from((o.view.opentm * Decimal::from(1000)).trunc())
                .unwrap_or_default(),
        });
    }
    if let Some(q) = order_qty {
        o.volume = q;
        o.view.volume = p.get("order_qty").unwrap_or_default();
    }
    if let Some(price) = &limit_price {
        o.view.price = Some(price.clone());
        o.limit = absolute(price).or(o.limit);
    }
    o.amends.push(Amend {
        amend_id: id.clone(),
        amend_type: "user",
        order_qty: o.volume,
        remaining_qty: o.volume - o.view.vol_exec,
        limit_price,
        trigger_price,
        post_only: p.flag("post_only"),
        timestamp_ms,
    });
    o.aged_from = ctx.secs;
    match_now(ex, ctx, i);
    Ok(json!({"amend_id": id}))
}

fn edit_order(ex: &mut Exchange, counters: &mut Counters, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let txid = p.get("txid").ok_or_else(|| invalid("txid"))?;
    let pair_name = p.get("pair").ok_or_else(|| invalid("pair"))?;
    let found = match txid.parse::<i64>() {
        Ok(userref) => ex.orders.iter().position(|o| {
            o.is_open() && o.account == ctx.account && o.view.userref == Some(userref)
        }),
        Err(_) => ex
            .find_open(&txid)
            .filter(|&i| ex.orders[i].account == ctx.account),
    };
    let i = found.ok_or_else(|| UNKNOWN_ORDER.to_owned())?;
    let old = ex.orders[i].view.clone();
    let validate = p.flag("validate");
    if !validate {
        let age = ctx.secs - ex.orders[i].aged_from;
        counters.charge_trading(ctx.key, &old.pair, counters::edit_penalty(age), ctx.secs)?;
    }
    // The edited order: the original's fields with the new ones on top.
    let mut fields = Map::new();
    fields.insert("type".into(), json!(old.side));
    fields.insert("ordertype".into(), json!(old.ordertype));
    let volume = p.get("volume").unwrap_or_else(|| old.volume.clone());
    fields.insert("volume".into(), json!(volume));
    for (name, value) in [
        ("price", p.get("price").or(old.price.clone())),
        ("price2", p.get("price2").or(old.price2.clone())),
        ("oflags", p.get("oflags").or(Some(old.oflags.clone()))),
        (
            "userref",
            p.get("userref").or(old.userref.map(|u| u.to_string())),
        ),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            fields.insert(name.into(), json!(v));
        }
    }
    let mut new = check_order(
        ex,
        ctx,
        &Params::from_value(&Value::Object(fields)),
        &pair_name,
    )?;
    new.view.cl_ord_id = old.cl_ord_id.clone();
    let order_descr = descr(ex, &new.view);
    if validate {
        return Ok(json!({"descr": {"order": order_descr}, "status": "ok"}));
    }
    ex.close(i, "canceled", Some("Order replaced"), ctx.unix);
    let (price, price2) = (new.view.price.clone(), new.view.price2.clone());
    let new_userref = new.view.userref;
    let j = match place(ex, ctx, new) {
        Ok(j) => j,
        Err(e) => {
            // The edit failed: the original order stays as it was.
            let o = &mut ex.orders[i];
            o.view.status = "open".to_owned();
            o.view.reason = None;
            o.view.closetm = None;
            return Err(e);
        }
    };
    let mut result = json!({
        "status": "ok",
        "txid": ex.orders[j].view.txid,
        "originaltxid": old.txid,
        "volume": volume,
        "price": price.unwrap_or_else(|| "0".to_owned()),
        "orders_cancelled": 1,
        "descr": {"order": order_descr},
    });
    if let Some(p2) = price2 {
        result["price2"] = json!(p2);
    }
    if let Some(u) = new_userref {
        result["newuserref"] = json!(u);
    }
    if let Some(u) = old.userref {
        result["olduserref"] = json!(u);
    }
    Ok(result)
}

/// Cancels the open orders at `indices` after charging the trading counter
/// the cancel penalty of each (all or nothing); returns how many.
fn cancel(
    ex: &mut Exchange,
    counters: &mut Counters,
    ctx: &Ctx<'_>,
    indices: &[usize],
) -> Result<usize, String> {
    let mut per_pair: BTreeMap<String, f64> = BTreeMap::new();
    for &i in indices {
        let o = &ex.orders[i];
        *per_pair.entry(o.view.pair.clone()).or_default() +=
            counters::cancel_penalty(ctx.secs - o.aged_from);
    }
    for (pair, charge) in &per_pair {
        counters.charge_trading(ctx.key, pair, *charge, ctx.secs)?;
    }
    for &i in indices {
        ex.close(i, "canceled", Some("User requested"), ctx.unix);
    }
    Ok(indices.len())
}

/// Open orders of the caller named by a txid, a userref (digits) or a cl_ord_id.
fn select(ex: &Exchange, ctx: &Ctx<'_>, txid: Option<&str>, cl: Option<&str>) -> Vec<usize> {
    let userref = txid.and_then(|t| t.parse::<i64>().ok());
    (0..ex.orders.len())
        .filter(|&i| {
            let v = &ex.orders[i].view;
            ex.orders[i].is_open()
                && ex.orders[i].account == ctx.account
                && match (txid, userref, cl) {
                    (_, Some(u), _) => v.userref == Some(u),
                    (Some(t), None, _) => v.txid == t,
                    (None, None, Some(c)) => v.cl_ord_id.as_deref() == Some(c),
                    (None, None, None) => false,
                }
        })
        .collect()
}

fn cancel_order(ex: &mut Exchange, counters: &mut Counters, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let (txid, cl) = (p.get("txid"), p.get("cl_ord_id"));
    if txid.is_none() && cl.is_none() {
        return Err(invalid("txid"));
    }
    let indices = select(ex, ctx, txid.as_deref(), cl.as_deref());
    if indices.is_empty() {
        return Err(UNKNOWN_ORDER.to_owned());
    }
    let count = cancel(ex, counters, ctx, &indices)?;
    Ok(json!({"count": count}))
}

/// An id from a batch entry: a string, a number, or `{"<field>": …}`.
fn entry_id(v: &Value, field: &str) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(_) => Params::from_value(v).get(field),
        _ => None,
    }
}

fn cancel_order_batch(
    ex: &mut Exchange,
    counters: &mut Counters,
    ctx: &Ctx<'_>,
    p: &Params,
) -> Answer {
    let mut indices = Vec::new();
    for v in p.list("orders").into_iter().flatten() {
        let id = entry_id(v, "txid").ok_or_else(|| invalid("orders"))?;
        indices.extend(select(ex, ctx, Some(&id), None));
    }
    for v in p.list("cl_ord_ids").into_iter().flatten() {
        let id = entry_id(v, "cl_ord_id").ok_or_else(|| invalid("cl_ord_ids"))?;
        indices.extend(select(ex, ctx, None, Some(&id)));
    }
    if indices.len() > 50 {
        return Err(invalid("orders"));
    }
    indices.sort_unstable();
    indices.dedup();
    let count = cancel(ex, counters, ctx, &indices)?;
    Ok(json!({"count": count}))
}

/// CancelAll is not in §4's trading-counter table; the mock charges nothing.
fn cancel_all(ex: &mut Exchange, ctx: &Ctx<'_>) -> Answer {
    let mut count = 0;
    for i in 0..ex.orders.len() {
        if ex.orders[i].is_open() && ex.orders[i].account == ctx.account {
            ex.close(i, "canceled", Some("User requested"), ctx.unix);
            count += 1;
        }
    }
    Ok(json!({"count": count}))
}

fn cancel_all_after(ex: &mut Exchange, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let timeout: u32 = p
        .get("timeout")
        .and_then(|t| t.parse().ok())
        .filter(|&t| t < 86_400)
        .ok_or_else(|| invalid("timeout"))?;
    let now = ctx.unix.trunc();
    let current = rfc3339(now);
    if timeout == 0 {
        ex.cancel_all_at.remove(ctx.account);
        return Ok(json!({"currentTime": current, "triggerTime": "0"}));
    }
    let at = now + Decimal::from(timeout);
    ex.cancel_all_at.insert(ctx.account.to_owned(), at);
    Ok(json!({"currentTime": current, "triggerTime": rfc3339(at)}))
}

/// `2023-03-24T17:41:56Z` for Unix seconds `t`.
pub(crate) fn rfc3339(t: Decimal) -> String {
    let secs = i64::try_from(t.trunc()).unwrap_or_default();
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Whether order `o` passes the `userref` and `cl_ord_id` filters of `p`.
fn filtered(o: &Order, ctx: &Ctx<'_>, p: &Params) -> bool {
    o.account == ctx.account
        && p.get("userref")
            .is_none_or(|u| u.parse().ok() == o.view.userref)
        && p.get("cl_ord_id")
            .is_none_or(|c| o.view.cl_ord_id.as_deref() == Some(c.as_str()))
}

fn open_orders(ex: &Exchange, ctx: &Ctx<'_>, p: &Params) -> Value {
    let open = object(
        ex.orders
            .iter()
            .filter(|o| o.is_open() && filtered(o, ctx, p))
            .map(|o| (o.view.txid.clone(), ex.order_info(o, false))),
    );
    json!({"open": open})
}

fn closed_orders(ex: &Exchange, ctx: &Ctx<'_>, p: &Params) -> Value {
    let bound = |name: &str| p.get(name).and_then(|t| Decimal::from_str(&t).ok());
    let (start, end) = (bound("start"), bound("end"));
    let mut closed: Vec<&Order> = ex
        .orders
        .iter()
        .filter(|o| !o.is_open() && filtered(o, ctx, p))
        .filter(|o| {
            let t = o.view.closetm.unwrap_or_default();
            start.is_none_or(|s| t > s) && end.is_none_or(|e| t <= e)
        })
        .collect();
    // Most recent first (a stable sort keeps later-placed first on ties).
    closed.reverse();
    closed.sort_by_key(|o| std::cmp::Reverse(o.view.closetm));
    let count = closed.len();
    let ofs = p.get("ofs").and_then(|o| o.parse().ok()).unwrap_or(0usize);
    let page = object(
        closed
            .into_iter()
            .skip(ofs)
            .take(50)
            .map(|o| (o.view.txid.clone(), ex.order_info(o, true))),
    );
    if p.flag("without_count") {
        json!({"closed": page})
    } else {
        json!({"closed": page, "count": count})
    }
}

/// Kraken does not document its answer for unknown txids; the mock leaves
/// them out of the result.
fn query_orders(ex: &Exchange, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let txids = p.get("txid").ok_or_else(|| invalid("txid"))?;
    let wanted: Vec<&str> = txids.split(',').map(str::trim).collect();
    if wanted.len() > 50 {
        return Err(invalid("txid"));
    }
    // In the order asked for.
    let found = wanted.iter().filter_map(|id| {
        let o = ex
            .orders
            .iter()
            .find(|o| o.view.txid == *id && filtered(o, ctx, p))?;
        Some((o.view.txid.clone(), ex.order_info(o, true)))
    });
    Ok(object(found))
}

fn order_amends(ex: &Exchange, ctx: &Ctx<'_>, p: &Params) -> Answer {
    let id = p.get("order_id").ok_or_else(|| invalid("order_id"))?;
    let o = ex
        .orders
        .iter()
        .find(|o| o.view.txid == id && o.account == ctx.account)
        .ok_or_else(|| UNKNOWN_ORDER.to_owned())?;
    let ldp = ex.pair(&o.view.pair).map_or(8, |p| p.lot_decimals);
    let fixed = |d: Decimal| format!("{:.*}", ldp as usize, d.round_dp(ldp));
    let amends: Vec<Value> = o
        .amends
        .iter()
        .map(|a| {
            let mut v = json!({
                "amend_id": a.amend_id,
                "amend_type": a.amend_type,
                "order_qty": fixed(a.order_qty),
                "remaining_qty": fixed(a.remaining_qty),
                "timestamp": i128::from(a.timestamp_ms) * 1_000_000,
            });
            if let Some(l) = &a.limit_price {
                v["limit_price"] = json!(l);
            }
            if let Some(t) = &a.trigger_price {
                v["trigger_price"] = json!(t);
            }
            if a.post_only {
                v["post_only"] = json!(true);
            }
            v
        })
        .collect();
    Ok(json!({"amends": amends, "count": amends.len()}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids() {
        assert_eq!(
            rfc3339(Decimal::from(1_679_679_716)),
            "2023-03-24T17:41:56Z"
        );
        assert_eq!(rfc3339(Decimal::ZERO), "1970-01-01T00:00:00Z");
        assert!(valid_cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876"));
        assert!(valid_cl_ord_id("da8e4ad59b78481c93e589746b0cf91f"));
        assert!(valid_cl_ord_id("arb-20240509-00010"));
        assert!(!valid_cl_ord_id("this-is-far-too-long-for-free-text"));
    }
}
