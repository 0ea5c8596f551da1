//! A body that is not the endpoint's shape is a decode error naming what did
//! not fit, never an `Ok` with empty fields, a fallback shape, or a rounded
//! number (issue 6 §2).

mod common;

use common::setup;
use kraken_mock::MockResponse;
use kraken_spot::Error;

/// The decode error's message, after checking the call failed with one.
/// A call that changes state and gets an answer that is not its shape may
/// still have been carried out: its decode error comes inside "outcome unknown".
fn decode_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Decode { message, .. }) => message,
        Err(Error::OutcomeUnknown { cause, .. }) => match *cause {
            Error::Decode { message, .. } => message,
            other => panic!("expected a decode error inside, got {other:?}"),
        },
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_withdrawal_list_is_an_error_not_the_page_shape() {
    let (mock, client) = setup().await;
    // A list whose entry lacks every required field.
    mock.respond(
        "/0/private/WithdrawStatus",
        MockResponse::json(r#"{"error":[],"result":[{"unexpected":1}]}"#),
    );
    let message = decode_message(client.get_withdrawals_status().await);
    assert!(message.contains("not a Withdrawal"), "{message}");
    // The page shape (an object) still decodes as the second shape.
    mock.respond(
        "/0/private/WithdrawStatus",
        MockResponse::json(r#"{"error":[],"result":{"next_cursor":"abc"}}"#),
    );
    let page = client.get_withdrawals_status().await.unwrap();
    assert!(matches!(page, kraken_spot::Either::Second(_)), "{page:?}");
}

#[tokio::test]
async fn an_unrelated_object_is_not_a_successful_edit_or_removal() {
    let (mock, client) = setup().await;
    mock.respond(
        "/0/private/EditOrder",
        MockResponse::json(r#"{"error":[],"result":{"unrelated":true}}"#),
    );
    let message = decode_message(client.edit_order("OHYO67-6LP66-HMQ437", "XBTUSD").await);
    assert!(message.contains("not a OrderEdited"), "{message}");

    mock.respond(
        "/0/private/RemoveExport",
        MockResponse::json(r#"{"error":[],"result":{"count":0}}"#),
    );
    let message = decode_message(client.delete_ledgers_export("TCJA", "delete").await);
    assert!(message.contains("not a ExportRemoved"), "{message}");
}

#[tokio::test]
async fn a_number_a_decimal_cannot_hold_is_an_error_naming_the_field() {
    let (mock, client) = setup().await;
    mock.respond(
        "/0/private/Balance",
        MockResponse::json(
            r#"{"error":[],"result":{"ZUSD":"1.5","XXBT":"0.000000000000000000000000000001"}}"#,
        ),
    );
    let message = decode_message(client.get_account_balance().await);
    assert!(message.contains("XXBT"), "names the key: {message}");
    assert!(message.contains("cannot be held exactly"), "{message}");

    mock.respond(
        "/0/private/TradeBalance",
        MockResponse::json(
            r#"{"error":[],"result":{"eb":"1","tb":"1","m":"0","n":"0","c":"0","v":"0","e":"1","mf":1e-29}}"#,
        ),
    );
    let message = decode_message(client.get_trade_balance().await);
    assert!(message.starts_with("mf: "), "names the field: {message}");
}

#[tokio::test]
async fn a_list_where_an_object_belongs_is_an_error() {
    let (mock, client) = setup().await;
    // serde's derive would read these as the struct's first two fields.
    mock.respond(
        "/0/private/TradeBalance",
        MockResponse::json(r#"{"error":[],"result":["1","2"]}"#),
    );
    let message = decode_message(client.get_trade_balance().await);
    assert!(message.contains("a JSON object"), "{message}");
}
