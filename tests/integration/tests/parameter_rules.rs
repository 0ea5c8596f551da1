//! Parameter rules Kraken documents, checked before anything is sent (spec
//! keys `format`, `exclusive` and `max_length`): each refusal is a typed
//! `Error::InvalidParam` naming the parameter, and nothing reaches the mock.

mod common;

use common::{assert_signed_form, deadline_in, serve, setup};
use kraken_mock::MockKraken;
use kraken_spot::{BatchOrder, Error};

/// Asserts `err` refuses `param` before sending, with `reason` in its text.
fn assert_refused(mock: &MockKraken, err: Error, param: &str, reason: &str) {
    match &err {
        Error::InvalidParam { param: p, .. } if *p == param => {}
        other => panic!("expected InvalidParam for `{param}`, got: {other}"),
    }
    assert!(err.to_string().contains(reason), "{err}");
    assert!(mock.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn userref_must_fit_int32() {
    let (mock, client) = setup().await;
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .price("1")
        .userref(i64::from(i32::MAX) + 1)
        .await
        .unwrap_err();
    assert_refused(&mock, err, "userref", "signed 32-bit");
    let err = client
        .get_open_orders()
        .userref(i64::from(i32::MIN) - 1)
        .await
        .unwrap_err();
    assert_refused(&mock, err, "userref", "signed 32-bit");
    let order = BatchOrder::new("limit", "buy", "1").userref(1 << 40);
    let err = client
        .submit_batch_orders([order.clone(), order], "XBTUSD")
        .await
        .unwrap_err();
    assert_refused(&mock, err, "userref", "signed 32-bit");

    // The edge of the range is sent.
    serve(&mock, "/0/private/AddOrder", "AddOrder.docs.json");
    client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .userref(i64::from(i32::MAX))
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/AddOrder",
        "ordertype=limit&type=buy&volume=1&pair=XBTUSD&userref=2147483647",
    );
}

#[tokio::test]
async fn userref_and_cl_ord_id_are_refused_together() {
    let (mock, client) = setup().await;
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .userref(7)
        .cl_ord_id("arb-1")
        .await
        .unwrap_err();
    assert_refused(
        &mock,
        err,
        "userref",
        "set only one of `userref`, `cl_ord_id`",
    );
    let both = BatchOrder::new("limit", "buy", "1")
        .userref(7)
        .cl_ord_id("arb-1");
    let err = client
        .submit_batch_orders([both, BatchOrder::new("limit", "buy", "2")], "XBTUSD")
        .await
        .unwrap_err();
    assert_refused(
        &mock,
        err,
        "userref",
        "set only one of `userref`, `cl_ord_id`",
    );
}

#[tokio::test]
async fn cl_ord_id_takes_only_krakens_formats() {
    let (mock, client) = setup().await;
    let too_long = "arb-20240509-000100"; // 19 characters of free text
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .cl_ord_id(too_long)
        .await
        .unwrap_err();
    assert_refused(&mock, err, "cl_ord_id", "up to 18 printable ASCII");
    let err = client
        .cancel_order()
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a0687z")
        .await
        .unwrap_err();
    assert_refused(&mock, err, "cl_ord_id", "not a UUID");
    let err = client
        .cancel_batch_orders()
        .cl_ord_ids(["da8e4ad59b78481c93e589746b0cf91f", "caf\u{e9}"])
        .await
        .unwrap_err();
    assert_refused(&mock, err, "cl_ord_ids", "caf\u{e9}");
    let err = client
        .amend_order()
        .cl_ord_id("tab\there")
        .await
        .unwrap_err();
    assert_refused(&mock, err, "cl_ord_id", "not a UUID");
}

#[tokio::test]
async fn deadline_is_rfc3339_between_2_and_60_seconds_ahead() {
    let (mock, client) = setup().await;
    for (deadline, reason) in [
        (deadline_in(0), "2 to 60 s ahead"),
        (deadline_in(120), "2 to 60 s ahead"),
        ("2026-11-22T10:00:05Z".to_owned(), "2 to 60 s ahead"),
        ("+30".to_owned(), "not an RFC 3339 time"),
        ("2026-11-22 10:00:05".to_owned(), "not an RFC 3339 time"),
    ] {
        let err = client
            .submit_order("market", "buy", "1", "XBTUSD")
            .deadline(&deadline)
            .await
            .unwrap_err();
        assert_refused(&mock, err, "deadline", reason);
    }
    let err = client
        .amend_order()
        .txid("OHYO67-6LP66-HMQ437")
        .deadline(deadline_in(90))
        .await
        .unwrap_err();
    assert_refused(&mock, err, "deadline", "2 to 60 s ahead");
}

#[tokio::test]
async fn api_key_name_is_at_most_32_characters() {
    let (mock, client) = setup().await;
    let err = client
        .create_oauth_fast_api_key("k".repeat(33))
        .await
        .unwrap_err();
    assert_refused(&mock, err, "api_key_name", "at most 32");
    let err = client
        .update_oauth_fast_api_key("bot")
        .new_api_key_name("n".repeat(33))
        .await
        .unwrap_err();
    assert_refused(&mock, err, "new_api_key_name", "at most 32");
}
