//! The sandbox's order state through kraken-spot: place, query, amend, edit,
//! cancel, batch, fill, the dead man's switch, and Kraken's checks.

mod sandbox_util;

use std::time::Duration;

use kraken_mock::MockKraken;
use kraken_spot::{BatchOrder, OrderStatus};
use rust_decimal::Decimal;
use sandbox_util::{call, client, errors};

const ADD: &str = "/0/private/AddOrder";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn place_query_amend_and_cancel_by_client_order_id() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    let id = "6d1b345e-2821-40e2-ad83-4ecb18a06876";
    let placed = client
        .submit_order("limit", "buy", "0.5", "XBTUSD")
        .price("25000.0")
        .cl_ord_id(id)
        .await
        .unwrap();
    let txids = placed.txid.clone().unwrap();
    assert_eq!(txids.len(), 1);
    let txid = txids[0].clone();
    assert_eq!(placed.descr.order, "buy 0.50000000 XBTUSD @ limit 25000.0");
    let o = &mock.orders()[0];
    assert_eq!(
        (o.txid.as_str(), o.cl_ord_id.as_deref(), o.status.as_str()),
        (txid.as_str(), Some(id), "open")
    );
    assert_eq!(o.txid.len(), 19);
    assert_eq!(&o.txid[6..7], "-");

    let open = client.get_open_orders().cl_ord_id(id).await.unwrap();
    let info = &open.open[&txid];
    assert_eq!(info.status, Some(OrderStatus::Open));
    assert_eq!(info.cl_ord_id.as_deref(), Some(id));
    assert_eq!(info.vol, Some(dec("0.5")));
    let none = client.get_open_orders().cl_ord_id("other").await.unwrap();
    assert!(none.open.is_empty());

    // The same cl_ord_id while the order is open: refused.
    let err = client
        .submit_order("limit", "buy", "0.5", "XBTUSD")
        .price("25000.0")
        .cl_ord_id(id)
        .await
        .unwrap_err();
    assert_eq!(
        err.kraken().unwrap().code(),
        "EGeneral:Invalid arguments:cl_ord_id"
    );
    assert_eq!(mock.orders().len(), 1);

    let amended = client
        .amend_order()
        .cl_ord_id(id)
        .limit_price("24000.0")
        .order_qty("0.4")
        .await
        .unwrap();
    assert!(amended.amend_id.starts_with('T'));
    let amends = client.get_order_amends().order_id(&txid).await.unwrap();
    assert_eq!(amends.count, Some(2));
    assert_eq!(amends.amends[0].amend_type.as_deref(), Some("original"));
    assert_eq!(amends.amends[1].amend_id.as_ref(), Some(&amended.amend_id));
    let queried = client.get_orders(&txid).await.unwrap();
    assert_eq!(queried[&txid].vol, Some(dec("0.4")));
    assert_eq!(
        queried[&txid].descr.as_ref().unwrap().price.as_deref(),
        Some("24000.0")
    );

    let cancelled = client.cancel_order().cl_ord_id(id).await.unwrap();
    assert_eq!(cancelled.count, 1);
    let closed = client.get_closed_orders().await.unwrap();
    assert_eq!(closed.count, Some(1));
    let info = &closed.closed[&txid];
    assert_eq!(info.status, Some(OrderStatus::Canceled));
    assert_eq!(info.reason.as_deref(), Some("User requested"));
    assert_eq!(mock.orders()[0].status, "canceled");

    // Cancelling again: Kraken's unknown-order error.
    let err = client.cancel_order().txid(&txid).await.unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EOrder:Unknown order");
    // The id is free again once its order is closed.
    client
        .submit_order("limit", "buy", "0.5", "XBTUSD")
        .price("25000.0")
        .cl_ord_id(id)
        .await
        .unwrap();
    assert_eq!(mock.orders().len(), 2);
}

#[tokio::test]
async fn validate_checks_without_placing() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    let checked = client
        .submit_order("limit", "buy", "1.25", "XBTUSD")
        .price("10000")
        .validate(true)
        .await
        .unwrap();
    assert_eq!(checked.txid, None);
    assert_eq!(checked.descr.order, "buy 1.25000000 XBTUSD @ limit 10000.0");
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn kraken_checks_with_kraken_errors() {
    let mock = MockKraken::sandbox().await;
    let cases = [
        (
            "ordertype=limit&type=buy&volume=0.01&pair=NOPE&price=1",
            "EQuery:Unknown asset pair",
        ),
        (
            "ordertype=limit&type=buy&volume=0.00001&pair=XBTUSD&price=20000",
            "EOrder:Order minimum not met",
        ),
        (
            "ordertype=limit&type=buy&volume=0.0001&pair=XBTUSD&price=100",
            "EOrder:Cost minimum not met",
        ),
        (
            "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.05",
            "EOrder:Tick size check failed",
        ),
        (
            "ordertype=limit&type=buy&volume=abc&pair=XBTUSD&price=20000",
            "EGeneral:Invalid arguments:volume",
        ),
        (
            "ordertype=limit&type=hold&volume=1&pair=XBTUSD&price=20000",
            "EGeneral:Invalid arguments:type",
        ),
        (
            "ordertype=limit&type=buy&volume=1&pair=XBTUSD",
            "EGeneral:Invalid arguments:price",
        ),
        (
            "ordertype=limit&type=buy&volume=1&pair=XBTUSD&price=1&cl_ord_id=a&userref=1",
            "EGeneral:Invalid arguments:cl_ord_id",
        ),
    ];
    for (params, expected) in cases {
        let answer = call(&mock, ADD, params).await;
        assert_eq!(errors(&answer), [expected], "{params}");
    }
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn market_orders_fill_and_resting_orders_fill_when_the_price_moves() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    // The recorded XBT/USD book (Depth.json): best ask 30384.1, 2.059 deep.
    let market = client
        .submit_order("market", "buy", "0.1", "XBTUSD")
        .await
        .unwrap();
    let txid = &market.txid.unwrap()[0];
    let info = &client.get_orders(txid).await.unwrap()[txid];
    assert_eq!(info.status, Some(OrderStatus::Closed));
    assert_eq!(info.vol_exec, Some(dec("0.1")));
    assert_eq!(info.cost, Some(dec("3038.41")));
    assert_eq!(info.fee, Some(dec("7.89987"))); // 0.26 % taker, 5 decimals
    assert_eq!(info.price, Some(dec("30384.1")));

    let resting = client
        .submit_order("limit", "sell", "0.2", "XBTUSD")
        .price("31000.0")
        .await
        .unwrap();
    let rid = &resting.txid.unwrap()[0];
    assert_eq!(mock.orders()[1].status, "open");
    assert!(mock.set_price("XBTUSD", dec("30999.9")));
    assert_eq!(mock.orders()[1].status, "open");
    assert!(mock.set_price("XBTUSD", dec("31000.0")));
    let filled = &client.get_orders(rid).await.unwrap()[rid];
    assert_eq!(filled.status, Some(OrderStatus::Closed));
    assert_eq!(filled.cost, Some(dec("6200.0")));
    assert_eq!(filled.fee, Some(dec("9.92"))); // 0.16 % maker

    // Post-only that would take is cancelled; IOC that cannot fill is cancelled.
    let post = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.1&pair=XBTUSD&price=32000.0&oflags=post",
    )
    .await;
    assert_eq!(errors(&post), Vec::<String>::new());
    assert_eq!(mock.orders()[2].status, "canceled");
    let ioc = call(
        &mock,
        ADD,
        "ordertype=limit&type=buy&volume=0.1&pair=XBTUSD&price=20000.0&timeinforce=IOC",
    )
    .await;
    assert_eq!(errors(&ioc), Vec::<String>::new());
    assert_eq!(mock.orders()[3].status, "canceled");
}

#[tokio::test]
async fn taker_orders_walk_the_book_and_partially_fill() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    let level = |p: &str, v: &str| (dec(p), dec(v));
    assert!(mock.set_book(
        "XBTUSD",
        &[level("29990.0", "1"), level("29980.0", "2")],
        &[
            level("30010.0", "0.5"),
            level("30020.0", "1"),
            level("30100.0", "5")
        ],
    ));
    // A limit buy of 2 up to 30020 takes 0.5 + 1 and rests with 0.5 open.
    let placed = client
        .submit_order("limit", "buy", "2", "XBTUSD")
        .price("30020.0")
        .await
        .unwrap();
    let txid = &placed.txid.unwrap()[0];
    let info = &client.get_orders(txid).await.unwrap()[txid];
    assert_eq!(info.status, Some(OrderStatus::Open));
    assert_eq!(info.vol_exec, Some(dec("1.5")));
    assert_eq!(info.cost, Some(dec("45025"))); // 0.5 × 30010 + 1 × 30020
    assert_eq!(info.price, Some(dec("30016.66667"))); // the average, cost decimals
    assert_eq!(client.get_trades_history().await.unwrap().count, Some(2));

    // The book lost those levels.
    let depth = reqwest::get(format!(
        "{}/0/public/Depth?pair=XBTUSD&count=2",
        mock.base_url()
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    let depth: serde_json::Value = serde_json::from_str(&depth).unwrap();
    assert_eq!(depth["result"]["XXBTZUSD"]["asks"][0][0], "30100.0");
    assert_eq!(depth["result"]["XXBTZUSD"]["asks"][0][1], "5.00000000");
    assert_eq!(
        depth["result"]["XXBTZUSD"]["bids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // FOK that the book cannot fill whole: nothing trades.
    let fok = call(
        &mock,
        ADD,
        "ordertype=limit&type=sell&volume=5&pair=XBTUSD&price=29980.0&timeinforce=FOK",
    )
    .await;
    assert_eq!(errors(&fok), Vec::<String>::new());
    let o = mock.orders().pop().unwrap();
    assert_eq!((o.status.as_str(), o.vol_exec), ("canceled", dec("0")));
    // IOC takes what there is (3 XBT) and cancels the rest.
    let ioc = call(
        &mock,
        ADD,
        "ordertype=limit&type=sell&volume=5&pair=XBTUSD&price=29980.0&timeinforce=IOC",
    )
    .await;
    assert_eq!(errors(&ioc), Vec::<String>::new());
    let o = mock.orders().pop().unwrap();
    assert_eq!((o.status.as_str(), o.vol_exec), ("canceled", dec("3")));
    assert_eq!(o.reason.as_deref(), Some("Insufficient liquidity"));
}

#[tokio::test]
async fn batches_edit_userref_and_cancel_all() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    let added = client
        .submit_batch_orders(
            [
                BatchOrder::new("limit", "buy", "0.01")
                    .price("20000.0")
                    .cl_ord_id("b-1"),
                BatchOrder::new("limit", "buy", "0.01")
                    .price("20000.0")
                    .cl_ord_id("b-2"),
                BatchOrder::new("limit", "sell", "0.01")
                    .price("40000.0")
                    .userref(7),
            ],
            "XBTUSD",
        )
        .await
        .unwrap();
    assert_eq!(added.orders.len(), 3);
    let txids: Vec<String> = added
        .orders
        .iter()
        .map(|o| o.txid.clone().unwrap())
        .collect();
    assert_eq!(
        mock.orders()
            .iter()
            .map(|o| o.txid.clone())
            .collect::<Vec<_>>(),
        txids
    );
    // A batch whose order fails a check is refused whole.
    let err = client
        .submit_batch_orders(
            [
                BatchOrder::new("limit", "buy", "0.01").price("20000.0"),
                BatchOrder::new("limit", "buy", "0.00000001").price("20000.0"),
            ],
            "XBTUSD",
        )
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EOrder:Order minimum not met");
    assert_eq!(mock.orders().len(), 3);

    let by_userref = client.get_open_orders().userref(7).await.unwrap();
    assert_eq!(by_userref.open.keys().collect::<Vec<_>>(), [&txids[2]]);

    let edited = client
        .edit_order(&txids[2], "XBTUSD")
        .price("41000.0")
        .await
        .unwrap();
    let new_txid = edited.txid.clone().unwrap();
    assert_ne!(new_txid, txids[2]);
    assert_eq!(edited.originaltxid.as_deref(), Some(txids[2].as_str()));
    let orders = mock.orders();
    assert_eq!(orders[2].status, "canceled");
    assert_eq!(orders[3].price.as_deref(), Some("41000.0"));
    assert_eq!(orders[3].userref, Some(7));

    let cancelled = client
        .cancel_batch_orders()
        .cl_ord_ids(["b-1"])
        .orders([txids[1].clone()])
        .await
        .unwrap();
    assert_eq!(cancelled.count, 2);
    let all = client.cancel_all_orders().await.unwrap();
    assert_eq!(all.count, 1);
    assert!(mock.orders().iter().all(|o| o.status == "canceled"));
}

#[tokio::test]
async fn dead_mans_switch_cancels_on_the_mock_clock() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap();
    let timer = client.cancel_all_orders_after(60).await.unwrap();
    assert_ne!(timer.trigger_time, "0");
    mock.advance(Duration::from_secs(59));
    assert_eq!(mock.orders()[0].status, "open");
    mock.advance(Duration::from_secs(1));
    assert_eq!(mock.orders()[0].status, "canceled");
    let off = client.cancel_all_orders_after(0).await.unwrap();
    assert_eq!(off.trigger_time, "0");
}

#[tokio::test]
async fn trailing_stop_follows_the_price_up_and_sells_on_the_way_down() {
    let mock = MockKraken::sandbox().await;
    let params = "ordertype=trailing-stop&type=sell&volume=0.01&pair=XBTUSD&price=%2B500";
    assert_eq!(
        errors(&call(&mock, ADD, params).await),
        Vec::<String>::new()
    );
    // From 30340.6 the price rises to 32000: the trigger trails at 31500.
    for price in ["31000.0", "32000.0", "31600.0"] {
        mock.set_price("XBTUSD", dec(price));
        assert_eq!(mock.orders()[0].status, "open", "at {price}");
    }
    mock.set_price("XBTUSD", dec("31500.0"));
    let o = &mock.orders()[0];
    assert_eq!(o.status, "closed");
    assert_eq!(o.vol_exec, dec("0.01"));
}
