//! `cargo xtask public-api [--check]`: lists kraken-spot's public surface,
//! read from its source with syn, into `kraken-spot/public-api.txt`.
//!
//! The module tree is walked from `src/lib.rs` (`generated/` included);
//! an item is listed when a `pub` path reaches it from the crate root: through
//! `pub mod` chains and `pub use` re-exports (globs included). Each item is
//! listed once, under its shortest public path, with its signature (bodies,
//! docs and values left out; derives, `#[non_exhaustive]` and
//! `#[doc(hidden)]` kept, since they change what users may do). Then, one
//! line each: public struct fields, enum variants, trait items, `pub` methods
//! of inherent impls, trait impls written by hand, public modules and
//! re-exports of other crates' items. Lines are sorted, so the listing is
//! deterministic and a change to the surface is a small diff.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{Attribute, Item, UseTree, Visibility};

/// One module of the crate: its path below the crate root and its items.
struct Module {
    path: Vec<String>,
    items: Vec<Item>,
}

/// The listing of the crate whose `lib.rs` is `lib`.
pub fn listing(lib: &Path) -> Result<String, String> {
    let mut modules = Vec::new();
    load(lib, Vec::new(), &mut modules)?;
    let by_path: BTreeMap<Vec<String>, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();

    // Where each (module, item name) is exposed, and re-exports of other crates.
    let mut exposed: BTreeMap<(Vec<String>, String), BTreeSet<String>> = BTreeMap::new();
    let mut lines = BTreeSet::new();
    let mut seen = BTreeSet::new();
    expose(
        &modules,
        &by_path,
        &[],
        "kraken_spot",
        &mut exposed,
        &mut lines,
        &mut seen,
    );

    // The shortest public path of each exposed item.
    let canonical: BTreeMap<(Vec<String>, String), String> = exposed
        .iter()
        .map(|(k, paths)| {
            let best = paths
                .iter()
                .min_by_key(|p| (p.matches("::").count(), (*p).clone()))
                .cloned()
                .unwrap_or_default();
            (k.clone(), best)
        })
        .collect();
    // Type name -> public path, for impls (type names are unique in the crate).
    let mut type_path: BTreeMap<String, String> = BTreeMap::new();
    for ((_, name), path) in &canonical {
        type_path
            .entry(name.clone())
            .or_insert_with(|| path.clone());
    }

    // Every trait the crate defines, public or not.
    let crate_traits: BTreeSet<String> = modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|item| match item {
            Item::Trait(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    for m in &modules {
        for item in &m.items {
            if cfg_test(item_attrs(item)) {
                continue;
            }
            if let Some(name) = item_name(item)
                && let Some(path) = canonical.get(&(m.path.clone(), name.clone()))
            {
                list_item(item, path, &mut lines);
            }
            if let Item::Impl(imp) = item {
                list_impl(imp, &type_path, &crate_traits, &mut lines);
            }
            // `#[macro_export]` puts a macro at the crate root, whatever its module.
            if let Item::Macro(mac) = item
                && is_pub(item)
                && let Some(name) = &mac.ident
            {
                list_item(item, &format!("kraken_spot::{name}"), &mut lines);
            }
        }
    }
    let mut out = String::from(
        "# kraken-spot's public API: `cargo xtask public-api` writes it, `--check` compares.\n",
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Parses `file` and, recursively, the files of its `mod x;` declarations.
fn load(file: &Path, path: Vec<String>, out: &mut Vec<Module>) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed =
        syn::parse_file(&text).map_err(|e| format!("cannot parse {}: {e}", file.display()))?;
    // `lib.rs` and `mod.rs` own their directory; `foo.rs` owns `foo/`.
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir: PathBuf = if stem == "lib" || stem == "mod" {
        file.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        file.with_extension("")
    };
    inline(parsed.items, path, &dir, out)
}

fn inline(
    items: Vec<Item>,
    path: Vec<String>,
    dir: &Path,
    out: &mut Vec<Module>,
) -> Result<(), String> {
    for item in &items {
        let Item::Mod(m) = item else { continue };
        if cfg_test(&m.attrs) {
            continue;
        }
        let mut sub = path.clone();
        sub.push(m.ident.to_string());
        match &m.content {
            Some((_, inner)) => inline(inner.clone(), sub, &dir.join(m.ident.to_string()), out)?,
            None => {
                let name = m.ident.to_string();
                let flat = dir.join(format!("{name}.rs"));
                let nested = dir.join(&name).join("mod.rs");
                let file = if flat.exists() { flat } else { nested };
                load(&file, sub, out)?;
            }
        }
    }
    out.push(Module { path, items });
    Ok(())
}

/// Exposes module `at`'s public items, modules and re-exports under `public`.
fn expose(
    modules: &[Module],
    by_path: &BTreeMap<Vec<String>, usize>,
    at: &[String],
    public: &str,
    exposed: &mut BTreeMap<(Vec<String>, String), BTreeSet<String>>,
    lines: &mut BTreeSet<String>,
    seen: &mut BTreeSet<(Vec<String>, String)>,
) {
    // Each module is exposed once under each public path.
    if !seen.insert((at.to_vec(), public.to_owned())) {
        return;
    }
    let Some(&index) = by_path.get(at) else {
        return;
    };
    for item in &modules[index].items {
        if !is_pub(item) || cfg_test(item_attrs(item)) {
            continue;
        }
        match item {
            Item::Mod(m) => {
                let mut sub = at.to_vec();
                sub.push(m.ident.to_string());
                let path = format!("{public}::{}", m.ident);
                lines.insert(format!("{path}: pub mod {}{}", m.ident, hidden(&m.attrs)));
                expose(modules, by_path, &sub, &path, exposed, lines, seen);
            }
            Item::Use(u) => {
                let mut leaves = Vec::new();
                use_leaves(&u.tree, Vec::new(), &mut leaves);
                for (target, alias) in leaves {
                    reexport(
                        modules,
                        by_path,
                        at,
                        &target,
                        alias.as_deref(),
                        public,
                        &u.attrs,
                        exposed,
                        lines,
                        seen,
                    );
                }
            }
            _ => {
                if let Some(name) = item_name(item) {
                    exposed
                        .entry((at.to_vec(), name.clone()))
                        .or_default()
                        .insert(format!("{public}::{name}"));
                }
            }
        }
    }
}

/// One `pub use` leaf: `target` is its path as written (`*` last for a
/// glob), `alias` its `as` name.
#[allow(clippy::too_many_arguments)]
fn reexport(
    modules: &[Module],
    by_path: &BTreeMap<Vec<String>, usize>,
    at: &[String],
    target: &[String],
    alias: Option<&str>,
    public: &str,
    attrs: &[Attribute],
    exposed: &mut BTreeMap<(Vec<String>, String), BTreeSet<String>>,
    lines: &mut BTreeSet<String>,
    seen: &mut BTreeSet<(Vec<String>, String)>,
) {
    let Some(resolved) = resolve(by_path, at, target) else {
        // Another crate's item.
        let name = alias.unwrap_or(target.last().map(String::as_str).unwrap_or(""));
        lines.insert(format!(
            "{public}::{name}: pub use {}{}",
            target.join("::"),
            hidden(attrs)
        ));
        return;
    };
    let (module, last) = resolved;
    if last == "*" {
        expose(modules, by_path, &module, public, exposed, lines, seen);
        return;
    }
    let name = alias.unwrap_or(&last).to_owned();
    let mut as_module = module.clone();
    as_module.push(last.clone());
    if by_path.contains_key(&as_module) {
        let path = format!("{public}::{name}");
        lines.insert(format!("{path}: pub mod {name}{}", hidden(attrs)));
        expose(modules, by_path, &as_module, &path, exposed, lines, seen);
        return;
    }
    // A re-export of a re-export: follow it.
    if let Some(&i) = by_path.get(&module) {
        for item in &modules[i].items {
            if let Item::Use(u) = item {
                let mut leaves = Vec::new();
                use_leaves(&u.tree, Vec::new(), &mut leaves);
                for (t, a) in leaves {
                    let leaf = a.clone().or_else(|| t.last().cloned());
                    if leaf.as_deref() == Some(last.as_str())
                        && t.last().map(String::as_str) != Some("*")
                    {
                        reexport(
                            modules,
                            by_path,
                            &module,
                            &t,
                            Some(&name),
                            public,
                            attrs,
                            exposed,
                            lines,
                            seen,
                        );
                        return;
                    }
                }
            }
        }
    }
    exposed
        .entry((module, last))
        .or_default()
        .insert(format!("{public}::{name}"));
}

/// The module a `use` path names, relative to module `at`, and its last segment.
fn resolve(
    by_path: &BTreeMap<Vec<String>, usize>,
    at: &[String],
    target: &[String],
) -> Option<(Vec<String>, String)> {
    let (last, init) = target.split_last()?;
    let mut module: Vec<String> = match init.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("self") => at.to_vec(),
        Some("super") => at[..at.len().saturating_sub(1)].to_vec(),
        _ => at.to_vec(),
    };
    let rest = match init.first().map(String::as_str) {
        Some("crate" | "self" | "super") => &init[1..],
        _ => init,
    };
    module.extend(rest.iter().cloned());
    if !by_path.contains_key(&module) {
        return None;
    }
    Some((module, last.clone()))
}

/// Flattens a use tree into (path, alias) leaves; a glob ends its path with `*`.
fn use_leaves(tree: &UseTree, prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    match tree {
        UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            use_leaves(&p.tree, next, out);
        }
        UseTree::Name(n) => {
            let mut path = prefix;
            path.push(n.ident.to_string());
            out.push((path, None));
        }
        UseTree::Rename(r) => {
            let mut path = prefix;
            path.push(r.ident.to_string());
            out.push((path, Some(r.rename.to_string())));
        }
        UseTree::Glob(_) => {
            let mut path = prefix;
            path.push("*".to_owned());
            out.push((path, None));
        }
        UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(t, prefix.clone(), out);
            }
        }
    }
}

/// The item's line, and one line per public field, variant or trait item.
fn list_item(item: &Item, path: &str, lines: &mut BTreeSet<String>) {
    let mut stub = item.clone();
    match &mut stub {
        Item::Struct(s) => {
            for field in &s.fields {
                if let (Visibility::Public(_), Some(name)) = (&field.vis, &field.ident) {
                    lines.insert(format!(
                        "{path}::{name}: pub {name}: {}{}",
                        ty(&field.ty),
                        hidden(&field.attrs)
                    ));
                }
            }
            s.fields = syn::Fields::Unit;
            if s.semi_token.is_none() {
                s.semi_token = Some(Default::default());
            }
            s.attrs = api_attrs(&s.attrs);
        }
        Item::Enum(e) => {
            for v in &e.variants {
                let mut v = v.clone();
                let marks = hidden(&v.attrs);
                v.attrs = api_attrs(&v.attrs);
                v.discriminant = None;
                for f in v.fields.iter_mut() {
                    f.attrs.clear();
                }
                let one = syn::ItemEnum {
                    attrs: Vec::new(),
                    vis: Visibility::Inherited,
                    enum_token: Default::default(),
                    ident: syn::Ident::new("E", proc_macro2::Span::call_site()),
                    generics: Default::default(),
                    brace_token: Default::default(),
                    variants: [v.clone()].into_iter().collect(),
                };
                let text = pretty(Item::Enum(one));
                let inner = text
                    .trim_start_matches("enum E {")
                    .trim_end_matches('}')
                    .trim()
                    .trim_end_matches(',');
                lines.insert(format!("{path}::{}: {inner}{marks}", v.ident));
            }
            e.variants.clear();
            e.attrs = api_attrs(&e.attrs);
        }
        Item::Trait(t) => {
            for ti in &t.items {
                let (name, text, attrs) = match ti {
                    syn::TraitItem::Fn(f) => {
                        let mut f = f.clone();
                        let attrs = f.attrs.clone();
                        f.attrs.clear();
                        f.default = None;
                        f.semi_token = Some(Default::default());
                        (f.sig.ident.to_string(), tokens_item(&f), attrs)
                    }
                    syn::TraitItem::Const(c) => {
                        let text = format!("const {}: {}", c.ident, ty(&c.ty));
                        (c.ident.to_string(), text, c.attrs.clone())
                    }
                    syn::TraitItem::Type(ty_item) => {
                        let mut ty_item = ty_item.clone();
                        let attrs = ty_item.attrs.clone();
                        ty_item.attrs.clear();
                        ty_item.default = None;
                        (ty_item.ident.to_string(), tokens_item(&ty_item), attrs)
                    }
                    _ => continue,
                };
                lines.insert(format!("{path}::{name}: {text}{}", hidden(&attrs)));
            }
            t.items.clear();
            t.attrs = api_attrs(&t.attrs);
        }
        Item::Fn(f) => {
            f.attrs = api_attrs(&f.attrs);
            *f.block = syn::parse_quote!({});
        }
        Item::Const(c) => {
            lines.insert(format!(
                "{path}: pub const {}: {}{}",
                c.ident,
                ty(&c.ty),
                hidden(&c.attrs)
            ));
            return;
        }
        Item::Static(s) => {
            lines.insert(format!(
                "{path}: pub static {}: {}{}",
                s.ident,
                ty(&s.ty),
                hidden(&s.attrs)
            ));
            return;
        }
        Item::Type(t) => t.attrs = api_attrs(&t.attrs),
        Item::Macro(m) => {
            let name = m
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            lines.insert(format!("{path}: macro_rules! {name}{}", hidden(&m.attrs)));
            return;
        }
        _ => return,
    }
    let marks = hidden(item_attrs(item));
    let text = pretty(stub);
    let text = text
        .trim_end_matches("{}")
        .trim_end_matches('{')
        .trim()
        .trim_end_matches(';');
    lines.insert(format!("{path}: {}{marks}", strip_crate(text)));
}

/// An impl block: `pub` methods and consts of an inherent impl, or the header
/// of a trait impl, under the public path of its self type.
fn list_impl(
    imp: &syn::ItemImpl,
    type_path: &BTreeMap<String, String>,
    crate_traits: &BTreeSet<String>,
    lines: &mut BTreeSet<String>,
) {
    let syn::Type::Path(self_ty) = &*imp.self_ty else {
        return;
    };
    let Some(last) = self_ty.path.segments.last() else {
        return;
    };
    let Some(base) = type_path.get(&last.ident.to_string()) else {
        return;
    };
    let args = match &last.arguments {
        syn::PathArguments::None => String::new(),
        a => ty(&syn::parse_quote!(X #a))
            .trim_start_matches('X')
            .to_owned(),
    };
    if let Some((_, trait_path, _)) = &imp.trait_ {
        // The seal is an implementation detail; every other trait impl counts.
        if trait_path.segments.iter().any(|s| s.ident == "Sealed") {
            return;
        }
        // An impl of one of this crate's traits counts only if the trait is public.
        let trait_name = trait_path.segments.last().map(|s| s.ident.to_string());
        if trait_name.is_some_and(|t| crate_traits.contains(&t) && !type_path.contains_key(&t)) {
            return;
        }
        let mut header = imp.clone();
        header.items.clear();
        header.attrs.clear();
        let text = pretty(Item::Impl(header));
        let text = text.trim_end_matches("{}").trim();
        lines.insert(format!("{base}{args}: {}", strip_crate(text)));
        return;
    }
    let generics = if imp.generics.params.is_empty() {
        String::new()
    } else {
        let g = &imp.generics;
        format!(" (impl{})", tokens(g))
    };
    for ii in &imp.items {
        match ii {
            syn::ImplItem::Fn(f) if matches!(f.vis, Visibility::Public(_)) => {
                let marks = hidden(&f.attrs);
                let mut stub = syn::ItemFn {
                    attrs: api_attrs(&f.attrs),
                    vis: f.vis.clone(),
                    sig: f.sig.clone(),
                    block: Box::new(syn::parse_quote!({})),
                };
                stub.attrs.retain(|a| !a.path().is_ident("must_use"));
                let text = pretty(Item::Fn(stub));
                let text = text.trim_end_matches("{}").trim();
                lines.insert(format!(
                    "{base}{args}::{}: {}{generics}{marks}",
                    f.sig.ident,
                    strip_crate(text)
                ));
            }
            syn::ImplItem::Const(c) if matches!(c.vis, Visibility::Public(_)) => {
                lines.insert(format!(
                    "{base}{args}::{}: pub const {}: {}{generics}{}",
                    c.ident,
                    c.ident,
                    ty(&c.ty),
                    hidden(&c.attrs)
                ));
            }
            _ => {}
        }
    }
}

/// The attributes that change what users may do: derives and `non_exhaustive`.
fn api_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive") || a.path().is_ident("non_exhaustive"))
        .cloned()
        .collect()
}

/// ` #[doc(hidden)]` when the attributes hide the item from the docs.
fn hidden(attrs: &[Attribute]) -> &'static str {
    let is_hidden = attrs.iter().any(|a| {
        a.path().is_ident("doc")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().trim() == "hidden")
    });
    if is_hidden { "  #[doc(hidden)]" } else { "" }
}

fn cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().trim() == "test")
    })
}

fn is_pub(item: &Item) -> bool {
    let vis = match item {
        Item::Const(i) => &i.vis,
        Item::Enum(i) => &i.vis,
        Item::Fn(i) => &i.vis,
        Item::Mod(i) => &i.vis,
        Item::Static(i) => &i.vis,
        Item::Struct(i) => &i.vis,
        Item::Trait(i) => &i.vis,
        Item::Type(i) => &i.vis,
        Item::Union(i) => &i.vis,
        Item::Use(i) => &i.vis,
        // `#[macro_export]` puts a macro at the crate root.
        Item::Macro(m) => return m.attrs.iter().any(|a| a.path().is_ident("macro_export")),
        _ => return false,
    };
    matches!(vis, Visibility::Public(_))
}

fn item_name(item: &Item) -> Option<String> {
    Some(match item {
        Item::Const(i) => i.ident.to_string(),
        Item::Enum(i) => i.ident.to_string(),
        Item::Fn(i) => i.sig.ident.to_string(),
        Item::Static(i) => i.ident.to_string(),
        Item::Struct(i) => i.ident.to_string(),
        Item::Trait(i) => i.ident.to_string(),
        Item::Type(i) => i.ident.to_string(),
        Item::Union(i) => i.ident.to_string(),
        Item::Macro(i) => i.ident.as_ref()?.to_string(),
        _ => return None,
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// An item as prettyplease prints it, on one line.
fn pretty(item: Item) -> String {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    one_line(&prettyplease::unparse(&file))
}

/// A type as prettyplease prints it.
fn ty(t: &syn::Type) -> String {
    let alias: Item = syn::parse_quote!(type T = #t;);
    let text = pretty(alias);
    strip_crate(
        text.trim_start_matches("type T = ")
            .trim_end_matches(';')
            .trim(),
    )
}

/// A trait item (no prettyplease entry point of its own), printed inside a trait.
fn tokens_item(t: &impl ToTokens) -> String {
    let holder: Item = syn::parse_quote!(trait T { #t });
    let text = pretty(holder);
    strip_crate(
        text.trim_start_matches("trait T {")
            .trim_end_matches('}')
            .trim()
            .trim_end_matches(';'),
    )
}

/// Generics as written, via a throwaway impl.
fn tokens(g: &syn::Generics) -> String {
    let holder: Item = syn::parse_quote!(impl #g X {});
    let text = pretty(holder);
    strip_crate(
        text.trim_start_matches("impl")
            .trim_end_matches("X {}")
            .trim(),
    )
}

/// Paths inside the crate, shortened: every public type is listed at its own path.
fn strip_crate(text: &str) -> String {
    text.replace("crate::", "").replace("super::", "")
}

fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    joined
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
        .replace(", )", ")")
}
