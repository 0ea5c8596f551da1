//! Trading: amending, editing and cancelling orders, batches, the dead man's
//! switch and the WebSocket token. Every parameter on the wire (signed, checked
//! by the mock's own verifier) and every recorded fixture decoded.

mod common;

use common::{
    assert_generated_id, assert_lossless, assert_signed_form, assert_signed_json, deadline_in, dec,
    sent_cl_ord_ids, serve, setup,
};
use kraken_spot::{BatchOrder, Error};

#[tokio::test]
async fn amend_order_every_parameter_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/AmendOrder";
    serve(&mock, path, "AmendOrder.json");
    let deadline = deadline_in(30);
    let amended = client
        .amend_order()
        .txid("OHYO67-6LP66-HMQ437")
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .order_qty("1.25")
        .display_qty(dec("0.10"))
        .limit_price("+0.5%")
        .trigger_price("-150")
        .pair("AAPLxUSD")
        .post_only(true)
        .deadline(&deadline)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        &format!(
            "txid=OHYO67-6LP66-HMQ437&cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876\
             &order_qty=1.25&display_qty=0.10&limit_price=%2B0.5%25&trigger_price=-150\
             &pair=AAPLxUSD&post_only=true&deadline={}",
            deadline.replace(':', "%3A")
        ),
    );
    assert_eq!(amended.amend_id, "TEZA4R-DSDGT-IJBOJK");
    assert_lossless("AmendOrder.json", &amended);

    serve(&mock, path, "AmendOrder.kraken-async-rs.json");
    let amended = client
        .amend_order()
        .cl_ord_id("my-order-1")
        .limit_price("0.9")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "cl_ord_id=my-order-1&limit_price=0.9");
    assert_eq!(amended.amend_id, "TVB4ER-X5QP3-ADURMW");
    assert_lossless("AmendOrder.kraken-async-rs.json", &amended);
}

#[tokio::test]
async fn edit_order_every_parameter_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/EditOrder";
    serve(&mock, path, "EditOrder.json");
    let deadline = deadline_in(30);
    let edited = client
        .edit_order("OHYO67-6LP66-HMQ437", "XBTUSD")
        .userref(1234)
        .volume("1.25")
        .displayvol("0.25")
        .asset_class("tokenized_asset")
        .price(dec("27500.0"))
        .price2("#10")
        .oflags(["post", "fcib"])
        .deadline(&deadline)
        .cancel_response(false)
        .validate(true)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        &format!(
            "txid=OHYO67-6LP66-HMQ437&pair=XBTUSD&userref=1234&volume=1.25&displayvol=0.25\
             &asset_class=tokenized_asset&price=27500.0&price2=%2310&oflags=post%2Cfcib\
             &deadline={}&cancel_response=false&validate=true",
            deadline.replace(':', "%3A")
        ),
    );
    assert_eq!(edited.txid.as_deref(), Some("OU22CG-KLAF2-FWUDD7"));
    assert_eq!(
        edited.descr.as_ref().unwrap().order,
        "buy 1.25000000 XBTUSD @ limit 27500.0"
    );
    assert_eq!(edited.status, None);
    assert_eq!(edited.originaltxid, None);
    assert_eq!(edited.volume, None);
    assert_lossless("EditOrder.json", &edited);

    serve(&mock, path, "EditOrder.kraken-async-rs.json");
    let edited = client
        .edit_order("1234", "USDCUSD")
        .volume("5.1")
        .price("0.89")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "txid=1234&pair=USDCUSD&volume=5.1&price=0.89");
    assert_eq!(edited.status.as_deref(), Some("ok"));
    assert_eq!(edited.txid.as_deref(), Some("7BD466-BKZVM-FT2E2L"));
    assert_eq!(edited.originaltxid.as_deref(), Some("969KIO-6IUMQ-GYFSAI"));
    assert_eq!(edited.newuserref, Some(1234));
    assert_eq!(edited.olduserref, None);
    assert_eq!(edited.volume.unwrap().to_string(), "5.10000000");
    assert_eq!(edited.price, Some(dec("0.89")));
    assert_eq!(edited.price2, None);
    assert_eq!(edited.orders_cancelled, Some(1));
    assert_eq!(
        edited.descr.as_ref().unwrap().order,
        "buy 5.10000000 USDCUSD @ limit 0.89"
    );
    assert_lossless("EditOrder.kraken-async-rs.json", &edited);
}

#[tokio::test]
async fn cancel_order_every_parameter_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/CancelOrder";
    serve(&mock, path, "CancelOrder.json");
    let cancelled = client
        .cancel_order()
        .txid("OYVGEW-VYV5B-UUEXSK")
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "txid=OYVGEW-VYV5B-UUEXSK&cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876",
    );
    // `count` is the string "1" in this recording.
    assert_eq!(cancelled.count, 1);
    assert_eq!(cancelled.pending, None);
    assert_lossless("CancelOrder.json", &cancelled);

    serve(&mock, path, "CancelOrder.docs.json");
    let cancelled = client.cancel_order().txid("36493663").await.unwrap();
    assert_signed_form(&mock, path, "txid=36493663");
    assert_eq!(cancelled.count, 1);
    assert_lossless("CancelOrder.docs.json", &cancelled);
}

#[tokio::test]
async fn cancel_all_orders_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/CancelAll";
    for (fixture, count) in [("CancelAll.json", 1), ("CancelAll.kraken-async-rs.json", 4)] {
        serve(&mock, path, fixture);
        let cancelled = client.cancel_all_orders().await.unwrap();
        assert_signed_form(&mock, path, "");
        assert_eq!(cancelled.count, count, "{fixture}");
        assert_eq!(cancelled.pending, None);
        assert_lossless(fixture, &cancelled);
    }
}

#[tokio::test]
async fn cancel_all_orders_after_sets_the_timer_and_checks_its_range() {
    let (mock, client) = setup().await;
    let path = "/0/private/CancelAllOrdersAfter";
    serve(&mock, path, "CancelAllOrdersAfter.json");
    let timer = client.cancel_all_orders_after(60).await.unwrap();
    assert_signed_form(&mock, path, "timeout=60");
    assert_eq!(timer.current_time, "2023-03-24T17:41:56Z");
    assert_eq!(timer.trigger_time, "2023-03-24T17:42:56Z");
    assert_lossless("CancelAllOrdersAfter.json", &timer);

    client.cancel_all_orders_after(0).await.unwrap();
    assert_signed_form(&mock, path, "timeout=0");

    let before = mock.requests().len();
    for bad in [86400, -1] {
        let err = client.cancel_all_orders_after(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParam {
                    endpoint: "cancel_all_orders_after",
                    param: "timeout",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(mock.requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn websockets_token_is_secret_and_decodes_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/GetWebSocketsToken";
    for (fixture, token) in [
        (
            "GetWebSocketsToken.json",
            "1Dwc4lzSwNWOAwkMdqhssNNFhs1ed606d1WcF3XfEMw",
        ),
        (
            "GetWebSocketsToken.kraken-async-rs.json",
            "nmc39wCfFqn0mirRrpHMFOu0xfq4VVghFy+UPzpVcJo",
        ),
    ] {
        serve(&mock, path, fixture);
        let ws = client.get_websockets_token().await.unwrap();
        assert_signed_form(&mock, path, "");
        assert_eq!(ws.token.expose(), token);
        assert_eq!(ws.expires, Some(900));
        let shown = format!("{ws:?}");
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
        assert_lossless(fixture, &ws);
    }
}

#[tokio::test]
async fn submit_batch_orders_every_field_on_the_wire() {
    let (mock, client) = setup().await;
    let path = "/0/private/AddOrderBatch";
    serve(&mock, path, "AddOrderBatch.json");
    let full = BatchOrder::new("stop-loss-limit", "buy", "0.803")
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .displayvol("0.1")
        .price(dec("28300.0"))
        .price2("-2%")
        .trigger("index")
        .leverage("2:1")
        .reduce_only(false)
        .stptype("cancel-oldest")
        .oflags(["post", "fciq"])
        .timeinforce("GTD")
        .starttm("0")
        .expiretm("+3600");
    let plain = BatchOrder::new("limit", "sell", dec("0.10500000"))
        .userref(17)
        .price("36000.0");
    let deadline = deadline_in(30);
    let added = client
        .submit_batch_orders([full, plain], "XBTUSD")
        .asset_class("tokenized_asset")
        .deadline(&deadline)
        .validate(false)
        .broker("AA12 N84G 3KLP XH2Q")
        .await
        .unwrap();
    // The second order has a userref, which Kraken makes exclusive with a
    // client order id: the client gave it none.
    assert_eq!(
        sent_cl_ord_ids(&mock),
        ["6d1b345e-2821-40e2-ad83-4ecb18a06876"]
    );
    assert_signed_json(
        &mock,
        path,
        &format!(
            r#""orders":[{{"ordertype":"stop-loss-limit","type":"buy","volume":"0.803","cl_ord_id":"6d1b345e-2821-40e2-ad83-4ecb18a06876","displayvol":"0.1","price":"28300.0","price2":"-2%","trigger":"index","leverage":"2:1","reduce_only":false,"stptype":"cancel-oldest","oflags":"post,fciq","timeinforce":"GTD","starttm":"0","expiretm":"+3600"}},{{"ordertype":"limit","type":"sell","volume":"0.10500000","userref":17,"price":"36000.0"}}],"pair":"XBTUSD","asset_class":"tokenized_asset","deadline":"{deadline}","validate":false,"broker":"AA12 N84G 3KLP XH2Q""#
        ),
    );
    assert_eq!(added.orders.len(), 2);
    assert_eq!(added.orders[0].txid.as_deref(), Some("O5OR23-ADFAD-Y2G61C"));
    let descr = added.orders[0].descr.as_ref().unwrap();
    assert_eq!(descr.order, "buy 0.80300000 XBTUSD @ limit 28300.0");
    assert_eq!(
        descr.close.as_deref(),
        Some("close position @ stop loss 27000.0 -> limit 26000.0")
    );
    assert_eq!(added.orders[1].txid.as_deref(), Some("9K6KFS-5H3PL-XBRC7A"));
    assert_eq!(added.orders[1].descr.as_ref().unwrap().close, None);
    assert_eq!(added.orders[1].error, None);
    assert_lossless("AddOrderBatch.json", &added);
}

#[tokio::test]
async fn submit_batch_orders_validate_and_recorded_response() {
    let (mock, client) = setup().await;
    let path = "/0/private/AddOrderBatch";
    serve(&mock, path, "AddOrderBatch.kraken-async-rs.json");
    let orders = [
        BatchOrder::new("limit", "buy", "5.1").price("0.9000"),
        BatchOrder::new("limit", "buy", "5.2").price("0.9000"),
    ];
    let added = client
        .submit_batch_orders(orders.clone(), "USDCUSD")
        .validate(true)
        .await
        .unwrap();
    let batch_body = |mock: &kraken_mock::MockKraken| {
        let ids = sent_cl_ord_ids(mock);
        ids.iter().for_each(|id| assert_generated_id(id));
        assert_ne!(ids[0], ids[1]);
        format!(
            r#""orders":[{{"ordertype":"limit","type":"buy","volume":"5.1","price":"0.9000","cl_ord_id":"{}"}},{{"ordertype":"limit","type":"buy","volume":"5.2","price":"0.9000","cl_ord_id":"{}"}}],"pair":"USDCUSD","validate":true"#,
            ids[0], ids[1]
        )
    };
    assert_signed_json(&mock, path, &batch_body(&mock));
    assert_eq!(added.orders.len(), 2);
    assert_eq!(added.orders[0].txid.as_deref(), Some("OZICHZ-FGB63-156I4K"));
    assert_eq!(
        added.orders[1].descr.as_ref().unwrap().order,
        "buy 5.20000000 USDCUSD @ limit 0.9000"
    );
    assert_lossless("AddOrderBatch.kraken-async-rs.json", &added);

    // The standalone request type sends the same body.
    let request = kraken_spot::SubmitBatchOrdersRequest::new(orders, "USDCUSD").validate(true);
    client.send(request).await.unwrap();
    assert_signed_json(&mock, path, &batch_body(&mock));
}

#[tokio::test]
async fn submit_batch_orders_refuses_bad_orders_before_sending() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/AddOrderBatch", "AddOrderBatch.json");
    let good = BatchOrder::new("limit", "buy", "1").price("100");
    let err = client
        .submit_batch_orders(
            [good.clone(), BatchOrder::new("limit", "sell", "1,5")],
            "XBTUSD",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "submit_batch_orders",
                param: "volume",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .submit_batch_orders([good.clone(), good.clone().price2("cheap")], "XBTUSD")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "price2",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .submit_batch_orders(Vec::<BatchOrder>::new(), "XBTUSD")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "orders",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .submit_batch_orders([good.clone(), good], "")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "pair", .. }),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn cancel_batch_orders_every_parameter_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/CancelOrderBatch";
    serve(&mock, path, "CancelOrderBatch.json");
    let cancelled = client
        .cancel_batch_orders()
        .orders(["OG5V2Y-RYKVL-DT3V3B", "36493663"])
        .cl_ord_ids(["6d1b345e-2821-40e2-ad83-4ecb18a06876", "my-order-2"])
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""orders":["OG5V2Y-RYKVL-DT3V3B","36493663"],"cl_ord_ids":["6d1b345e-2821-40e2-ad83-4ecb18a06876","my-order-2"]"#,
    );
    assert_eq!(cancelled.count, 1);
    assert_eq!(cancelled.pending, None);
    assert_lossless("CancelOrderBatch.json", &cancelled);

    serve(&mock, path, "CancelOrderBatch.kraken-async-rs.json");
    let cancelled = client
        .cancel_batch_orders()
        .orders(vec![
            "OZICHZ-FGB63-156I4K".to_owned(),
            "BEGNMD-FEJKF-VC6U8Y".to_owned(),
        ])
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""orders":["OZICHZ-FGB63-156I4K","BEGNMD-FEJKF-VC6U8Y"]"#,
    );
    assert_eq!(cancelled.count, 2);
    assert_lossless("CancelOrderBatch.kraken-async-rs.json", &cancelled);
}

#[tokio::test]
async fn calls_that_need_an_order_id_refuse_to_go_without_one() {
    let (mock, client) = setup().await;
    let err = client.amend_order().limit_price("100").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter `txid` for amend_order: set one of `txid`, `cl_ord_id`"
    );
    let err = client.cancel_order().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "cancel_order",
                ..
            }
        ),
        "{err}"
    );
    let err = client.cancel_batch_orders().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "cancel_batch_orders",
                ..
            }
        ),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}
