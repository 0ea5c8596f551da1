//! Public market data: the exact request on the wire, and every recorded
//! fixture of each endpoint decoded with real values asserted.

mod common;

use common::{assert_lossless, dec, serve, setup};
use kraken_mock::Auth;
use kraken_spot::{AffectedService, MaintenancePhase, RecommendedAction, SpotClient};

/// Asserts the last request: a GET to `path` with exactly `query`, no body, no credentials.
fn assert_public_get(mock: &kraken_mock::MockKraken, path: &str, query: Option<&str>) {
    let req = mock.last_request().expect("a request reached the mock");
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, path);
    assert_eq!(req.query.as_deref(), query);
    assert_eq!(req.auth, Ok(Auth::Public));
    assert!(req.body.is_empty());
    assert!(
        req.header("api-key").is_none()
            && req.header("api-sign").is_none()
            && req.header("authorization").is_none()
    );
    assert!(
        req.header("user-agent")
            .is_some_and(|ua| ua.starts_with("kraken-spot/"))
    );
}

#[tokio::test]
async fn server_time() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Time", "Time.json");
    let time = client.get_server_time().await.unwrap();
    assert_public_get(&mock, "/0/public/Time", None);
    assert_eq!(time.unixtime, 1688669448);
    assert_eq!(
        time.rfc1123.as_deref(),
        Some("Thu, 06 Jul 23 18:50:48 +0000")
    );
    assert_lossless("Time.json", &time);
}

#[tokio::test]
async fn system_status_every_fixture() {
    let (mock, client) = setup().await;
    for (fixture, timestamp) in [
        ("SystemStatus.json", "2024-05-03T11:23:45Z"),
        ("SystemStatus.kraken-async-rs.json", "2024-01-24T11:45:46Z"),
    ] {
        serve(&mock, "/0/public/SystemStatus", fixture);
        let status = client.get_system_status().await.unwrap();
        assert_eq!(status.status, kraken_spot::SystemState::Online, "{fixture}");
        assert_eq!(status.timestamp.as_deref(), Some(timestamp));
        assert_lossless(fixture, &status);
    }
    assert_public_get(&mock, "/0/public/SystemStatus", None);
}

#[tokio::test]
async fn maintenance_schedule_schema_derived() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/0/public/MaintenanceSchedule",
        "MaintenanceSchedule.schema-derived.json",
    );
    let schedule = client.get_maintenance_schedule().await.unwrap();
    assert_public_get(&mock, "/0/public/MaintenanceSchedule", None);
    let event = &schedule.events[0];
    assert_eq!(event.event_id, 1042);
    assert_eq!(event.phase, Some(MaintenancePhase::Approaching30m));
    assert_eq!(
        event.affected_services.as_deref(),
        Some(&[AffectedService::SpotTrading][..])
    );
    assert_eq!(
        event.recommended_action,
        Some(RecommendedAction::ReduceActivity)
    );
    assert_lossless("MaintenanceSchedule.schema-derived.json", &schedule);
}

#[tokio::test]
async fn asset_info_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Assets", "Assets.json");
    let assets = client
        .get_asset_info()
        .asset("XBT,ETH")
        .aclass("currency")
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/Assets",
        Some("asset=XBT%2CETH&aclass=currency"),
    );
    let xbt = &assets["XXBT"];
    assert_eq!(xbt.altname.as_deref(), Some("XBT"));
    assert_eq!(xbt.decimals, Some(10));
    assert_eq!(xbt.display_decimals, Some(5));
    assert_eq!(xbt.collateral_value, Some(dec("1")));
    assert_eq!(xbt.status, Some(kraken_spot::AssetStatus::Enabled));
    assert_eq!(assets.keys().collect::<Vec<_>>(), ["XXBT", "ZEUR", "ZUSD"]);
    assert_lossless("Assets.json", &assets);

    serve(&mock, "/0/public/Assets", "Assets.many.json");
    let many = client.get_asset_info().await.unwrap();
    assert_public_get(&mock, "/0/public/Assets", None);
    assert_eq!(many.len(), 27);
    assert_eq!(many["ADA"].display_decimals, Some(6));
    assert_eq!(
        many["ADA"].collateral_value, None,
        "older data has no collateral_value"
    );
    assert_lossless("Assets.many.json", &many);
}

#[tokio::test]
async fn asset_pairs_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/0/public/AssetPairs",
        "AssetPairs.kraken-async-rs.json",
    );
    let pairs = client
        .get_asset_pairs()
        .pair("XBTUSD,ETHXBT")
        .aclass_base("currency")
        .info("info")
        .country_code("GB")
        .execution_venue(["international", "bitnomial_exchange"])
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/AssetPairs",
        Some(
            "pair=XBTUSD%2CETHXBT&aclass_base=currency&info=info&country_code=GB&execution_venue=international%2Cbitnomial_exchange",
        ),
    );
    let xbt = &pairs["XXBTZUSD"];
    assert_eq!(
        (
            xbt.altname.as_ref().unwrap().as_str(),
            xbt.base.as_ref().unwrap().as_str(),
            xbt.quote.as_ref().unwrap().as_str()
        ),
        ("XBTUSD", "XXBT", "ZUSD")
    );
    assert_eq!(xbt.leverage_buy.as_deref(), Some(&[2, 3, 4, 5][..]));
    let first = &xbt.fees.as_ref().unwrap()[0];
    assert_eq!((first.volume, first.percent_fee), (dec("0"), dec("0.26")));
    assert_eq!(xbt.cost_decimals, Some(5));
    assert_lossless("AssetPairs.kraken-async-rs.json", &pairs);

    serve(&mock, "/0/public/AssetPairs", "AssetPairs.json");
    let docs = client.get_asset_pairs().await.unwrap();
    let eth = &docs["XETHXXBT"];
    assert_eq!(eth.wsname.as_deref(), Some("ETH/XBT"));
    let second = &eth.fees.as_ref().unwrap()[1];
    assert_eq!(
        (second.volume, second.percent_fee),
        (dec("50000"), dec("0.24"))
    );
    assert_lossless("AssetPairs.json", &docs);

    serve(&mock, "/0/public/AssetPairs", "AssetPairs.many.json");
    let many = client.get_asset_pairs().await.unwrap();
    assert_eq!(many.len(), 86);
    assert_eq!(many["ADACAD"].quote.as_deref(), Some("ZCAD"));
    assert!(many["ADACAD"].leverage_buy.as_ref().unwrap().is_empty());
    assert_eq!(
        many["ADACAD"].tick_size, None,
        "older data has no tick_size"
    );
    assert_lossless("AssetPairs.many.json", &many);
}

#[tokio::test]
async fn ticker_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Ticker", "Ticker.json");
    let ticker = client
        .get_ticker()
        .pair("XBTUSDT")
        .asset_class("tokenized_asset")
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/Ticker",
        Some("pair=XBTUSDT&asset_class=tokenized_asset"),
    );
    let t = &ticker["XBTUSDT"];
    assert_eq!(t.ask.as_ref().unwrap().price, dec("73380.70000"));
    assert_eq!(
        t.ask.as_ref().unwrap().price.to_string(),
        "73380.70000",
        "trailing zeros are kept"
    );
    assert_eq!(t.bid.as_ref().unwrap().lot_volume, dec("1.000"));
    assert_eq!(t.last_trade.as_ref().unwrap().lot_volume, dec("0.00160710"));
    assert_eq!(t.volume.as_ref().unwrap().last_24h, dec("598.03698452"));
    assert_eq!(t.trades.as_deref(), Some(&[6405, 21103][..]));
    assert_eq!(t.open, Some(dec("71450.70000")));
    assert_lossless("Ticker.json", &ticker);

    serve(&mock, "/0/public/Ticker", "Ticker.docs.json");
    let docs = client.get_ticker().await.unwrap();
    assert_public_get(&mock, "/0/public/Ticker", None);
    assert_eq!(
        docs["XXBTZUSD"].trades.as_deref(),
        Some(&[34619, 38907][..])
    );
    assert_eq!(
        docs["XXBTZUSD"].vwap.as_ref().unwrap().today,
        dec("30706.77771")
    );
    assert_lossless("Ticker.docs.json", &docs);

    serve(&mock, "/0/public/Ticker", "Ticker.multi.json");
    let multi = client.get_ticker().await.unwrap();
    assert_eq!(
        multi.keys().collect::<Vec<_>>(),
        ["XETHZUSD", "USDCUSD", "XXBTZUSD"]
    );
    assert_eq!(
        multi["XETHZUSD"].bid.as_ref().unwrap().whole_lot_volume,
        dec("466")
    );
    assert_lossless("Ticker.multi.json", &multi);
}

#[tokio::test]
async fn candles_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/OHLC", "OHLC.json");
    let ohlc = client
        .get_candles("XBTUSDT")
        .interval(60)
        .since(1716523348)
        .asset_class("tokenized_asset")
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/OHLC",
        Some("pair=XBTUSDT&interval=60&since=1716523348&asset_class=tokenized_asset"),
    );
    assert_eq!(ohlc.last, 1706796000, "`last` arrives as a string here");
    let (pair, rows) = ohlc.single().unwrap();
    assert_eq!(pair, "XBTUSDT");
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0].time, 1706626800);
    assert_eq!(rows[0].open, dec("43437.5"));
    assert_eq!(rows[0].volume, dec("18.75430110"));
    assert_eq!(rows[0].count, 162);
    assert_eq!(rows[5].close, dec("42548.5"));
    assert_lossless("OHLC.json", &ohlc);

    for (fixture, rows_expected, last, first_vwap) in [
        ("OHLC.720.json", 720, 1502445600, "3449.997"),
        ("OHLC.docs.json", 720, 1688672160, "30306.1"),
        ("OHLC.kraken-async-rs.json", 18, 1701023340, "37780.5"),
    ] {
        serve(&mock, "/0/public/OHLC", fixture);
        let ohlc = client.get_candles("XBTUSD").await.unwrap();
        let rows = &ohlc.pairs["XXBTZUSD"];
        assert_eq!(ohlc.last, last, "{fixture}");
        if fixture != "OHLC.docs.json" {
            assert_eq!(rows.len(), rows_expected, "{fixture}");
        }
        assert_eq!(rows[0].vwap, dec(first_vwap), "{fixture}");
        assert_lossless(fixture, &ohlc);
    }
    assert_public_get(&mock, "/0/public/OHLC", Some("pair=XBTUSD"));
}

#[tokio::test]
async fn order_book_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Depth", "Depth.json");
    let book = client.get_order_book("XBTUSD").count(10).await.unwrap();
    assert_public_get(&mock, "/0/public/Depth", Some("pair=XBTUSD&count=10"));
    let b = &book["XXBTZUSD"];
    assert_eq!(b.asks[0].price, dec("30384.10000"));
    assert_eq!(b.asks[0].volume, dec("2.059"));
    assert_eq!(b.asks[0].timestamp, dec("1688671659"));
    assert_eq!(b.bids[2].price, dec("30289.80000"));
    assert_lossless("Depth.json", &book);

    serve(&mock, "/0/public/Depth", "Depth.large.json");
    let large = client.get_order_book("XBTUSD").await.unwrap();
    let b = &large["XXBTZUSD"];
    assert_eq!((b.asks.len(), b.bids.len()), (22, 19));
    assert_eq!(b.asks[0].volume, dec("19.596"));
    assert_lossless("Depth.large.json", &large);
}

#[tokio::test]
async fn grouped_book_schema_derived() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/0/public/GroupedBook",
        "GroupedBook.schema-derived.json",
    );
    let book = client
        .get_grouped_book("BTC/USD")
        .depth(25)
        .grouping(10)
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/GroupedBook",
        Some("pair=BTC%2FUSD&depth=25&grouping=10"),
    );
    assert_eq!(book.pair, "BTC/USD");
    assert_eq!(book.grouping, 10);
    assert_eq!(book.bids[0].qty, dec("1.52340000"));
    assert_lossless("GroupedBook.schema-derived.json", &book);
}

#[tokio::test]
async fn recent_trades_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Trades", "Trades.json");
    let trades = client
        .get_recent_trades("XBTUSDT")
        .since("1716550666")
        .count(1)
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/Trades",
        Some("pair=XBTUSDT&since=1716550666&count=1"),
    );
    assert_eq!(
        trades.last, 1710327959173746878,
        "nanosecond string cursor, beyond f64 precision"
    );
    let row = &trades.pairs["XBTUSDT"][0];
    assert_eq!(row.price, dec("73324.40000"));
    assert_eq!(
        row.time.to_string(),
        "1710327959.1733468",
        "every digit of the fractional time"
    );
    assert_eq!(row.side, kraken_spot::TradeSide::Buy);
    assert_eq!(row.order_kind, kraken_spot::TradeOrderKind::Market);
    assert_eq!(row.trade_id, Some(6324366));
    assert_eq!(
        row.ns_id,
        Some(1710327959173746878),
        "the undocumented 8th element"
    );
    assert_lossless("Trades.json", &trades);

    for (fixture, len, first_time) in [
        ("Trades.docs.json", 3, "1688669597.8277369"),
        ("Trades.large.json", 31, "1701019771.0383663"),
    ] {
        serve(&mock, "/0/public/Trades", fixture);
        let trades = client.get_recent_trades("XBTUSD").await.unwrap();
        let rows = &trades.pairs["XXBTZUSD"];
        assert_eq!(rows.len(), len, "{fixture}");
        assert_eq!(rows[0].time.to_string(), first_time);
        assert_eq!(rows[0].ns_id, None, "7-element rows");
        assert!(rows[0].trade_id.is_some());
        assert_lossless(fixture, &trades);
    }
}

#[tokio::test]
async fn recent_spreads_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/Spread", "Spread.json");
    let spreads = client
        .get_recent_spreads("XBTUSD")
        .since(1688671834)
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/Spread",
        Some("pair=XBTUSD&since=1688671834"),
    );
    assert_eq!(spreads.last, 1688672106);
    let rows = &spreads.pairs["XXBTZUSD"];
    assert_eq!(rows[0].time, 1688671834);
    assert_eq!(rows[0].bid, dec("30292.10000"));
    assert_eq!(rows[0].ask, dec("30297.50000"));
    assert_lossless("Spread.json", &spreads);

    serve(&mock, "/0/public/Spread", "Spread.large.json");
    let large = client.get_recent_spreads("XBTUSD").await.unwrap();
    assert_eq!(large.last, 1701023349);
    assert_eq!(large.pairs["XXBTZUSD"].len(), 18);
    assert_lossless("Spread.large.json", &large);
}

#[tokio::test]
async fn pre_and_post_trade_schema_derived() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/public/PreTrade", "PreTrade.schema-derived.json");
    let pre = client.get_pre_trade_data("BTC/USD").await.unwrap();
    assert_public_get(&mock, "/0/public/PreTrade", Some("symbol=BTC%2FUSD"));
    assert_eq!(pre.symbol, "BTC/USD");
    assert_eq!(pre.venue, "PGSL");
    assert_eq!(pre.bids[0].price, dec("102002.1"));
    assert_eq!(pre.asks[0].side, "SELL");
    assert_lossless("PreTrade.schema-derived.json", &pre);

    serve(
        &mock,
        "/0/public/PostTrade",
        "PostTrade.schema-derived.json",
    );
    let post = client
        .get_post_trade_data()
        .symbol("BTC/USD")
        .from_ts("2024-05-30T00:00:00Z")
        .to_ts("2024-05-31T00:00:00Z")
        .count(500)
        .await
        .unwrap();
    assert_public_get(
        &mock,
        "/0/public/PostTrade",
        Some(
            "symbol=BTC%2FUSD&from_ts=2024-05-30T00%3A00%3A00Z&to_ts=2024-05-31T00%3A00%3A00Z&count=500",
        ),
    );
    assert_eq!(post.last_ts, "2024-05-30T12:34:56.123456789Z");
    assert_eq!(post.trades[0].trade_id, "TGBB7L-HT5LX-J3BZ4A");
    assert_eq!(post.trades[0].quantity, dec("1.24"));
    assert_lossless("PostTrade.schema-derived.json", &post);
}

#[tokio::test]
async fn bad_parameters_fail_before_anything_is_sent() {
    let (mock, client) = setup().await;
    let err = client
        .get_order_book("XBTUSD")
        .count(501)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter `count` for get_order_book: 501 is outside 1..=500"
    );
    let err = client.get_candles("XBTUSD").interval(2).await.unwrap_err();
    assert!(
        matches!(
            err,
            kraken_spot::Error::InvalidParam {
                param: "interval",
                ..
            }
        ),
        "{err}"
    );
    let err = client.get_order_book("").await.unwrap_err();
    assert!(
        matches!(err, kraken_spot::Error::InvalidParam { param: "pair", .. }),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn kraken_errors_arrive_typed_and_verbatim() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/0/public/Ticker",
        "Error.EQuery_UnknownAssetPair.json",
    );
    let err = client.get_ticker().pair("NOPE").await.unwrap_err();
    let kraken = err.kraken().expect("a Kraken error");
    assert_eq!(kraken.code(), "EQuery:Unknown asset pair");
    assert_eq!(kraken.category(), "Query");

    serve(
        &mock,
        "/0/public/Depth",
        "Error.EGeneral_TooManyRequests.json",
    );
    let err = client.get_order_book("XBTUSD").await.unwrap_err();
    assert!(err.kraken().unwrap().is_rate_limited());
}

#[tokio::test]
async fn a_body_that_is_not_krakens_shape_is_a_clear_error() {
    let (mock, client) = setup().await;
    mock.respond(
        "/0/public/Time",
        kraken_mock::MockResponse::bytes("text/html", b"<html>502 Bad Gateway</html>".to_vec())
            .status(502),
    );
    match client.get_server_time().await.unwrap_err() {
        kraken_spot::Error::Http {
            status, body_start, ..
        } => {
            assert_eq!(status, 502);
            assert_eq!(body_start, "<html>502 Bad Gateway</html>");
        }
        other => panic!("{other:?}"),
    }
    mock.respond(
        "/0/public/Time",
        kraken_mock::MockResponse::json(r#"{"error":[],"result":{"unixtime":"soon"}}"#),
    );
    let err = client.get_server_time().await.unwrap_err();
    assert!(
        matches!(err, kraken_spot::Error::Decode { status: 200, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn public_calls_need_no_credentials() {
    let mock = kraken_mock::MockKraken::start().await;
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .build()
        .unwrap();
    serve(&mock, "/0/public/Time", "Time.json");
    assert_eq!(client.get_server_time().await.unwrap().unixtime, 1688669448);
}
