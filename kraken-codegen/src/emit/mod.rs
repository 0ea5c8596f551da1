//! Turns the validated spec into Rust source. Only describes endpoints and
//! types; everything behavioural lives in kraken-spot's runtime.
//!
//! One module per kind of output: `enums`, `structs` (response rows and
//! records, and request-side input structs), `params` (how a parameter is
//! stored, set, checked and sent; shared by endpoints and input structs),
//! `endpoints` (with `examples`, each method's doc example), `errors` (the
//! error catalogue), `names` (`generated/names.md`) and `registry`
//! (`generated/mod.rs`), plus the `kraken-spot` binary's `cli` command
//! table and `mcp` tool schemas. A new output is a new module called from [`emit`].

mod cli;
mod endpoints;
mod enums;
mod errors;
mod examples;
mod mcp;
mod names;
mod params;
mod registry;
mod structs;

use crate::spec::{Kind, Spec, SpecFile};
use crate::types::{Scalar, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

type Kinds<'a> = BTreeMap<&'a str, Kind>;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// `#[doc = "…"]` lines, one per line of the spec text.
fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {}", l.trim_end()));
    quote! { #( #[doc = #lines] )* }
}

/// The first line of a doc text, as a doc comment.
fn first_line_doc(text: &str) -> TokenStream {
    doc(text.lines().next().unwrap_or(""))
}

fn opt_str(v: Option<&str>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The Rust type for a spec type.
fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::Scalar(Scalar::String) => quote!(String),
        Type::Scalar(Scalar::Int) => quote!(i64),
        Type::Scalar(Scalar::U64) => quote!(u64),
        Type::Scalar(Scalar::Bool) => quote!(bool),
        Type::Scalar(Scalar::Decimal | Scalar::Time) => quote!(::rust_decimal::Decimal),
        Type::Amount => quote!(crate::Amount),
        Type::Secret => quote!(crate::Secret),
        Type::Json => quote!(crate::RawJson),
        Type::Bytes => quote!(Vec<u8>),
        Type::List(t) | Type::Csv(t) => {
            let t = rust_type(t);
            quote!(Vec<#t>)
        }
        Type::Map(t) => {
            let t = rust_type(t);
            quote!(crate::Map<#t>)
        }
        Type::WithLast(t) => {
            let t = rust_type(t);
            quote!(crate::WithLast<#t>)
        }
        Type::ListPage(t) => {
            let t = rust_type(t);
            quote!(crate::ListPage<#t>)
        }
        Type::Either(a, b) => {
            let (a, b) = (rust_type(a), rust_type(b));
            quote!(crate::Either<#a, #b>)
        }
        Type::Named(n) => {
            let n = ident(n);
            quote!(super::#n)
        }
    }
}

/// Emits one module per spec file, `errors.rs` when the spec has an error
/// catalogue, `names.md` (Kraken's names to ours, for the crate docs) and
/// `mod.rs`.
pub fn emit(spec: &Spec) -> Vec<(String, String)> {
    let kinds = spec.kinds();
    let mut out: Vec<(String, String)> = spec
        .files
        .iter()
        .map(|f| {
            (
                format!("{}.rs", f.stem),
                render(&f.stem, &f.doc, emit_file(f, &kinds)),
            )
        })
        .collect();
    if let Some(catalogue) = &spec.errors {
        out.push((
            "errors.rs".into(),
            render("errors", &catalogue.doc, errors::emit_errors(catalogue)),
        ));
    }
    out.push(("names.md".into(), names::emit_names(spec)));
    out.push((
        "cli.rs".into(),
        render(
            "cli",
            "The `kraken-spot` command table and dispatch (feature `cli`), generated from the spec.",
            cli::emit_cli(spec),
        ),
    ));
    out.push((
        "mcp.rs".into(),
        render(
            "mcp",
            "MCP tool input schemas (feature `cli`), generated from the spec.",
            mcp::emit_mcp(spec),
        ),
    ));
    out.push((
        "mod.rs".into(),
        render(
            "mod",
            "Everything generated from `spec/`: one module per spec file, all re-exported here.",
            registry::emit_registry(spec),
        ),
    ));
    out
}

/// One spec file's module: its enums, structs and endpoints.
fn emit_file(f: &SpecFile, kinds: &Kinds) -> TokenStream {
    let enums = f.enums.iter().map(enums::emit_enum);
    let structs = f.structs.iter().map(|s| {
        if s.input {
            structs::emit_input_struct(s, kinds)
        } else {
            structs::emit_struct(s)
        }
    });
    let endpoints = f
        .endpoints
        .iter()
        .map(|e| endpoints::emit_endpoint(e, kinds));
    quote! { #(#enums)* #(#structs)* #(#endpoints)* }
}

/// Formats tokens as a generated file, with its header and module doc.
fn render(stem: &str, module_doc: &str, tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens) {
        Ok(f) => f,
        Err(e) => {
            return format!(
                "compile_error!(\"kraken-codegen produced invalid Rust for {stem}: {e}\");\n"
            );
        }
    };
    let source = if matches!(stem, "mod" | "cli" | "mcp") {
        "the files in spec/".to_owned()
    } else {
        format!("spec/{stem}.yaml")
    };
    let mut text = format!(
        "// @generated by kraken-codegen from {source}. Do not edit: change the spec or the\n// generator, then run `cargo xtask codegen`.\n\n"
    );
    for line in module_doc.trim().lines() {
        text.push_str(&format!("//! {}\n", line.trim_end()).replace("//! \n", "//!\n"));
    }
    text.push('\n');
    text.push_str(&prettyplease::unparse(&file));
    text
}
