//! Enums: open string enums that keep unknown values.

use super::{doc, ident};
use crate::model::EnumDef;
use crate::spec::variant_name;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub(super) fn emit_enum(e: &EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let docs = doc(&e.doc);
    let variants: Vec<Ident> = e.values.iter().map(|v| ident(&variant_name(v))).collect();
    let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    let vdocs = e
        .values
        .iter()
        .map(|v| doc(&format!("`{}`: {}", v.value, v.doc)));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #vdocs #variants, )*
            /// A value this version of the crate does not know, kept verbatim.
            Unknown(String),
        }
        impl #name {
            /// The value as Kraken spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        crate::string_enum!(#name);
    }
}
