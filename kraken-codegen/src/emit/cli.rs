//! `generated/cli.rs` (compiled with kraken-spot's `cli` feature): the command
//! table the `kraken-spot` CLI and MCP server are built from, and `dispatch`,
//! which sends one endpoint through the library's public methods and setters.
//! Arguments are keyed by the parameter's Rust name.

use super::{Kinds, ident};
use crate::model::{EffectKind, EndpointDef, MovesKind};
use crate::spec::{Kind, Spec, rust_name};
use crate::types::{Scalar, Type};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit_cli(spec: &Spec) -> TokenStream {
    let kinds = spec.kinds();
    let enum_values = |name: &str| -> Vec<String> {
        spec.files
            .iter()
            .flat_map(|f| &f.enums)
            .find(|e| e.name == name)
            .map(|e| e.values.iter().map(|v| v.value.clone()).collect())
            .unwrap_or_default()
    };
    let rows = spec
        .endpoints()
        .map(|e| command_row(e, &kinds, &enum_values));
    let arms = spec.endpoints().map(|e| dispatch_arm(e, &kinds));
    let inputs = spec
        .files
        .iter()
        .flat_map(|f| &f.structs)
        .filter(|s| s.input)
        .map(|s| input_struct_fn(s, &kinds));
    quote! {
        use crate::cli::{ArgKind, Args, CliError, CommandSpec, Moves, ParamSpec};

        /// Every endpoint as a command, in spec order.
        pub const COMMANDS: &[CommandSpec] = &[ #(#rows),* ];

        /// Sends endpoint `name` with `args`; `emit` gets the response, or with
        /// `all` on a paged endpoint, each item of every page.
        pub async fn dispatch(
            client: &crate::SpotClient,
            name: &str,
            args: &Args,
            all: bool,
            emit: &mut (dyn FnMut(serde_json::Value) + Send),
        ) -> Result<(), CliError> {
            match name {
                #(#arms)*
                other => Err(CliError::usage(format!("unknown command `{other}`"))),
            }
        }

        #(#inputs)*
    }
}

/// How an argument is read: the `ArgKind` row and the `Args` getter.
fn arg_kind(ty: &Type, kinds: &Kinds, enum_values: &dyn Fn(&str) -> Vec<String>) -> TokenStream {
    match ty {
        Type::Scalar(Scalar::Int) => quote!(ArgKind::Int),
        Type::Scalar(Scalar::Bool) => quote!(ArgKind::Bool),
        Type::Amount => quote!(ArgKind::Amount),
        Type::Secret => quote!(ArgKind::Secret),
        Type::Named(n) if kinds.get(n.as_str()) == Some(&Kind::Enum) => {
            let values = enum_values(n);
            quote!(ArgKind::Enum(&[#(#values),*]))
        }
        Type::Csv(inner) | Type::List(inner) if !is_struct(inner, kinds) => match &**inner {
            Type::Named(n) => {
                let values = enum_values(n);
                quote!(ArgKind::List(&[#(#values),*]))
            }
            _ => quote!(ArgKind::List(&[])),
        },
        Type::List(_) | Type::Named(_) => quote!(ArgKind::Json),
        _ => quote!(ArgKind::Text),
    }
}

fn is_struct(ty: &Type, kinds: &Kinds) -> bool {
    matches!(ty, Type::Named(n) if kinds.get(n.as_str()) == Some(&Kind::InputStruct))
}

/// The `Args` getter for a parameter or input-struct field under `key`:
/// `Option<setter argument>`.
fn getter(key: &str, ty: &str, kinds: &Kinds) -> TokenStream {
    let ty = Type::parse(ty).unwrap_or(Type::Json);
    match &ty {
        Type::Scalar(Scalar::Int) => quote!(args.int(#key)?),
        Type::Scalar(Scalar::Bool) => quote!(args.boolean(#key)?),
        Type::Csv(inner) | Type::List(inner) if !is_struct(inner, kinds) => {
            quote!(args.texts(#key)?)
        }
        Type::List(inner) => {
            let build = input_fn(inner);
            quote!(args.objects(#key)?.map(|v| v.iter().map(#build).collect::<Result<Vec<_>, _>>()).transpose()?)
        }
        Type::Named(_) if is_struct(&ty, kinds) => {
            let build = input_fn(&ty);
            quote!(args.object(#key)?.map(|a| #build(&a)).transpose()?)
        }
        _ => quote!(args.text(#key)?),
    }
}

fn input_fn(ty: &Type) -> proc_macro2::Ident {
    match ty {
        Type::Named(n) => ident(&format!(
            "input_{}",
            heck::ToSnakeCase::to_snake_case(n.as_str())
        )),
        _ => ident("input_unknown"),
    }
}

/// `input_<struct>(&Args)`: an input struct from a JSON object keyed by its
/// wire field names, through its `new` and setters.
fn input_struct_fn(s: &crate::model::StructDef, kinds: &Kinds) -> TokenStream {
    let name = ident(&s.name);
    let f = input_fn(&Type::Named(s.name.clone()));
    let required = s.fields.iter().filter(|x| !x.optional).map(|x| {
        let key = &x.name;
        let get = getter(key, &x.ty, kinds);
        quote!(crate::cli::required(#get, #key)?)
    });
    let optional = s.fields.iter().filter(|x| x.optional).map(|x| {
        let setter = ident(&rust_name(&x.name, x.rust.as_ref()));
        let get = getter(&x.name, &x.ty, kinds);
        quote! {
            if let Some(v) = #get {
                value = value.#setter(v);
            }
        }
    });
    let mutable = if s.fields.iter().any(|x| x.optional) {
        quote!(mut)
    } else {
        quote!()
    };
    quote! {
        fn #f(args: &Args) -> Result<super::#name, CliError> {
            let #mutable value = super::#name::new(#(#required),*);
            #(#optional)*
            Ok(value)
        }
    }
}

fn command_row(
    e: &EndpointDef,
    kinds: &Kinds,
    enum_values: &dyn Fn(&str) -> Vec<String>,
) -> TokenStream {
    let (name, kraken, doc) = (&e.name, &e.kraken, e.doc.trim());
    let write = e.effect == EffectKind::Write;
    // A call on the trading counter or carrying a client order id moves orders,
    // whether or not the spec says so.
    let moves = match e
        .moves
        .or((e.trading.is_some() || e.client_order_id.is_some()).then_some(MovesKind::Trading))
    {
        None => quote!(None),
        Some(MovesKind::Trading) => quote!(Some(Moves::Trading)),
        Some(MovesKind::Funds) => quote!(Some(Moves::Funds)),
    };
    let paged = e.paging.is_some();
    let public = e.auth == crate::model::AuthKind::Public;
    let params = e.params.iter().map(|p| {
        let key = rust_name(&p.name, p.rust.as_ref());
        let wire = &p.name;
        let ty = Type::parse(&p.ty).unwrap_or(Type::Json);
        let kind = arg_kind(&ty, kinds, enum_values);
        let (required, pdoc) = (p.required, p.doc.trim());
        let type_name = &p.ty;
        quote!(ParamSpec { name: #key, wire: #wire, kind: #kind, type_name: #type_name, required: #required, doc: #pdoc })
    });
    let one_of = e.require_one_of.iter().map(|w| {
        e.params
            .iter()
            .find(|p| &p.name == w)
            .map(|p| rust_name(&p.name, p.rust.as_ref()))
            .unwrap_or_else(|| w.clone())
    });
    quote! {
        CommandSpec {
            name: #name,
            kraken: #kraken,
            doc: #doc,
            public: #public,
            write: #write,
            moves: #moves,
            paged: #paged,
            params: &[#(#params),*],
            require_one_of: &[#(#one_of),*],
        }
    }
}

fn dispatch_arm(e: &EndpointDef, kinds: &Kinds) -> TokenStream {
    let name = &e.name;
    let method = ident(&e.name);
    let required = e.params.iter().filter(|p| p.required).map(|p| {
        let key = rust_name(&p.name, p.rust.as_ref());
        let get = getter(&key, &p.ty, kinds);
        quote!(crate::cli::required(#get, #key)?)
    });
    let optional = e.params.iter().filter(|p| !p.required).map(|p| {
        let key = rust_name(&p.name, p.rust.as_ref());
        let setter = ident(&key);
        let get = getter(&key, &p.ty, kinds);
        quote! {
            if let Some(v) = #get {
                call = call.#setter(v);
            }
        }
    });
    let send = if e.paging.is_some() {
        quote! {
            if all {
                return crate::cli::emit_stream(call.stream(), emit).await;
            }
            crate::cli::emit_value(call.await, emit)
        }
    } else {
        quote! {
            if all {
                return Err(CliError::usage(format!("`{}` is not paged: --all does not apply", #name)));
            }
            crate::cli::emit_value(call.await, emit)
        }
    };
    let mutable = if e.params.iter().any(|p| !p.required) {
        quote!(mut)
    } else {
        quote!()
    };
    quote! {
        #name => {
            let #mutable call = client.#method(#(#required),*);
            #(#optional)*
            #send
        }
    }
}
