//! Keys Kraken sends that the spec does not model yet are kept, with their
//! exact JSON text, in each response struct's `extra`, and serializing the
//! struct writes them back (issue 10 §3).

mod common;

use common::{assert_lossless_body, setup};
use kraken_mock::MockResponse;

/// A fixture's text with `fields` inserted right after the first `after`.
fn fixture_with(fixture: &str, after: &str, fields: &str) -> String {
    let text = String::from_utf8(kraken_mock::fixture(fixture)).unwrap();
    let at = text.find(after).unwrap() + after.len();
    format!("{}{fields}{}", &text[..at], &text[at..])
}

#[tokio::test]
async fn unknown_keys_are_kept_verbatim_and_written_back() {
    let (mock, client) = setup().await;
    // TradeBalance.json plus two keys no spec version knows, one nested.
    let body = fixture_with(
        "TradeBalance.json",
        r#""ml": "5432.57""#,
        r#","zz_new":1.100000000000000000000000000000001,"zz_obj":{"a":[1,"b",null]}"#,
    );
    mock.respond("/0/private/TradeBalance", MockResponse::json(body.clone()));
    let balance = client.get_trade_balance().await.unwrap();
    assert_eq!(balance.extra.len(), 2);
    // Every digit kept: no f64, no Decimal.
    assert_eq!(
        balance.extra["zz_new"].get(),
        "1.100000000000000000000000000000001"
    );
    assert_eq!(balance.extra["zz_obj"].get(), r#"{"a":[1,"b",null]}"#);
    let again = serde_json::to_string(&balance).unwrap();
    assert!(
        again.ends_with(
            r#""zz_new":1.100000000000000000000000000000001,"zz_obj":{"a":[1,"b",null]}}"#
        ),
        "{again}"
    );
    assert_lossless_body(&body, &balance);
}

#[tokio::test]
async fn nested_objects_keep_their_unknown_keys_too() {
    let (mock, client) = setup().await;
    let body = fixture_with(
        "OpenOrders.json",
        r#""status": "open","#,
        r#""zz_priority":"high","#,
    );
    mock.respond("/0/private/OpenOrders", MockResponse::json(body.clone()));
    let open = client.get_open_orders().await.unwrap();
    let order = &open.open["OXCZ7B-EMVZQ-MTJTQJ"];
    assert_eq!(order.extra["zz_priority"].get(), r#""high""#);
    assert!(open.extra.is_empty());
    assert_lossless_body(&body, &open);
}
