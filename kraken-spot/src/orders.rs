//! Exactly-once orders: every order carries a client order id, a failure
//! that may have reached Kraken is "outcome unknown", and resolving asks
//! Kraken by client order id what happened.

use crate::endpoint::{ClientOrderIdSlot, ParamValue, Params};
use crate::{Error, OrderInfo, SpotClient};
use indexmap::IndexMap;
use serde_json::value::RawValue;
use std::time::Duration;

/// What happens after an order's outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OrderResend {
    /// Nothing is sent again; the caller gets [`Error::OutcomeUnknown`] (the default).
    #[default]
    Never,
    /// Every order the client sends carries a `deadline` this far ahead (when
    /// the caller set none), after which Kraken's matching engine refuses it.
    /// After an unknown outcome the client waits until that deadline has
    /// passed, so the lost request can no longer be placed, resolves the
    /// order by its client order id, and sends it again, with the same id,
    /// only if it was not placed. If it was, the call fails with
    /// [`Error::OrderPlaced`] holding the order. Kraken accepts a deadline 2 to
    /// 60 seconds ahead.
    WhenNotPlaced {
        /// How far ahead the deadline is set.
        deadline: Duration,
    },
}

/// What Kraken knows of an order, found by its client order id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OrderResolution {
    /// Kraken has the order (open, or already closed or cancelled).
    Placed {
        /// Kraken's order id.
        txid: String,
        /// The order as Kraken reports it.
        order: Box<OrderInfo>,
    },
    /// Kraken has no order with this client order id.
    NotFound,
}

/// Gives every order of a request a client order id, unless the caller set
/// one, or set a field Kraken makes exclusive with it (`userref`; such an
/// order then has no client order id and cannot be resolved by one).
/// Returns every client order id the request carries, in order.
pub(crate) fn assign_ids(
    endpoint: &'static str,
    slot: &ClientOrderIdSlot,
    params: &mut Params,
    generate: impl Fn() -> String,
) -> Result<Vec<String>, Error> {
    let Some(list) = slot.list else {
        if let Some(id) = params.text(slot.field) {
            return Ok(vec![id.to_owned()]);
        }
        if slot.exclusive_with.iter().any(|f| params.get(f).is_some()) {
            return Ok(Vec::new());
        }
        let id = generate();
        params.push(slot.field, id.clone());
        return Ok(vec![id]);
    };
    let Some(ParamValue::Json(raw)) = params.get(list) else {
        return Ok(Vec::new());
    };
    let bad = |e: serde_json::Error| crate::validate::invalid(endpoint, list, e.to_string());
    let mut orders: Vec<IndexMap<String, Box<RawValue>>> =
        serde_json::from_str(raw.get()).map_err(bad)?;
    let mut ids = Vec::new();
    for order in &mut orders {
        if let Some(id) = order.get(slot.field) {
            ids.push(serde_json::from_str::<String>(id.get()).map_err(bad)?);
        } else if !slot.exclusive_with.iter().any(|f| order.contains_key(*f)) {
            let id = generate();
            order.insert(
                slot.field.to_owned(),
                serde_json::value::to_raw_value(&id).map_err(bad)?,
            );
            ids.push(id);
        }
    }
    params.set(
        list,
        ParamValue::Json(serde_json::value::to_raw_value(&orders).map_err(bad)?),
    );
    Ok(ids)
}

/// The ids a parameter names: a text value, or a JSON list of ids or of
/// objects holding one (batch cancel).
pub(crate) fn ids_in(value: &ParamValue) -> Vec<String> {
    match value {
        ParamValue::Text(s) => vec![s.clone()],
        ParamValue::Int(i) => vec![i.to_string()],
        ParamValue::Json(raw) => match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Object(o) => {
                        o.values().find_map(|v| v.as_str().map(str::to_owned))
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Every `txid` string in a successful answer's `result` (AddOrder's list,
/// each batch order's, EditOrder's new one): the orders a call created.
pub(crate) fn txids_in(body: &[u8]) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("txid", serde_json::Value::String(s)) => out.push(s.clone()),
                        ("txid", serde_json::Value::Array(items)) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        _ => walk(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(result) = v.get("result")
    {
        walk(result, &mut out);
    }
    out
}

impl SpotClient {
    /// Finds out what happened to an order by its client order id: asks
    /// Kraken for open orders with it, then closed ones. Use it after
    /// [`Error::OutcomeUnknown`] (`err.cl_ord_id()`).
    ///
    /// A request still on its way can be placed after this answers
    /// `NotFound`; with [`OrderResend::WhenNotPlaced`] orders carry a
    /// deadline, after which that can no longer happen.
    pub async fn resolve_order(&self, cl_ord_id: &str) -> Result<OrderResolution, Error> {
        let open = self.get_open_orders().cl_ord_id(cl_ord_id).await?;
        if let Some((txid, order)) = open.open.into_iter().next() {
            return Ok(OrderResolution::Placed {
                txid: txid.into(),
                order: Box::new(order),
            });
        }
        let closed = self.get_closed_orders().cl_ord_id(cl_ord_id).await?;
        if let Some((txid, order)) = closed.closed.into_iter().next() {
            return Ok(OrderResolution::Placed {
                txid: txid.into(),
                order: Box::new(order),
            });
        }
        Ok(OrderResolution::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SINGLE: ClientOrderIdSlot = ClientOrderIdSlot {
        list: None,
        field: "cl_ord_id",
        exclusive_with: &["userref"],
        deadline: Some("deadline"),
    };
    const BATCH: ClientOrderIdSlot = ClientOrderIdSlot {
        list: Some("orders"),
        field: "cl_ord_id",
        exclusive_with: &["userref"],
        deadline: Some("deadline"),
    };

    #[test]
    fn a_single_order_gets_an_id_unless_it_has_one_or_a_userref() {
        let mut p = Params::new();
        p.push("pair", "XBTUSD");
        assert_eq!(
            assign_ids("e", &SINGLE, &mut p, || "gen".into()).unwrap(),
            ["gen"]
        );
        assert_eq!(p.text("cl_ord_id"), Some("gen"));

        let mut p = Params::new();
        p.push("cl_ord_id", "mine");
        assert_eq!(
            assign_ids("e", &SINGLE, &mut p, || "gen".into()).unwrap(),
            ["mine"]
        );
        assert_eq!(p.entries().len(), 1);

        let mut p = Params::new();
        p.push("userref", 7i64);
        assert!(
            assign_ids("e", &SINGLE, &mut p, || "gen".into())
                .unwrap()
                .is_empty()
        );
        assert_eq!(p.get("cl_ord_id"), None);
    }

    #[test]
    fn each_batch_order_gets_an_id_and_keeps_its_field_order() {
        let mut p = Params::new();
        let raw = RawValue::from_string(
            r#"[{"ordertype":"limit","volume":"1"},{"ordertype":"limit","cl_ord_id":"mine"},{"userref":3}]"#.into(),
        )
        .unwrap();
        p.push("orders", raw);
        let n = std::cell::Cell::new(0);
        let ids = assign_ids("e", &BATCH, &mut p, || {
            n.set(n.get() + 1);
            format!("gen{}", n.get())
        })
        .unwrap();
        assert_eq!(ids, ["gen1", "mine"]);
        assert_eq!(
            p.get("orders").unwrap().json_text(),
            r#"[{"ordertype":"limit","volume":"1","cl_ord_id":"gen1"},{"ordertype":"limit","cl_ord_id":"mine"},{"userref":3}]"#
        );
    }

    #[test]
    fn ids_and_txids_are_found_in_lists_and_answers() {
        let raw = RawValue::from_string(r#"[{"txid":"A"},{"txid":"B"}]"#.into()).unwrap();
        assert_eq!(ids_in(&ParamValue::Json(raw)), ["A", "B"]);
        let raw = RawValue::from_string(r#"["C","D"]"#.into()).unwrap();
        assert_eq!(ids_in(&ParamValue::Json(raw)), ["C", "D"]);
        assert_eq!(
            txids_in(
                br#"{"error":[],"result":{"descr":{"order":"x"},"txid":["OUF4EM-FRGI2-MQMWZD"]}}"#
            ),
            ["OUF4EM-FRGI2-MQMWZD"]
        );
        assert_eq!(
            txids_in(
                br#"{"error":[],"result":{"orders":[{"txid":"A1"},{"error":"x"},{"txid":"A2"}]}}"#
            ),
            ["A1", "A2"]
        );
    }
}
