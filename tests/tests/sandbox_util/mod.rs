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
    let n = nonce();
    let body = if params.is_empty() {
        format!("nonce={n}")
    } else {
        format!("nonce={n}&{params}")
    };
    let sign = kraken_mock::sign(secret, path, n, body.as_bytes()).unwrap_or_default();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{path}", mock.base_url()))
        .header("API-Key", key)
        .header("API-Sign", sign)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
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

/// POSTs a signed form with an explicit `nonce`; returns the parsed JSON body.
pub async fn call_with_nonce(
    mock: &MockKraken,
    path: &str,
    params: &str,
    nonce: u64,
) -> serde_json::Value {
    let body = if params.is_empty() {
        format!("nonce={nonce}")
    } else {
        format!("nonce={nonce}&{params}")
    };
    let sign = kraken_mock::sign(kraken_mock::API_SECRET, path, nonce, body.as_bytes()).unwrap();
    let text = reqwest::Client::new()
        .post(format!("{}{path}", mock.base_url()))
        .header("API-Key", kraken_mock::API_KEY)
        .header("API-Sign", sign)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("an HTTP answer")
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}
