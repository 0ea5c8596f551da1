//! Algo Trading in the sandbox: a TWAP strategy is created, listed, executed
//! as child orders while the clock advances, cancelled and found closed.

mod sandbox_util;

use std::time::Duration;

use kraken_mock::MockKraken;
use kraken_spot::StrategyStatus;
use rust_decimal::Decimal;
use sandbox_util::client;
use serde_json::Value;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn validate_checks_without_creating() {
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    let checked = kraken
        .submit_strategy("BTC/USD", "twap", "buy", "0.5", "market")
        .expiretm("+3600")
        .validate(true)
        .await
        .unwrap();
    assert_eq!(checked.strategy_id, "");
    let open: Value = kraken.get_open_strategies().await.unwrap().parse().unwrap();
    assert_eq!(open["open"], serde_json::json!([]));

    // The checks run with validate too: a window under 60 s, a limit
    // without price, a market with one, an unknown pair.
    let short = kraken
        .submit_strategy("BTC/USD", "twap", "buy", "0.5", "market")
        .expiretm("+59")
        .validate(true)
        .await
        .unwrap_err();
    assert_eq!(
        short.kraken().unwrap().code(),
        "EGeneral:Invalid arguments:expiretm"
    );
    let no_price = kraken
        .submit_strategy("BTC/USD", "twap", "buy", "0.5", "limit")
        .expiretm("+3600")
        .await
        .unwrap_err();
    assert_eq!(
        no_price.kraken().unwrap().code(),
        "EGeneral:Invalid arguments:price"
    );
    let unknown = kraken
        .submit_strategy("NOPE/USD", "twap", "buy", "0.5", "market")
        .expiretm("+3600")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.kraken().unwrap().code(),
        "EQuery:Unknown asset pair"
    );
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn a_twap_fills_over_its_window_and_is_cancelled_by_request() {
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    let added = kraken
        .submit_strategy("BTC/USD", "twap", "buy", "1.0", "market")
        .asset_class("forex")
        .starttm("+100")
        .expiretm("+1100")
        .await
        .unwrap();
    let id = added.strategy_id.clone();
    assert!(id.starts_with("AS"), "{id}");

    // Pending until its start.
    let open: Value = kraken.get_open_strategies().await.unwrap().parse().unwrap();
    assert_eq!(open["open"][0]["strategy_id"], id.as_str());
    assert_eq!(open["open"][0]["status"], "pending");
    assert_eq!(open["open"][0]["details"]["filled_volume"], "0.00000000");

    // A quarter of the window later, the first (of ten) slices began at the
    // start, the second at 100 s, the third at 200 s: 0.3 executed as one
    // market child order against the book.
    mock.advance(Duration::from_secs(100 + 250));
    let queried = kraken.get_strategies([id.as_str()]).await.unwrap();
    let s = &queried.strategies[&id];
    assert_eq!(s.status, StrategyStatus::Open);
    let filled = s.details.filled_volume;
    assert_eq!(filled, dec("0.3"));
    let children = mock.orders();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].ordertype, "market");
    assert_eq!(children[0].vol_exec, filled);
    assert_eq!(s.details.total_cost, Some(children[0].cost));
    assert_eq!(s.details.total_fee, Some(children[0].fee));
    assert!(s.details.avg_price.is_some());

    let ack: Value = kraken.cancel_strategy(&id).await.unwrap().parse().unwrap();
    assert_eq!(ack["strategy_id"], id.as_str());
    assert_eq!(ack["status"], "cancelled");
    let open: Value = kraken.get_open_strategies().await.unwrap().parse().unwrap();
    assert_eq!(open["open"], serde_json::json!([]));
    let closed = kraken.get_closed_strategies().await.unwrap();
    assert_eq!(closed.closed.len(), 1);
    assert_eq!(closed.closed[0].strategy_id, id);
    assert_eq!(closed.closed[0].status, StrategyStatus::Cancelled);
    assert_eq!(closed.closed[0].reason.as_deref(), Some("userRequested"));
    assert_eq!(closed.closed[0].details.filled_volume, filled);

    // Cancelled, it sends nothing more; a second cancel is refused.
    mock.advance(Duration::from_secs(2000));
    assert_eq!(mock.orders().len(), 1);
    let again = kraken.cancel_strategy(&id).await.unwrap_err();
    assert_eq!(
        again.kraken().unwrap().code(),
        "EGeneral:Invalid arguments:strategy_id"
    );
    let unknown = kraken
        .cancel_strategy("ASXXXXX-XXXXX-XXXXXX")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.kraken().unwrap().code(),
        "EGeneral:Invalid arguments:strategy_id"
    );
}

#[tokio::test]
async fn a_limit_twap_closes_when_done_and_an_unfilled_one_expires() {
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    // A limit far above the market fills every slice; one far below none.
    let done = kraken
        .submit_strategy("XBTUSD", "twap", "buy", "0.2", "limit")
        .price("1000000")
        .expiretm("+600")
        .await
        .unwrap()
        .strategy_id;
    let idle = kraken
        .submit_strategy("XBTUSD", "twap", "buy", "0.2", "limit")
        .price("1")
        .expiretm("+600")
        .await
        .unwrap()
        .strategy_id;
    mock.advance(Duration::from_secs(300));
    mock.advance(Duration::from_secs(300));
    let closed = kraken.get_closed_strategies().await.unwrap();
    let by_id = |id: &str| closed.closed.iter().find(|s| s.strategy_id == id).unwrap();
    assert_eq!(by_id(&done).status, StrategyStatus::Closed);
    assert_eq!(by_id(&done).details.filled_volume, dec("0.2"));
    assert_eq!(by_id(&idle).status, StrategyStatus::Expired);
    assert_eq!(by_id(&idle).details.filled_volume, Decimal::ZERO);
    assert_eq!(by_id(&idle).details.avg_price, None);
    // Child orders are IOC limit orders at the strategy's price.
    assert!(
        mock.orders()
            .iter()
            .all(|o| o.ordertype == "limit" && o.timeinforce == "IOC")
    );
    // Paging: one per page, then the cursor.
    let first = kraken.get_closed_strategies().limit(1).await.unwrap();
    assert_eq!(first.closed.len(), 1);
    let cursor = first.next_cursor.clone().unwrap();
    let second = kraken
        .get_closed_strategies()
        .limit(1)
        .cursor(cursor)
        .await
        .unwrap();
    assert_eq!(second.closed.len(), 1);
    assert_ne!(second.closed[0].strategy_id, first.closed[0].strategy_id);
    assert_eq!(second.next_cursor, None);
    let cancelled = kraken
        .get_closed_strategies()
        .status("cancelled")
        .await
        .unwrap();
    assert!(cancelled.closed.is_empty());
}
