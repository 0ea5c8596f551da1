//! `cargo xtask codegen` run from inside another checkout regenerates that
//! checkout's files, not the ones of the workspace the binary was built in.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_spec(to: &Path) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    std::fs::create_dir_all(to.join("spec")).unwrap();
    for entry in std::fs::read_dir(spec).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, to.join("spec").join(path.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn codegen_writes_into_the_checkout_it_runs_in() {
    let copy: PathBuf = std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::write(copy.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    copy_spec(&copy);

    // Run from a subdirectory of the copy, as `cargo xtask` would be.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .current_dir(copy.join("spec"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = copy.join("kraken-spot/src/generated");
    assert!(generated.join("mod.rs").is_file());
    assert!(generated.join("trading.rs").is_file());

    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    std::fs::remove_dir_all(&copy).unwrap();
}
