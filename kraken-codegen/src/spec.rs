//! Loading and validating the spec. Every error names the file and the item.

use crate::model::*;
use crate::types::{Scalar, Type};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};

/// A validated spec file.
#[derive(Debug)]
pub struct SpecFile {
    /// File stem: the generated module's name.
    pub stem: String,
    pub doc: String,
    pub enums: Vec<EnumDef>,
    pub structs: Vec<StructDef>,
    pub endpoints: Vec<EndpointDef>,
}

/// The whole validated spec.
#[derive(Debug)]
pub struct Spec {
    pub files: Vec<SpecFile>,
    /// Kraken's error catalogue (`spec/errors.yaml`), if the spec has one.
    pub errors: Option<ErrorCatalogue>,
}

/// What a named type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Enum,
    Struct,
    PositionalStruct,
    /// A request-side object (`input: true`).
    InputStruct,
}

impl Kind {
    fn of(s: &StructDef) -> Kind {
        if s.input {
            Kind::InputStruct
        } else if s.positional {
            Kind::PositionalStruct
        } else {
            Kind::Struct
        }
    }
}

impl Spec {
    pub fn kinds(&self) -> BTreeMap<&str, Kind> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            for e in &f.enums {
                out.insert(e.name.as_str(), Kind::Enum);
            }
            for s in &f.structs {
                out.insert(s.name.as_str(), Kind::of(s));
            }
        }
        out
    }

    pub fn endpoints(&self) -> impl Iterator<Item = &EndpointDef> {
        self.files.iter().flat_map(|f| f.endpoints.iter())
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RUST_KEYWORDS.contains(&s)
}

/// The Rust name of a param or field: its `rust` override, else its wire name in snake_case.
pub fn rust_name(wire: &str, rust: Option<&String>) -> String {
    rust.cloned().unwrap_or_else(|| wire.to_snake_case())
}

/// The Rust variant name of an enum value.
pub fn variant_name(v: &EnumValue) -> String {
    v.rust
        .clone()
        .unwrap_or_else(|| v.value.to_upper_camel_case())
}

/// Parses one spec file's text. `path` is only used in messages.
pub fn parse_file(path: &str, stem: &str, text: &str) -> Result<SpecFile, String> {
    let raw: RawFile = serde_yaml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
    if raw.doc.trim().is_empty() {
        return Err(format!("{path}: the file's `doc` is empty"));
    }
    fn items<T: serde::de::DeserializeOwned>(
        path: &str,
        what: &str,
        values: Vec<serde_yaml::Value>,
    ) -> Result<Vec<T>, String> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let name = v
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("#{}", i + 1));
                serde_yaml::from_value(v).map_err(|e| format!("{path}: {what} `{name}`: {e}"))
            })
            .collect()
    }
    Ok(SpecFile {
        stem: stem.to_owned(),
        doc: raw.doc,
        enums: items(path, "enum", raw.enums)?,
        structs: items(path, "struct", raw.structs)?,
        endpoints: items(path, "endpoint", raw.endpoints)?,
    })
}

/// The file stem of the error catalogue, which has its own shape.
pub const ERRORS_STEM: &str = "errors";

/// Parses and checks `spec/errors.yaml`.
pub fn parse_errors(path: &str, text: &str) -> Result<ErrorCatalogue, String> {
    let catalogue: ErrorCatalogue =
        serde_yaml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
    let mut errors = Vec::new();
    check_doc(&catalogue.doc, path, &mut errors);
    let mut seen = BTreeSet::new();
    for def in &catalogue.errors {
        let at = format!("{path}: error `{}`", def.code);
        check_doc(&def.meaning, &format!("{at}: meaning"), &mut errors);
        if !seen.insert(def.code.as_str()) {
            errors.push(format!("{at}: duplicate code"));
        }
        if !ERROR_CATEGORIES.contains(&def.category.as_str()) {
            errors.push(format!(
                "{at}: category `{}` is not one of {}",
                def.category,
                ERROR_CATEGORIES.join(", ")
            ));
        }
        // `E<Category>:<text>`. The text may start with a space: Kraken writes
        // `EService: Throttled` that way, and codes are kept verbatim.
        let prefix = format!("E{}:", def.category);
        match def.code.strip_prefix(&prefix) {
            Some(text) if !text.trim().is_empty() && text.trim_end() == text => {}
            _ => errors.push(format!(
                "{at}: the code must be `{prefix}<text>` (E, its category, a colon, Kraken's text)"
            )),
        }
    }
    if errors.is_empty() {
        Ok(catalogue)
    } else {
        Err(errors.join("\n"))
    }
}

/// Checks the spec as a whole: names, docs and types. Every error names the
/// file and the item; all of them are reported at once.
pub fn validate(files: Vec<SpecFile>) -> Result<Spec, String> {
    let mut errors = Vec::new();
    let types = Types::collect(&files, &mut errors);
    check_endpoint_names(&files, &mut errors);
    for f in &files {
        let path = format!("spec/{}.yaml", f.stem);
        for e in &f.enums {
            check_enum(e, &format!("{path}: enum `{}`", e.name), &mut errors);
        }
        for s in &f.structs {
            let at = format!("{path}: struct `{}`", s.name);
            check_struct(s, &at, &types, &mut errors);
        }
        for e in &f.endpoints {
            let at = format!("{path}: endpoint `{}`", e.name);
            check_endpoint(e, &at, &types, &mut errors);
            check_endpoint_facts(e, &at, &types, &mut errors);
        }
    }
    if errors.is_empty() {
        Ok(Spec {
            files,
            errors: None,
        })
    } else {
        Err(errors.join("\n"))
    }
}

/// Every declared type, by name: the file that declares it and its kind.
struct Types<'a> {
    by_name: BTreeMap<&'a str, (String, Kind)>,
    structs: BTreeMap<&'a str, &'a StructDef>,
}

impl<'a> Types<'a> {
    /// Collects the declared types, refusing a name declared twice.
    fn collect(files: &'a [SpecFile], errors: &mut Vec<String>) -> Self {
        let mut types = Types {
            by_name: BTreeMap::new(),
            structs: BTreeMap::new(),
        };
        for f in files {
            let path = format!("spec/{}.yaml", f.stem);
            let enums = f.enums.iter().map(|e| (&e.name, "enum", Kind::Enum));
            let structs = f.structs.iter().map(|s| (&s.name, "struct", Kind::of(s)));
            for (name, what, kind) in enums.chain(structs) {
                if let Some((other, _)) = types.by_name.insert(name, (path.clone(), kind)) {
                    errors.push(format!(
                        "{path}: {what} `{name}`: duplicate type name (also in {other})"
                    ));
                }
            }
            types
                .structs
                .extend(f.structs.iter().map(|s| (s.name.as_str(), s)));
        }
        types
    }

    fn kind_of(&self, name: &str) -> Option<Kind> {
        self.by_name.get(name).map(|(_, k)| *k)
    }

    /// Refuses names in `ty` that no spec file declares.
    fn resolve(&self, ty: &Type, at: &str, errors: &mut Vec<String>) {
        for name in ty.names() {
            if !self.by_name.contains_key(name) {
                errors.push(format!(
                    "{at}: type `{name}` is not declared in any spec file"
                ));
            }
        }
    }
}

fn check_endpoint_names(files: &[SpecFile], errors: &mut Vec<String>) {
    let mut seen = BTreeMap::new();
    for f in files {
        let path = format!("spec/{}.yaml", f.stem);
        for e in &f.endpoints {
            if let Some(other) = seen.insert(e.name.as_str(), path.clone()) {
                errors.push(format!(
                    "{path}: endpoint `{}`: duplicate endpoint name (also in {other})",
                    e.name
                ));
            }
        }
    }
}

fn check_enum(e: &EnumDef, at: &str, errors: &mut Vec<String>) {
    check_type_name(&e.name, at, errors);
    check_doc(&e.doc, at, errors);
    if e.values.is_empty() {
        errors.push(format!("{at}: has no values"));
    }
    let mut seen = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for v in &e.values {
        let vat = format!("{at}: value `{}`", v.value);
        check_doc(&v.doc, &vat, errors);
        if !seen.insert(v.value.clone()) {
            errors.push(format!("{vat}: duplicate value"));
        }
        let variant = variant_name(v);
        if variant == "Unknown"
            || !is_ident(&variant)
            || !variant.starts_with(|c: char| c.is_ascii_uppercase())
        {
            errors.push(format!(
                "{vat}: `{variant}` is not a usable variant name; set `rust:`"
            ));
        }
        if !variants.insert(variant.clone()) {
            errors.push(format!(
                "{vat}: variant `{variant}` is used twice; set `rust:`"
            ));
        }
    }
}

fn check_struct(s: &StructDef, at: &str, types: &Types, errors: &mut Vec<String>) {
    check_type_name(&s.name, at, errors);
    check_doc(&s.doc, at, errors);
    let mut seen = BTreeSet::new();
    let mut optional_seen = false;
    for field in &s.fields {
        let fat = format!("{at}: field `{}`", field.name);
        check_field(s, field, &fat, types, errors);
        let rust = rust_name(&field.name, field.rust.as_ref());
        if !seen.insert(field.name.clone()) || !seen.insert(format!("rust:{rust}")) {
            errors.push(format!("{fat}: duplicate field"));
        }
        if s.positional {
            if optional_seen && !field.optional {
                errors.push(format!(
                    "{fat}: a required positional field cannot follow an optional one"
                ));
            }
            optional_seen |= field.optional;
        }
    }
    if s.input && s.positional {
        errors.push(format!("{at}: an input struct cannot be positional"));
    }
    for skipped in &s.skipped {
        let sat = format!("{at}: skipped `{}`", skipped.name);
        check_doc(&skipped.reason, &sat, errors);
    }
    if !s.input && !s.exclusive.is_empty() {
        errors.push(format!("{at}: `exclusive` is for input structs"));
    }
    let optional: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.optional)
        .map(|f| f.name.as_str())
        .collect();
    check_exclusive(&s.exclusive, &optional, "field", at, errors);
    if !s.require_one_of.is_empty() && (s.input || s.positional) {
        errors.push(format!(
            "{at}: `require_one_of` is for response objects (not input or positional structs)"
        ));
    }
    if s.allow_empty && (s.input || s.positional || !s.require_one_of.is_empty()) {
        errors.push(format!(
            "{at}: `allow_empty` is for response objects without `require_one_of`"
        ));
    }
    if s.allow_empty && optional.len() != s.fields.len() {
        errors.push(format!(
            "{at}: `allow_empty` is for structs whose fields are all optional"
        ));
    }
    for name in s
        .require_one_of
        .iter()
        .filter(|n| !optional.contains(&n.as_str()))
    {
        errors.push(format!(
            "{at}: require_one_of names `{name}`, which is not an optional field"
        ));
    }
}

/// `exclusive:` groups of two or more optional params (or input-struct fields).
fn check_exclusive(
    groups: &[Vec<String>],
    optional: &[&str],
    what: &str,
    at: &str,
    errors: &mut Vec<String>,
) {
    for group in groups {
        if group.len() < 2 {
            errors.push(format!(
                "{at}: an `exclusive` group needs two or more names"
            ));
        }
        for name in group.iter().filter(|n| !optional.contains(&n.as_str())) {
            errors.push(format!(
                "{at}: exclusive names `{name}`, which is not an optional {what}"
            ));
        }
    }
}

/// `format:` and `max_length:` fit the type they check.
fn check_format(
    ty: &Type,
    format: Option<Format>,
    max_length: Option<u32>,
    at: &str,
    errors: &mut Vec<String>,
) {
    let string = matches!(ty, Type::Scalar(Scalar::String) | Type::Secret);
    let strings = string || *ty == Type::List(Box::new(Type::Scalar(Scalar::String)));
    let fits = match format {
        None => true,
        Some(Format::Int32) => *ty == Type::Scalar(Scalar::Int),
        Some(Format::ClOrdId) => strings,
        Some(Format::Deadline) => string,
    };
    if !fits {
        errors.push(format!(
            "{at}: `format: {}` does not fit `{ty}` (int32: int; cl_ord_id: string or list<string>; deadline: string)",
            format.map(|f| format!("{f:?}").to_snake_case()).unwrap_or_default()
        ));
    }
    if max_length.is_some() && !string {
        errors.push(format!("{at}: max_length is for string parameters"));
    }
}

/// One field: its doc, Rust name and type (parameter types in input structs,
/// response types elsewhere).
fn check_field(
    s: &StructDef,
    field: &FieldDef,
    fat: &str,
    types: &Types,
    errors: &mut Vec<String>,
) {
    check_doc(&field.doc, fat, errors);
    let rust = rust_name(&field.name, field.rust.as_ref());
    if !is_ident(&rust) {
        errors.push(format!(
            "{fat}: `{rust}` is not a usable Rust name; set `rust:`"
        ));
    }
    if rust == "extra" && !s.input && !s.positional {
        errors.push(format!(
            "{fat}: `extra` holds the keys the spec does not model; set `rust:`"
        ));
    }
    let ty = match Type::parse(&field.ty) {
        Ok(ty) => ty,
        Err(e) => return errors.push(format!("{fat}: {e}")),
    };
    types.resolve(&ty, fat, errors);
    let kind_of = |n: &str| types.kind_of(n);
    if !s.input && (field.format.is_some() || field.max_length.is_some()) {
        errors.push(format!(
            "{fat}: format and max_length are for input structs"
        ));
    }
    check_format(&ty, field.format, field.max_length, fat, errors);
    if s.input {
        if !is_param_type(&ty, &kind_of, true) {
            errors.push(format!(
                "{fat}: `{ty}` cannot be a field of an input struct (use a parameter type)"
            ));
        }
    } else if output_misuse(&ty, &kind_of) {
        errors.push(format!(
            "{fat}: `{ty}` is only for parameters or whole responses"
        ));
    }
}

/// `{name}` placeholders in the path match the required `in: path`
/// parameters one to one; `in:` is only for Funding (Beta) calls.
fn check_locations(e: &EndpointDef, at: &str, errors: &mut Vec<String>) {
    let placeholders: BTreeSet<&str> = e
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let in_path: BTreeSet<&str> = e
        .params
        .iter()
        .filter(|p| p.location == Some(ParamLocation::Path))
        .map(|p| p.name.as_str())
        .collect();
    if placeholders != in_path {
        errors.push(format!(
            "{at}: the path's placeholders {placeholders:?} and the `in: path` parameters {in_path:?} differ"
        ));
    }
    for p in &e.params {
        if p.location == Some(ParamLocation::Path) && !p.required {
            errors.push(format!(
                "{at}: param `{}`: path parameters are required",
                p.name
            ));
        }
        if p.location.is_some() && e.auth != AuthKind::Funding {
            errors.push(format!(
                "{at}: param `{}`: `in:` is for funding endpoints",
                p.name
            ));
        }
    }
    if (e.auth == AuthKind::Funding) != (e.envelope == EnvelopeKind::Status) {
        errors.push(format!(
            "{at}: funding endpoints, and only they, use `envelope: status`"
        ));
    }
}

/// An endpoint's name, path, encoding, response and `require_one_of`, then each parameter.
fn check_endpoint(e: &EndpointDef, at: &str, types: &Types, errors: &mut Vec<String>) {
    check_doc(&e.doc, at, errors);
    if !is_ident(&e.name) || e.name != e.name.to_snake_case() {
        errors.push(format!(
            "{at}: the name must be a snake_case Rust identifier"
        ));
    }
    if !e.path.starts_with('/') {
        errors.push(format!("{at}: path `{}` must start with `/`", e.path));
    }
    if e.http == Http::Get && e.encoding != EncodingKind::Query {
        errors.push(format!("{at}: GET parameters travel in the query"));
    }
    if e.auth == AuthKind::ApiKey && e.encoding == EncodingKind::Query {
        errors.push(format!(
            "{at}: api_key calls sign a body; use form or json encoding"
        ));
    }
    check_response(e, at, types, errors);
    check_locations(e, at, errors);
    for name in &e.require_one_of {
        if !e.params.iter().any(|p| &p.name == name && !p.required) {
            errors.push(format!(
                "{at}: require_one_of names `{name}`, which is not an optional param"
            ));
        }
    }
    if e.require_one_of.len() == 1 {
        errors.push(format!(
            "{at}: require_one_of needs two or more params (or make the one required)"
        ));
    }
    let optional: Vec<&str> = e
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| p.name.as_str())
        .collect();
    check_exclusive(&e.exclusive, &optional, "param", at, errors);
    let mut seen = BTreeSet::new();
    for p in &e.params {
        let pat = format!("{at}: param `{}`", p.name);
        check_param(e, p, &pat, &mut seen, types, errors);
    }
}

fn check_response(e: &EndpointDef, at: &str, types: &Types, errors: &mut Vec<String>) {
    let ty = match Type::parse(&e.response) {
        Ok(ty) => ty,
        Err(err) => return errors.push(format!("{at}: response: {err}")),
    };
    types.resolve(&ty, &format!("{at}: response"), errors);
    if ty != Type::Bytes && output_misuse(&ty, &|n| types.kind_of(n)) {
        errors.push(format!("{at}: response: `{ty}` cannot be a response type"));
    }
    if (ty == Type::Bytes) != (e.envelope == EnvelopeKind::Bytes) {
        errors.push(format!(
            "{at}: `bytes` responses need `envelope: bytes` and vice versa"
        ));
    }
}

/// One parameter: doc, names (unique unless alternatives in one group) and type.
fn check_param(
    e: &EndpointDef,
    p: &ParamDef,
    pat: &str,
    seen: &mut BTreeSet<String>,
    types: &Types,
    errors: &mut Vec<String>,
) {
    check_doc(&p.doc, pat, errors);
    let rust = rust_name(&p.name, p.rust.as_ref());
    if !is_ident(&rust) {
        errors.push(format!(
            "{pat}: `{rust}` is not a usable Rust name; set `rust:`"
        ));
    }
    if ["nonce", "otp"].contains(&p.name.as_str()) {
        errors.push(format!(
            "{pat}: `{}` is added by the runtime; do not declare it",
            p.name
        ));
    }
    let wire_key = match &p.group {
        Some(g) => format!("{}@{g}", p.name),
        None => p.name.clone(),
    };
    let shares_wire_name_outside_group = e
        .params
        .iter()
        .any(|q| q.name == p.name && q.group != p.group);
    if !seen.insert(format!("rust:{rust}"))
        || (!seen.insert(wire_key) && p.group.is_none())
        || shares_wire_name_outside_group
    {
        errors.push(format!(
            "{pat}: duplicate parameter (alternatives sharing a wire name need the same `group`)"
        ));
    }
    if p.group.is_some() && p.required {
        errors.push(format!(
            "{pat}: a grouped (alternative) parameter cannot be required"
        ));
    }
    check_param_type(e, p, pat, types, errors);
}

fn check_param_type(
    e: &EndpointDef,
    p: &ParamDef,
    pat: &str,
    types: &Types,
    errors: &mut Vec<String>,
) {
    let ty = match Type::parse(&p.ty) {
        Ok(ty) => ty,
        Err(err) => return errors.push(format!("{pat}: {err}")),
    };
    types.resolve(&ty, pat, errors);
    // Objects travel as JSON, or deep-object style in a Funding (Beta) query.
    let objects = e.encoding == EncodingKind::Json || e.auth == AuthKind::Funding;
    if !is_param_type(&ty, &|n| types.kind_of(n), objects) {
        errors.push(format!(
            "{pat}: `{ty}` cannot be a parameter (use string, int, bool, amount, an enum, csv<enum|string>, or with json encoding an input struct, list<string> or list<InputStruct>)"
        ));
    }
    let int = ty == Type::Scalar(Scalar::Int);
    if !int && (p.min.is_some() || p.max.is_some() || !p.allowed.is_empty()) {
        errors.push(format!(
            "{pat}: min, max and allowed are for int parameters"
        ));
    }
    check_format(&ty, p.format, p.max_length, pat, errors);
}

/// Types a parameter (or an input struct's field) can have. Objects and
/// lists need a JSON body.
fn is_param_type(ty: &Type, kind_of: &dyn Fn(&str) -> Option<Kind>, json: bool) -> bool {
    match ty {
        Type::Scalar(Scalar::String | Scalar::Int | Scalar::Bool) | Type::Amount | Type::Secret => {
            true
        }
        Type::Named(n) => {
            kind_of(n) == Some(Kind::Enum) || (json && kind_of(n) == Some(Kind::InputStruct))
        }
        Type::Csv(inner) => match &**inner {
            Type::Scalar(Scalar::String) => true,
            Type::Named(n) => kind_of(n) == Some(Kind::Enum),
            _ => false,
        },
        Type::List(inner) => {
            json && match &**inner {
                Type::Scalar(Scalar::String) => true,
                Type::Named(n) => kind_of(n) == Some(Kind::InputStruct),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether a response-side type uses something only requests can.
fn output_misuse(ty: &Type, kind_of: &dyn Fn(&str) -> Option<Kind>) -> bool {
    match ty {
        Type::Amount | Type::Csv(_) | Type::Bytes => true,
        Type::Named(n) => kind_of(n) == Some(Kind::InputStruct),
        Type::List(t) | Type::Map(t) | Type::WithLast(t) | Type::ListPage(t) => {
            output_misuse(t, kind_of)
        }
        Type::Either(a, b) => [a, b]
            .iter()
            .any(|t| output_misuse(t, kind_of) || matches!(***t, Type::WithLast(_))),
        _ => false,
    }
}

fn check_doc(doc: &str, at: &str, errors: &mut Vec<String>) {
    if doc.trim().is_empty() {
        errors.push(format!("{at}: missing doc"));
    }
}

fn check_type_name(name: &str, at: &str, errors: &mut Vec<String>) {
    if !is_ident(name) || name != name.to_upper_camel_case() {
        errors.push(format!("{at}: type names are UpperCamelCase identifiers"));
    }
}

/// The keys the runtime acts on: `effect`, `permission`, `trading`, `client_order_id`.
fn check_endpoint_facts(e: &EndpointDef, at: &str, types: &Types, errors: &mut Vec<String>) {
    match (e.auth, &e.permission) {
        (AuthKind::ApiKey | AuthKind::Funding, None) => errors.push(format!(
            "{at}: api_key endpoints need `permission:` (a permission name, `none`, `{{any_of: [..]}}` or `{{all_of: [..]}}`)"
        )),
        (AuthKind::ApiKey | AuthKind::Funding, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(format!(
            "{at}: `permission:` is only for api_key endpoints (others need no key permission)"
        )),
    }
    if e.auth == AuthKind::Public && e.effect != EffectKind::Read {
        errors.push(format!("{at}: public endpoints are `effect: read`"));
    }
    if e.moves.is_some() && e.effect != EffectKind::Write {
        errors.push(format!(
            "{at}: `moves:` is for endpoints with `effect: write`"
        ));
    }
    let is_param = |name: &str| e.params.iter().any(|p| p.name == name);
    if let Some(t) = &e.trading {
        if e.effect != EffectKind::Write || e.auth != AuthKind::ApiKey {
            errors.push(format!(
                "{at}: `trading:` is for api_key endpoints with `effect: write`"
            ));
        }
        for name in t.pair.iter().chain(&t.orders).chain(&t.new_orders) {
            if !is_param(name) {
                errors.push(format!("{at}: trading: `{name}` is not a parameter"));
            }
        }
        if t.new_orders.is_some() != (t.action == TradingActionKind::BatchAdd) {
            errors.push(format!(
                "{at}: trading: `new_orders` is required for, and only for, `action: batch_add`"
            ));
        }
    }
    if let Some(c) = &e.client_order_id {
        check_client_order_id(e, c, at, types, errors);
    }
    if let Some(p) = &e.paging {
        check_paging(e, p, at, types, errors);
    }
}

/// `paging:` names a parameter and fields that exist with the right types:
/// offset, a `map<item>` and a total; cursor, a `list<item>` and a next
/// cursor (on the result, or on the second shape of an `either<list<item>, Page>`);
/// since, a `with_last<list<item>>` result.
fn check_paging(e: &EndpointDef, p: &PagingDef, at: &str, types: &Types, errors: &mut Vec<String>) {
    let at = format!("{at}: paging");
    if !e.params.iter().any(|q| q.name == p.param) {
        errors.push(format!("{at}: `{}` is not a parameter", p.param));
    }
    let item = match Type::parse(&p.item) {
        Ok(t) => t,
        Err(e) => return errors.push(format!("{at}: item: {e}")),
    };
    for name in &p.clears {
        let optional = e.params.iter().any(|q| &q.name == name && !q.required);
        if !optional || p.kind != PagingKind::Cursor || *name == p.param {
            errors.push(format!(
                "{at}: clears: `{name}` must be another optional parameter of a cursor-paged call"
            ));
        }
    }
    let field_type =
        |s: &StructDef, name: &Option<String>, what: &str, errors: &mut Vec<String>| {
            let Some(name) = name else {
                errors.push(format!("{at}: `{what}:` is required for this kind"));
                return None;
            };
            let found = s.fields.iter().find(|f| &f.name == name);
            if found.is_none() {
                errors.push(format!("{at}: `{name}` is not a field of `{}`", s.name));
            }
            found.and_then(|f| Type::parse(&f.ty).ok())
        };
    let response = Type::parse(&e.response).unwrap_or(Type::Json);
    let page = match (&p.kind, &response) {
        (PagingKind::Since, _) => {
            if response != Type::WithLast(Box::new(Type::List(Box::new(item.clone())))) {
                errors.push(format!(
                    "{at}: `since` paging needs a `with_last<list<{}>>` result",
                    p.item
                ));
            }
            return;
        }
        (PagingKind::Cursor, Type::Either(first, second)) => {
            if **first != Type::List(Box::new(item.clone())) {
                errors.push(format!("{at}: the first shape must be `list<{}>`", p.item));
            }
            second.as_ref().clone()
        }
        _ => response,
    };
    // A `list_page<item>` has its own fields: `items` and `next_cursor`.
    if let Type::ListPage(t) = &page {
        if **t != item {
            errors.push(format!("{at}: the page must be `list_page<{}>`", p.item));
        }
        if p.items.as_deref() != Some("items") || p.next.as_deref() != Some("next_cursor") {
            errors.push(format!(
                "{at}: a `list_page` pages with `items: items` and `next: next_cursor`"
            ));
        }
        return;
    }
    let Some(s) = (match &page {
        Type::Named(n) => types.structs.get(n.as_str()).copied(),
        _ => None,
    }) else {
        return errors.push(format!(
            "{at}: the result (or its page shape) must be a struct"
        ));
    };
    let items = field_type(s, &p.items, "items", errors);
    match p.kind {
        PagingKind::Offset => {
            if items.is_some_and(|t| t != Type::Map(Box::new(item.clone()))) {
                errors.push(format!("{at}: offset paging needs `map<{}>` items", p.item));
            }
            field_type(s, &p.total, "total", errors);
        }
        PagingKind::Cursor => {
            if items.is_some_and(|t| t != Type::List(Box::new(item.clone()))) {
                errors.push(format!(
                    "{at}: cursor paging needs `list<{}>` items",
                    p.item
                ));
            }
            field_type(s, &p.next, "next", errors);
        }
        PagingKind::Since => {}
    }
}

/// `client_order_id:` names a parameter, or with `list:` a field of each
/// element of a `list<InputStruct>` parameter.
fn check_client_order_id(
    e: &EndpointDef,
    c: &ClientOrderIdDef,
    at: &str,
    types: &Types,
    errors: &mut Vec<String>,
) {
    let is_param = |name: &str| e.params.iter().any(|p| p.name == name);
    if e.effect != EffectKind::Write || e.auth != AuthKind::ApiKey {
        errors.push(format!(
            "{at}: `client_order_id:` is for api_key endpoints with `effect: write`"
        ));
    }
    if let Some(d) = c.deadline.as_deref().filter(|d| !is_param(d)) {
        errors.push(format!(
            "{at}: client_order_id: `deadline: {d}` is not a parameter"
        ));
    }
    let names = std::iter::once(&c.field).chain(&c.exclusive_with);
    match &c.list {
        None => {
            for name in names.filter(|n| !is_param(n)) {
                errors.push(format!(
                    "{at}: client_order_id: `{name}` is not a parameter"
                ));
            }
        }
        Some(list) => {
            let item =
                e.params
                    .iter()
                    .find(|p| &p.name == list)
                    .and_then(|p| match Type::parse(&p.ty) {
                        Ok(Type::List(inner)) => match *inner {
                            Type::Named(n) => types.structs.get(n.as_str()).copied(),
                            _ => None,
                        },
                        _ => None,
                    });
            match item {
                None => errors.push(format!(
                    "{at}: client_order_id: `list: {list}` must name a parameter of type list<InputStruct>"
                )),
                Some(s) => {
                    for name in names.filter(|n| !s.fields.iter().any(|f| &f.name == *n)) {
                        errors.push(format!(
                            "{at}: client_order_id: `{name}` is not a field of `{}`",
                            s.name
                        ));
                    }
                }
            }
        }
    }
}
