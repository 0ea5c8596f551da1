//! kraken-codegen: reads the YAML spec under `spec/`, validates it, and emits
//! the Rust code checked in under `kraken-spot/src/generated/`.

pub mod drift;
pub mod emit;
pub mod model;
pub mod openapi;
pub mod spec;
pub mod types;

use std::path::Path;

/// A generated file: its name inside `generated/` and its contents.
pub type GeneratedFile = (String, String);

/// Parses and validates spec sources given as `(file stem, YAML text)`.
/// `spec/errors.yaml` (stem `errors`) is the error catalogue; every other
/// file declares endpoints and types.
pub fn load_sources(sources: &[(String, String)]) -> Result<spec::Spec, String> {
    let mut files = Vec::new();
    let mut errors = None;
    for (stem, text) in sources {
        let path = format!("spec/{stem}.yaml");
        if stem == spec::ERRORS_STEM {
            errors = Some(spec::parse_errors(&path, text)?);
        } else {
            files.push(spec::parse_file(&path, stem, text)?);
        }
    }
    let mut spec = spec::validate(files)?;
    spec.errors = errors;
    Ok(spec)
}

/// Generates code from spec sources given as `(file stem, YAML text)`.
pub fn generate_sources(sources: &[(String, String)]) -> Result<Vec<GeneratedFile>, String> {
    Ok(emit::emit(&load_sources(sources)?))
}

/// Reads every `*.yaml` file in `spec_dir`, sorted by name so output is deterministic.
pub fn read_spec_dir(spec_dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries =
        std::fs::read_dir(spec_dir).map_err(|e| format!("{}: {e}", spec_dir.display()))?;
    let mut sources = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        sources.push((stem, text));
    }
    sources.sort();
    Ok(sources)
}

/// Generates code from the spec directory.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, String> {
    generate_sources(&read_spec_dir(spec_dir)?)
}
