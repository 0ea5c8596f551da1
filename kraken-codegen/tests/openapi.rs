//! The spec against Kraken's official OpenAPI files (a copy in
//! spec/reference/kraken-api-specs/). For every operation there, every
//! parameter must be in our spec with the same requiredness, and every
//! response field must be somewhere in our response types. Each intentional
//! difference is listed, with its reason, in
//! spec/reference/openapi-differences.yaml; a listed difference that no
//! longer occurs fails too, so the list stays true.

use kraken_codegen::model::{EndpointDef, Http};
use kraken_codegen::spec::Spec;
use kraken_codegen::types::Type;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Loads a YAML file and inlines every `$ref`, relative to the file that holds it.
struct Resolver {
    files: BTreeMap<PathBuf, Value>,
}

impl Resolver {
    fn load(&mut self, path: &Path) -> Value {
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

    fn resolve(&mut self, v: &Value, file: &Path, depth: usize) -> Value {
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
struct Operation {
    id: String,
    method: Http,
    path: String,
    /// Parameter name → required.
    params: BTreeMap<String, bool>,
    /// Nested object parameters: `param.field` → required.
    nested: BTreeMap<String, bool>,
    response_fields: BTreeSet<String>,
    /// The schema of the result (under the envelope's `result`).
    result_schema: Value,
}

fn properties(schema: &Value) -> Vec<(String, Value, bool)> {
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
fn field_names(schema: &Value, out: &mut BTreeSet<String>) {
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

fn operations(resolver: &mut Resolver, file: &Path, prefix: &str) -> Vec<Operation> {
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
            if let Some(Value::Sequence(ps)) = op.get("parameters") {
                for p in ps {
                    if p.get("in").and_then(Value::as_str) == Some("query") {
                        let name = p
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
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
            });
        }
    }
    ops
}

/// Every field wire name reachable from a spec type.
fn spec_fields(spec: &Spec, ty: &Type, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
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
        Type::List(t) | Type::Map(t) | Type::WithLast(t) | Type::Csv(t) => {
            if matches!(ty, Type::WithLast(_)) {
                out.insert("last".into());
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

/// Spec fields that are required although the OpenAPI schema they decode
/// leaves them optional, as `Struct.field`: walks the spec type and the
/// schema side by side (objects, lists, maps, alternatives).
fn required_but_optional(
    spec: &Spec,
    ty: &Type,
    schema: &Value,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<(String, String)>,
) {
    let alternatives: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_sequence))
        .flatten()
        .collect();
    for alt in alternatives {
        required_but_optional(spec, ty, alt, out, seen);
    }
    match ty {
        Type::Named(n) => {
            let Some(s) = spec
                .files
                .iter()
                .flat_map(|f| &f.structs)
                .find(|s| &s.name == n && !s.positional && !s.input)
            else {
                return;
            };
            if !seen.insert((n.clone(), format!("{schema:?}"))) {
                return;
            }
            let props = properties(schema);
            for f in &s.fields {
                let Some((_, sub, required)) = props.iter().find(|(p, _, _)| *p == f.name) else {
                    continue;
                };
                if !f.optional && !required {
                    out.insert(format!("{}.{}", s.name, f.name));
                }
                let fty = Type::parse(&f.ty).unwrap();
                required_but_optional(spec, &fty, sub, out, seen);
            }
        }
        Type::List(t) => {
            if let Some(items) = schema.get("items") {
                required_but_optional(spec, t, items, out, seen);
            }
        }
        Type::Map(t) | Type::WithLast(t) => {
            if let Some(values) = schema
                .get("additionalProperties")
                .filter(|v| v.is_mapping())
            {
                required_but_optional(spec, t, values, out, seen);
            }
        }
        Type::Either(a, b) => {
            required_but_optional(spec, a, schema, out, seen);
            required_but_optional(spec, b, schema, out, seen);
        }
        _ => {}
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Difference {
    operation: String,
    kind: String,
    name: String,
    reason: String,
}

fn find<'a>(spec: &'a Spec, op: &Operation) -> Option<&'a EndpointDef> {
    spec.endpoints()
        .find(|e| e.path == op.path && e.http == op.method)
}

#[test]
fn spec_covers_krakens_openapi_files() {
    let root = root();
    let spec =
        kraken_codegen::load_sources(&kraken_codegen::read_spec_dir(&root.join("spec")).unwrap())
            .unwrap();
    let refs = root.join("spec/reference/kraken-api-specs");
    let mut resolver = Resolver {
        files: BTreeMap::new(),
    };
    let mut ops = operations(&mut resolver, &refs.join("spot-rest/openapi_v3.yaml"), "/0");
    ops.extend(operations(
        &mut resolver,
        &refs.join("oauth/openapi_v3.yaml"),
        "/oauth",
    ));
    assert_eq!(ops.len(), 54 + 8, "operations in Kraken's OpenAPI files");

    let mut found = BTreeSet::new();
    let (mut params_compared, mut fields_compared) = (0, 0);
    for op in &ops {
        let Some(e) = find(&spec, op) else {
            found.insert((
                op.id.clone(),
                "operation".to_owned(),
                format!("{:?} {}", op.method, op.path),
            ));
            continue;
        };
        for (name, required) in &op.params {
            params_compared += 1;
            match e
                .params
                .iter()
                .find(|p| &p.name == name && p.group.is_none())
                .or_else(|| e.params.iter().find(|p| &p.name == name))
            {
                None => {
                    found.insert((op.id.clone(), "param".into(), name.clone()));
                }
                Some(p) if p.required != *required => {
                    found.insert((
                        op.id.clone(),
                        "required".into(),
                        format!("{name}: OpenAPI {required}, spec {}", p.required),
                    ));
                }
                Some(_) => {}
            }
        }
        for (path, required) in &op.nested {
            params_compared += 1;
            let (param, field) = path.split_once('.').unwrap();
            let input = e.params.iter().find(|p| p.name == param).and_then(|p| {
                Type::parse(&p.ty).unwrap().names().first().and_then(|n| {
                    spec.files
                        .iter()
                        .flat_map(|f| &f.structs)
                        .find(|s| s.name == *n && s.input)
                        .cloned()
                })
            });
            match input
                .as_ref()
                .and_then(|s| s.fields.iter().find(|f| f.name == field))
            {
                None => {
                    found.insert((op.id.clone(), "param".into(), path.clone()));
                }
                Some(f) if f.optional == *required => {
                    found.insert((
                        op.id.clone(),
                        "required".into(),
                        format!("{path}: OpenAPI {required}, spec {}", !f.optional),
                    ));
                }
                Some(_) => {}
            }
        }
        let mut ours = BTreeSet::new();
        spec_fields(
            &spec,
            &Type::parse(&e.response).unwrap(),
            &mut ours,
            &mut BTreeSet::new(),
        );
        for field in &op.response_fields {
            fields_compared += 1;
            if !ours.contains(field) {
                found.insert((op.id.clone(), "response".into(), field.clone()));
            }
        }
        let mut stricter = BTreeSet::new();
        required_but_optional(
            &spec,
            &Type::parse(&e.response).unwrap(),
            &op.result_schema,
            &mut stricter,
            &mut BTreeSet::new(),
        );
        for field in stricter {
            found.insert((op.id.clone(), "response_required".into(), field));
        }
    }

    let listed: Vec<Difference> = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("spec/reference/openapi-differences.yaml")).unwrap(),
    )
    .unwrap();
    let listed_keys: BTreeSet<(String, String, String)> = listed
        .iter()
        .map(|d| (d.operation.clone(), d.kind.clone(), d.name.clone()))
        .collect();
    for d in &listed {
        assert!(!d.reason.trim().is_empty(), "{d:?} has no reason");
    }
    let unlisted: Vec<_> = found.difference(&listed_keys).collect();
    let stale: Vec<_> = listed_keys.difference(&found).collect();
    println!(
        "compared {} operations, {params_compared} parameters, {fields_compared} response fields; {} listed differences",
        ops.len(),
        listed.len()
    );
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "differences not in openapi-differences.yaml:\n{}\n\nlisted but no longer differing:\n{}",
        unlisted
            .iter()
            .map(|(o, k, n)| format!(
                "- {{operation: {o}, kind: {k}, name: \"{n}\", reason: \"\"}}"
            ))
            .collect::<Vec<_>>()
            .join("\n"),
        stale
            .iter()
            .map(|(o, k, n)| format!("- {o} {k} {n}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
