//! The spec against Kraken's official OpenAPI files (a copy in
//! spec/reference/kraken-api-specs/). For every operation there, every
//! parameter must be in our spec with the same requiredness, and every
//! response field must be somewhere in our response types. Each intentional
//! difference is listed, with its reason, in
//! spec/reference/openapi-differences.yaml; a listed difference that no
//! longer occurs fails too, so the list stays true.

use kraken_codegen::model::EndpointDef;
use kraken_codegen::openapi::{Operation, Resolver, operations, properties, spec_fields};
use kraken_codegen::spec::Spec;
use kraken_codegen::types::Type;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
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
