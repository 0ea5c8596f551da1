//! The README's "Test your bot offline" examples, as they are printed there.

use kraken_mock::{Fault, MockKraken};
use kraken_spot::SpotClient;

fn client_for(kraken: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(kraken.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .unwrap()
}

#[tokio::test]
async fn my_bot_buys_the_dip() {
    let kraken = MockKraken::sandbox().await; // fresh state; MockKraken::start() replays recordings
    let client = client_for(&kraken);
    let buy = client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("29000.0")
        .await
        .unwrap();
    let sell = client
        .submit_order("limit", "sell", "0.01", "XBTUSD")
        .price("35000.0")
        .await
        .unwrap();
    kraken.set_price("XBTUSD", "28999.0".parse().unwrap()); // the buy fills (maker fee)
    client
        .cancel_order()
        .txid(&sell.txid.unwrap()[0])
        .await
        .unwrap();

    let orders = kraken.orders();
    assert_eq!(orders[0].status, "closed");
    assert_eq!(orders[1].status, "canceled");
    let trades = client.get_trades_history().await.unwrap();
    assert_eq!(
        trades.trades[0].ordertxid,
        Some(buy.txid.unwrap().remove(0))
    );
}

#[tokio::test]
async fn my_bot_survives_a_dropped_connection() {
    let kraken = MockKraken::sandbox().await;
    let client = client_for(&kraken);
    kraken.inject("/0/private/AddOrder", Fault::Drop { process: true }, 1); // the next call only
    let _err = client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("29000.0")
        .cl_ord_id("my-order-1")
        .await
        .unwrap_err(); // no answer at all…
    assert_eq!(kraken.orders().len(), 1); // …but the order is there
    let open = client
        .get_open_orders()
        .cl_ord_id("my-order-1")
        .await
        .unwrap();
    assert_eq!(open.open.len(), 1); // and the bot can find it
}
