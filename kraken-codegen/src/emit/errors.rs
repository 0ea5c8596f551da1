//! `generated/errors.rs`: Kraken's error catalogue as `ERROR_CATALOGUE`.

use super::ident;
use crate::model::ErrorCatalogue;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit_errors(catalogue: &ErrorCatalogue) -> TokenStream {
    let entries = catalogue.errors.iter().map(|e| {
        let (code, category, retryable, meaning) =
            (&e.code, &e.category, e.retryable, e.meaning.trim());
        let kind = ident(&format!("{:?}", e.kind));
        quote!(crate::ErrorInfo::new(#code, #category, crate::ErrorKind::#kind, #retryable, #meaning))
    });
    quote! {
        /// Every error code in `spec/errors.yaml`, in its order.
        pub const ERROR_CATALOGUE: &[crate::ErrorInfo] = &[ #(#entries),* ];
    }
}
