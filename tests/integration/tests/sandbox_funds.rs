//! Balances, holds, fills, trades and ledgers in the sandbox, through kraken-spot.

mod sandbox_util;

use kraken_mock::MockKraken;
use kraken_spot::SpotClient;
use rust_decimal::Decimal;
use sandbox_util::{call, errors};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A sandbox with account `alice` holding 1000 USD and no bitcoin, and her client.
async fn alice() -> (MockKraken, SpotClient) {
    let mock = MockKraken::sandbox().await;
    mock.add_account_key("alice", "alice-key", kraken_mock::API_SECRET, None);
    mock.set_balance("alice", "ZUSD", dec("1000"));
    mock.set_balance("alice", "XXBT", dec("0"));
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials("alice-key", kraken_mock::API_SECRET)
        .build()
        .unwrap();
    (mock, client)
}

#[tokio::test]
async fn holds_insufficient_funds_and_a_maker_fill() {
    let (mock, client) = alice().await;
    // 0.1 XBT at 20000 costs 2000 USD: more than she has.
    let err = client
        .submit_order("limit", "buy", "0.1", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EOrder:Insufficient funds");

    // 0.04 XBT: 800 USD plus the 0.26 % taker fee (2.08) is held.
    let placed = client
        .submit_order("limit", "buy", "0.04", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap();
    let txid = placed.txid.unwrap()[0].clone();
    let ex = client.get_extended_balance().await.unwrap();
    assert_eq!(ex["ZUSD"].balance, dec("1000"));
    assert_eq!(ex["ZUSD"].hold_trade, dec("802.08"));
    // 197.92 left: a 200 USD order does not fit.
    let err = client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EOrder:Insufficient funds");
    // Selling bitcoin she does not have: refused too.
    let err = client
        .submit_order("limit", "sell", "0.01", "XBTUSD")
        .price("90000.0")
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EOrder:Insufficient funds");

    // The price comes down to her limit: she is the maker (0.16 % fee).
    mock.set_price("XBTUSD", dec("19999.9"));
    let balance = client.get_account_balance().await.unwrap();
    assert_eq!(balance["ZUSD"], dec("198.72")); // 1000 - 800 - 1.28
    assert_eq!(balance["XXBT"], dec("0.04"));
    let ex = client.get_extended_balance().await.unwrap();
    assert_eq!(ex["ZUSD"].hold_trade, dec("0"));

    let trades = client.get_trades_history().await.unwrap();
    assert_eq!(trades.count, Some(1));
    let (trade_id, trade) = trades.trades.first().unwrap();
    assert_eq!(trade.ordertxid, Some(txid.clone()));
    assert_eq!(trade.pair.as_deref(), Some("XXBTZUSD"));
    assert_eq!(trade.price, Some(dec("20000.0")));
    assert_eq!(trade.cost, Some(dec("800")));
    assert_eq!(trade.fee, Some(dec("1.28")));
    assert_eq!(trade.vol, Some(dec("0.04")));
    let again = client.get_trades(trade_id).await.unwrap();
    assert_eq!(again[trade_id].cost, Some(dec("800")));

    let ledgers = client.get_ledgers_info().await.unwrap();
    assert_eq!(ledgers.count, Some(2));
    let usd = ledgers
        .ledger
        .values()
        .find(|e| e.asset.as_deref() == Some("ZUSD"))
        .unwrap();
    assert_eq!(usd.refid.as_deref(), Some(trade_id.as_str()));
    assert_eq!(usd.amount, Some(dec("-800")));
    assert_eq!(usd.fee, Some(dec("1.28")));
    assert_eq!(usd.balance, Some(dec("198.72")));
    let id = ledgers.ledger.keys().next().unwrap();
    assert_eq!(client.get_ledgers(id).await.unwrap().len(), 1);

    // The default account saw none of this.
    let default = mock.balances("default");
    assert_eq!(default["ZUSD"], dec("171288.6158"));
}

#[tokio::test]
async fn market_sell_and_ledger_pages_of_fifty() {
    let (mock, client) = alice().await;
    mock.deposit("alice", "XXBT", dec("1"));
    for _ in 0..30 {
        client
            .submit_order("market", "sell", "0.01", "XBTUSD")
            .await
            .unwrap();
    }
    // 1 deposit + 30 fills × 2 entries.
    let first = client.get_ledgers_info().await.unwrap();
    assert_eq!(first.count, Some(61));
    assert_eq!(first.ledger.len(), 50);
    let rest = call_as_alice(&mock, "/0/private/Ledgers", "ofs=50").await;
    assert_eq!(rest["result"]["ledger"].as_object().unwrap().len(), 11);
    let deposits = client
        .get_ledgers_info()
        .ledger_type("deposit")
        .await
        .unwrap();
    assert_eq!(deposits.count, Some(1));
    let xbt = client.get_account_balance().await.unwrap();
    assert_eq!(xbt["XXBT"], dec("0.7"));
    // Each sale takes the recorded book's best bid (30297.0, 1.115 XBT deep):
    // 30 × 0.01 × 30297.0 = 9089.1 received, less 30 × 0.78772 (0.26 %) fees.
    assert_eq!(xbt["ZUSD"], dec("1000") + dec("9089.1") - dec("23.6316"));
}

async fn call_as_alice(mock: &MockKraken, path: &str, params: &str) -> serde_json::Value {
    let (status, body) =
        sandbox_util::post_as(mock, "alice-key", kraken_mock::API_SECRET, path, params)
            .await
            .unwrap();
    assert_eq!(status, 200);
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn system_status_cancel_only_and_paused_matching() {
    let mock = MockKraken::sandbox().await;
    let params = "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0";
    let placed = call(&mock, "/0/private/AddOrder", params).await;
    let txid = placed["result"]["txid"][0].as_str().unwrap().to_owned();
    mock.set_system_status("cancel_only");
    let status = reqwest::get(format!("{}/0/public/SystemStatus", mock.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["result"]["status"], "cancel_only");
    let refused = call(&mock, "/0/private/AddOrder", params).await;
    assert_eq!(errors(&refused), ["EService:Market in cancel_only mode"]);
    let cancelled = call(&mock, "/0/private/CancelOrder", &format!("txid={txid}")).await;
    assert_eq!(errors(&cancelled), Vec::<String>::new());
    mock.set_system_status("post_only");
    let refused = call(&mock, "/0/private/AddOrder", params).await;
    assert_eq!(errors(&refused), ["EService:Market in post_only mode"]);
    let post = call(
        &mock,
        "/0/private/AddOrder",
        &format!("{params}&oflags=post"),
    )
    .await;
    assert_eq!(errors(&post), Vec::<String>::new());
    mock.set_system_status("online");

    mock.pause_matching();
    let market = call(
        &mock,
        "/0/private/AddOrder",
        "ordertype=market&type=buy&volume=0.01&pair=XBTUSD",
    )
    .await;
    assert_eq!(errors(&market), Vec::<String>::new());
    assert_eq!(mock.orders()[2].status, "open");
    mock.resume_matching();
    assert_eq!(mock.orders()[2].status, "closed");
}

#[tokio::test]
async fn stop_loss_triggers_and_gtd_expires() {
    let mock = MockKraken::sandbox().await;
    let stop = call(
        &mock,
        "/0/private/AddOrder",
        "ordertype=stop-loss&type=sell&volume=0.01&pair=XBTUSD&price=29000.0",
    )
    .await;
    assert_eq!(errors(&stop), Vec::<String>::new());
    assert_eq!(mock.orders()[0].status, "open");
    mock.set_price("XBTUSD", dec("29500.0"));
    assert_eq!(mock.orders()[0].status, "open");
    mock.set_price("XBTUSD", dec("28999.0"));
    let o = &mock.orders()[0];
    assert_eq!(o.status, "closed");
    // Triggered, it sells into the book, which moved with the price: its
    // best bid is now 30297.0 - (30340.55 - 28999) = 28955.45, on the tick 28955.4.
    assert_eq!(o.cost, dec("289.554"));

    let gtd = call(
        &mock,
        "/0/private/AddOrder",
        "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0&timeinforce=GTD&expiretm=%2B60",
    )
    .await;
    assert_eq!(errors(&gtd), Vec::<String>::new());
    mock.advance(std::time::Duration::from_secs(61));
    let o = &mock.orders()[1];
    assert_eq!(
        (o.status.as_str(), o.reason.as_deref()),
        ("expired", Some("Order expired"))
    );
}

#[tokio::test]
async fn fee_tiers_follow_the_30_day_volume() {
    let (mock, client) = alice().await;
    mock.set_balance("alice", "ZUSD", dec("100000"));
    mock.set_trading_volume("alice", dec("49900"));
    let volume = client.get_trading_volume().pair("XBTUSD").await.unwrap();
    assert_eq!(volume.volume, Some(dec("49900")));
    let tier = &volume.fees.as_ref().unwrap()["XXBTZUSD"];
    assert_eq!(tier.fee, Some(dec("0.26")));
    assert_eq!(tier.nextfee, Some(dec("0.24")));
    assert_eq!(tier.nextvolume, Some(dec("50000")));

    // A market buy of 0.01 (303.84 USD at the recorded best ask): 0.26 %,
    // and it lifts her past 50000 USD, so the next one pays 0.24 %.
    for _ in 0..2 {
        client
            .submit_order("market", "buy", "0.01", "XBTUSD")
            .await
            .unwrap();
    }
    let trades = client.get_trades_history().await.unwrap();
    let fees: Vec<Option<Decimal>> = trades.trades.values().map(|t| t.fee).collect();
    // Most recent first.
    assert_eq!(fees, [Some(dec("0.72922")), Some(dec("0.78999"))]);
    let volume = client.get_trading_volume().pair("XBTUSD").await.unwrap();
    assert_eq!(volume.volume, Some(dec("50507.682"))); // 49900 + 2 × 303.841
    assert_eq!(volume.fees.unwrap()["XXBTZUSD"].fee, Some(dec("0.24")));
    assert_eq!(
        volume.fees_maker.unwrap()["XXBTZUSD"].fee,
        Some(dec("0.14"))
    );
}

#[tokio::test]
async fn exports_of_trades_and_ledgers() {
    use std::io::Read;
    let (mock, client) = alice().await;
    client
        .submit_order("market", "buy", "0.01", "XBTUSD")
        .await
        .unwrap();
    let added = client
        .request_ledgers_export("ledgers", "my ledgers")
        .await
        .unwrap();
    let status = client.get_ledgers_export_status("ledgers").await.unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].id.as_ref(), Some(&added.id));
    assert_eq!(status[0].status.as_deref(), Some("Processed"));
    assert!(
        client
            .get_ledgers_export_status("trades")
            .await
            .unwrap()
            .is_empty()
    );

    let zip = client.get_ledgers_export(&added.id).await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut csv = String::new();
    archive
        .by_name("ledgers.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        r#""txid","refid","time","type","subtype","aclass","asset","amount","fee","balance""#
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(r#""XXBT","0.0100000000","0.0000000000","0.0100000000""#),
        "{csv}"
    );
    // 0.01 × 30384.1 = 303.841, fee 0.26 % = 0.78999.
    assert!(
        lines[2].contains(r#""ZUSD","-303.8410","0.7900","695.3690""#),
        "{csv}"
    );

    let removed = client
        .delete_ledgers_export(&added.id, "delete")
        .await
        .unwrap();
    assert_eq!(removed.delete, Some(true));
    assert!(
        client
            .get_ledgers_export_status("ledgers")
            .await
            .unwrap()
            .is_empty()
    );
    let _ = mock;
}
