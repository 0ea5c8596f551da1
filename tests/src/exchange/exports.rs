//! Exports of trades and ledgers: AddExport, ExportStatus, RetrieveExport
//! (a ZIP holding one CSV or TSV file) and RemoveExport. Reports are
//! processed at once.

use std::io::Write;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Exchange;
use super::accounts::fixed;
use crate::params::Params;

/// A requested report.
#[derive(Clone, Debug)]
pub(crate) struct Export {
    pub id: String,
    pub account: String,
    descr: String,
    format: String,
    report: String,
    fields: String,
    created: Decimal,
    starttm: Decimal,
    endtm: Decimal,
}

fn invalid(name: &str) -> String {
    format!("EGeneral:Invalid arguments:{name}")
}

/// The `report` parameter: `trades` or `ledgers`.
fn report(p: &Params) -> Result<String, String> {
    p.get("report")
        .filter(|r| r == "trades" || r == "ledgers")
        .ok_or_else(|| invalid("report"))
}

/// AddExport: `{"id": …}`.
pub(crate) fn add(
    ex: &mut Exchange,
    account: &str,
    p: &Params,
    now: Decimal,
) -> Result<Value, String> {
    let report = report(p)?;
    let descr = p
        .get("description")
        .filter(|d| !d.is_empty())
        .ok_or_else(|| invalid("description"))?;
    let format = p.get("format").unwrap_or_else(|| "CSV".to_owned());
    if format != "CSV" && format != "TSV" {
        return Err(invalid("format"));
    }
    let time = |name: &str| p.get(name).and_then(|t| Decimal::from_str(&t).ok());
    let id: String = ex.new_id('E')[1..5].to_owned();
    ex.exports.push(Export {
        id: id.clone(),
        account: account.to_owned(),
        descr,
        format,
        report,
        fields: p.get("fields").unwrap_or_else(|| "all".to_owned()),
        created: now.trunc(),
        starttm: time("starttm").unwrap_or(Decimal::ZERO),
        endtm: time("endtm").unwrap_or(now),
    });
    Ok(json!({ "id": id }))
}

/// ExportStatus: the account's reports of one kind, newest first.
pub(crate) fn status(ex: &Exchange, account: &str, p: &Params) -> Result<Value, String> {
    let report = report(p)?;
    let list: Vec<Value> = ex
        .exports
        .iter()
        .rev()
        .filter(|e| e.account == account && e.report == report)
        .map(|e| {
            let t = |d: Decimal| d.trunc().to_string();
            json!({
                "id": e.id,
                "descr": e.descr,
                "format": e.format,
                "report": e.report,
                "subtype": "all",
                "status": "Processed",
                "flags": "0",
                "fields": e.fields,
                "createdtm": t(e.created),
                "expiretm": t(e.created + Decimal::from(14 * 86_400)),
                "starttm": t(e.created),
                "completedtm": t(e.created),
                "datastarttm": t(e.starttm),
                "dataendtm": t(e.endtm),
                "aclass": "forex",
                "asset": "all",
            })
        })
        .collect();
    Ok(Value::Array(list))
}

/// RemoveExport: `{"delete": true}` or `{"cancel": true}`.
pub(crate) fn remove(ex: &mut Exchange, account: &str, p: &Params) -> Result<Value, String> {
    let id = p.get("id").ok_or_else(|| invalid("id"))?;
    let kind = p
        .get("type")
        .filter(|t| t == "delete" || t == "cancel")
        .ok_or_else(|| invalid("type"))?;
    let i = ex
        .exports
        .iter()
        .position(|e| e.id == id && e.account == account)
        .ok_or_else(|| invalid("id"))?;
    ex.exports.remove(i);
    Ok(json!({ kind: true }))
}

/// RetrieveExport: a ZIP file with `trades.csv` or `ledgers.csv` (`.tsv`).
pub(crate) fn retrieve(ex: &Exchange, account: &str, p: &Params) -> Result<Vec<u8>, String> {
    let id = p.get("id").ok_or_else(|| invalid("id"))?;
    let export = ex
        .exports
        .iter()
        .find(|e| e.id == id && e.account == account)
        .ok_or_else(|| invalid("id"))?;
    let rows = table(ex, export);
    let (sep, ext) = if export.format == "TSV" {
        ("\t", "tsv")
    } else {
        (",", "csv")
    };
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| format!("\"{c}\"")).collect();
        text.push_str(&cells.join(sep));
        text.push('\n');
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let name = format!("{}.{ext}", export.report);
    let io = |e: std::io::Error| format!("EGeneral:Internal error:{e}");
    zip.start_file(name, options)
        .map_err(|e| format!("EGeneral:Internal error:{e}"))?;
    zip.write_all(text.as_bytes()).map_err(io)?;
    let cursor = zip
        .finish()
        .map_err(|e| format!("EGeneral:Internal error:{e}"))?;
    Ok(cursor.into_inner())
}

/// The report's rows, header first, oldest first, within its time range.
fn table(ex: &Exchange, export: &Export) -> Vec<Vec<String>> {
    let within = |t: Decimal| t >= export.starttm && t <= export.endtm;
    let Some(account) = ex.accounts.get(&export.account) else {
        return Vec::new();
    };
    let header = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut rows = Vec::new();
    if export.report == "trades" {
        rows.push(header(&[
            "txid",
            "ordertxid",
            "pair",
            "time",
            "type",
            "ordertype",
            "price",
            "cost",
            "fee",
            "vol",
            "margin",
            "misc",
            "ledgers",
        ]));
        for t in account.trades.iter().filter(|t| within(t.time)) {
            rows.push(vec![
                t.id.clone(),
                t.ordertxid.clone(),
                t.pair_key.clone(),
                t.time.round_dp(4).to_string(),
                t.side.clone(),
                t.ordertype.clone(),
                fixed(t.price, t.pair_dp),
                fixed(t.cost, t.cost_dp),
                fixed(t.fee, t.cost_dp),
                fixed(t.vol, t.lot_dp),
                fixed(Decimal::ZERO, t.cost_dp),
                String::new(),
                t.ledgers.join(","),
            ]);
        }
    } else {
        rows.push(header(&[
            "txid", "refid", "time", "type", "subtype", "aclass", "asset", "amount", "fee",
            "balance",
        ]));
        for e in account.ledger.iter().filter(|e| within(e.time)) {
            let dp = ex.asset_dp(&e.asset);
            rows.push(vec![
                e.id.clone(),
                e.refid.clone(),
                e.time.round_dp(4).to_string(),
                e.kind.to_owned(),
                String::new(),
                "currency".to_owned(),
                e.asset.clone(),
                fixed(e.amount, dp),
                fixed(e.fee, dp),
                fixed(e.balance, dp),
            ]);
        }
    }
    rows
}
