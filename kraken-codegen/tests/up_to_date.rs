//! `cargo test` fails when kraken-spot/src/generated/ does not match spec/.

use std::path::Path;

#[test]
fn generated_code_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files =
        kraken_codegen::generate(&root.join("spec")).unwrap_or_else(|e| panic!("spec error:\n{e}"));
    let out = root.join("kraken-spot/src/generated");
    let mut stale = Vec::new();
    for (name, contents) in &files {
        if std::fs::read_to_string(out.join(name)).ok().as_deref() != Some(contents.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(&out).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !files.iter().any(|(n, _)| *n == name) {
            stale.push(format!("{name} (no longer generated)"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated code is stale: {stale:?}; run `cargo xtask codegen`"
    );
}

#[test]
fn generation_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    assert_eq!(
        kraken_codegen::generate(&root).unwrap(),
        kraken_codegen::generate(&root).unwrap()
    );
}
