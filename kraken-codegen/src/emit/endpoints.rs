//! Endpoints: the request type with its builder, its `Endpoint` impl (what
//! the runtime needs to send it), the chainable setters on `Call`, and the
//! `SpotClient` method.

use super::params::{Builder, ParamCode, ParamSpec, builder, exclusive_checks, param_code};
use super::{Kinds, doc, ident, opt_str, rust_type};
use crate::model::*;
use crate::types::Type;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub(super) fn emit_endpoint(e: &EndpointDef, kinds: &Kinds) -> TokenStream {
    let request = format_ident!("{}Request", e.name.to_upper_camel_case());
    let params: Vec<ParamCode> = e
        .params
        .iter()
        .map(|p| param_code(&ParamSpec::from(p), kinds, &quote!(Self::NAME)))
        .collect();
    let request_type = request_type(e, &request, &params);
    let endpoint_impl = endpoint_impl(e, &request, &params);
    let call_impl = call_setters(&request, &params);
    let client_method = client_method(e, &request, &params);
    let paging = paging_impl(e, &request, &params);
    quote! {
        #request_type
        #endpoint_impl
        #call_impl
        #client_method
        #paging
    }
}

/// `impl Paged`: how the runtime's stream moves from page to page, and where
/// a page's items are. One runtime stream serves every kind.
fn paging_impl(e: &EndpointDef, request: &Ident, params: &[ParamCode]) -> TokenStream {
    let Some(p) = &e.paging else {
        return quote!();
    };
    let field = |name: &Option<String>| ident(&name.as_deref().unwrap_or_default().to_snake_case());
    let Some(param) = e
        .params
        .iter()
        .zip(params)
        .find(|(d, _)| d.name == p.param)
        .map(|(_, c)| c.field.clone())
    else {
        return quote!();
    };
    let item = rust_type(&Type::parse(&p.item).unwrap_or(Type::Json));
    // Cursor pages after the first send none of these (the spec's `clears:`).
    let clears: Vec<&Ident> = p
        .clears
        .iter()
        .filter_map(|name| {
            e.params
                .iter()
                .zip(params)
                .find(|(d, _)| &d.name == name)
                .map(|(_, c)| &c.field)
        })
        .collect();
    match p.kind {
        PagingKind::Offset => {
            let (items, total) = (field(&p.items), field(&p.total));
            quote! {
            impl crate::Paged for #request {
                type Item = (crate::MapKey, #item);
                fn start(&self) -> crate::Position {
                    crate::Position::Offset(self.#param.unwrap_or(0))
                }
                fn set_position(&mut self, at: &crate::Position) {
                    if let crate::Position::Offset(n) = at {
                        self.#param = Some(*n);
                    }
                }
                fn into_page(response: Self::Response) -> crate::Page<Self::Item> {
                    crate::Page::offset(response.#items, response.#total)
                }
            }
            }
        }
        PagingKind::Cursor => {
            let (items, next) = (field(&p.items), field(&p.next));
            let start = match &p.start {
                Some(v) => quote!(crate::Position::Cursor(#v.to_owned())),
                None => quote!(crate::Position::Start),
            };
            let into_page = if e.response.starts_with("either<") {
                quote! {
                    match response {
                        crate::Either::First(items) => crate::Page::cursor(items, None),
                        crate::Either::Second(page) => crate::Page::cursor(
                            crate::paging::PageItems::into_items(page.#items),
                            page.#next,
                        ),
                    }
                }
            } else {
                quote!(crate::Page::cursor(
                    crate::paging::PageItems::into_items(response.#items),
                    response.#next,
                ))
            };
            quote! {
                impl crate::Paged for #request {
                    type Item = #item;
                    fn start(&self) -> crate::Position {
                        #start
                    }
                    fn set_position(&mut self, at: &crate::Position) {
                        if let crate::Position::Cursor(c) = at {
                            self.#param = Some(c.clone());
                            #( self.#clears = None; )*
                        }
                    }
                    fn into_page(response: Self::Response) -> crate::Page<Self::Item> {
                        #into_page
                    }
                }
            }
        }
        PagingKind::Since => {
            let is_text = e
                .params
                .iter()
                .any(|d| d.name == p.param && d.ty == "string");
            let set = if is_text {
                quote!(self.#param = Some(last.to_string());)
            } else {
                quote!(self.#param = Some(i64::try_from(*last).unwrap_or(i64::MAX));)
            };
            quote! {
                impl crate::Paged for #request {
                    type Item = #item;
                    fn start(&self) -> crate::Position {
                        crate::Position::Start
                    }
                    fn set_position(&mut self, at: &crate::Position) {
                        if let crate::Position::Since(last) = at {
                            #set
                        }
                    }
                    fn into_page(response: Self::Response) -> crate::Page<Self::Item> {
                        let last = response.last;
                        crate::Page::since(response.pairs.into_values().flatten().collect(), last)
                    }
                }
            }
        }
    }
}

/// `<Name>Request`: one field per parameter, `new(required…)` and setters.
fn request_type(e: &EndpointDef, request: &Ident, params: &[ParamCode]) -> TokenStream {
    let name = &e.name;
    let request_doc = doc(&format!(
        "Parameters of [`SpotClient::{name}`](crate::SpotClient::{name}): {}",
        e.doc.trim().lines().next().unwrap_or("")
    ));
    let fields = params.iter().map(|p| {
        let (f, d, t) = (&p.field, &p.doc, &p.stored);
        if p.required {
            quote!(#d pub #f: #t,)
        } else {
            quote!(#d pub #f: Option<#t>,)
        }
    });
    let Builder {
        derive_default,
        new_fn,
        setters,
    } = builder(
        params,
        " A request with its required parameters; set the rest with the chainable setters.",
    );
    let alias = &e.kraken;
    quote! {
        #request_doc
        #[doc(alias = #alias)]
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #request { #(#fields)* }

        impl #request {
            #new_fn
            #(#setters)*
        }
    }
}

fn endpoint_impl(e: &EndpointDef, request: &Ident, params: &[ParamCode]) -> TokenStream {
    let response = rust_type(&Type::parse(&e.response).unwrap_or(Type::Json));
    let consts = endpoint_consts(e);
    let facts = endpoint_facts(e);
    let params_body = params_body(e, params);
    let decode = decode_body(e);
    quote! {
        impl crate::endpoint::sealed::Sealed for #request {}
        impl crate::Endpoint for #request {
            type Response = #response;
            #consts
            #facts

            fn params(&self) -> Result<crate::Params, crate::Error> {
                #params_body
            }

            fn decode(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Self::Response, crate::Error> {
                #decode
            }
        }
    }
}

/// NAME, METHOD, PATH, AUTH, ENCODING, COST and SENSITIVE_RESPONSE.
fn endpoint_consts(e: &EndpointDef) -> TokenStream {
    let http = match e.http {
        Http::Get => quote!(Get),
        Http::Post => quote!(Post),
        Http::Put => quote!(Put),
        Http::Delete => quote!(Delete),
    };
    let auth = match e.auth {
        AuthKind::Public => quote!(Public),
        AuthKind::ApiKey => quote!(ApiKey),
        AuthKind::OauthBasic => quote!(OAuthBasic),
        AuthKind::OauthBearer => quote!(OAuthBearer),
        AuthKind::Funding => quote!(Funding),
    };
    let encoding = match e.encoding {
        EncodingKind::Query => quote!(Query),
        EncodingKind::Form => quote!(Form),
        EncodingKind::Json => quote!(Json),
    };
    let (name, path) = (&e.name, &e.path);
    let cost = proc_macro2::Literal::u32_unsuffixed(e.cost);
    let sensitive = e.sensitive_response;
    quote! {
        const NAME: &'static str = #name;
        const METHOD: crate::HttpMethod = crate::HttpMethod::#http;
        const PATH: &'static str = #path;
        const AUTH: crate::Auth = crate::Auth::#auth;
        const ENCODING: crate::Encoding = crate::Encoding::#encoding;
        const COST: u32 = #cost;
        const SENSITIVE_RESPONSE: bool = #sensitive;
    }
}

/// The body of `params()`: alternatives, require-one-of, then every set
/// parameter checked and pushed in wire order.
fn params_body(e: &EndpointDef, params: &[ParamCode]) -> TokenStream {
    let group_checks = group_checks(e, params);
    let exclusive = exclusive_checks(
        &e.exclusive,
        params.iter().zip(e.params.iter().map(|d| d.name.as_str())),
        &quote!(Self::NAME),
    );
    let require_one = require_one_of(e, params);
    let params_mut = if params.is_empty() {
        quote!(let params = crate::Params::new();)
    } else {
        quote!(let mut params = crate::Params::new();)
    };
    let pushes = params.iter().zip(&e.params).map(|(p, def)| {
        let (f, check, value) = (&p.field, &p.check, &p.value);
        let wire = def.name.as_str();
        let push = match def.location {
            None => quote!(push),
            Some(ParamLocation::Path) => quote!(push_path),
            Some(ParamLocation::Query) => quote!(push_query),
        };
        if p.required {
            quote! { { let v = &self.#f; #check params.#push(#wire, #value); } }
        } else {
            quote! { if let Some(v) = &self.#f { #check params.#push(#wire, #value); } }
        }
    });
    quote! {
        #(#group_checks)*
        #exclusive
        #require_one
        #params_mut
        #(#pushes)*
        Ok(params)
    }
}

/// Alternatives: at most one param of each group may be set.
fn group_checks(e: &EndpointDef, params: &[ParamCode]) -> Vec<TokenStream> {
    let mut groups: BTreeMap<&str, Vec<(&Ident, &str)>> = BTreeMap::new();
    for (p, def) in params.iter().zip(&e.params) {
        if let Some(g) = &def.group {
            groups
                .entry(g.as_str())
                .or_default()
                .push((&p.field, def.name.as_str()));
        }
    }
    groups
        .values()
        .map(|members| {
            let fields = members.iter().map(|(f, _)| f);
            let names: Vec<String> = members.iter().map(|(f, _)| format!("`{f}`")).collect();
            let wire = members[0].1;
            let reason = format!("set only one of {}", names.join(", "));
            quote! {
                if [#(self.#fields.is_some()),*].iter().filter(|set| **set).count() > 1 {
                    return Err(crate::validate::invalid(Self::NAME, #wire, #reason.into()));
                }
            }
        })
        .collect()
}

fn require_one_of(e: &EndpointDef, params: &[ParamCode]) -> TokenStream {
    if e.require_one_of.is_empty() {
        return quote!();
    }
    let set = params
        .iter()
        .zip(&e.params)
        .filter(|(_, d)| e.require_one_of.contains(&d.name))
        .map(|(p, _)| {
            let f = &p.field;
            quote!(self.#f.is_some())
        });
    let names: Vec<String> = e.require_one_of.iter().map(|n| format!("`{n}`")).collect();
    let reason = format!("set one of {}", names.join(", "));
    let first = &e.require_one_of[0];
    quote! {
        if !(#(#set)||*) {
            return Err(crate::validate::invalid(Self::NAME, #first, #reason.into()));
        }
    }
}

/// The body of `decode()`, by envelope.
fn decode_body(e: &EndpointDef) -> TokenStream {
    match e.envelope {
        EnvelopeKind::Kraken => quote! {
            let _ = content_type;
            crate::envelope::kraken(Self::NAME, status, body, Self::SENSITIVE_RESPONSE)
        },
        EnvelopeKind::Bare => quote! {
            let _ = content_type;
            crate::envelope::bare(Self::NAME, status, body, Self::SENSITIVE_RESPONSE)
        },
        EnvelopeKind::Bytes => quote! {
            crate::envelope::bytes(Self::NAME, status, content_type, body)
        },
        EnvelopeKind::Status => quote! {
            let _ = content_type;
            crate::envelope::funding(Self::NAME, status, body, Self::SENSITIVE_RESPONSE)
        },
    }
}

/// The optional parameters' setters on `Call`, so they chain before `.await`.
fn call_setters(request: &Ident, params: &[ParamCode]) -> TokenStream {
    let opt: Vec<&ParamCode> = params.iter().filter(|p| !p.required).collect();
    if opt.is_empty() {
        return quote!();
    }
    let setters = opt.iter().map(|p| {
        let (f, d, a) = (&p.field, &p.doc, &p.arg);
        quote! {
            #d
            pub fn #f(self, value: #a) -> Self {
                self.map(|r| r.#f(value))
            }
        }
    });
    quote! {
        impl crate::Call<#request> {
            #(#setters)*
        }
    }
}

/// `SpotClient::<name>(required…)`.
fn client_method(e: &EndpointDef, request: &Ident, params: &[ParamCode]) -> TokenStream {
    let method = ident(&e.name);
    let auth_text = match e.auth {
        AuthKind::Public => "public",
        AuthKind::ApiKey => "API-key signed",
        AuthKind::OauthBasic => "OAuth Basic",
        AuthKind::OauthBearer => "OAuth Bearer",
        AuthKind::Funding => "API-key signed (Funding (Beta): path and query signed)",
    };
    let http_text = format!("{:?}", e.http).to_uppercase();
    let method_doc = doc(&format!(
        "{}\n\n`{} {}` (Kraken `{}`), {}, rate-limit cost {}.\n\nReturns {}.\n\n{}",
        e.doc.trim(),
        http_text,
        e.path,
        e.kraken,
        auth_text,
        e.cost,
        type_doc(&Type::parse(&e.response).unwrap_or(Type::Json)),
        super::examples::method_example(e, params)
    ));
    let alias = &e.kraken;
    let required: Vec<&ParamCode> = params.iter().filter(|p| p.required).collect();
    let req_names = required.iter().map(|p| &p.field);
    let req_args = required.iter().map(|p| {
        let (f, a) = (&p.field, &p.arg);
        quote!(#f: #a)
    });
    quote! {
        impl crate::SpotClient {
            #method_doc
            #[doc(alias = #alias)]
            pub fn #method(&self, #(#req_args),*) -> crate::Call<#request> {
                self.call(#request::new(#(#req_names),*))
            }
        }
    }
}

/// The trait constants the runtime acts on: effect, permissions, trading
/// charge and client order id slot.
fn endpoint_facts(e: &EndpointDef) -> TokenStream {
    let effect = match e.effect {
        EffectKind::Read => quote!(Read),
        EffectKind::Write => quote!(Write),
    };
    let permissions = permissions(e.permission.as_ref());
    let trading = match &e.trading {
        None => quote!(None),
        Some(t) => {
            let action = ident(&format!("{:?}", t.action));
            let pair = opt_str(t.pair.as_deref());
            let orders = &t.orders;
            let new_orders = opt_str(t.new_orders.as_deref());
            quote! {
                Some(crate::TradingCharge {
                    action: crate::TradingAction::#action,
                    pair: #pair,
                    orders: &[#(#orders),*],
                    new_orders: #new_orders,
                })
            }
        }
    };
    let client_order_id = match &e.client_order_id {
        None => quote!(None),
        Some(c) => {
            let list = opt_str(c.list.as_deref());
            let (field, exclusive) = (&c.field, &c.exclusive_with);
            let deadline = opt_str(c.deadline.as_deref());
            quote! {
                Some(crate::ClientOrderIdSlot {
                    list: #list,
                    field: #field,
                    exclusive_with: &[#(#exclusive),*],
                    deadline: #deadline,
                })
            }
        }
    };
    quote! {
        const EFFECT: crate::Effect = crate::Effect::#effect;
        const PERMISSIONS: crate::Permissions = #permissions;
        const TRADING: Option<crate::TradingCharge> = #trading;
        const CLIENT_ORDER_ID: Option<crate::ClientOrderIdSlot> = #client_order_id;
    }
}

fn permissions(spec: Option<&PermissionSpec>) -> TokenStream {
    let list = |names: &[String]| {
        let variants = names.iter().map(|n| ident(&n.to_upper_camel_case()));
        quote!(&[#(crate::Permission::#variants),*])
    };
    match spec {
        None | Some(PermissionSpec::None) => quote!(crate::Permissions::None),
        Some(PermissionSpec::AnyOf(names)) => {
            let list = list(names);
            quote!(crate::Permissions::AnyOf(#list))
        }
        Some(PermissionSpec::AllOf(names)) => {
            let list = list(names);
            quote!(crate::Permissions::AllOf(#list))
        }
    }
}

/// A response type in words, with intra-doc links to the named types.
fn type_doc(ty: &Type) -> String {
    match ty {
        Type::Named(n) => format!("[`{n}`](crate::{n})"),
        Type::List(t) => format!("a list of {}", type_doc(t)),
        Type::Map(t) => format!("a map (in Kraken's key order) of {}", type_doc(t)),
        Type::WithLast(t) => format!("[`WithLast`](crate::WithLast) of {}", type_doc(t)),
        Type::ListPage(t) => format!("[`ListPage`](crate::ListPage) of {}", type_doc(t)),
        Type::Either(a, b) => format!(
            "[`Either`](crate::Either) of {} or {}",
            type_doc(a),
            type_doc(b)
        ),
        Type::Json => "[`RawJson`](crate::RawJson), Kraken's exact JSON".to_owned(),
        Type::Bytes => "the file's bytes".to_owned(),
        other => format!("`{}`", rust_type(other)),
    }
}
