//! `cargo xtask codegen [--check]`: regenerates `kraken-spot/src/generated/`
//! from `spec/`, or (with `--check`) fails with a diff when it is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run(false),
        ["codegen", "--check"] => run(true),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(check: bool) -> ExitCode {
    let root = root();
    let out_dir = root.join("kraken-spot/src/generated");
    let files = match kraken_codegen::generate(&root.join("spec")) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("spec error:\n{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (name, contents) in &files {
        let path = out_dir.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != *contents {
            stale.push(name.clone());
            if check {
                let diff = similar::TextDiff::from_lines(&current, contents);
                eprintln!(
                    "{}",
                    diff.unified_diff()
                        .header(&format!("checked-in {name}"), &format!("generated {name}"))
                );
            } else if let Err(e) = std::fs::write(&path, contents) {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    // Files in generated/ that the spec no longer produces.
    let expected: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    if let Ok(entries) = std::fs::read_dir(&out_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !expected.contains(&name.as_str()) {
                stale.push(name.clone());
                if check {
                    eprintln!("generated/{name} is no longer produced by the spec");
                } else if let Err(e) = std::fs::remove_file(entry.path()) {
                    eprintln!("cannot remove {name}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if check && !stale.is_empty() {
        eprintln!(
            "generated code is stale ({}); run `cargo xtask codegen`",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    if check {
        println!("generated code is up to date ({} files)", files.len());
    } else {
        println!("wrote {} of {} files", stale.len(), files.len());
    }
    ExitCode::SUCCESS
}
