//! How one parameter (or input-struct field) is stored, set, checked and put
//! on the wire, and the builder half (`new` and setters) that request types
//! and input structs share.

use super::Kinds;
use super::{doc, ident, rust_type};
use crate::model::{FieldDef, Format, ParamDef};
use crate::spec::{Kind, rust_name};
use crate::types::{Scalar, Type};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The builder half shared by request types and input structs: the derives
/// that depend on it, `new(required…)` and one chainable setter per optional
/// field.
pub(super) struct Builder {
    pub derive_default: TokenStream,
    pub new_fn: TokenStream,
    pub setters: Vec<TokenStream>,
}

pub(super) fn builder(codes: &[ParamCode], new_doc: &str) -> Builder {
    let req: Vec<&ParamCode> = codes.iter().filter(|p| p.required).collect();
    let req_args = req.iter().map(|p| {
        let (f, a) = (&p.field, &p.arg);
        quote!(#f: #a)
    });
    let inits = codes.iter().map(|p| {
        let f = &p.field;
        match (p.required, p.convert) {
            (false, _) => quote!(#f: None,),
            (true, Convert::Identity) => quote!(#f,),
            (true, other) => {
                let c = other.apply(f);
                quote!(#f: #c,)
            }
        }
    });
    let (derive_default, body) = if req.is_empty() {
        (quote!(Default,), quote!(Self::default()))
    } else {
        (quote!(), quote!(Self { #(#inits)* }))
    };
    let setters = codes
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let (f, d, a) = (&p.field, &p.doc, &p.arg);
            let c = p.convert.apply(&ident("value"));
            quote! {
                #d
                pub fn #f(mut self, value: #a) -> Self {
                    self.#f = Some(#c);
                    self
                }
            }
        })
        .collect();
    Builder {
        derive_default,
        new_fn: quote! {
            #[doc = #new_doc]
            pub fn new(#(#req_args),*) -> Self { #body }
        },
        setters,
    }
}

/// How one parameter (or input-struct field) is stored, set, checked and put on the wire.
pub(super) struct ParamCode {
    pub field: Ident,
    pub doc: TokenStream,
    pub required: bool,
    /// The stored type.
    pub stored: TokenStream,
    /// The setter's argument type.
    pub arg: TokenStream,
    /// How the setter's argument becomes the stored type.
    pub convert: Convert,
    /// Checks `v: &stored`; `endpoint` names the endpoint in errors.
    pub check: TokenStream,
    /// The wire value of `v`, anything `Into<serde_json::Value>`.
    pub value: TokenStream,
    /// serde attribute for input-struct serialization, if the default is not right.
    pub serialize_with: Option<&'static str>,
}

/// A parameter as the emitter sees it; input-struct fields are parameters too.
pub(super) struct ParamSpec<'a> {
    wire: &'a str,
    rust: Option<&'a String>,
    ty: &'a str,
    required: bool,
    doc: &'a str,
    min: Option<i64>,
    max: Option<i64>,
    allowed: &'a [i64],
    format: Option<Format>,
    max_length: Option<u32>,
}

impl<'a> From<&'a ParamDef> for ParamSpec<'a> {
    fn from(p: &'a ParamDef) -> Self {
        ParamSpec {
            wire: &p.name,
            rust: p.rust.as_ref(),
            ty: &p.ty,
            required: p.required,
            doc: &p.doc,
            min: p.min,
            max: p.max,
            allowed: &p.allowed,
            format: p.format,
            max_length: p.max_length,
        }
    }
}

impl<'a> From<&'a FieldDef> for ParamSpec<'a> {
    fn from(f: &'a FieldDef) -> Self {
        ParamSpec {
            wire: &f.name,
            rust: f.rust.as_ref(),
            ty: &f.ty,
            required: !f.optional,
            doc: &f.doc,
            min: None,
            max: None,
            allowed: &[],
            format: f.format,
            max_length: f.max_length,
        }
    }
}

/// The type-dependent half of a [`ParamCode`].
struct Shape {
    stored: TokenStream,
    arg: TokenStream,
    convert: Convert,
    check: TokenStream,
    value: TokenStream,
    serialize_with: Option<&'static str>,
}

impl Shape {
    fn new(
        stored: TokenStream,
        arg: TokenStream,
        convert: Convert,
        check: TokenStream,
        value: TokenStream,
    ) -> Self {
        Shape {
            stored,
            arg,
            convert,
            check,
            value,
            serialize_with: None,
        }
    }
}

pub(super) fn param_code(p: &ParamSpec, kinds: &Kinds, endpoint: &TokenStream) -> ParamCode {
    let ty = Type::parse(p.ty).unwrap_or(Type::Json);
    let mut shape = scalar_shape(&ty, p, endpoint)
        .or_else(|| compound_shape(&ty, p, kinds, endpoint))
        .unwrap_or_else(|| unreachable_param(&ty));
    let rules = rule_checks(&ty, p, endpoint);
    let check = shape.check;
    shape.check = quote!(#check #rules);
    ParamCode {
        field: ident(&rust_name(p.wire, p.rust)),
        doc: doc(&param_doc(p)),
        required: p.required,
        stored: shape.stored,
        arg: shape.arg,
        convert: shape.convert,
        check: shape.check,
        value: shape.value,
        serialize_with: shape.serialize_with,
    }
}

/// The parameter's doc, with its bounds.
fn param_doc(p: &ParamSpec) -> String {
    let mut doc_text = p.doc.to_owned();
    if let Some(min) = p.min {
        doc_text.push_str(&format!("\n\nMinimum: {min}."));
    }
    if let Some(max) = p.max {
        doc_text.push_str(&format!("\n\nMaximum: {max}."));
    }
    if !p.allowed.is_empty() {
        let list: Vec<String> = p.allowed.iter().map(i64::to_string).collect();
        doc_text.push_str(&format!("\n\nOne of: {}.", list.join(", ")));
    }
    if let Some(format) = p.format {
        let rule = match format {
            Format::Int32 => "a signed 32-bit integer",
            Format::ClOrdId => {
                "a UUID with hyphens, 32 hex characters, or up to 18 printable ASCII characters"
            }
            Format::Deadline => "an RFC 3339 time 2 to 60 seconds ahead of now",
        };
        doc_text.push_str(&format!("\n\nChecked before sending: {rule}."));
    }
    if let Some(n) = p.max_length {
        doc_text.push_str(&format!("\n\nAt most {n} characters."));
    }
    doc_text
}

/// The checks of `format:` and `max_length:`, on `v` (each item of a list).
fn rule_checks(ty: &Type, p: &ParamSpec, endpoint: &TokenStream) -> TokenStream {
    let wire = p.wire;
    let text = if *ty == Type::Secret {
        quote!(v.expose())
    } else {
        quote!(v)
    };
    let format = match p.format {
        None => quote!(),
        Some(Format::Int32) => quote!(crate::validate::int32(#endpoint, #wire, *v)?;),
        Some(Format::ClOrdId) if matches!(ty, Type::List(_)) => quote! {
            for x in v { crate::validate::cl_ord_id(#endpoint, #wire, x)?; }
        },
        Some(Format::ClOrdId) => quote!(crate::validate::cl_ord_id(#endpoint, #wire, #text)?;),
        Some(Format::Deadline) => quote!(crate::validate::deadline(#endpoint, #wire, #text)?;),
    };
    let max_length = match p.max_length {
        None => quote!(),
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
            quote!(crate::validate::max_length(#endpoint, #wire, #text, #n)?;)
        }
    };
    quote!(#format #max_length)
}

/// Strings, integers, secrets, booleans and amounts.
fn scalar_shape(ty: &Type, p: &ParamSpec, endpoint: &TokenStream) -> Option<Shape> {
    let wire = p.wire;
    Some(match ty {
        Type::Scalar(Scalar::String) => Shape::new(
            quote!(String),
            quote!(impl Into<String>),
            Convert::Into,
            quote!(crate::validate::non_empty(#endpoint, #wire, v)?;),
            quote!(v.as_str()),
        ),
        Type::Scalar(Scalar::Int) => {
            let (min, max) = (opt_i64(p.min), opt_i64(p.max));
            let allowed = p
                .allowed
                .iter()
                .map(|a| proc_macro2::Literal::i64_unsuffixed(*a));
            Shape::new(
                quote!(i64),
                quote!(i64),
                Convert::Identity,
                quote!(crate::validate::int(#endpoint, #wire, *v, #min, #max, &[#(#allowed),*])?;),
                quote!(*v),
            )
        }
        // A credential (an OAuth code or refresh token): redacted in Debug output.
        Type::Secret => Shape::new(
            quote!(crate::Secret),
            quote!(impl Into<String>),
            Convert::SecretFrom,
            quote!(crate::validate::non_empty(#endpoint, #wire, v.expose())?;),
            // Kept as a secret in `Params`, so its Debug output stays redacted.
            quote!(v.clone()),
        ),
        Type::Scalar(Scalar::Bool) => Shape::new(
            quote!(bool),
            quote!(bool),
            Convert::Identity,
            quote!(),
            quote!(*v),
        ),
        Type::Amount => Shape::new(
            quote!(crate::Amount),
            quote!(impl Into<crate::Amount>),
            Convert::Into,
            quote!(crate::validate::amount(#endpoint, #wire, v)?;),
            quote!(v.as_str()),
        ),
        _ => return None,
    })
}

/// Enums, input structs, comma lists and JSON lists.
fn compound_shape(
    ty: &Type,
    p: &ParamSpec,
    kinds: &Kinds,
    endpoint: &TokenStream,
) -> Option<Shape> {
    let wire = p.wire;
    let kind_is = |n: &String, kind: Kind| kinds.get(n.as_str()) == Some(&kind);
    Some(match ty {
        Type::Named(n) if kind_is(n, Kind::Enum) => {
            let t = rust_type(ty);
            Shape::new(
                t.clone(),
                quote!(impl Into<#t>),
                Convert::Into,
                quote!(crate::validate::non_empty(#endpoint, #wire, v.as_str())?;),
                quote!(v.as_str()),
            )
        }
        Type::Named(n) if kind_is(n, Kind::InputStruct) => {
            let t = rust_type(ty);
            Shape::new(
                t.clone(),
                quote!(#t),
                Convert::Identity,
                quote!(crate::validate::Check::check(v, #endpoint)?;),
                quote!(crate::validate::json(#endpoint, #wire, v)?),
            )
        }
        Type::Csv(inner) => {
            let t = rust_type(inner);
            let mut shape = Shape::new(
                quote!(Vec<#t>),
                quote!(impl IntoIterator<Item = impl Into<#t>>),
                Convert::CollectInto,
                // Checking builds the joined text; input structs only check (serde joins).
                quote!(let _joined = crate::validate::csv(#endpoint, #wire, v.iter().map(|x| x.as_str()))?;),
                quote!(_joined),
            );
            shape.serialize_with = Some(if p.required {
                "crate::validate::ser_csv"
            } else {
                "crate::validate::ser_opt_csv"
            });
            shape
        }
        Type::List(inner) => {
            let t = rust_type(inner);
            let each = match &**inner {
                Type::Named(_) => quote!(crate::validate::Check::check(x, #endpoint)?;),
                _ => quote!(crate::validate::non_empty(#endpoint, #wire, x)?;),
            };
            Shape::new(
                quote!(Vec<#t>),
                quote!(impl IntoIterator<Item = impl Into<#t>>),
                Convert::CollectInto,
                quote! {
                    crate::validate::not_empty_list(#endpoint, #wire, v)?;
                    for x in v { #each }
                },
                quote!(crate::validate::json(#endpoint, #wire, v)?),
            )
        }
        _ => return None,
    })
}

#[derive(Clone, Copy)]
pub(super) enum Convert {
    Identity,
    Into,
    CollectInto,
    SecretFrom,
}

impl Convert {
    pub(super) fn apply(self, value: &Ident) -> TokenStream {
        match self {
            Convert::Identity => quote!(#value),
            Convert::Into => quote!(#value.into()),
            Convert::CollectInto => quote!(#value.into_iter().map(Into::into).collect()),
            Convert::SecretFrom => quote!(crate::Secret::from(#value.into())),
        }
    }
}

fn unreachable_param(ty: &Type) -> Shape {
    // Validation rejects these before emission; emit a compile error if one slips through.
    let msg = format!("kraken-codegen: `{ty}` cannot be a parameter");
    Shape::new(
        quote!(()),
        quote!(()),
        Convert::Identity,
        quote!(compile_error!(#msg);),
        quote!(()),
    )
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v.map(proc_macro2::Literal::i64_unsuffixed) {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// `exclusive:` at most one of each group may be set; `params` pairs each
/// parameter's code with its wire name.
pub(super) fn exclusive_checks<'a>(
    groups: &[Vec<String>],
    params: impl Iterator<Item = (&'a ParamCode, &'a str)> + Clone,
    endpoint: &TokenStream,
) -> TokenStream {
    let checks = groups.iter().map(|group| {
        let fields = group.iter().filter_map(|name| {
            params
                .clone()
                .find(|(_, wire)| wire == name)
                .map(|(p, _)| &p.field)
        });
        let names: Vec<String> = group.iter().map(|n| format!("`{n}`")).collect();
        let reason = format!(
            "set only one of {} (Kraken refuses them together)",
            names.join(", ")
        );
        let first = &group[0];
        quote! {
            if [#(self.#fields.is_some()),*].iter().filter(|set| **set).count() > 1 {
                return Err(crate::validate::invalid(#endpoint, #first, #reason.into()));
            }
        }
    });
    quote!(#(#checks)*)
}
