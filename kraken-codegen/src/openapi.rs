//! Reading Kraken's OpenAPI files: operations reduced to what the spec is
//! compared on (path, parameters and their requiredness, response fields).
//! Used by the OpenAPI coverage test and by `cargo xtask drift`.

use crate::model::Http;
use crate::spec::Spec;
use crate::types::Type;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Loads a YAML file and inlines every `$ref`, relative to the file that holds it.
pub struct Resolver {
    pub files: BTreeMap<PathBuf, Value>,
}

impl Resolver {
    pub fn load(&mut self, path: &Path) -> Value {
        let path = path
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Some(v) = self.files.get(&path) {
            return v.clone();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.files.insert(path, v.clone());
        v
    }

    pub fn resolve(&mut self, v: &Value, file: &Path, depth: usize) -> Value {
        assert!(depth < 40, "$ref cycle near {}", file.display());
        match v {
            Value::Mapping(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    let (target_file, pointer) = match r.split_once('#') {
                        Some((f, p)) => (f, p),
                        None => (r.as_str(), ""),
                    };
                    let target = if target_file.is_empty() {
                        file.to_path_buf()
                    } else {
                        file.parent().unwrap().join(target_file)
                    };
                    let mut doc = self.load(&target);
                    for part in pointer.split('/').filter(|p| !p.is_empty()) {
                        doc = doc
                            .get(part)
                            .cloned()
                            .unwrap_or_else(|| panic!("bad $ref {r} in {}", file.display()));
                    }
                    return self.resolve(&doc, &target, depth + 1);
                }
                let mut out = serde_yaml::Mapping::new();
                for (k, val) in m {
                    out.insert(k.clone(), self.resolve(val, file, depth + 1));
                }
                Value::Mapping(out)
            }
            Value::Sequence(s) => {
                Value::Sequence(s.iter().map(|x| self.resolve(x, file, depth + 1)).collect())
            }
            other => other.clone(),
        }
    }
}

/// An OpenAPI operation, reduced to what we compare.
pub struct Operation {
    pub id: String,
    pub method: Http,
    pub path: String,
    /// Parameter name → required.
    pub params: BTreeMap<String, bool>,
    /// Nested object parameters: `param.field` → required.
    pub nested: BTreeMap<String, bool>,
    pub response_fields: BTreeSet<String>,
    /// The schema of the result (under the envelope's `result`).
    pub result_schema: Value,
    /// Parameter name → the values its `enum` lists (empty when it has none).
    pub enums: BTreeMap<String, Vec<String>>,
}

/// The values a schema's `enum` lists (also under `items`, for lists).
pub fn enum_values(schema: &Value) -> Vec<String> {
    let schema = schema
        .get("items")
        .filter(|i| i.is_mapping())
        .unwrap_or(schema);
    schema
        .get("enum")
        .and_then(Value::as_sequence)
        .map(|values| {
            values
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The path prefix of a file's first server URL (`https://api.kraken.com/0` → `/0`).
pub fn server_prefix(doc: &Value) -> String {
    let url = doc
        .get("servers")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_owned(),
        None => String::new(),
    }
}

pub fn properties(schema: &Value) -> Vec<(String, Value, bool)> {
    let mut out = Vec::new();
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Mapping(props)) = schema.get("properties") {
        for (k, v) in props {
            let k = k.as_str().unwrap_or_default().to_owned();
            let req = required.contains(&k);
            out.push((k, v.clone(), req));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Sequence(parts)) = schema.get(key) {
            for part in parts {
                out.extend(properties(part));
            }
        }
    }
    out
}

/// Every property name anywhere below `schema`.
pub fn field_names(schema: &Value, out: &mut BTreeSet<String>) {
    for (name, sub, _) in properties(schema) {
        out.insert(name);
        field_names(&sub, out);
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = schema.get(key).filter(|s| s.is_mapping()) {
            field_names(sub, out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Sequence(parts)) = schema.get(key) {
            for part in parts {
                for (_, sub, _) in properties(part) {
                    field_names(&sub, out);
                }
                for k in ["items", "additionalProperties"] {
                    if let Some(sub) = part.get(k).filter(|s| s.is_mapping()) {
                        field_names(sub, out);
                    }
                }
            }
        }
    }
}

pub fn operations(resolver: &mut Resolver, file: &Path, prefix: &str) -> Vec<Operation> {
    let doc = resolver.load(file);
    let mut ops = Vec::new();
    let Some(Value::Mapping(paths)) = doc.get("paths") else {
        return ops;
    };
    for (path, item) in paths {
        let path = format!("{prefix}{}", path.as_str().unwrap_or_default());
        let Value::Mapping(item) = item else { continue };
        for (method, op) in item {
            let method = match method.as_str().unwrap_or_default() {
                "get" => Http::Get,
                "post" => Http::Post,
                "put" => Http::Put,
                "delete" => Http::Delete,
                _ => continue,
            };
            let op = resolver.resolve(op, file, 0);
            let mut params = BTreeMap::new();
            let mut nested = BTreeMap::new();
            let mut enums = BTreeMap::new();
            if let Some(Value::Sequence(ps)) = op.get("parameters") {
                for p in ps {
                    if p.get("in").and_then(Value::as_str) == Some("query") {
                        let name = p
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let values = p.get("schema").map(enum_values).unwrap_or_default();
                        enums.insert(name.clone(), values);
                        params.insert(
                            name,
                            p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        );
                    }
                }
            }
            if let Some(Value::Mapping(content)) =
                op.get("requestBody").and_then(|b| b.get("content"))
            {
                for (_, media) in content.iter().take(1) {
                    let schema = media.get("schema").cloned().unwrap_or(Value::Null);
                    for (name, sub, req) in properties(&schema) {
                        if name == "nonce" || name == "otp" {
                            continue;
                        }
                        let object = sub.get("items").filter(|i| i.is_mapping()).unwrap_or(&sub);
                        for (field, _, freq) in properties(object) {
                            nested.insert(format!("{name}.{field}"), freq);
                        }
                        enums.insert(name.clone(), enum_values(&sub));
                        params.insert(name, req);
                    }
                }
            }
            let mut response_fields = BTreeSet::new();
            let mut result_schema = Value::Null;
            if let Some(Value::Mapping(content)) = op
                .get("responses")
                .and_then(|r| r.get("200"))
                .and_then(|r| r.get("content"))
            {
                for (_, media) in content {
                    if let Some(schema) = media.get("schema") {
                        // Kraken's envelope: compare what is under `result`.
                        match properties(schema)
                            .into_iter()
                            .find(|(n, _, _)| n == "result")
                        {
                            Some((_, result, _)) => {
                                field_names(&result, &mut response_fields);
                                result_schema = result;
                            }
                            None => {
                                field_names(schema, &mut response_fields);
                                result_schema = schema.clone();
                            }
                        }
                    }
                }
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            ops.push(Operation {
                id,
                method,
                path: path.clone(),
                params,
                nested,
                response_fields,
                result_schema,
                enums,
            });
        }
    }
    ops
}

/// Every field wire name reachable from a spec type.
pub fn spec_fields(
    spec: &Spec,
    ty: &Type,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    match ty {
        Type::Named(n) => {
            if !seen.insert(n.clone()) {
                return;
            }
            if let Some(s) = spec
                .files
                .iter()
                .flat_map(|f| &f.structs)
                .find(|s| &s.name == n)
            {
                for f in &s.fields {
                    out.insert(f.name.clone());
                    spec_fields(spec, &Type::parse(&f.ty).unwrap(), out, seen);
                }
            }
        }
        Type::List(t) | Type::Map(t) | Type::WithLast(t) | Type::ListPage(t) | Type::Csv(t) => {
            if matches!(ty, Type::WithLast(_)) {
                out.insert("last".into());
            }
            if matches!(ty, Type::ListPage(_)) {
                out.insert("next_cursor".into());
            }
            spec_fields(spec, t, out, seen)
        }
        Type::Either(a, b) => {
            spec_fields(spec, a, out, seen);
            spec_fields(spec, b, out, seen);
        }
        _ => {}
    }
}
