//! Structs: response records, positional rows (decoded from JSON arrays) and
//! request-side input structs (sent as JSON inside a parameter).

use super::params::{Builder, ParamCode, ParamSpec, builder, exclusive_checks, param_code};
use super::{Kinds, doc, ident, rust_type};
use crate::model::{FieldDef, StructDef};
use crate::spec::rust_name;
use crate::types::Type;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The struct's doc comment, with the keys it deliberately leaves out.
fn struct_docs(s: &StructDef) -> TokenStream {
    let mut docs_text = s.doc.clone();
    if !s.skipped.is_empty() {
        docs_text.push_str(
            "\n\nKeys Kraken sends that are deliberately not modelled (kept in `extra`):",
        );
        for k in &s.skipped {
            docs_text.push_str(&format!("\n- `{}`: {}", k.name, k.reason));
        }
    }
    doc(&docs_text)
}

fn field_type(f: &FieldDef) -> Type {
    Type::parse(&f.ty).unwrap_or(Type::Json)
}

fn field_ident(f: &FieldDef) -> Ident {
    ident(&rust_name(&f.name, f.rust.as_ref()))
}

/// The decoding visitor's local for a field.
fn local_ident(f: &FieldDef) -> Ident {
    quote::format_ident!("field_{}", rust_name(&f.name, f.rust.as_ref()))
}

/// The field's Rust type: `Option<…>` when optional.
fn full_type(f: &FieldDef) -> TokenStream {
    let base = rust_type(&field_type(f));
    if f.optional {
        quote!(Option<#base>)
    } else {
        base
    }
}

/// The field declarations of a response struct.
fn struct_fields(s: &StructDef) -> Vec<TokenStream> {
    s.fields
        .iter()
        .map(|f| {
            let (fname, fdoc, full) = (field_ident(f), doc(&f.doc), full_type(f));
            quote! { #fdoc pub #fname: #full, }
        })
        .collect()
}

/// A response struct: a JSON object, or with `positional: true` a JSON array.
pub(super) fn emit_struct(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let docs = struct_docs(s);
    let fields = struct_fields(s);
    if s.positional {
        let row_impls = emit_row_serde(s);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
            #row_impls
        };
    }
    let deserialize = emit_object_deserialize(s);
    let serialize = emit_object_serialize(s);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Keys Kraken sent that the spec does not model (yet), with their
            /// exact JSON text; serializing writes them back.
            pub extra: crate::Extra,
        }
        #deserialize
        #serialize
    }
}

/// Decodes a JSON object field by field in one pass over the body (scalars
/// leniently, from their exact text), keeps every other key in `extra`, and
/// refuses an object with none of the fields `one_of_required` names (an
/// unrelated object is not a success). serde's `Deserialize` goes through it.
fn emit_object_deserialize(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    // Locals are prefixed so a field named `key`, `r` or `extra` cannot shadow the reader's own.
    let locals: Vec<Ident> = s.fields.iter().map(local_ident).collect();
    let types = s.fields.iter().map(|f| {
        let base = rust_type(&field_type(f));
        quote!(Option<#base>)
    });
    let arms = s.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.name;
        if f.optional {
            quote!(#wire => #local = r.read()?,)
        } else {
            quote!(#wire => #local = Some(r.read()?),)
        }
    });
    let finish = s.fields.iter().zip(&locals).map(|(f, local)| {
        let (wire, field) = (&f.name, field_ident(f));
        if f.optional {
            quote!(#field: #local,)
        } else {
            quote!(#field: #local.ok_or_else(|| r.missing(#wire))?,)
        }
    });
    let one_of = one_of_check(s);
    quote! {
        impl crate::json::FromJson for #name {
            const KIND: Option<u8> = Some(b'{');
            fn from_json(r: &mut crate::json::Reader<'_>) -> crate::json::Result<Self> {
                #( let mut #locals: #types = None; )*
                let mut extra = crate::Extra::default();
                r.object(|r, key| {
                    match key {
                        #(#arms)*
                        _ => {
                            extra.insert(key.into(), r.read()?);
                        }
                    }
                    Ok(())
                })?;
                #one_of
                Ok(#name { #(#finish)* extra })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::de::via_json(d)
            }
        }
    }
}

/// The `require_one_of` check (explicit, or every field of an all-optional
/// struct without `allow_empty`), on the decoded locals.
fn one_of_check(s: &StructDef) -> TokenStream {
    let names = s.one_of_required();
    if names.is_empty() {
        return quote!();
    }
    let present = names
        .iter()
        .filter_map(|n| s.fields.iter().find(|f| f.name == *n).map(local_ident));
    let listed = if names.len() <= 6 {
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        quoted.join(", ")
    } else {
        format!("its {} known fields", names.len())
    };
    let message = format!("not a {}: none of {listed} is present", s.name);
    quote! {
        if #(#present.is_none())&&* {
            return Err(r.error(#message));
        }
    }
}

/// Writes the fields Kraken's way (wire names, absent when `None`), then
/// every key kept in `extra`.
fn emit_object_serialize(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let entries = s.fields.iter().map(|f| {
        let (wire, field) = (&f.name, field_ident(f));
        if f.optional {
            quote! { if let Some(value) = &self.#field { map.serialize_entry(#wire, value)?; } }
        } else {
            quote! { map.serialize_entry(#wire, &self.#field)?; }
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// Positional rows: decoded from a JSON array in field order (elements
/// Kraken adds later are skipped), serialized back as an array that stops
/// after the last optional field present.
fn emit_row_serde(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let names: Vec<Ident> = s.fields.iter().map(field_ident).collect();
    let reads = s.fields.iter().zip(&names).map(|(f, local)| {
        if f.optional {
            quote!(let #local = row.optional()?;)
        } else {
            quote!(let #local = row.required()?;)
        }
    });
    let serialize = emit_row_serialize(s, &names);
    quote! {
        impl crate::json::FromJson for #name {
            const KIND: Option<u8> = Some(b'[');
            #[inline]
            fn from_json(r: &mut crate::json::Reader<'_>) -> crate::json::Result<Self> {
                let mut row = r.row()?;
                #(#reads)*
                row.end()?;
                Ok(#name { #(#names),* })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::de::via_json(d)
            }
        }

        #serialize
    }
}

fn emit_row_serialize(s: &StructDef, names: &[Ident]) -> TokenStream {
    let name = ident(&s.name);
    let pick = |optional: bool| -> Vec<&Ident> {
        s.fields
            .iter()
            .zip(names)
            .filter(|(f, _)| f.optional == optional)
            .map(|(_, n)| n)
            .collect()
    };
    let (required, optional) = (pick(false), pick(true));
    let positions = 1..=optional.len();
    let upto = if optional.is_empty() {
        quote!()
    } else {
        quote! {
            let present = [#(self.#optional.is_some()),*];
            let upto = present.iter().rposition(|p| *p).map_or(0, |i| i + 1);
        }
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeSeq;
                #upto
                let mut seq = serializer.serialize_seq(None)?;
                #( seq.serialize_element(&self.#required)?; )*
                #( if upto >= #positions { seq.serialize_element(&self.#optional)?; } )*
                seq.end()
            }
        }
    }
}

/// A request-side object, sent as JSON inside a parameter: `new(required…)`,
/// setters, serde serialization and the same checks as parameters.
pub(super) fn emit_input_struct(s: &StructDef, kinds: &Kinds) -> TokenStream {
    let name = ident(&s.name);
    let docs = doc(&s.doc);
    let codes: Vec<ParamCode> = s
        .fields
        .iter()
        .map(|f| param_code(&ParamSpec::from(f), kinds, &quote!(endpoint)))
        .collect();
    let fields = codes
        .iter()
        .zip(&s.fields)
        .map(|(p, def)| input_field(p, def));
    let Builder {
        derive_default,
        new_fn,
        setters,
    } = builder(
        &codes,
        " A value with its required fields; set the rest with the chainable setters.",
    );
    let checks = input_checks(s, &codes);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default ::serde::Serialize)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            #new_fn
            #(#setters)*
        }

        impl crate::validate::Check for #name {
            fn check(&self, endpoint: &'static str) -> Result<(), crate::Error> {
                #checks
                Ok(())
            }
        }
    }
}

fn input_field(p: &ParamCode, def: &FieldDef) -> TokenStream {
    let (f, d, t) = (&p.field, &p.doc, &p.stored);
    let mut attrs = Vec::new();
    if *f != def.name {
        let wire = &def.name;
        attrs.push(quote!(rename = #wire));
    }
    if !p.required {
        attrs.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if let Some(with) = p.serialize_with {
        attrs.push(quote!(serialize_with = #with));
    }
    let attrs = if attrs.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#attrs),*)])
    };
    if p.required {
        quote!(#d #attrs pub #f: #t,)
    } else {
        quote!(#d #attrs pub #f: Option<#t>,)
    }
}

/// The body of an input struct's `check`.
fn input_checks(s: &StructDef, codes: &[ParamCode]) -> TokenStream {
    let exclusive = exclusive_checks(
        &s.exclusive,
        codes.iter().zip(s.fields.iter().map(|f| f.name.as_str())),
        &quote!(endpoint),
    );
    let unused = if codes.iter().all(|p| p.check.is_empty()) && s.exclusive.is_empty() {
        quote!(let _ = endpoint;)
    } else {
        quote!()
    };
    let checks = codes.iter().map(|p| {
        let (f, check) = (&p.field, &p.check);
        if check.is_empty() {
            quote!()
        } else if p.required {
            quote! { { let v = &self.#f; #check } }
        } else {
            quote! { if let Some(v) = &self.#f { #check } }
        }
    });
    quote! { #unused #exclusive #(#checks)* }
}
