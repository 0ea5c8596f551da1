//! `client.raw(..)`: a call the spec does not know yet, signed and paced like
//! any call, with Kraken's `result` as exact JSON (issue 10 §3).

use kraken_mock::{MockKraken, MockResponse};
use kraken_spot::{Auth, Error, HttpMethod, RateLimitTier, SpotClient};
use serde_json::json;

fn client(mock: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .rate_limit(RateLimitTier::Pro)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_raw_private_call_is_signed_and_paced_and_keeps_the_exact_result() {
    let mock = MockKraken::start().await;
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    let client = client(&mock);
    let result = client
        .raw(
            HttpMethod::Post,
            "/0/private/Balance",
            Auth::ApiKey,
            [("asset", json!("ZUSD")), ("n", json!(3))],
        )
        .await
        .unwrap();
    let req = mock.last_request().unwrap();
    assert!(req.auth.is_ok(), "{:?}", req.auth);
    let form = req.form();
    assert_eq!(
        form[1..],
        [("asset".into(), "ZUSD".into()), ("n".into(), "3".into())]
    );
    // Kraken's result, digit for digit.
    let recorded = String::from_utf8(kraken_mock::fixture("Balance.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    let expected: serde_json::Value = serde_json::from_str(result.get()).unwrap();
    assert_eq!(expected, v["result"]);
    assert!(
        recorded.contains(
            result
                .get()
                .split(',')
                .next()
                .unwrap()
                .trim_start_matches('{')
        )
    );
    let counters = client.rate_counters().unwrap();
    assert!(
        counters.rest.level > 0.9,
        "the raw call was charged: {}",
        counters.rest.level
    );
}

#[tokio::test]
async fn raw_public_and_funding_calls() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    let ticker = client
        .raw(
            HttpMethod::Get,
            "/0/public/Ticker",
            Auth::Public,
            [("pair", json!("XBTUSD"))],
        )
        .await
        .unwrap();
    assert_eq!(
        mock.last_request().unwrap().query.as_deref(),
        Some("pair=XBTUSD")
    );
    assert!(ticker.get().starts_with('{'));

    let networks = client
        .raw(HttpMethod::Get, "/funding/v1/networks", Auth::Funding, [])
        .await
        .unwrap();
    assert!(mock.last_request().unwrap().auth.is_ok());
    assert!(
        networks.get().contains("\"network_groups\""),
        "the whole body: {}",
        networks.get()
    );
}

#[tokio::test]
async fn raw_errors_are_typed_and_bad_paths_are_refused() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    mock.respond(
        "/0/private/NewThing",
        MockResponse::fixture("Error.EGeneral_PermissionDenied.json"),
    );
    let err = client
        .raw(HttpMethod::Post, "/0/private/NewThing", Auth::ApiKey, [])
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EGeneral:Permission denied");
    let before = mock.requests().len();
    let err = client
        .raw(HttpMethod::Get, "/0/public/Time?x=1", Auth::Public, [])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParam { .. }), "{err}");
    assert_eq!(mock.requests().len(), before);
}
