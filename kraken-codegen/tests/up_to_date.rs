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

#[test]
fn every_enum_keeps_unknown_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = kraken_codegen::generate(&root.join("spec")).unwrap();
    let mut enums = 0;
    for (name, text) in &files {
        for (i, _) in text.match_indices("pub enum ") {
            let body = &text[i..i + text[i..].find("\n}").unwrap()];
            let enum_name = body["pub enum ".len()..].split_whitespace().next().unwrap();
            assert!(
                body.contains("Unknown(String)"),
                "{name}: enum {enum_name} drops unknown values"
            );
            enums += 1;
        }
    }
    let spec =
        kraken_codegen::load_sources(&kraken_codegen::read_spec_dir(&root.join("spec")).unwrap())
            .unwrap();
    let declared: usize = spec.files.iter().map(|f| f.enums.len()).sum();
    assert_eq!(enums, declared, "every declared enum was checked");
}
