//! Algo Trading (TWAP): every parameter on the wire (signed JSON, checked by
//! the mock's own verifier) and Kraken's documented examples decoded.

mod common;

use common::{assert_lossless, assert_signed_json, dec, serve, setup};
use kraken_spot::{Error, OrderSide, StrategyAssetClass, StrategyOrderType, StrategyStatus};

#[tokio::test]
async fn submit_strategy_sends_the_documented_request() {
    let (mock, client) = setup().await;
    let path = "/0/private/AddStrategy";
    serve(&mock, path, "AddStrategy.docs.json");
    // The request of Kraken's example, every optional parameter added.
    let added = client
        .submit_strategy("BTC/USD", "twap", "buy", "1.5", "limit")
        .asset_class("forex")
        .price("67000.0")
        .starttm("+60")
        .expiretm("+3600")
        .validate(false)
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""symbol":"BTC/USD","strategy_type":"twap","side":"buy","volume":"1.5","ordertype":"limit","asset_class":"forex","price":"67000.0","starttm":"+60","expiretm":"+3600","validate":false"#,
    );
    assert_eq!(added.strategy_id, "ASMBA64-R23M2-J7JRJV");
    assert_lossless("AddStrategy.docs.json", &added);
}

#[tokio::test]
async fn submit_strategy_refuses_a_bad_volume_before_sending() {
    let (mock, client) = setup().await;
    let err = client
        .submit_strategy("BTC/USD", "twap", "buy", "1.5.0", "market")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "volume",
                ..
            }
        ),
        "{err}"
    );
    assert!(mock.last_request().is_none());
}

#[tokio::test]
async fn get_closed_strategies_decodes_the_documented_page() {
    let (mock, client) = setup().await;
    let path = "/0/private/GetClosedStrategies";
    serve(&mock, path, "GetClosedStrategies.docs.json");
    let page = client
        .get_closed_strategies()
        .strategy_type("twap")
        .status("cancelled")
        .start(1781100000)
        .end(1781200000)
        .query_time_mode("close")
        .limit(50)
        .cursor("Q0xPU0VEOjE3ODEx")
        .asset_class("forex")
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""asset_class":"forex","strategy_type":"twap","status":"cancelled","start":1781100000,"end":1781200000,"query_time_mode":"close","limit":50,"cursor":"Q0xPU0VEOjE3ODEx""#,
    );
    assert_eq!(page.closed.len(), 2);
    let cancelled = &page.closed[0];
    assert_eq!(cancelled.strategy_id, "ASPBVCI-6MKBA-QE4VF6");
    assert_eq!(cancelled.status, StrategyStatus::Cancelled);
    assert_eq!(cancelled.reason.as_deref(), Some("userRequested"));
    let details = &cancelled.details;
    assert_eq!(details.side, OrderSide::Buy);
    assert_eq!(details.ordertype, StrategyOrderType::Market);
    assert_eq!(details.asset_class, Some(StrategyAssetClass::Forex));
    assert_eq!(details.volume.to_string(), "1.50000000");
    assert_eq!(details.filled_volume, dec("0.8"));
    assert_eq!(details.avg_price, Some(dec("67098.42")));
    assert_eq!(details.starttm, dec("1781169958"));
    assert_eq!(details.price, None);
    let closed = &page.closed[1];
    assert_eq!(closed.status, StrategyStatus::Closed);
    assert_eq!(closed.reason, None);
    assert_eq!(closed.details.price, Some(dec("67000.00")));
    assert_eq!(
        page.next_cursor.as_deref(),
        Some("Q0xPU0VEOjE3ODExNzAwMDA6QVNNQkE2NA")
    );
    assert_lossless("GetClosedStrategies.docs.json", &page);
}

#[tokio::test]
async fn get_closed_strategies_refuses_a_page_over_100() {
    let (mock, client) = setup().await;
    let err = client.get_closed_strategies().limit(101).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "limit", .. }),
        "{err}"
    );
    assert!(mock.last_request().is_none());
}

#[tokio::test]
async fn get_strategies_sends_ids_as_one_comma_list() {
    let (mock, client) = setup().await;
    let path = "/0/private/QueryStrategies";
    serve(&mock, path, "QueryStrategies.docs.json");
    let found = client
        .get_strategies(["ASPBVCI-6MKBA-QE4VF6", "ASMBA64-R23M2-J7JRJV"])
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""strategy_ids":"ASPBVCI-6MKBA-QE4VF6,ASMBA64-R23M2-J7JRJV""#,
    );
    assert!(found.strategies.is_empty());
    assert_lossless("QueryStrategies.docs.json", &found);
}

#[tokio::test]
async fn open_strategies_and_cancel_keep_krakens_answer_as_exact_json() {
    let (mock, client) = setup().await;
    // No documented example of either answer is stored (tests/fixtures/INDEX.md):
    // a placeholder result, not a claim about Kraken's shape, checks the request
    // and that the result is kept verbatim.
    let path = "/0/private/GetOpenStrategies";
    mock.respond(
        path,
        kraken_mock::MockResponse::json(r#"{"error":[],"result":{"not_documented":[1.10]}}"#),
    );
    let open = client
        .get_open_strategies()
        .strategy_type("twap")
        .await
        .unwrap();
    assert_signed_json(&mock, path, r#""strategy_type":"twap""#);
    assert_eq!(open.get(), r#"{"not_documented":[1.10]}"#);

    let path = "/0/private/CancelStrategy";
    mock.respond(
        path,
        kraken_mock::MockResponse::json(r#"{"error":[],"result":{"not_documented":true}}"#),
    );
    let ack = client
        .cancel_strategy("ASMBA64-R23M2-J7JRJV")
        .await
        .unwrap();
    assert_signed_json(&mock, path, r#""strategy_id":"ASMBA64-R23M2-J7JRJV""#);
    assert_eq!(ack.get(), r#"{"not_documented":true}"#);
}
