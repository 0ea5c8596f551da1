//! The spec against the public contract, spec/reference/endpoints.tsv (a copy
//! of the project's reference list), plus the Funding (Beta) operations the
//! spec adds (spec/reference/funding-beta-endpoints.tsv, sourced in
//! spec/reference/funding-beta.md): every row present with the same method
//! name, HTTP method, path and auth, and nothing extra.

use kraken_codegen::model::{AuthKind, Http};
use std::collections::BTreeMap;
use std::path::Path;

/// Rows of endpoints.tsv not in the spec yet, each with the reason. Empty when
/// the spec is complete.
const NOT_YET_IN_SPEC: &[(&str, &str)] = &[];

fn tsv(file: &str) -> Vec<[String; 4]> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/reference")
        .join(file);
    let text = std::fs::read_to_string(root).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "bad row: {l}");
            [
                cols[1].to_owned(),
                cols[2].to_owned(),
                cols[3].to_owned(),
                cols[4].to_owned(),
            ]
        })
        .collect()
}

#[test]
fn spec_matches_endpoints_tsv() {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec =
        kraken_codegen::load_sources(&kraken_codegen::read_spec_dir(&spec_dir).unwrap()).unwrap();
    let mut in_spec: BTreeMap<String, [String; 3]> = spec
        .endpoints()
        .map(|e| {
            let http = match e.http {
                Http::Get => "GET",
                Http::Post => "POST",
                Http::Put => "PUT",
                Http::Delete => "DELETE",
            };
            let auth = match e.auth {
                AuthKind::Public => "public",
                AuthKind::ApiKey => "private",
                AuthKind::OauthBasic => "oauth_basic",
                AuthKind::OauthBearer => "oauth_bearer",
                AuthKind::Funding => "funding",
            };
            (
                e.name.clone(),
                [http.to_owned(), e.path.clone(), auth.to_owned()],
            )
        })
        .collect();

    let mut problems = Vec::new();
    let rows = tsv("endpoints.tsv");
    assert_eq!(rows.len(), 72, "endpoints.tsv has 72 endpoints");
    let funding = tsv("funding-beta-endpoints.tsv");
    assert_eq!(funding.len(), 14, "14 of Funding (Beta)'s 15 operations");
    for [name, http, path, auth] in rows.into_iter().chain(funding) {
        match in_spec.remove(&name) {
            Some(found) => {
                if found != [http.clone(), path.clone(), auth.clone()] {
                    problems.push(format!(
                        "{name}: spec has {found:?}, endpoints.tsv has [{http}, {path}, {auth}]"
                    ));
                }
                if NOT_YET_IN_SPEC.iter().any(|(n, _)| *n == name) {
                    problems.push(format!(
                        "{name}: in the spec now; remove it from NOT_YET_IN_SPEC"
                    ));
                }
            }
            None if NOT_YET_IN_SPEC.iter().any(|(n, _)| *n == name) => {}
            None => problems.push(format!("{name}: missing from the spec")),
        }
    }
    for name in in_spec.keys() {
        problems.push(format!("{name}: in the spec but not in endpoints.tsv"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
