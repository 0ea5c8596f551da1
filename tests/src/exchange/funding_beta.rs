//! Funding (Beta), `/funding/v1/…` and `/funding/v2/…`, from the account.
//!
//! The methods, assets, limits and fee quotes follow the account's balances;
//! saved withdrawal addresses, claimed deposit addresses and withdrawals are
//! kept per account; a withdrawal debits the balance (amount and fee) with a
//! `withdrawal` ledger entry, so Balance, BalanceEx, Ledgers and the
//! withdrawal limits show it. Deposits are the account's `deposit` ledger
//! entries ([`MockKraken::deposit`](crate::MockKraken::deposit)).
//!
//! Shapes come from Kraken's guide examples (`fixtures/Funding_*.docs.json`):
//! the USDC-on-Ethereum method, the Ethereum and Base networks and the EVM
//! group are the guide's verbatim, and the default account starts with the
//! guide's two saved addresses. Where Kraken documents nothing — the other
//! assets' methods, networks, minimums and fees, the assets list, the limits,
//! the deposits list — the answer is built from the field list (the reference
//! pages' fields and their descriptions, spec/reference/funding-beta.md), no
//! recorded or documented example.
//!
//! Errors: Kraken documents neither statuses nor bodies for these paths
//! (funding-beta.md §3.3). The sandbox answers an HTTP status with
//! `{"error": code}`, the code Kraken's documented generic
//! `EGeneral:Invalid arguments:<param>` (404 for an unknown id),
//! `EOrder:Insufficient funds` (the closest documented code: "Client does
//! not have the necessary funds"), `EFunding:Max fee exceeded` (documented
//! for Withdraw), and the guide's `TooManyDepositAddresses` (409).

use std::collections::HashMap;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{DEFAULT_ACCOUNT, Exchange, rfc3339};
use crate::params::Params;

/// An error: HTTP status and code.
pub(crate) type FundingError = (u16, String);
type Answer = Result<Value, FundingError>;

fn bad(name: &str) -> FundingError {
    (400, format!("EGeneral:Invalid arguments:{name}"))
}

fn not_found(name: &str) -> FundingError {
    (404, format!("EGeneral:Invalid arguments:{name}"))
}

/// The guide's networks and group (verbatim ids).
const ETHEREUM: &str = "d9d375da-44b7-4be1-8a00-8b281acfe366";
const BASE: &str = "9637bc15-ec8a-43de-8310-887f0a02a9ed";
const EVM_GROUP: &str = "f95acdb7-48fb-4441-b5b4-843d3bf60e61";
/// The guide's USDC-on-Ethereum deposit method (verbatim).
const USDC_METHOD: &str = "27ede8db-804b-4d91-8e25-46b7b9668730";
/// How long a fee quote's token pins the rate (seconds, §14).
const FEE_TOKEN_LIFETIME: i64 = 300;
/// Unused deposit addresses a method lets an account hold (the guide: "typically 5").
const ADDRESS_LIMIT: usize = 5;

/// One method of the catalogue: `(Kraken asset, funding name, network,
/// contract, minimum, fee)`. USDC is the guide's example; the rest are
/// built from the field list (the contracts are the tokens' public ones).
type MethodRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);
const METHODS: &[MethodRow] = &[
    (
        "USDC",
        "USDC",
        "Ethereum",
        Some("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
        "2",
        "1",
    ),
    (
        "USDT",
        "USDT",
        "Ethereum",
        Some("0xdac17f958d2ee523a2206206994597c13d831ec7"),
        "2",
        "2.5",
    ),
    (
        "DAI",
        "DAI",
        "Ethereum",
        Some("0x6b175474e89094c44da98b954eedeac495271d0f"),
        "5",
        "4",
    ),
    ("XETH", "ETH", "Ethereum", None, "0.005", "0.0035"),
    ("XXBT", "XBT", "Bitcoin", None, "0.0005", "0.00015"),
    ("DOT", "DOT", "Polkadot", None, "1", "0.05"),
];

/// A deterministic UUID-shaped id for `what`.
fn uuid(what: &str) -> String {
    let h = hex(&Sha256::digest(format!("kraken-mock {what}")));
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn network_id(name: &str) -> String {
    match name {
        "Ethereum" => ETHEREUM.to_owned(),
        "Base" => BASE.to_owned(),
        other => uuid(&format!("network {other}")),
    }
}

/// A method of the catalogue.
#[derive(Clone, Debug)]
struct Method {
    id: String,
    asset: &'static str,
    name: &'static str,
    network: &'static str,
    contract: Option<&'static str>,
    minimum: Decimal,
    fee: Decimal,
}

fn catalogue() -> Vec<Method> {
    METHODS
        .iter()
        .map(|&(asset, name, network, contract, minimum, fee)| Method {
            id: if asset == "USDC" {
                USDC_METHOD.to_owned()
            } else {
                uuid(&format!("method {asset} {network}"))
            },
            asset,
            name,
            network,
            contract,
            minimum: Decimal::from_str(minimum).unwrap_or_default(),
            fee: Decimal::from_str(fee).unwrap_or_default(),
        })
        .collect()
}

fn method(id: &str) -> Result<Method, FundingError> {
    catalogue()
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| not_found("method_id"))
}

/// The methods of the assets `account` holds (and USDC, the guide's).
fn methods_of(ex: &Exchange, account: &str) -> Vec<Method> {
    let held = ex.accounts.get(account).map(|a| &a.balances);
    catalogue()
        .into_iter()
        .filter(|m| m.asset == "USDC" || held.is_some_and(|b| b.contains_key(m.asset)))
        .collect()
}

/// A saved withdrawal address.
#[derive(Clone, Debug)]
pub(crate) struct SavedAddress {
    id: String,
    /// `(kind, id)`: `method_id`, `network_id` or `network_group_id`.
    scope: (String, String),
    address: String,
    name: Option<String>,
}

/// A claimed deposit address.
#[derive(Clone, Debug)]
struct Claimed {
    method_id: String,
    address: String,
}

/// What Funding (Beta) keeps for one account.
#[derive(Clone, Debug, Default)]
pub(crate) struct FundingAccount {
    addresses: Vec<SavedAddress>,
    claimed: Vec<Claimed>,
    /// Fee quote tokens: `(token, method id, fee, fee_included, expires at)`.
    tokens: Vec<(String, String, Decimal, bool, Decimal)>,
    seeded: bool,
}

impl FundingAccount {
    /// The default account starts with the guide's two saved addresses.
    fn seed(&mut self, account: &str) {
        if self.seeded {
            return;
        }
        self.seeded = true;
        if account != DEFAULT_ACCOUNT {
            return;
        }
        self.addresses.push(SavedAddress {
            id: "AB7J4FF-BGM7G-V2JMIH".into(),
            scope: ("network_id".into(), ETHEREUM.into()),
            address: "0xbef7…".into(),
            name: Some("Personal Wallet".into()),
        });
        self.addresses.push(SavedAddress {
            id: "ABSXEMA-3FXQS-T7Q2FG".into(),
            scope: (
                "method_id".into(),
                "67b765fd-4efd-42dc-8ce7-63352971d566".into(),
            ),
            address: "0x1d0f…".into(),
            name: None,
        });
    }
}

/// The request's parameters: the query's (deep objects flattened as
/// `scope[method_id]`) and the JSON body's.
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: &'a Params,
}

impl Request<'_> {
    fn q(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The one scope filter set in the query: `(kind, id)`.
    fn scope(&self) -> Option<(String, String)> {
        ["method_id", "network_id", "network_group_id"]
            .iter()
            .find_map(|k| Some(((*k).to_owned(), self.q(&format!("scope[{k}]"))?)))
    }
}

/// Answers a `/funding/` request from the state; `None` for a path it
/// does not know (the mock then answers "unknown method").
pub(crate) fn handle(
    ex: &mut Exchange,
    account: &str,
    r: &Request<'_>,
    now: Decimal,
) -> Option<Answer> {
    let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let answer = match (r.method, &segments[1..]) {
        ("GET", ["v1", "networks"]) => Ok(networks()),
        ("GET", ["v1", "assets", direction]) => assets(ex, account, direction, r),
        ("GET", ["v1", "methods", direction]) => methods(ex, account, direction, r),
        ("GET", ["v1", "limits", direction, class, asset]) => {
            limits(ex, account, direction, class, asset)
        }
        ("GET", ["v1", "fees", method_id]) => fee(ex, account, method_id, r, now),
        ("GET", ["v1", "addresses"]) => list_addresses(ex, account, r),
        ("POST", ["v1", "addresses"]) => add_address(ex, account, r),
        ("PUT", ["v1", "addresses", id]) => update_address(ex, account, id, r),
        ("DELETE", ["v1", "addresses", id]) => delete_address(ex, account, id),
        ("GET", ["v1", "deposits"]) => deposits(ex, account, r),
        ("PUT", ["v1", "deposit", "address"]) => claim(ex, account, r),
        ("GET", ["v2", "deposit", "addresses"]) => claimed(ex, account, r),
        ("POST", ["v1", "withdrawals"]) => withdraw(ex, account, r, now),
        _ => return None,
    };
    Some(answer)
}

fn state<'a>(ex: &'a mut Exchange, account: &str) -> &'a mut FundingAccount {
    let f = ex.funding.entry(account.to_owned()).or_default();
    f.seed(account);
    f
}

fn asset_json(name: &str) -> Value {
    json!({"class": "currency", "name": name})
}

fn amount_json(ex: &Exchange, m: &Method, amount: Decimal) -> Value {
    let dp = ex.asset_dp(m.asset);
    json!({"asset": asset_json(m.name), "amount": format!("{:.*}", dp as usize, amount.round_dp(dp))})
}

/// A page of `items` from the query's `cursor` (an offset this sandbox
/// handed out) and `limit` (at most `max`). With a cursor, Kraken says "do
/// not provide other request parameters": any filter beside it is refused
/// (`limit` and `account_id` are not filters).
fn page(items: Vec<Value>, r: &Request<'_>, max: usize, key: &str) -> Answer {
    if r.q("cursor").is_some()
        && let Some((other, _)) = r
            .query
            .iter()
            .find(|(k, _)| !matches!(k.as_str(), "cursor" | "limit" | "account_id"))
    {
        return Err(bad(other));
    }
    let limit = match r.q("limit") {
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=max).contains(l))
            .ok_or_else(|| bad("limit"))?,
        None => max,
    };
    let offset = match r.q("cursor") {
        Some(c) => URL_SAFE_NO_PAD
            .decode(&c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| bad("cursor"))?,
        None => 0,
    };
    let total = items.len();
    let list: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let mut out = json!({ key: list });
    if offset + limit < total {
        out["next_cursor"] = json!(URL_SAFE_NO_PAD.encode((offset + limit).to_string()));
    }
    Ok(out)
}

fn direction_ok(direction: &str) -> Result<bool, FundingError> {
    match direction {
        "deposit" => Ok(true),
        "withdraw" | "withdrawal" => Ok(false),
        _ => Err(bad("direction")),
    }
}

/// The guide's networks and group, and the built ones of the catalogue.
fn networks() -> Value {
    let mut networks = vec![
        json!({"network_id": ETHEREUM, "name": "Ethereum"}),
        json!({"network_id": BASE, "name": "Base"}),
    ];
    for name in ["Bitcoin", "Polkadot"] {
        networks.push(json!({"network_id": network_id(name), "name": name}));
    }
    json!({
        "network_groups": [{"network_group_id": EVM_GROUP, "name": "EVM", "network_ids": [ETHEREUM, BASE]}],
        "networks": networks,
    })
}

/// Assets of the account's methods, by class (items `{name}`, built from
/// the field list). A class filtered out is absent.
fn assets(ex: &Exchange, account: &str, direction: &str, r: &Request<'_>) -> Answer {
    direction_ok(direction)?;
    let mut names: Vec<&str> = methods_of(ex, account).iter().map(|m| m.name).collect();
    names.dedup();
    let currency: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
    Ok(match r.q("asset_class").as_deref() {
        None => json!({"currency": currency, "tokenized_asset": []}),
        Some("currency") => json!({ "currency": currency }),
        Some("tokenized_asset") => json!({"tokenized_asset": []}),
        Some(_) => return Err(bad("asset_class")),
    })
}

fn method_json(ex: &Exchange, m: &Method, deposit: bool) -> Value {
    let mut network = json!({
        "network_id": network_id(m.network),
        "network_name": m.network,
        "on_chain_asset_symbol": m.name,
    });
    if let Some(c) = m.contract {
        network["contract_address"] = json!(c);
    }
    let dp = ex.asset_dp(m.asset);
    let mut out = json!({
        "asset": asset_json(m.name),
        "method_id": m.id,
        "method_name": "Standard",
        "minimum_amount": m.minimum.round_dp(dp).normalize().to_string(),
        "network": network,
    });
    if deposit {
        let mut d = json!({"address_generation": {"status": "limited", "limit": ADDRESS_LIMIT}});
        if m.id == USDC_METHOD {
            // The guide's example shares addresses with another method.
            d["shares_addresses_with_method_id"] = json!("a001231f-488e-48c0-b36c-6e0d2c1ee247");
        }
        out["deposit"] = d;
    }
    out
}

fn methods(ex: &Exchange, account: &str, direction: &str, r: &Request<'_>) -> Answer {
    let deposit = direction_ok(direction)?;
    let name = r.q("asset[name]");
    if r.q("asset[class]").is_some_and(|c| c != "currency") {
        return page(Vec::new(), r, 10_000, "methods");
    }
    let items = methods_of(ex, account)
        .iter()
        .filter(|m| name.as_deref().is_none_or(|n| n == m.name))
        .map(|m| method_json(ex, m, deposit))
        .collect();
    page(items, r, 10_000, "methods")
}

/// What `account` can withdraw of `asset` (Kraken's name): balance less holds.
fn available(ex: &Exchange, account: &str, asset: &str) -> Decimal {
    let balance = ex
        .accounts
        .get(account)
        .map_or(Decimal::ZERO, |a| a.balance(asset));
    let held = ex.holds(account).get(asset).copied().unwrap_or_default();
    (balance - held).max(Decimal::ZERO)
}

/// Deposit or withdrawal limits (built from the field list): per method of
/// the asset, a daily attempt limit; for withdrawals the available balance
/// and the most it allows.
fn limits(ex: &Exchange, account: &str, direction: &str, class: &str, asset: &str) -> Answer {
    if class != "currency" && class != "tokenized_asset" {
        return Err(bad("asset_class"));
    }
    let of_asset: Vec<Method> = catalogue()
        .into_iter()
        .filter(|m| class == "currency" && m.name == asset)
        .collect();
    let Some(first) = of_asset.first() else {
        return Err(not_found("asset"));
    };
    let attempts = json!([{"time_window": 86400, "limit": {"limit_type": "attempt", "remaining": "20", "maximum": "20"}}]);
    match direction {
        "deposit" => {
            let list: Vec<Value> = of_asset
                .iter()
                .map(|m| json!({"method_id": m.id, "limits": attempts}))
                .collect();
            Ok(json!({ "deposit_limits": list }))
        }
        "withdrawal" => {
            let free = available(ex, account, first.asset);
            let list: Vec<Value> = of_asset
                .iter()
                .map(|m| {
                    json!({
                        "method_id": m.id,
                        "maximum_amount": amount_json(ex, m, free),
                        "maximum_reason": "balance",
                        "limits": attempts,
                    })
                })
                .collect();
            Ok(json!({
                "available_balance": amount_json(ex, first, free),
                "withdrawal_limits": list,
            }))
        }
        _ => Err(bad("direction")),
    }
}

/// `(fee, gross, net)` of `amount` through `m`.
fn split(m: &Method, amount: Decimal, fee_included: bool) -> (Decimal, Decimal, Decimal) {
    if fee_included {
        (m.fee, amount, amount - m.fee)
    } else {
        (m.fee, amount + m.fee, amount)
    }
}

fn fee(ex: &mut Exchange, account: &str, method_id: &str, r: &Request<'_>, now: Decimal) -> Answer {
    let m = method(method_id)?;
    let amount = r
        .q("amount")
        .and_then(|a| Decimal::from_str(&a).ok())
        .filter(|a| a.is_sign_positive() && !a.is_zero())
        .ok_or_else(|| bad("amount"))?;
    let included = r.q("fee_included").as_deref() == Some("true");
    let (fee, gross, net) = split(&m, amount, included);
    if net.is_sign_negative() || net.is_zero() {
        return Err(bad("amount"));
    }
    let seq = ex.new_id('W');
    let token = format!(
        "AAAAAAAA{}",
        URL_SAFE_NO_PAD.encode(Sha256::digest(format!("fee token {seq}")))
    );
    let expires = now + Decimal::from(FEE_TOKEN_LIFETIME);
    state(ex, account)
        .tokens
        .push((token.clone(), m.id.clone(), fee, included, expires));
    Ok(json!({
        "fee": amount_json(ex, &m, fee),
        "gross_amount": amount_json(ex, &m, gross),
        "net_amount": amount_json(ex, &m, net),
        "fee_details": {"base_fee": amount_json(ex, &m, fee), "fee_percentage": "0"},
        "withdrawal_fee_token": token,
    }))
}

fn address_json(a: &SavedAddress) -> Value {
    let mut out = json!({
        "address_id": a.id,
        "scope": { a.scope.0.clone(): a.scope.1 },
        "address_details": {"crypto": {"address": a.address}},
    });
    if let Some(name) = &a.name {
        out["name"] = json!(name);
    }
    out["verified"] = json!(true);
    out
}

/// Whether an address saved against `scope` can be used for method `m`:
/// the method itself, its network, or its network's group.
fn usable(scope: &(String, String), m: &Method) -> bool {
    let network = network_id(m.network);
    match scope.0.as_str() {
        "method_id" => scope.1 == m.id,
        "network_id" => scope.1 == network,
        "network_group_id" => scope.1 == EVM_GROUP && (network == ETHEREUM || network == BASE),
        _ => false,
    }
}

fn list_addresses(ex: &mut Exchange, account: &str, r: &Request<'_>) -> Answer {
    let filter = r.scope();
    let by_method = match &filter {
        Some((kind, id)) if kind == "method_id" => Some(method(id)?),
        _ => None,
    };
    let items = state(ex, account)
        .addresses
        .iter()
        .filter(|a| match (&filter, &by_method) {
            (None, _) => true,
            (Some(_), Some(m)) => usable(&a.scope, m),
            (Some(f), None) => a.scope == *f,
        })
        .map(address_json)
        .collect();
    page(items, r, 500, "addresses")
}

fn body_scope(p: &Params) -> Result<(String, String), FundingError> {
    let scope = p.value("scope").and_then(Value::as_object);
    let set: Vec<(String, String)> = scope
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect();
    match set.as_slice() {
        [(kind, id)]
            if ["method_id", "network_id", "network_group_id"].contains(&kind.as_str()) =>
        {
            let known = match kind.as_str() {
                "method_id" => catalogue().iter().any(|m| m.id == *id),
                "network_id" => catalogue().iter().any(|m| network_id(m.network) == *id),
                _ => id == EVM_GROUP,
            };
            if known {
                Ok((kind.clone(), id.clone()))
            } else {
                Err(not_found(kind))
            }
        }
        _ => Err(bad("scope")),
    }
}

fn valid_name(name: &str) -> bool {
    !name.trim().is_empty()
}

fn add_address(ex: &mut Exchange, account: &str, r: &Request<'_>) -> Answer {
    let p = r.body;
    let scope = body_scope(p)?;
    let address = p
        .value("address_details")
        .and_then(|d| d.get("crypto"))
        .and_then(|c| c.get("address"))
        .and_then(Value::as_str)
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| bad("address_details"))?
        .to_owned();
    let name = p
        .get("name")
        .filter(|n| valid_name(n))
        .ok_or_else(|| bad("name"))?;
    if state(ex, account)
        .addresses
        .iter()
        .any(|a| a.name.as_deref() == Some(&name))
    {
        return Err(bad("name"));
    }
    let id = format!("A{}", ex.new_id('B'));
    state(ex, account).addresses.push(SavedAddress {
        id: id.clone(),
        scope,
        address,
        name: Some(name),
    });
    Ok(json!({"address_id": id, "verified": true}))
}

/// Where the saved address `id` is in the account's list.
fn address_index(f: &FundingAccount, id: &str) -> Result<usize, FundingError> {
    f.addresses
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| not_found("id"))
}

fn update_address(ex: &mut Exchange, account: &str, id: &str, r: &Request<'_>) -> Answer {
    let p = r.body;
    let f = state(ex, account);
    let i = address_index(f, id)?;
    if let Some(name) = p.get("name") {
        let taken = f
            .addresses
            .iter()
            .any(|a| a.id != id && a.name.as_deref() == Some(&name));
        if !valid_name(&name) || taken {
            return Err(bad("name"));
        }
        f.addresses[i].name = Some(name);
    }
    // A description is accepted; no read returns it.
    Ok(json!({"verified": true}))
}

fn delete_address(ex: &mut Exchange, account: &str, id: &str) -> Answer {
    let f = state(ex, account);
    let i = address_index(f, id)?;
    f.addresses.remove(i);
    Ok(json!({"result": true}))
}

/// The account's `deposit` ledger entries as deposits (built from the
/// field list: `deposit_id`, `method_id`, `network_id`, `status`,
/// `amount`, `fee`, `create_time`), newest first.
fn deposits(ex: &mut Exchange, account: &str, r: &Request<'_>) -> Answer {
    let name = r.q("asset[name]");
    let filter = r.scope();
    let Some(a) = ex.accounts.get(account) else {
        return page(Vec::new(), r, 500, "deposits");
    };
    let items = a
        .ledger
        .iter()
        .rev()
        .filter(|e| e.kind == "deposit")
        .filter_map(|e| {
            let m = catalogue().into_iter().find(|m| m.asset == e.asset)?;
            if name.as_deref().is_some_and(|n| n != m.name) {
                return None;
            }
            if filter.as_ref().is_some_and(|f| !usable(f, &m)) {
                return None;
            }
            Some(json!({
                "deposit_id": e.refid,
                "method_id": m.id,
                "network_id": network_id(m.network),
                "status": "success",
                "amount": amount_json(ex, &m, e.amount),
                "fee": amount_json(ex, &m, e.fee),
                "create_time": rfc3339(e.time),
            }))
        })
        .collect();
    page(items, r, 500, "deposits")
}

/// A deposit address for network `network`, unique per `seed`.
fn new_address(network: &str, seed: &str) -> String {
    let h = hex(&Sha256::digest(format!("deposit address {seed}")));
    match network {
        "Bitcoin" => format!("bc1q{}", &h[..38]),
        "Polkadot" => format!("1{}", &h[..46]),
        _ => format!("0x{}", &h[..40]),
    }
}

fn claim(ex: &mut Exchange, account: &str, r: &Request<'_>) -> Answer {
    let id = r.body.get("method_id").ok_or_else(|| bad("method_id"))?;
    let m = method(&id)?;
    let count = state(ex, account)
        .claimed
        .iter()
        .filter(|c| c.method_id == m.id)
        .count();
    if count >= ADDRESS_LIMIT {
        return Err((409, "TooManyDepositAddresses".to_owned()));
    }
    let seed = ex.new_id('D');
    let address = new_address(m.network, &format!("{account} {seed}"));
    state(ex, account).claimed.push(Claimed {
        method_id: m.id,
        address: address.clone(),
    });
    Ok(json!({"address_details": {"crypto": {"address": address}}}))
}

fn claimed(ex: &mut Exchange, account: &str, r: &Request<'_>) -> Answer {
    let filter = r.scope();
    let name = r.q("asset[name]");
    let methods: HashMap<String, Method> =
        catalogue().into_iter().map(|m| (m.id.clone(), m)).collect();
    let items = state(ex, account)
        .claimed
        .iter()
        .filter(|c| {
            let Some(m) = methods.get(&c.method_id) else {
                return false;
            };
            filter.as_ref().is_none_or(|f| usable(f, m))
                && name.as_deref().is_none_or(|n| n == m.name)
        })
        .map(|c| json!({"method_id": c.method_id, "address_details": {"crypto": {"address": c.address}}}))
        .collect();
    page(items, r, 500, "addresses")
}

/// A withdrawal id shaped like the guide's `FTVZiTI-e02T84mm87JmibnObWNdnW`.
fn withdrawal_id(seed: &str) -> String {
    let b = URL_SAFE_NO_PAD.encode(Sha256::digest(format!("withdrawal {seed}")));
    let b: String = b.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("FT{}-{}", &b[..5], &b[5..27])
}

fn withdraw(ex: &mut Exchange, account: &str, r: &Request<'_>, now: Decimal) -> Answer {
    let p = r.body;
    let scope = body_scope(p)?;
    let m = match scope.0.as_str() {
        "method_id" => method(&scope.1)?,
        _ => {
            // A network with exactly one method for the asset.
            let asset = p
                .value("amount")
                .and_then(|a| a.pointer("/asset_amount/asset/name"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut of: Vec<Method> = catalogue()
                .into_iter()
                .filter(|m| m.name == asset && usable(&scope, m))
                .collect();
            if of.len() != 1 {
                return Err(bad("scope"));
            }
            of.remove(0)
        }
    };
    let address_id = p.get("address_id").ok_or_else(|| bad("address_id"))?;
    let saved = state(ex, account)
        .addresses
        .iter()
        .find(|a| a.id == address_id)
        .cloned()
        .ok_or_else(|| not_found("address_id"))?;
    if !usable(&saved.scope, &m) {
        return Err(bad("address_id"));
    }
    if p.get("expected_address")
        .is_some_and(|e| e != saved.address)
    {
        return Err(bad("expected_address"));
    }
    let amount = p.value("amount").and_then(|a| a.get("asset_amount"));
    let asset = amount
        .and_then(|a| a.pointer("/asset/name"))
        .and_then(Value::as_str);
    if asset != Some(m.name) {
        return Err(bad("amount"));
    }
    let amount = amount
        .and_then(|a| a.get("amount"))
        .and_then(|a| match a {
            Value::String(s) => Decimal::from_str(s).ok(),
            Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
            _ => None,
        })
        .filter(|a| a.is_sign_positive() && !a.is_zero())
        .ok_or_else(|| bad("amount"))?;
    let fee_spec = p.value("fee");
    let token = fee_spec
        .and_then(|f| f.pointer("/quoted_fee/token"))
        .and_then(Value::as_str);
    let mut included = fee_spec
        .and_then(|f| f.get("fee_included"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let fee = match token {
        Some(token) => {
            let quote = state(ex, account)
                .tokens
                .iter()
                .find(|t| t.0 == token && t.1 == m.id && t.4 >= now)
                .cloned()
                .ok_or_else(|| bad("fee"))?;
            included = quote.3;
            quote.2
        }
        None => m.fee,
    };
    let max_fee = fee_spec
        .and_then(|f| f.pointer("/current_fee/max_fee/asset_amount/amount"))
        .and_then(Value::as_str)
        .and_then(|a| Decimal::from_str(a).ok());
    if max_fee.is_some_and(|max| fee > max) {
        return Err((400, "EFunding:Max fee exceeded".to_owned()));
    }
    let (_, gross, net) = split(&Method { fee, ..m.clone() }, amount, included);
    if net < m.minimum {
        return Err(bad("amount"));
    }
    if available(ex, account, m.asset) < gross {
        return Err((400, "EOrder:Insufficient funds".to_owned()));
    }
    let seed = ex.new_id('L');
    let id = withdrawal_id(&seed);
    ex.accounts.entry(account.to_owned()).or_default().book(
        seed,
        &id,
        "withdrawal",
        m.asset,
        -net,
        fee,
        now,
    );
    let wrap = |d: Decimal| json!({"asset_amount": amount_json(ex, &m, d)});
    Ok(json!({
        "withdrawal_id": id,
        "net_amount": wrap(net),
        "gross_amount": wrap(gross),
        "fee": wrap(fee),
    }))
}
