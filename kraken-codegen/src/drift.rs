//! `cargo xtask drift PATH_TO_OPENAPI.yaml`: what a Kraken OpenAPI file says
//! that the spec does not (and the reverse), per operation, as a review list
//! for bringing the spec up to date. Never an error: Kraken's files and the
//! spec differ on purpose in places (spec/reference/openapi-differences.yaml).

use crate::model::{EndpointDef, Http, ParamDef};
use crate::openapi::{Operation, Resolver, operations, server_prefix, spec_fields};
use crate::spec::{Kind, Spec};
use crate::types::Type;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// The review list for one OpenAPI file.
pub fn drift(spec: &Spec, file: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_yaml::from_str::<serde_yaml::Value>(&text)
        .map_err(|e| format!("{}: not YAML: {e}", file.display()))?;
    let mut resolver = Resolver {
        files: BTreeMap::new(),
    };
    let doc = resolver.load(file);
    let prefix = server_prefix(&doc);
    let ops = operations(&mut resolver, file, &prefix);
    let mut out = String::new();
    let mut matched = BTreeSet::new();
    let mut changed = 0;
    for op in &ops {
        let endpoint = spec
            .endpoints()
            .find(|e| e.http == op.method && e.path == op.path);
        let lines = match endpoint {
            None => vec!["  + operation: not in the spec".to_owned()],
            Some(e) => {
                matched.insert(e.name.as_str());
                operation_drift(spec, e, op)
            }
        };
        if lines.is_empty() {
            continue;
        }
        changed += 1;
        let name = endpoint.map_or(String::new(), |e| format!("  ({})", e.name));
        let _ = writeln!(out, "{}  {} {}{name}", op.id, method(op.method), op.path);
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    let scope = format!("{prefix}/");
    for e in spec.endpoints().filter(|e| e.path.starts_with(&scope)) {
        if !matched.contains(e.name.as_str()) {
            changed += 1;
            let _ = writeln!(
                out,
                "{}  {} {}\n  - operation: in the spec, not in this file",
                e.name,
                method(e.http),
                e.path
            );
        }
    }
    let _ = writeln!(
        out,
        "{changed} operation(s) to review; {} in the file, server prefix `{prefix}`",
        ops.len()
    );
    Ok(out)
}

fn method(http: Http) -> &'static str {
    match http {
        Http::Get => "GET",
        Http::Post => "POST",
        Http::Put => "PUT",
        Http::Delete => "DELETE",
    }
}

/// The differences of one operation that the spec has.
fn operation_drift(spec: &Spec, e: &EndpointDef, op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    for (name, required) in &op.params {
        let Some(p) = e.params.iter().find(|p| &p.name == name) else {
            let kind = if *required { "required" } else { "optional" };
            lines.push(format!("  + param `{name}` ({kind})"));
            continue;
        };
        if p.required != *required {
            lines.push(format!(
                "  ~ param `{name}`: {} in the file, {} in the spec",
                word(*required),
                word(p.required)
            ));
        }
        let theirs = op.enums.get(name).cloned().unwrap_or_default();
        let ours = spec_enum_values(spec, p);
        if !theirs.is_empty() && !ours.is_empty() {
            for v in theirs.iter().filter(|v| !ours.contains(v)) {
                lines.push(format!("  + enum value `{v}` of param `{name}`"));
            }
            for v in ours.iter().filter(|v| !theirs.contains(v)) {
                lines.push(format!(
                    "  - enum value `{v}` of param `{name}` (only in the spec)"
                ));
            }
        }
    }
    for p in e.params.iter().filter(|p| !op.params.contains_key(&p.name)) {
        lines.push(format!("  - param `{}` (only in the spec)", p.name));
    }
    let mut ours = BTreeSet::new();
    if let Ok(ty) = Type::parse(&e.response) {
        spec_fields(spec, &ty, &mut ours, &mut BTreeSet::new());
    }
    // Positional rows have no keys on the wire: their field names are ours alone.
    let row_fields: BTreeSet<&str> = spec
        .files
        .iter()
        .flat_map(|f| &f.structs)
        .filter(|s| s.positional)
        .flat_map(|s| s.fields.iter().map(|f| f.name.as_str()))
        .collect();
    ours.retain(|f| !row_fields.contains(f.as_str()) || op.response_fields.contains(f));
    for field in op.response_fields.difference(&ours) {
        lines.push(format!("  + response field `{field}`"));
    }
    for field in ours.difference(&op.response_fields) {
        lines.push(format!("  - response field `{field}` (only in the spec)"));
    }
    lines
}

fn word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// The values of the enum a parameter takes (directly or as a comma list).
fn spec_enum_values(spec: &Spec, p: &ParamDef) -> Vec<String> {
    let name = match Type::parse(&p.ty) {
        Ok(Type::Named(n)) => n,
        Ok(Type::Csv(inner)) => match *inner {
            Type::Named(n) => n,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    if spec.kinds().get(name.as_str()) != Some(&Kind::Enum) {
        return Vec::new();
    }
    spec.files
        .iter()
        .flat_map(|f| &f.enums)
        .find(|e| e.name == name)
        .map(|e| e.values.iter().map(|v| v.value.clone()).collect())
        .unwrap_or_default()
}
