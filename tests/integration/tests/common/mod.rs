//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use kraken_mock::{MockKraken, MockResponse};
use kraken_spot::SpotClient;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A mock Kraken and a client with every credential the mock accepts.
pub async fn setup() -> (MockKraken, SpotClient) {
    let mock = MockKraken::start().await;
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .oauth_client_credentials(
            kraken_mock::OAUTH_CLIENT_ID,
            kraken_mock::OAUTH_CLIENT_SECRET,
        )
        .oauth_access_token(kraken_mock::OAUTH_ACCESS_TOKEN)
        .build()
        .expect("client");
    (mock, client)
}

/// Makes the mock answer `path` with a recorded fixture.
pub fn serve(mock: &MockKraken, path: &str, fixture: &str) {
    mock.respond(path, MockResponse::fixture(fixture));
}

/// A JSON tree with numbers kept as the exact text Kraken sent (a
/// `serde_json::Value` would round them through `f64`).
#[derive(Debug, Clone, PartialEq)]
pub enum Exact {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Exact>),
    Obj(Vec<(String, Exact)>),
}

pub fn exact(text: &str) -> Exact {
    use serde_json::value::RawValue;
    let text = text.trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            let map: indexmap::IndexMap<String, &RawValue> =
                serde_json::from_str(text).expect("object");
            Exact::Obj(map.into_iter().map(|(k, v)| (k, exact(v.get()))).collect())
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).expect("array");
            Exact::Arr(items.into_iter().map(|v| exact(v.get())).collect())
        }
        Some(b'"') => Exact::Str(serde_json::from_str(text).expect("string")),
        _ => match text {
            "null" => Exact::Null,
            "true" => Exact::Bool(true),
            "false" => Exact::Bool(false),
            number => Exact::Num(number.to_owned()),
        },
    }
}

impl Exact {
    pub fn get(&self, key: &str) -> Option<&Exact> {
        match self {
            Exact::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The `result` of a fixture, or the whole body when it has no envelope.
pub fn fixture_result(name: &str) -> Exact {
    let body = exact(std::str::from_utf8(&kraken_mock::fixture(name)).expect("UTF-8 fixture"));
    // Funding (Beta) answers have no envelope: the body is the result.
    if name.starts_with("Funding_") {
        return body;
    }
    body.get("result").cloned().unwrap_or(body)
}

/// Asserts that serializing `decoded` gives back every value the fixture's
/// `result` holds: no field was ignored and no digit lost. Numbers compare as
/// exact decimals whether Kraken sent them as strings or numbers, a string
/// keeps its exact text, and `null` counts as absent.
pub fn assert_lossless<T: serde::Serialize>(fixture: &str, decoded: &T) {
    let problems = lossless_problems(
        fixture,
        &serde_json::to_string(decoded).expect("serializes"),
    );
    assert!(
        problems.is_empty(),
        "{fixture}: decoding lost values:\n{}",
        problems.join("\n")
    );
}

/// [`assert_lossless`] for a body that is not a fixture file (a fixture with
/// fields added, for example).
pub fn assert_lossless_body<T: serde::Serialize>(body: &str, decoded: &T) {
    let body = exact(body);
    let result = body.get("result").cloned().unwrap_or(body);
    let mut problems = Vec::new();
    let round_trip = exact(&serde_json::to_string(decoded).expect("serializes"));
    compare(&result, &round_trip, "result", &mut problems);
    assert!(
        problems.is_empty(),
        "decoding lost values:\n{}",
        problems.join("\n")
    );
}

/// Every value of the fixture's `result` that `round_trip` (the decoded
/// response serialized again) dropped or changed.
pub fn lossless_problems(fixture: &str, round_trip: &str) -> Vec<String> {
    let mut problems = Vec::new();
    compare(
        &fixture_result(fixture),
        &exact(round_trip),
        "result",
        &mut problems,
    );
    problems
}

fn as_decimal(v: &Exact) -> Option<Decimal> {
    let text = match v {
        Exact::Num(n) => n.as_str(),
        Exact::Str(s) => s.strip_prefix('+').unwrap_or(s),
        _ => return None,
    };
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn compare(original: &Exact, round: &Exact, at: &str, problems: &mut Vec<String>) {
    match (original, round) {
        (Exact::Obj(a), Exact::Obj(_)) => {
            for (k, v) in a {
                match round.get(k) {
                    Some(w) => compare(v, w, &format!("{at}.{k}"), problems),
                    None if *v == Exact::Null => {}
                    None if kraken_spot::SKIPPED_RESPONSE_KEYS
                        .iter()
                        .any(|(_, key)| key == k) => {}
                    None => problems.push(format!("{at}.{k}: dropped (was {v:?})")),
                }
            }
        }
        (Exact::Arr(a), Exact::Arr(b)) => {
            if a.len() > b.len() && !a[b.len()..].iter().all(|v| *v == Exact::Null) {
                problems.push(format!("{at}: {} elements became {}", a.len(), b.len()));
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare(v, w, &format!("{at}[{i}]"), problems);
            }
        }
        (a, b) if a == b => {}
        // A string Kraken sent keeps its text, except a leading `+` on a number.
        (Exact::Str(s), Exact::Str(t))
            if s.strip_prefix('+') == Some(t.as_str()) && as_decimal(round).is_some() => {}
        // A number, or a numeric string read into a number type: the same exact value.
        (a @ Exact::Num(_), b) | (a @ Exact::Str(_), b @ Exact::Num(_))
            if as_decimal(a).is_some() && as_decimal(a) == as_decimal(b) => {}
        (a, b) => problems.push(format!("{at}: {a:?} became {b:?}")),
    }
}

/// An exact decimal from text.
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The nonce of the last request, after checking it was a signed POST to
/// `path` with this content type and that the mock accepted its signature.
pub fn signed_nonce(mock: &MockKraken, path: &str, content_type: &str) -> u64 {
    let req = mock.last_request().expect("a request reached the mock");
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, path);
    assert_eq!(req.query, None);
    assert_eq!(req.header("api-key"), Some(kraken_mock::API_KEY));
    assert!(req.header("api-sign").is_some());
    assert_eq!(req.header("content-type"), Some(content_type));
    match req.auth {
        Ok(kraken_mock::Auth::ApiKey { nonce }) => nonce,
        other => panic!("the mock did not accept the signature: {other:?}"),
    }
}

/// Asserts the last request was a signed form POST whose body is exactly
/// `nonce=<n>&<params>` (`params` already url-encoded; may be empty).
pub fn assert_signed_form(mock: &MockKraken, path: &str, params: &str) {
    let nonce = signed_nonce(
        mock,
        path,
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    let expected = if params.is_empty() {
        format!("nonce={nonce}")
    } else {
        format!("nonce={nonce}&{params}")
    };
    assert_eq!(mock.last_request().unwrap().body_str(), expected);
}

/// Asserts the last request was a signed JSON POST whose body is exactly
/// `{"nonce":"<n>",<fields>}` (`fields` may be empty).
pub fn assert_signed_json(mock: &MockKraken, path: &str, fields: &str) {
    let nonce = signed_nonce(mock, path, "application/json");
    let expected = if fields.is_empty() {
        format!(r#"{{"nonce":"{nonce}"}}"#)
    } else {
        format!(r#"{{"nonce":"{nonce}",{fields}}}"#)
    };
    assert_eq!(mock.last_request().unwrap().body_str(), expected);
}

/// Asserts the last request: `method` to `path` with the mock's Bearer token,
/// no API-key headers, no query, and exactly `json` as its body (`None`: no body).
pub fn assert_bearer(mock: &MockKraken, method: &str, path: &str, json: Option<&str>) {
    let req = mock.last_request().expect("a request reached the mock");
    assert_eq!(
        (req.method.as_str(), req.path.as_str(), req.query.as_deref()),
        (method, path, None)
    );
    assert_eq!(req.auth, Ok(kraken_mock::Auth::Bearer));
    assert_eq!(
        req.header("authorization"),
        Some("Bearer mock-access-token")
    );
    assert!(req.header("api-key").is_none() && req.header("api-sign").is_none());
    match json {
        Some(json) => {
            assert_eq!(req.header("content-type"), Some("application/json"));
            assert_eq!(req.body_str(), json);
        }
        None => assert!(req.body.is_empty(), "{:?}", req.body_str()),
    }
}

/// The client order ids the last request carried (a form's `cl_ord_id`, or
/// each `orders[].cl_ord_id` of a JSON batch), in order.
pub fn sent_cl_ord_ids(mock: &MockKraken) -> Vec<String> {
    let req = mock.last_request().expect("a request reached the mock");
    if req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
    {
        let body: serde_json::Value = serde_json::from_slice(&req.body).expect("JSON body");
        body["orders"]
            .as_array()
            .map(|orders| {
                orders
                    .iter()
                    .filter_map(|o| o["cl_ord_id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        req.form()
            .into_iter()
            .filter(|(k, _)| k == "cl_ord_id")
            .map(|(_, v)| v)
            .collect()
    }
}

/// Asserts `id` is one the client generated: 32 lowercase hex characters.
pub fn assert_generated_id(id: &str) {
    assert!(
        id.len() == 32
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "not a generated client order id: {id}"
    );
}

/// An RFC 3339 time (UTC, whole seconds) `seconds` from now: a `deadline`
/// Kraken accepts is 2 to 60 seconds ahead.
pub fn deadline_in(seconds: u64) -> String {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(seconds);
    humantime::format_rfc3339_seconds(at).to_string()
}
