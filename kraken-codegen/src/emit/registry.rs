//! `generated/mod.rs`: the modules, their re-exports, the endpoint registry
//! and the list of deliberately unmodelled response keys.

use super::{first_line_doc, ident};
use crate::spec::Spec;
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(super) fn emit_registry(spec: &Spec) -> TokenStream {
    let mods = spec.files.iter().map(|f| ident(&f.stem));
    let mods2 = mods.clone();
    let docs = spec.files.iter().map(|f| first_line_doc(&f.doc));
    let errors_mod = match &spec.errors {
        None => quote!(),
        Some(catalogue) => {
            let first = first_line_doc(&catalogue.doc);
            quote! {
                #first
                pub mod errors;
                pub use errors::ERROR_CATALOGUE;
            }
        }
    };
    let rows = spec.files.iter().flat_map(|f| {
        let module = ident(&f.stem);
        f.endpoints.iter().map(move |e| {
            let request = format_ident!("{}Request", e.name.to_upper_camel_case());
            let kraken = &e.kraken;
            quote!(crate::EndpointInfo::of::<#module::#request>(#kraken))
        })
    });
    let skipped = spec.files.iter().flat_map(|f| &f.structs).flat_map(|s| {
        s.skipped.iter().map(move |k| {
            let (name, key) = (&s.name, &k.name);
            quote!((#name, #key))
        })
    });
    quote! {
        #( #docs pub mod #mods; )*
        #( pub use #mods2::*; )*
        #errors_mod

        /// Every endpoint in the spec, in spec order.
        pub const ENDPOINTS: &[crate::EndpointInfo] = &[ #(#rows),* ];

        /// Response keys the spec deliberately leaves unmodelled, as (struct, key); each
        /// struct's docs give the reason. Decoding keeps them in the struct's `extra`.
        pub const SKIPPED_RESPONSE_KEYS: &[(&str, &str)] = &[ #(#skipped),* ];
    }
}
