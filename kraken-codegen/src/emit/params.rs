//! How one parameter (or input-struct field) is stored, set, checked and put
//! on the wire, and the builder half (`new` and setters) that request types
//! and input structs share.

use super::Kinds;
use super::{doc, ident, rust_type};
use crate::model::{FieldDef, ParamDef};
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
    let shape = scalar_shape(&ty, p, endpoint)
        .or_else(|| compound_shape(&ty, p, kinds, endpoint))
        .unwrap_or_else(|| unreachable_param(&ty));
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
    doc_text
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
            quote!(v.expose()),
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
