//! Helpers for the sandbox tests: raw signed calls over plain HTTP (reqwest),
//! so that kraken-mock's own tests build from its package, without kraken-spot.
//! The integration tests (../integration/tests/sandbox_util) use them too.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::atomic::{AtomicU64, Ordering};

use kraken_mock::MockKraken;

static NONCE: AtomicU64 = AtomicU64::new(0);

/// A fresh nonce, increasing across the whole test binary.
pub fn nonce() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let prev = NONCE.fetch_max(now, Ordering::SeqCst);
    if prev >= now {
        NONCE.fetch_add(1, Ordering::SeqCst) + 1
    } else {
        now
    }
}

/// POSTs a signed form `params` (url-encoded, without the nonce) to `path`
/// with `key`/`secret`, through raw reqwest.
pub async fn post_as(
    mock: &MockKraken,
    key: &str,
    secret: &str,
    path: &str,
    params: &str,
) -> Result<(u16, String), reqwest::Error> {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = signed_form_as(&no_redirects, mock, key, secret, path, params, nonce())
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

/// [`post_as`] with the mock's own key.
pub async fn post(
    mock: &MockKraken,
    path: &str,
    params: &str,
) -> Result<(u16, String), reqwest::Error> {
    post_as(
        mock,
        kraken_mock::API_KEY,
        kraken_mock::API_SECRET,
        path,
        params,
    )
    .await
}

/// [`post`] that must get an HTTP answer; returns the parsed JSON body.
pub async fn call(mock: &MockKraken, path: &str, params: &str) -> serde_json::Value {
    let (status, body) = post(mock, path, params).await.expect("an HTTP answer");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The `error` list of a Kraken answer, as strings.
pub fn errors(v: &serde_json::Value) -> Vec<String> {
    v["error"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e.as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A signed form POST to `path` through `http` with the mock's own key: the
/// nonce, then `params` (form-encoded, may be empty).
pub fn signed_form(
    http: &reqwest::Client,
    mock: &MockKraken,
    path: &str,
    params: &str,
    nonce: u64,
) -> reqwest::RequestBuilder {
    let (key, secret) = (kraken_mock::API_KEY, kraken_mock::API_SECRET);
    signed_form_as(http, mock, key, secret, path, params, nonce)
}

/// [`signed_form`] with `key`/`secret`. A secret that is not base64 signs
/// as an empty API-Sign, for the tests of bad keys.
pub fn signed_form_as(
    http: &reqwest::Client,
    mock: &MockKraken,
    key: &str,
    secret: &str,
    path: &str,
    params: &str,
    nonce: u64,
) -> reqwest::RequestBuilder {
    let body = if params.is_empty() {
        format!("nonce={nonce}")
    } else {
        format!("nonce={nonce}&{params}")
    };
    let sign = kraken_mock::sign(secret, path, nonce, body.as_bytes()).unwrap_or_default();
    http.post(format!("{}{path}", mock.base_url()))
        .header("API-Key", key)
        .header("API-Sign", sign)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
}

/// POSTs a signed form with an explicit `nonce`; returns the parsed JSON body.
pub async fn call_with_nonce(
    mock: &MockKraken,
    path: &str,
    params: &str,
    nonce: u64,
) -> serde_json::Value {
    let text = signed_form(&reqwest::Client::new(), mock, path, params, nonce)
        .send()
        .await
        .expect("an HTTP answer")
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}
