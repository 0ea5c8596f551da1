//! The `# Example` section of each `SpotClient` method's doc: a call with a
//! sample value for every required parameter and for the first simple
//! optional one, compiled as a `no_run` doctest so the docs cannot drift
//! from the generated signatures.

use super::params::ParamCode;
use crate::model::{EndpointDef, ParamDef};
use crate::types::{Scalar, Type};

/// Doc text (Markdown) for `SpotClient::<name>`'s example.
pub(super) fn method_example(e: &EndpointDef, params: &[ParamCode]) -> String {
    let pairs: Vec<(&ParamCode, &ParamDef)> = params.iter().zip(&e.params).collect();
    // Input structs are built with their own `new`: the example takes one
    // as an argument (hidden), named after the parameter.
    let mut hidden_args = String::new();
    let args: Vec<String> = pairs
        .iter()
        .filter(|(p, _)| p.required)
        .map(|(p, def)| match input_struct(p, def) {
            Some(name) => {
                hidden_args.push_str(&format!(", {}: kraken_spot::{name}", p.field));
                p.field.to_string()
            }
            None => sample(e, def),
        })
        .collect();
    let setter = pairs
        .iter()
        .filter(|(p, def)| !p.required && def.format.is_none() && def.group.is_none())
        .find_map(|(p, def)| optional_sample(def).map(|v| format!(".{}({v})", p.field)))
        .unwrap_or_default();
    format!(
        "# Example\n\n\
         ```no_run\n\
         # async fn example(client: &kraken_spot::SpotClient{hidden_args}) -> Result<(), kraken_spot::Error> {{\n\
         let response = client.{}({}){setter}.await?;\n\
         # let _ = response;\n\
         # Ok(()) }}\n\
         ```",
        e.name,
        args.join(", ")
    )
}

/// The type's name when the parameter is an input struct (its setter takes
/// the type itself, not `impl Into<…>` as enums and text do).
fn input_struct(p: &ParamCode, def: &ParamDef) -> Option<String> {
    match Type::parse(&def.ty).ok()? {
        Type::Named(name) if !p.arg.to_string().starts_with("impl") => Some(name),
        _ => None,
    }
}

/// A plausible value for a required parameter: by its Kraken name where one
/// is well known, else by its type.
fn sample(e: &EndpointDef, def: &ParamDef) -> String {
    let by_name = match (def.name.as_str(), def.ty.as_str()) {
        ("type", "RemoveExportType") => "\"delete\"",
        ("from", "TransferWallet") => "\"Spot Wallet\"",
        ("to", "TransferWallet") => "\"Futures Wallet\"",
        ("from", _) => "\"AA10 N84G 00AB 0000\"",
        ("to", _) => "\"AA20 N84G 00CD 0000\"",
        ("id", _) if e.name.contains("export") => "\"TCJA\"",
        ("id", _) => "\"LGBRJU-SQZ4L-5HLS3C\"",
        ("strategy_ids", _) => "[\"ESRFUO3-Q62XD-WIOIL7\"]",
        ("strategy_type", _) => "\"twap\"",
        (name, _) => by_wire_name(name),
    };
    if !by_name.is_empty() {
        return by_name.to_owned();
    }
    let ty = Type::parse(&def.ty).unwrap_or(Type::Json);
    by_type(&ty, def).unwrap_or_else(|| "\"…\"".to_owned())
}

/// Samples for parameter names that mean the same everywhere ("" if none).
fn by_wire_name(name: &str) -> &'static str {
    match name {
        "pair" => "\"XBTUSD\"",
        "symbol" => "\"BTC/USD\"",
        "asset" => "\"XBT\"",
        "amount" => "\"0.5\"",
        "volume" => "\"1.25\"",
        "ordertype" => "\"limit\"",
        "type" | "side" => "\"buy\"",
        "txid" => "\"OQCLML-BW3P3-BUCMWZ\"",
        "refid" => "\"FTQcuak-V6Za8qrWnhzTx67yYHz8Tg\"",
        "strategy_id" => "\"ESRFUO3-Q62XD-WIOIL7\"",
        "method" => "\"Bitcoin\"",
        "key" => "\"my-withdrawal-key\"",
        "report" => "\"ledgers\"",
        "description" => "\"my export\"",
        "grant_type" => "\"authorization_code\"",
        "api_key_name" => "\"my-bot\"",
        "email" => "\"trader@example.com\"",
        "username" => "\"trader-sub-1\"",
        "timeout" => "60",
        _ => "",
    }
}

fn by_type(ty: &Type, def: &ParamDef) -> Option<String> {
    Some(match ty {
        Type::Scalar(Scalar::Int) => int_sample(def).to_string(),
        Type::Scalar(Scalar::Bool) => "true".to_owned(),
        Type::Amount => "\"1.0\"".to_owned(),
        Type::Csv(inner) | Type::List(inner) if matches!(**inner, Type::Scalar(_)) => {
            format!(
                "[{}]",
                by_type(inner, def).unwrap_or_else(|| "\"…\"".into())
            )
        }
        // A list of input structs: built with their own `new`; empty here.
        Type::List(inner) => format!("Vec::<kraken_spot::{inner}>::new()"),
        // Strings, secrets and enums (enum parameters take `&str`).
        _ => "\"…\"".to_owned(),
    })
}

/// The value of an optional parameter in the example, if it is simple.
fn optional_sample(def: &ParamDef) -> Option<String> {
    match Type::parse(&def.ty).ok()? {
        Type::Scalar(Scalar::Int) => Some(int_sample(def).to_string()),
        Type::Scalar(Scalar::Bool) => Some("true".to_owned()),
        _ => None,
    }
}

/// An integer the parameter's rules accept.
fn int_sample(def: &ParamDef) -> i64 {
    if let Some(first) = def.allowed.first() {
        return *first;
    }
    let mut v = 10;
    if let Some(min) = def.min {
        v = v.max(min);
    }
    if let Some(max) = def.max {
        v = v.min(max);
    }
    v
}
