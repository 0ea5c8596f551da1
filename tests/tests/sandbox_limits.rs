//! Kraken's counters, lockout and nonce rules, switched on in the sandbox.

mod sandbox_util;

use std::time::Duration;

use kraken_mock::{MockKraken, RateTier};
use sandbox_util::{call, call_with_nonce, errors, post_as};

const ADD: &str = "/0/private/AddOrder";
const CANCEL: &str = "/0/private/CancelOrder";

#[tokio::test]
async fn rest_counter_refuses_the_call_that_would_exceed_the_max() {
    let mock = MockKraken::sandbox().await;
    mock.clock().freeze(); // only advance() moves time
    mock.enforce_rate_limits(RateTier::Intermediate);
    // 20 calls fit, the 21st does not.
    for i in 0..20 {
        let answer = call(&mock, "/0/private/Balance", "").await;
        assert_eq!(errors(&answer), Vec::<String>::new(), "call {i}");
    }
    let refused = call(&mock, "/0/private/Balance", "").await;
    assert_eq!(errors(&refused), ["EAPI:Rate limit exceeded"]);
    // The refused call added nothing; orders cost nothing on this counter.
    assert_eq!(mock.rest_counter(kraken_mock::API_KEY), 20.0);
    let add = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0",
    )
    .await;
    assert_eq!(errors(&add), Vec::<String>::new());
    // OpenOrders costs 2: after 2 s (1 unit decayed at 0.5/s) it is still refused…
    mock.advance(Duration::from_secs(2));
    let open = call(&mock, "/0/private/OpenOrders", "").await;
    assert_eq!(errors(&open), ["EAPI:Rate limit exceeded"]);
    // …and passes 2 s later.
    mock.advance(Duration::from_secs(2));
    let open = call(&mock, "/0/private/OpenOrders", "").await;
    assert_eq!(errors(&open), Vec::<String>::new());
}

#[tokio::test]
async fn public_calls_are_not_counted() {
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Starter);
    let client = reqwest::Client::new();
    for _ in 0..30 {
        let r = client
            .get(format!("{}/0/public/Time", mock.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(mock.rest_counter(kraken_mock::API_KEY), 0.0);
}

#[tokio::test]
async fn trading_counter_refuses_the_add_that_would_reach_the_threshold() {
    let mock = MockKraken::sandbox().await;
    mock.clock().freeze(); // only advance() moves time
    mock.enforce_rate_limits(RateTier::Starter); // threshold 60, decay 1/s
    let mut accepted = 0;
    let mut refused_at = None;
    for i in 0..70 {
        let answer = call(
            &mock,
            ADD,
            &format!("ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0&userref={i}"),
        )
        .await;
        match errors(&answer).as_slice() {
            [] => accepted += 1,
            [e] if e == "EOrder:Rate limit exceeded" => {
                refused_at = Some(i);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    // 59 adds bring the counter to 59; the 60th would reach 60.
    assert_eq!(accepted, 59);
    assert_eq!(refused_at, Some(59));
    assert_eq!(mock.trading_counter(kraken_mock::API_KEY, "XBTUSD"), 59.0);
    // Another pair has its own counter.
    let eth = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.1&pair=ETHXBT&price=0.05",
    )
    .await;
    assert_eq!(errors(&eth), Vec::<String>::new());

    // Cancelling a young order costs 8; an order older than 300 s costs nothing.
    let first = mock.orders()[0].txid.clone();
    let cancel = call(&mock, CANCEL, &format!("txid={first}")).await;
    assert_eq!(errors(&cancel), ["EOrder:Rate limit exceeded"]);
    mock.advance(Duration::from_secs(300));
    assert_eq!(mock.trading_counter(kraken_mock::API_KEY, "XBTUSD"), 0.0);
    let cancel = call(&mock, CANCEL, &format!("txid={first}")).await;
    assert_eq!(errors(&cancel), Vec::<String>::new());
    assert_eq!(mock.trading_counter(kraken_mock::API_KEY, "XBTUSD"), 0.0);
}

#[tokio::test]
async fn amend_edit_and_cancel_charge_by_order_age() {
    let mock = MockKraken::sandbox().await;
    mock.clock().freeze(); // only advance() moves time: exact counter values
    mock.enforce_rate_limits(RateTier::Pro); // decay 3.75/s
    let key = kraken_mock::API_KEY;
    let placed = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0&cl_ord_id=age-1",
    )
    .await;
    let txid = placed["result"]["txid"][0].as_str().unwrap().to_owned();
    let counter = || mock.trading_counter(key, "XBTUSD");
    assert_eq!(counter(), 1.0);
    // §4's example: amend at 7 s (+1 +2), cancel 36 s later (+4): total 8,
    // here with decay in between, so check each charge on its own.
    mock.advance(Duration::from_secs(7));
    let before = counter();
    let amend = call(
        &mock,
        "/0/private/AmendOrder",
        "cl_ord_id=age-1&limit_price=20001.0",
    )
    .await;
    assert_eq!(errors(&amend), Vec::<String>::new());
    assert_eq!(before, 0.0, "7 s decayed the add's 1");
    assert_eq!(counter(), 3.0, "amend at 7 s charges 1 + 2");
    mock.advance(Duration::from_secs(36));
    let edit = call(
        &mock,
        "/0/private/EditOrder",
        &format!("txid={txid}&pair=XBTUSD&price=20002.0"),
    )
    .await;
    assert_eq!(errors(&edit), Vec::<String>::new());
    assert_eq!(counter(), 3.0, "edit at 36 s since the amend charges 1 + 2");
    let new_txid = edit["result"]["txid"].as_str().unwrap().to_owned();
    let cancel = call(&mock, CANCEL, &format!("txid={new_txid}")).await;
    assert_eq!(errors(&cancel), Vec::<String>::new());
    assert_eq!(counter(), 11.0, "a fresh order's cancel charges 8");
}

#[tokio::test]
async fn lockout_after_five_invalid_signatures() {
    let mock = MockKraken::sandbox().await;
    mock.set_lockout(true);
    let wrong =
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXw==";
    for _ in 0..5 {
        let (_, body) = post_as(&mock, kraken_mock::API_KEY, wrong, "/0/private/Balance", "")
            .await
            .unwrap();
        assert_eq!(body, r#"{"error":["EAPI:Invalid signature"]}"#);
    }
    // Now even a correctly signed call is refused…
    let locked = call(&mock, "/0/private/Balance", "").await;
    assert_eq!(errors(&locked), ["EGeneral:Temporary lockout"]);
    // …until the cool-down (60 s of mock time) has passed.
    mock.advance(Duration::from_secs(61));
    let ok = call(&mock, "/0/private/Balance", "").await;
    assert_eq!(errors(&ok), Vec::<String>::new());
}

#[tokio::test]
async fn without_lockout_failures_never_lock() {
    let mock = MockKraken::sandbox().await;
    for _ in 0..10 {
        let (_, body) = post_as(
            &mock,
            "unknown-key",
            kraken_mock::API_SECRET,
            "/0/private/Balance",
            "",
        )
        .await
        .unwrap();
        assert_eq!(body, r#"{"error":["EAPI:Invalid key"]}"#);
    }
    assert_eq!(
        errors(&call(&mock, "/0/private/Balance", "").await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn nonce_window() {
    let mock = MockKraken::sandbox().await;
    let path = "/0/private/Balance";
    let base = 1_000_000_000u64;
    assert_eq!(
        errors(&call_with_nonce(&mock, path, "", base).await),
        Vec::<String>::new()
    );
    // Strict: an older nonce is refused.
    let late = call_with_nonce(&mock, path, "", base - 10).await;
    assert_eq!(errors(&late), ["EAPI:Invalid nonce"]);
    mock.set_nonce_window(100);
    assert_eq!(
        errors(&call_with_nonce(&mock, path, "", base - 10).await),
        Vec::<String>::new()
    );
    let repeat = call_with_nonce(&mock, path, "", base - 10).await;
    assert_eq!(errors(&repeat), ["EAPI:Invalid nonce"]);
    let too_old = call_with_nonce(&mock, path, "", base - 100).await;
    assert_eq!(errors(&too_old), ["EAPI:Invalid nonce"]);
    assert_eq!(
        errors(&call_with_nonce(&mock, path, "", base - 99).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn key_permissions() {
    let mock = MockKraken::sandbox().await;
    let secret = kraken_mock::API_SECRET;
    mock.add_key(
        "read-only",
        secret,
        Some(&["query-funds", "query-open-trades"]),
    );
    let (_, body) = post_as(&mock, "read-only", secret, "/0/private/Balance", "")
        .await
        .unwrap();
    let balance: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(errors(&balance), Vec::<String>::new());
    let (_, body) = post_as(&mock, "read-only", secret, "/0/private/OpenOrders", "")
        .await
        .unwrap();
    assert_eq!(body, r#"{"error":[],"result":{"open":{}}}"#);
    let (_, body) = post_as(
        &mock,
        "read-only",
        secret,
        ADD,
        "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0",
    )
    .await
    .unwrap();
    assert_eq!(body, r#"{"error":["EGeneral:Permission denied"]}"#);
    // AddOrderBatch needs both modify-trades and close-trades.
    mock.add_key("trader", secret, Some(&["modify-trades"]));
    let (_, body) = post_as(&mock, "trader", secret, "/0/private/CancelAll", "")
        .await
        .unwrap();
    assert_eq!(body, r#"{"error":[],"result":{"count":0}}"#);
    let (_, body) = post_as(
        &mock,
        "trader",
        secret,
        "/0/private/EditOrder",
        "txid=X&pair=XBTUSD",
    )
    .await
    .unwrap();
    assert_eq!(body, r#"{"error":["EGeneral:Permission denied"]}"#);
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn open_orders_per_pair_are_capped_by_tier() {
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Starter); // 60 open orders per pair
    for i in 0..60 {
        // Spread over time so the trading counter is not what refuses.
        mock.advance(Duration::from_secs(2));
        let answer = call(
            &mock,
            ADD,
            "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0",
        )
        .await;
        assert_eq!(errors(&answer), Vec::<String>::new(), "order {i}");
    }
    mock.advance(Duration::from_secs(2));
    let refused = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0",
    )
    .await;
    assert_eq!(errors(&refused), ["EOrder:Orders limit exceeded"]);
    let other = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.1&pair=ETHXBT&price=0.05",
    )
    .await;
    assert_eq!(errors(&other), Vec::<String>::new());
}
