//! Strict mode over every recorded fixture: each file is decoded by the
//! endpoint it records, through the endpoint registry, and the typed result is
//! serialized again. A JSON field the types ignored, or a digit they lost,
//! fails the test. Nothing is skipped silently: every file is accounted for.

mod common;

use kraken_spot::{ENDPOINTS, EndpointInfo, HttpMethod};

/// Files that are not a successful response of one endpoint, and why.
const NOT_A_RESULT: &[(&str, &str)] = &[
    (
        "PreTrade.docs-schema-example.json",
        "schema placeholder carrying an error beside the result (see PreTrade.schema-derived.json)",
    ),
    (
        "PostTrade.docs-schema-example.json",
        "schema placeholder carrying an error beside the result (see PostTrade.schema-derived.json)",
    ),
    (
        "OAuth_FastApiKey.create.docs-schema-example.json",
        "schema placeholder with `<string>` in numeric fields",
    ),
];

/// The endpoint a fixture records: `<Kraken name>[.variant].json`, where
/// `Earn_X` is `Earn/X` and `OAuth_…` names the OAuth call.
fn endpoint_of(file: &str) -> Option<&'static EndpointInfo> {
    let stem = file.split('.').next()?;
    let variant = file.split('.').nth(1).unwrap_or("");
    // Funding (Beta): `Funding_<version>_<first path segment>[.<method>]`, as the mock names them.
    if let Some(rest) = stem.strip_prefix("Funding_") {
        let (version, first) = rest.split_once('_')?;
        let prefix = format!("/funding/{version}/{first}");
        let method = match variant {
            "post" => HttpMethod::Post,
            "put" => HttpMethod::Put,
            "delete" => HttpMethod::Delete,
            _ => HttpMethod::Get,
        };
        return ENDPOINTS.iter().find(|e| {
            e.method == method && (e.path == prefix || e.path.starts_with(&format!("{prefix}/")))
        });
    }
    let (kraken, method) = match stem {
        "OAuth_Token" => ("oauth/token".to_owned(), None),
        "OAuth_UserInfo" => ("oauth/userinfo".to_owned(), None),
        "OAuth_FastApiKey" => (
            "oauth/fast-api-key".to_owned(),
            Some(match variant {
                "create" => HttpMethod::Post,
                "update" => HttpMethod::Put,
                "delete" => HttpMethod::Delete,
                "list" => HttpMethod::Get,
                _ => return None,
            }),
        ),
        other => (other.replacen("Earn_", "Earn/", 1), None),
    };
    ENDPOINTS
        .iter()
        .find(|e| e.kraken == kraken && method.is_none_or(|m| e.method == m))
}

#[test]
fn every_fixture_decodes_without_losing_a_field() {
    let mut files: Vec<String> = std::fs::read_dir(kraken_mock::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 120, "fixtures missing: {}", files.len());

    let mut failures = Vec::new();
    let mut decoded = 0;
    for file in &files {
        let body = kraken_mock::fixture(file);
        if file.starts_with("Error.") {
            // Error bodies must come back as typed Kraken errors, code verbatim.
            let code = common::fixture_result(file);
            let err =
                (ENDPOINTS[0].decode_to_json)(200, Some("application/json"), &body).unwrap_err();
            let kraken = err.kraken().map(|k| k.code().to_owned());
            if kraken.is_none() || !format!("{code:?}").contains(kraken.as_deref().unwrap_or("?")) {
                failures.push(format!("{file}: not a typed Kraken error: {err}"));
            }
            continue;
        }
        if NOT_A_RESULT.iter().any(|(f, _)| f == file) {
            continue;
        }
        let Some(endpoint) = endpoint_of(file) else {
            failures.push(format!("{file}: no endpoint in the spec records this file"));
            continue;
        };
        match (endpoint.decode_to_json)(200, Some("application/json"), &body) {
            Ok(json) => {
                decoded += 1;
                for problem in common::lossless_problems(file, &json) {
                    failures.push(format!("{file} ({}): {problem}", endpoint.name));
                }
            }
            Err(e) => failures.push(format!("{file} ({}): does not decode: {e}", endpoint.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(decoded >= 100, "only {decoded} fixtures decoded");
}

/// Endpoints with no fixture file, and why.
const WITHOUT_FIXTURE: &[(&str, &str)] = &[
    ("get_ledgers_export", "a zip, tested on its own"),
    (
        "cancel_strategy",
        "no documented or recorded answer stored (tests/fixtures/INDEX.md); result kept as exact JSON",
    ),
    (
        "get_open_strategies",
        "no documented or recorded answer stored (tests/fixtures/INDEX.md); result kept as exact JSON",
    ),
    (
        "get_funding_assets",
        "Kraken publishes no example answer (spec/reference/funding-beta.md §2.1)",
    ),
    (
        "get_funding_deposit_limits",
        "Kraken publishes no example answer (spec/reference/funding-beta.md §2.4)",
    ),
    (
        "get_funding_withdrawal_limits",
        "Kraken publishes no example answer (spec/reference/funding-beta.md §2.5)",
    ),
    (
        "get_funding_deposits",
        "Kraken publishes no example answer (spec/reference/funding-beta.md §2.11)",
    ),
];

#[test]
fn every_endpoint_has_a_fixture() {
    let files: Vec<String> = std::fs::read_dir(kraken_mock::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| {
            !files
                .iter()
                .any(|f| endpoint_of(f).is_some_and(|x| x.name == e.name))
        })
        .filter(|e| !WITHOUT_FIXTURE.iter().any(|(name, _)| *name == e.name))
        .map(|e| e.name)
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without any fixture: {missing:?}"
    );
}

#[test]
fn the_strict_check_reports_a_dropped_or_changed_field() {
    let problems = common::lossless_problems("Time.json", r#"{"unixtime":1688669448}"#);
    assert_eq!(
        problems,
        ["result.rfc1123: dropped (was Str(\"Thu, 06 Jul 23 18:50:48 +0000\"))"]
    );
    let problems = common::lossless_problems(
        "Time.json",
        r#"{"unixtime":1688669449,"rfc1123":"Thu, 06 Jul 23 18:50:48 +0000"}"#,
    );
    assert_eq!(
        problems,
        ["result.unixtime: Num(\"1688669448\") became Num(\"1688669449\")"]
    );
}

/// The one-pass reader meets every recorded body broken in the ways a
/// network or a server breaks them: cut short anywhere, or with one byte
/// changed. Each must give a typed error or a value, never a panic, and a
/// body cut short is never a success.
#[test]
fn broken_bodies_are_typed_errors_never_panics() {
    let mut files: Vec<String> = std::fs::read_dir(kraken_mock::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.starts_with("Error."))
        .collect();
    files.sort();
    let mut cuts = 0;
    for file in &files {
        let Some(endpoint) = endpoint_of(file) else {
            continue;
        };
        let body = kraken_mock::fixture(file);
        let end = body
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        // Up to 64 cut points per file, spread over the body.
        let step = (end / 64).max(1);
        for cut in (0..end).step_by(step) {
            let result = (endpoint.decode_to_json)(200, Some("application/json"), &body[..cut]);
            assert!(result.is_err(), "{file} cut at {cut} decoded");
            cuts += 1;
        }
        for at in (0..body.len()).step_by(step) {
            for replacement in [b'"', b'{', b']', b'\\', 0xff] {
                let mut broken = body.clone();
                broken[at] = replacement;
                // Either outcome is fine; a panic fails the test.
                let _ = (endpoint.decode_to_json)(200, Some("application/json"), &broken);
            }
        }
    }
    assert!(cuts > 5_000, "only {cuts} cut bodies tried");
}
