//! `generated/mcp.rs` (compiled with kraken-spot's `cli` feature): the JSON
//! Schema of every endpoint's MCP tool input, from the same validated spec:
//! types, required parameters, enum values, bounds and descriptions.
//! Properties are the parameters' Rust names; tools that move orders or funds
//! (spec key `moves`) also require `confirm: true`.

use super::Kinds;
use crate::model::{EndpointDef, MovesKind};
use crate::spec::{Kind, Spec, rust_name};
use crate::types::{Scalar, Type};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value, json};

pub(super) fn emit_mcp(spec: &Spec) -> TokenStream {
    let kinds = spec.kinds();
    let rows = spec.endpoints().map(|e| {
        let name = &e.name;
        let schema = tool_schema(spec, &kinds, e).to_string();
        quote!((#name, #schema))
    });
    quote! {
        /// `(tool name, input JSON Schema)` for every endpoint, in spec order.
        pub const TOOL_SCHEMAS: &[(&str, &str)] = &[ #(#rows),* ];
    }
}

fn tool_schema(spec: &Spec, kinds: &Kinds, e: &EndpointDef) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in &e.params {
        let key = rust_name(&p.name, p.rust.as_ref());
        let ty = Type::parse(&p.ty).unwrap_or(Type::Json);
        let mut schema = type_schema(spec, kinds, &ty);
        let mut doc = p.doc.trim().to_owned();
        if let Some(obj) = schema.as_object_mut() {
            if let Some(min) = p.min {
                obj.insert("minimum".into(), min.into());
            }
            if let Some(max) = p.max {
                obj.insert("maximum".into(), max.into());
            }
            if !p.allowed.is_empty() {
                obj.insert("enum".into(), json!(p.allowed));
            }
            if let Some(n) = p.max_length {
                obj.insert("maxLength".into(), n.into());
            }
            if key != p.name {
                doc.push_str(&format!(" (Kraken parameter `{}`)", p.name));
            }
            obj.insert("description".into(), doc.into());
        }
        if p.required {
            required.push(Value::from(key.clone()));
        }
        properties.insert(key, schema);
    }
    let implied =
        (e.trading.is_some() || e.client_order_id.is_some()).then_some(MovesKind::Trading);
    if let Some(moves) = e.moves.or(implied) {
        let what = match moves {
            MovesKind::Trading => "places, changes or cancels orders",
            MovesKind::Funds => "moves funds or changes account access",
        };
        properties.insert(
            "confirm".into(),
            json!({
                "type": "boolean",
                "const": true,
                "description": format!("Must be true: this call {what}."),
            }),
        );
        required.push("confirm".into());
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn type_schema(spec: &Spec, kinds: &Kinds, ty: &Type) -> Value {
    match ty {
        Type::Scalar(Scalar::Int | Scalar::U64) => json!({"type": "integer"}),
        Type::Scalar(Scalar::Bool) => json!({"type": "boolean"}),
        Type::Amount => json!({"type": "string"}),
        Type::Csv(inner) | Type::List(inner) => {
            json!({"type": "array", "items": type_schema(spec, kinds, inner), "minItems": 1})
        }
        Type::Named(n) => match kinds.get(n.as_str()) {
            Some(Kind::Enum) => {
                let values: Vec<&str> = spec
                    .files
                    .iter()
                    .flat_map(|f| &f.enums)
                    .filter(|d| &d.name == n)
                    .flat_map(|d| d.values.iter().map(|v| v.value.as_str()))
                    .collect();
                json!({"type": "string", "enum": values})
            }
            _ => {
                let Some(s) = spec
                    .files
                    .iter()
                    .flat_map(|f| &f.structs)
                    .find(|s| &s.name == n)
                else {
                    return json!({"type": "object"});
                };
                let mut properties = Map::new();
                let mut required = Vec::new();
                for f in &s.fields {
                    let fty = Type::parse(&f.ty).unwrap_or(Type::Json);
                    let mut schema = type_schema(spec, kinds, &fty);
                    if let Some(obj) = schema.as_object_mut() {
                        obj.insert("description".into(), f.doc.trim().into());
                    }
                    if !f.optional {
                        required.push(Value::from(f.name.clone()));
                    }
                    properties.insert(f.name.clone(), schema);
                }
                json!({
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false,
                })
            }
        },
        _ => json!({"type": "string"}),
    }
}
