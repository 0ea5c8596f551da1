//! `cargo xtask codegen [--check]`: regenerates `kraken-spot/src/generated/`
//! from `spec/`, or (with `--check`) fails with a diff when it is stale.
//!
//! `cargo xtask drift PATH_TO_OPENAPI.yaml`: prints what a Kraken OpenAPI file
//! says that the spec does not, per operation, as a review list.
//!
//! `cargo xtask public-api [--check]`: writes kraken-spot's public surface to
//! `kraken-spot/public-api.txt` (see [`public_api`]), or (with `--check`)
//! fails with a diff when the surface changed and the listing was not updated.
//!
//! The workspace is found at run time, walking up from the current directory
//! to the `Cargo.toml` that declares `[workspace]`, so two checkouts that share
//! one target directory (and so one xtask binary) each regenerate their own
//! files.

mod public_api;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = match std::env::current_dir()
        .map_err(|e| format!("cannot read the current directory: {e}"))
        .and_then(|dir| workspace_root(&dir))
    {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.as_slice() {
        ["codegen"] => codegen(&root, false),
        ["codegen", "--check"] => codegen(&root, true),
        ["public-api"] => public_api(&root, false),
        ["public-api", "--check"] => public_api(&root, true),
        ["drift", file] => drift(&root, Path::new(file)),
        _ => {
            eprintln!(
                "usage: cargo xtask codegen [--check] | cargo xtask public-api [--check] | \
                 cargo xtask drift PATH_TO_OPENAPI.yaml"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(message) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{message}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask drift FILE`: the review list of what a Kraken OpenAPI file
/// says that the spec does not, and the reverse. Differences are not errors.
fn drift(root: &Path, file: &Path) -> Result<String, String> {
    let sources = kraken_codegen::read_spec_dir(&root.join("spec"))?;
    let spec = kraken_codegen::load_sources(&sources).map_err(|e| format!("spec error:\n{e}"))?;
    kraken_codegen::drift::drift(&spec, file)
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
fn workspace_root(start: &Path) -> Result<PathBuf, String> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest)
            && text.lines().any(|l| l.trim() == "[workspace]")
        {
            return Ok(dir.to_path_buf());
        }
    }
    Err(format!(
        "no Cargo.toml with [workspace] at or above {}; run cargo xtask inside the checkout",
        start.display()
    ))
}

/// Regenerates (or with `check`, compares) `kraken-spot/src/generated/` under `root`.
fn codegen(root: &Path, check: bool) -> Result<String, String> {
    let out_dir = root.join("kraken-spot/src/generated");
    let files =
        kraken_codegen::generate(&root.join("spec")).map_err(|e| format!("spec error:\n{e}"))?;
    if !check {
        // Recreated when it was deleted.
        std::fs::create_dir_all(&out_dir)
            .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    }
    let mut stale = Vec::new();
    for (name, contents) in &files {
        let path = out_dir.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == *contents {
            continue;
        }
        stale.push(name.clone());
        if check {
            let diff = similar::TextDiff::from_lines(&current, contents);
            eprintln!(
                "{}",
                diff.unified_diff()
                    .header(&format!("checked-in {name}"), &format!("generated {name}"))
            );
        } else {
            std::fs::write(&path, contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    stale.extend(no_longer_generated(&out_dir, &files, check)?);
    if check && !stale.is_empty() {
        return Err(format!(
            "generated code is stale ({}); run `cargo xtask codegen`",
            stale.join(", ")
        ));
    }
    Ok(if check {
        format!("generated code is up to date ({} files)", files.len())
    } else {
        format!("wrote {} of {} files", stale.len(), files.len())
    })
}

/// The checked-in listing of kraken-spot's public API.
const PUBLIC_API: &str = "kraken-spot/public-api.txt";

/// Writes (or with `check`, compares) `kraken-spot/public-api.txt` under `root`.
fn public_api(root: &Path, check: bool) -> Result<String, String> {
    let listing = public_api::listing(&root.join("kraken-spot/src/lib.rs"))?;
    let path = root.join(PUBLIC_API);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let count = listing.lines().count() - 1;
    if current == listing {
        return Ok(format!("{PUBLIC_API} is up to date ({count} items)"));
    }
    if check {
        let diff = similar::TextDiff::from_lines(&current, &listing);
        eprintln!(
            "{}",
            diff.unified_diff().header(
                &format!("checked-in {PUBLIC_API}"),
                "the source's public API"
            )
        );
        return Err(
            "the public API changed; review the diff (a removal or a changed signature is a \
             breaking change), note it in CHANGELOG.md, then run `cargo xtask public-api`"
                .to_owned(),
        );
    }
    std::fs::write(&path, &listing).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("wrote {PUBLIC_API} ({count} items)"))
}

/// Files in `generated/` that the spec no longer produces: removed, or with
/// `check` reported.
fn no_longer_generated(
    out_dir: &Path,
    files: &[(String, String)],
    check: bool,
) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Ok(stale);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if files.iter().any(|(n, _)| *n == name) {
            continue;
        }
        if check {
            eprintln!("generated/{name} is no longer produced by the spec");
        } else {
            std::fs::remove_file(entry.path()).map_err(|e| format!("cannot remove {name}: {e}"))?;
        }
        stale.push(name);
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn finds_the_workspace_above_a_member_and_not_the_member() {
        let root = scratch("root");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"a\"]\n").unwrap();
        let member = root.join("a/src");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(root.join("a/Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(workspace_root(&member).unwrap(), root);
        assert_eq!(workspace_root(&root).unwrap(), root);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn refuses_a_directory_outside_any_workspace() {
        let lone = scratch("lone");
        // The temp dir itself is not inside a workspace on any sane machine.
        let err = workspace_root(&lone).unwrap_err();
        assert!(err.contains("no Cargo.toml with [workspace]"), "{err}");
        std::fs::remove_dir_all(&lone).unwrap();
    }

    /// The real workspace this test runs in, found at run time.
    fn this_workspace() -> PathBuf {
        workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn public_api_lists_what_a_pub_path_reaches_and_nothing_else() {
        let dir = scratch("api");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let lib = dir.join("src/lib.rs");
        std::fs::write(
            &lib,
            "mod inner;\npub mod open;\npub use inner::{Shown, Renamed as Alias};\n\
             pub use indexmap::IndexMap;\n#[doc(hidden)]\npub fn hidden_fn(x: u8) -> u8 { x }\n\
             #[cfg(test)]\nmod tests { pub fn in_tests() {} }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/inner.rs"),
            "#[derive(Debug)]\npub struct Shown { pub a: u8, b: u8 }\npub struct Renamed;\n\
             pub struct NotExported;\nimpl Shown { pub fn get(&self) -> u8 { self.a } fn private(&self) {} }\n\
             impl std::fmt::Display for Shown { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }\n\
             trait Internal {}\nimpl Internal for Shown {}\npub(crate) fn internal() {}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/open.rs"),
            "#[non_exhaustive]\npub enum E { A, B(String) }\npub trait T { const C: u32; fn m(&self) -> u8 { 0 } }\n",
        )
        .unwrap();
        let listing = public_api::listing(&lib).unwrap();
        let lines: Vec<&str> = listing.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "kraken_spot::Alias: pub struct Renamed",
                "kraken_spot::IndexMap: pub use indexmap::IndexMap",
                "kraken_spot::Shown: #[derive(Debug)] pub struct Shown",
                "kraken_spot::Shown: impl std::fmt::Display for Shown",
                "kraken_spot::Shown::a: pub a: u8",
                "kraken_spot::Shown::get: pub fn get(&self) -> u8",
                "kraken_spot::hidden_fn: pub fn hidden_fn(x: u8) -> u8  #[doc(hidden)]",
                "kraken_spot::open: pub mod open",
                "kraken_spot::open::E: #[non_exhaustive] pub enum E",
                "kraken_spot::open::E::A: A",
                "kraken_spot::open::E::B: B(String)",
                "kraken_spot::open::T: pub trait T",
                "kraken_spot::open::T::C: const C: u32",
                "kraken_spot::open::T::m: fn m(&self) -> u8",
            ],
            "{listing}"
        );
        // A changed signature changes the listing.
        let inner = std::fs::read_to_string(dir.join("src/inner.rs")).unwrap();
        std::fs::write(
            dir.join("src/inner.rs"),
            inner.replace("-> u8 { self.a }", "-> u16 { 0 }"),
        )
        .unwrap();
        let changed = public_api::listing(&lib).unwrap();
        assert!(changed.contains("pub fn get(&self) -> u16"), "{changed}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn public_api_listing_is_checked_in_and_up_to_date() {
        // Fails with a diff when kraken-spot's public surface changed and
        // `cargo xtask public-api` was not run.
        public_api(&this_workspace(), true).unwrap();
    }

    #[test]
    fn regenerates_a_copy_into_its_own_deleted_generated_dir() {
        let copy = scratch("copy");
        std::fs::write(copy.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::create_dir_all(copy.join("spec")).unwrap();
        for entry in std::fs::read_dir(this_workspace().join("spec")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                std::fs::copy(&path, copy.join("spec").join(path.file_name().unwrap())).unwrap();
            }
        }
        let generated = copy.join("kraken-spot/src/generated");
        assert!(!generated.exists());
        assert!(codegen(&copy, true).is_err(), "check fails while missing");
        let wrote = codegen(&copy, false).unwrap();
        assert!(wrote.starts_with("wrote "), "{wrote}");
        // Same content as the checked-in files of this workspace.
        let ours = this_workspace().join("kraken-spot/src/generated/mod.rs");
        assert_eq!(
            std::fs::read_to_string(generated.join("mod.rs")).unwrap(),
            std::fs::read_to_string(ours).unwrap()
        );
        assert_eq!(
            codegen(&copy, true).unwrap(),
            codegen(&this_workspace(), true).unwrap()
        );
        // A file the spec no longer produces is removed.
        std::fs::write(generated.join("old.rs"), "// gone").unwrap();
        codegen(&copy, false).unwrap();
        assert!(!generated.join("old.rs").exists());
        std::fs::remove_dir_all(&copy).unwrap();
    }
}
