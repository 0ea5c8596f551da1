//! Retries: what is sent again, and what never is.

mod common;

use common::{serve, setup};
use kraken_mock::{Auth, MockKraken, MockResponse};
use kraken_spot::{Error, RetryPolicy, SpotClient};
use std::time::Duration;

fn client(mock: &MockKraken, retry: RetryPolicy) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .retry(retry)
        .build()
        .unwrap()
}

const FAST: RetryPolicy = RetryPolicy::DEFAULT;

fn fast() -> RetryPolicy {
    RetryPolicy::new(
        FAST.max_retries,
        Duration::from_millis(1),
        Duration::from_millis(5),
    )
}

#[tokio::test]
async fn public_reads_are_retried_on_5xx_and_throttling() {
    let (mock, _) = setup().await;
    let client = client(&mock, fast());
    serve(&mock, "/0/public/Time", "Time.json");
    mock.respond_once(
        "/0/public/Time",
        MockResponse::bytes("text/html", b"<html>502</html>".to_vec()).status(502),
    );
    mock.respond_once(
        "/0/public/Time",
        MockResponse::fixture("Error.EGeneral_TooManyRequests.json"),
    );
    let time = client.get_server_time().await.unwrap();
    assert_eq!(time.unixtime, 1688669448);
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn retries_stop_at_the_policy_limit() {
    let (mock, _) = setup().await;
    let client = client(&mock, fast());
    mock.respond(
        "/0/public/Time",
        MockResponse::bytes("text/plain", b"down".to_vec()).status(503),
    );
    let err = client.get_server_time().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err}");
    assert_eq!(mock.requests().len(), 4, "one attempt and three retries");

    let once = client_with_none(&mock);
    let before = mock.requests().len();
    once.get_server_time().await.unwrap_err();
    assert_eq!(
        mock.requests().len(),
        before + 1,
        "RetryPolicy::NONE sends once"
    );
}

fn client_with_none(mock: &MockKraken) -> SpotClient {
    client(mock, RetryPolicy::NONE)
}

#[tokio::test]
async fn an_invalid_nonce_is_retried_with_a_fresh_signed_nonce() {
    let (mock, _) = setup().await;
    let client = client(&mock, fast());
    serve(&mock, "/0/private/Balance", "Balance.json");
    mock.respond_once(
        "/0/private/Balance",
        MockResponse::fixture("Error.EAPI_InvalidNonce.json"),
    );
    let balance = client.get_account_balance().await.unwrap();
    assert_eq!(balance.len(), 10);
    let nonces: Vec<u64> = mock
        .requests()
        .iter()
        .map(|r| match r.auth {
            Ok(Auth::ApiKey { nonce }) => nonce,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(nonces.len(), 2);
    assert!(
        nonces[1] > nonces[0],
        "the retry carries a new nonce: {nonces:?}"
    );
}

#[tokio::test]
async fn orders_are_never_sent_twice_after_an_ambiguous_failure() {
    let (mock, _) = setup().await;
    let client = client(&mock, fast());
    mock.respond(
        "/0/private/AddOrder",
        MockResponse::bytes("text/html", b"<html>502</html>".to_vec()).status(502),
    );
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .price("100")
        .await
        .unwrap_err();
    // A 502 may come from an edge proxy after Kraken took the order: the
    // outcome is unknown, and the error says which order it is about.
    assert!(err.outcome_unknown(), "{err}");
    let id = mock
        .last_request()
        .unwrap()
        .form()
        .into_iter()
        .find(|(k, _)| k == "cl_ord_id")
        .unwrap()
        .1;
    assert_eq!(err.cl_ord_id(), Some(id.as_str()));
    assert!(
        matches!(err, Error::OutcomeUnknown { ref cause, .. } if matches!(**cause, Error::Http { status: 502, .. })),
        "{err}"
    );
    mock.respond(
        "/0/private/AddOrder",
        MockResponse::fixture("Error.EOrder_RateLimitExceeded.json"),
    );
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .price("100")
        .await
        .unwrap_err();
    assert!(err.kraken().unwrap().is_rate_limited());
    assert!(!err.outcome_unknown(), "Kraken refused it unread: {err}");
    assert_eq!(mock.requests().len(), 2, "each order was sent exactly once");
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // A port nothing listens on: bind, note the address, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = SpotClient::builder()
        .base_url(format!("http://{addr}"))
        .retry(fast())
        .build()
        .unwrap();
    let err = client.get_server_time().await.unwrap_err();
    match err {
        Error::Transport { endpoint, source } => {
            assert_eq!(endpoint, "get_server_time");
            assert!(source.is_connect(), "{source}");
        }
        other => panic!("{other:?}"),
    }
}
