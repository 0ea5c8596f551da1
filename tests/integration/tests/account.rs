//! Account data: every private account endpoint signed end to end with every
//! parameter on the wire, and every recorded fixture of each decoded with real
//! values asserted. Also the private L3 book (JSON body) and the ZIP export.

mod common;

use common::{assert_lossless, assert_signed_form, assert_signed_json, dec, serve, setup};
use kraken_mock::MockResponse;
use kraken_spot::{Either, Error, FeeAsset};
use std::io::Read;

#[tokio::test]
async fn api_key_info_schema_derived() {
    let (mock, client) = setup().await;
    let fixture = "GetApiKeyInfo.schema-derived.json";
    serve(&mock, "/0/private/GetApiKeyInfo", fixture);
    let info = client.get_api_key_info().await.unwrap();
    assert_signed_form(&mock, "/0/private/GetApiKeyInfo", "");
    assert_eq!(info.api_key_name, "portfolio-reader");
    assert_eq!(info.api_key, "mock-api-key");
    assert_eq!(
        info.nonce, 1773916804518260991,
        "a nonce string beyond f64 precision"
    );
    assert_eq!(info.nonce_window, 5);
    assert_eq!(info.permissions.len(), 5);
    assert_eq!(info.permissions[4], "export-data");
    assert_eq!(info.iban, "AA37 N84G 5QXR TMLE");
    assert_eq!(
        (info.valid_until, info.query_from, info.created_time),
        (1804636800, 0, 1773313200)
    );
    assert_eq!(info.ip_allowlist, ["203.0.113.0/24", "2001:db8::/32"]);
    assert_eq!(info.last_used, None, "null when never used");
    assert_lossless(fixture, &info);
}

#[tokio::test]
async fn wallet_accounts_schema_derived() {
    let (mock, client) = setup().await;
    let fixture = "ListWalletAccounts.schema-derived.json";
    serve(&mock, "/0/private/ListWalletAccounts", fixture);
    let wallets = client.get_wallet_accounts().await.unwrap();
    assert_signed_form(&mock, "/0/private/ListWalletAccounts", "");
    let [main, bot] = &wallets.accounts[..] else {
        panic!("two accounts expected: {wallets:?}")
    };
    assert_eq!(main.account_id, "WX6V-JUKW-KKPB-QE36");
    assert_eq!(main.kind.as_deref(), Some("main"));
    assert_eq!(main.name, None);
    assert_eq!(main.flags.as_ref().unwrap().active, Some(true));
    assert_eq!(bot.name.as_deref(), Some("Grid bot"));
    assert_eq!(bot.status.as_deref(), Some("disabled"));
    assert_eq!(bot.flags.as_ref().unwrap().user_defined, Some(true));
    assert_eq!(
        wallets.cursor.as_ref().unwrap().next.as_deref(),
        Some("c2Vjb25kLXBhZ2U")
    );
    assert_lossless(fixture, &wallets);
}

#[tokio::test]
async fn extended_balance_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/BalanceEx", "BalanceEx.json");
    let balances = client
        .get_extended_balance()
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/BalanceEx", "rebase_multiplier=base");
    assert_eq!(
        balances.keys().collect::<Vec<_>>(),
        ["ZUSD", "XXBT"],
        "Kraken's order"
    );
    assert_eq!(
        balances["ZUSD"].balance,
        dec("25435.21"),
        "JSON numbers in the docs"
    );
    assert_eq!(balances["XXBT"].hold_trade, dec("0.8423"));
    assert_eq!(balances["XXBT"].credit, None);
    assert_lossless("BalanceEx.json", &balances);

    serve(
        &mock,
        "/0/private/BalanceEx",
        "BalanceEx.kraken-async-rs.json",
    );
    let balances = client.get_extended_balance().await.unwrap();
    assert_signed_form(&mock, "/0/private/BalanceEx", "");
    assert_eq!(balances.len(), 28);
    assert_eq!(balances["ARB"].balance.to_string(), "12.00000");
    assert_eq!(balances["ATOM"].hold_trade, dec("3.92433600"));
    assert_eq!(balances["AVAX"].balance.to_string(), "1.5430332562");
    assert!(balances["ATOM.S"].balance.is_zero());
    assert!(balances.values().all(|b| b.credit_used.is_none()));
    assert_lossless("BalanceEx.kraken-async-rs.json", &balances);
}

#[tokio::test]
async fn credit_lines_wire_and_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/CreditLines", "CreditLines.json");
    let credit = client
        .get_credit_lines()
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/CreditLines", "rebase_multiplier=rebased");
    let usd = &credit.asset_details["USD"];
    assert_eq!(usd.balance.as_ref().unwrap().to_string(), "1000.5000");
    assert_eq!(usd.credit_limit, Some(dec("50000")));
    assert_eq!(usd.available_credit, Some(dec("37500.0000")));
    assert_eq!(credit.asset_details["EUR"].credit_used, Some(dec("5000")));
    let limits = &credit.limits_monitor;
    assert_eq!(limits.total_collateral_value_usd, Some(dec("150000")));
    assert_eq!(
        limits.debt_to_equity.as_ref().unwrap().to_string(),
        "0.2000"
    );
    assert_lossless("CreditLines.json", &credit);
}

#[tokio::test]
async fn trade_balance_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/TradeBalance", "TradeBalance.json");
    let tb = client
        .get_trade_balance()
        .asset("ZEUR")
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/TradeBalance",
        "asset=ZEUR&rebase_multiplier=base",
    );
    assert_eq!(tb.equivalent_balance, Some(dec("1101.3425")));
    assert_eq!(tb.trade_balance, Some(dec("392.2264")));
    assert_eq!(tb.net, Some(dec("-10.0232")));
    assert_eq!(tb.free_margin, Some(dec("375.1678")));
    assert_eq!(tb.margin_level, Some(dec("5432.57")));
    assert_eq!(tb.unexecuted_value, None);
    assert_lossless("TradeBalance.json", &tb);

    serve(
        &mock,
        "/0/private/TradeBalance",
        "TradeBalance.kraken-async-rs.json",
    );
    let tb = client.get_trade_balance().await.unwrap();
    assert_eq!(tb.equity, Some(dec("4204.0545")));
    assert_eq!(
        tb.unexecuted_value.map(|v| v.to_string()).as_deref(),
        Some("0.0000")
    );
    assert_eq!(tb.margin_level, None, "no `ml` without open positions");
    assert_lossless("TradeBalance.kraken-async-rs.json", &tb);
}

#[tokio::test]
async fn open_orders_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/OpenOrders", "OpenOrders.json");
    let open = client
        .get_open_orders()
        .trades(true)
        .userref(45326)
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/OpenOrders",
        "trades=true&userref=45326&cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876&rebase_multiplier=rebased",
    );
    let order = &open.open["OXCZ7B-EMVZQ-MTJTQJ"];
    assert_eq!(order.refid, None);
    assert_eq!(order.userref, Some(0), "\"0\" as a string");
    assert_eq!(order.status, Some(kraken_spot::OrderStatus::Open));
    assert_eq!(
        order.opentm.as_ref().unwrap().to_string(),
        "1705260203.583000"
    );
    assert_eq!(
        order.descr.as_ref().unwrap().ordertype,
        Some(kraken_spot::OrderType::TakeProfit)
    );
    assert_eq!(
        order.descr.as_ref().unwrap().side,
        Some(kraken_spot::OrderSide::Sell)
    );
    assert_eq!(
        order.descr.as_ref().unwrap().price.as_deref(),
        Some("120.00000")
    );
    assert_eq!(order.vol.as_ref().unwrap().to_string(), "0.10000000");
    assert_eq!(order.stopprice, Some(dec("0")));
    assert_eq!(order.oflags.as_deref(), Some("fciq"));
    assert_lossless("OpenOrders.json", &open);

    serve(&mock, "/0/private/OpenOrders", "OpenOrders.cl_ord_id.json");
    let open = client.get_open_orders().await.unwrap();
    assert_signed_form(&mock, "/0/private/OpenOrders", "");
    let order = &open.open["O2F2HY-QIPHF-4UCMSW"];
    assert_eq!(order.userref, None, "null userref");
    assert_eq!(order.cl_ord_id.as_deref(), Some("123"));
    assert_eq!(
        order.descr.as_ref().unwrap().order.as_deref(),
        Some("buy 0.20000000 LTCUSDT @ limit 50.00000")
    );
    assert_lossless("OpenOrders.cl_ord_id.json", &open);

    serve(&mock, "/0/private/OpenOrders", "OpenOrders.docs.json");
    let open = client.get_open_orders().await.unwrap();
    assert_eq!(
        open.open.keys().collect::<Vec<_>>(),
        ["OQCLML-BW3P3-BUCMWZ", "OB5VMB-B4U2U-DK2WRW"]
    );
    let first = &open.open["OQCLML-BW3P3-BUCMWZ"];
    assert_eq!(first.refid.as_deref(), Some("None"), "the docs' string");
    assert_eq!(first.opentm, Some(dec("1688666559.8974")));
    assert_eq!(first.vol_exec, Some(dec("0.375")));
    assert_eq!(first.cost, Some(dec("11253.7")));
    assert_eq!(
        first.trades.as_deref(),
        Some(&["TCCCTY-WE2O6-P3NB37".to_owned()][..])
    );
    let second = &open.open["OB5VMB-B4U2U-DK2WRW"];
    assert_eq!(second.userref, Some(45326));
    assert_eq!(
        second.descr.as_ref().unwrap().leverage.as_deref(),
        Some("5:1")
    );
    assert_eq!(second.trades, None);
    assert_lossless("OpenOrders.docs.json", &open);

    serve(
        &mock,
        "/0/private/OpenOrders",
        "OpenOrders.kraken-async-rs.json",
    );
    let open = client.get_open_orders().await.unwrap();
    assert_eq!(open.open.len(), 6);
    let atom = &open.open["604X4L-ANXHT-JV0ZQT"];
    assert_eq!(atom.cl_ord_id.as_deref(), Some("some-uuid"));
    assert_eq!(atom.trigger, Some(kraken_spot::TriggerSignal::Index));
    assert_eq!(atom.margin, Some(false));
    assert_eq!(atom.link_id, None);
    let luna = &open.open["R62T2L-0U03M-GJ4MBG"];
    assert_eq!(luna.link_id.as_deref(), Some("APCXQQ-SAYXM-3CC6EY"));
    assert_eq!(
        luna.opentm.as_ref().unwrap().to_string(),
        "1652451289.7784367"
    );
    assert_eq!(luna.price.as_ref().unwrap().to_string(), "0.000000000000");
    assert_eq!(luna.oflags.as_deref(), Some("fcib"));
    assert_lossless("OpenOrders.kraken-async-rs.json", &open);
}

#[tokio::test]
async fn closed_orders_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/ClosedOrders", "ClosedOrders.json");
    let closed = client
        .get_closed_orders()
        .trades(true)
        .userref(36493663)
        .cl_ord_id("123")
        .start("1688148493")
        .end("O6YDQ5-LOMWU-37YKEE")
        .ofs(50)
        .closetime("close")
        .consolidate_taker(false)
        .without_count(true)
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/ClosedOrders",
        "trades=true&userref=36493663&cl_ord_id=123&start=1688148493&end=O6YDQ5-LOMWU-37YKEE\
         &ofs=50&closetime=close&consolidate_taker=false&without_count=true&rebase_multiplier=base",
    );
    assert_eq!(closed.count, Some(1), "\"1\" as a string");
    let order = &closed.closed["O2F2HY-QIPHF-4UCMSW"];
    assert_eq!(order.status, Some(kraken_spot::OrderStatus::Canceled));
    assert_eq!(order.reason.as_deref(), Some("User requested"));
    assert_eq!(
        order.closetm.map(|t| t.to_string()).as_deref(),
        Some("1733920121.745514")
    );
    assert_eq!(order.cl_ord_id.as_deref(), Some("123"));
    assert_lossless("ClosedOrders.json", &closed);

    serve(&mock, "/0/private/ClosedOrders", "ClosedOrders.docs.json");
    let closed = client.get_closed_orders().await.unwrap();
    assert_signed_form(&mock, "/0/private/ClosedOrders", "");
    assert_eq!(closed.count, Some(2));
    let gbp = &closed.closed["O37652-RJWRT-IMO74O"];
    assert_eq!(
        gbp.descr.as_ref().unwrap().ordertype,
        Some(kraken_spot::OrderType::StopLossLimit)
    );
    assert_eq!(gbp.trigger, Some(kraken_spot::TriggerSignal::Index));
    assert_eq!(gbp.closetm, Some(dec("1688148610.0482")));
    let eur = &closed.closed["O6YDQ5-LOMWU-37YKEE"];
    assert_eq!(eur.userref, Some(36493663));
    assert_eq!(eur.descr.as_ref().unwrap().pair.as_deref(), Some("XBTEUR"));
    assert_eq!(
        eur.descr.as_ref().unwrap().ordertype,
        Some(kraken_spot::OrderType::TakeProfitLimit)
    );
    assert_lossless("ClosedOrders.docs.json", &closed);

    serve(
        &mock,
        "/0/private/ClosedOrders",
        "ClosedOrders.kraken-async-rs.json",
    );
    let closed = client.get_closed_orders().await.unwrap();
    assert_eq!(closed.count, Some(99), "more than one page");
    assert_eq!(closed.closed.len(), 3);
    let eth = &closed.closed["KGOWV8-P15FK-YG75U7"];
    assert_eq!(eth.descr.as_ref().unwrap().aclass.as_deref(), Some("forex"));
    assert_eq!(eth.reason, None);
    assert_eq!(eth.fee, Some(dec("0.09375")));
    let algo = &closed.closed["MSMU5X-PKW32-HQCHHD"];
    assert_eq!(algo.cost.as_ref().unwrap().to_string(), "4.8507000000000");
    assert_eq!(
        closed.closed["1OX8PJ-DOX9B-1TAW4M"].reason.as_deref(),
        Some("User requested")
    );
    assert_lossless("ClosedOrders.kraken-async-rs.json", &closed);
}

#[tokio::test]
async fn query_orders_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/QueryOrders", "QueryOrders.json");
    let orders = client
        .get_orders("OR6EGN-KQSEG-AMI6CL,OBCMZD-JIEE7-77TH3F")
        .trades(true)
        .userref(0)
        .consolidate_taker(true)
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/QueryOrders",
        "txid=OR6EGN-KQSEG-AMI6CL%2COBCMZD-JIEE7-77TH3F&trades=true&userref=0\
         &consolidate_taker=true&rebase_multiplier=rebased",
    );
    let order = &orders["OR6EGN-KQSEG-AMI6CL"];
    assert_eq!(order.oflags.as_deref(), Some("post,fciq"));
    assert_eq!(
        order.descr.as_ref().unwrap().price.as_deref(),
        Some("50.00000")
    );
    assert_eq!(order.reason, None);
    assert_eq!(order.opentm, Some(dec("1705259439.563")));
    assert_lossless("QueryOrders.json", &orders);

    serve(&mock, "/0/private/QueryOrders", "QueryOrders.docs.json");
    let orders = client.get_orders("OBCMZD-JIEE7-77TH3F").await.unwrap();
    assert_signed_form(&mock, "/0/private/QueryOrders", "txid=OBCMZD-JIEE7-77TH3F");
    assert_eq!(orders.len(), 2);
    let stop = &orders["OBCMZD-JIEE7-77TH3F"];
    assert_eq!(stop.status, Some(kraken_spot::OrderStatus::Closed));
    assert_eq!(stop.fee, Some(dec("26.2")));
    assert_eq!(
        stop.trades.as_deref(),
        Some(&["TZX2WP-XSEOP-FP7WYR".to_owned()][..])
    );
    let market = &orders["OMMDB2-FSB6Z-7W3HPO"];
    assert_eq!(
        market.descr.as_ref().unwrap().ordertype,
        Some(kraken_spot::OrderType::Market)
    );
    assert_eq!(market.price, Some(dec("30000.0")));
    assert_lossless("QueryOrders.docs.json", &orders);

    serve(
        &mock,
        "/0/private/QueryOrders",
        "QueryOrders.kraken-async-rs.json",
    );
    let orders = client.get_orders("P8E9L2-ITMSU-UGBBRE").await.unwrap();
    let replaced = &orders["P8E9L2-ITMSU-UGBBRE"];
    assert_eq!(replaced.reason.as_deref(), Some("Order replaced"));
    assert_eq!(replaced.link_id.as_deref(), Some("2AHH5M-YR054-MCF0Y8"));
    assert_eq!(replaced.closetm, Some(dec("1699792641.705669")));
    assert_eq!(
        replaced.descr.as_ref().unwrap().price.as_deref(),
        Some("0.9000")
    );
    assert_lossless("QueryOrders.kraken-async-rs.json", &orders);
}

#[tokio::test]
async fn order_amends_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/OrderAmends", "OrderAmends.json");
    let amends = client
        .get_order_amends()
        .order_id("OVM3PT-56ACO-53SM2T")
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/OrderAmends",
        "order_id=OVM3PT-56ACO-53SM2T&rebase_multiplier=base",
    );
    assert_eq!(amends.count, Some(3));
    assert_eq!(amends.amends[0].amend_type.as_deref(), Some("original"));
    assert_eq!(
        amends.amends[1].timestamp,
        Some(1724158076936755700),
        "nanoseconds beyond 2^53, every digit"
    );
    assert_eq!(amends.amends[2].limit_price, Some(dec("61032.6")));
    assert_eq!(
        amends.amends[0].order_qty.as_ref().unwrap().to_string(),
        "0.01000000"
    );
    assert_eq!(amends.amends[0].post_only, None);
    assert_lossless("OrderAmends.json", &amends);

    serve(
        &mock,
        "/0/private/OrderAmends",
        "OrderAmends.kraken-async-rs.json",
    );
    let amends = client.get_order_amends().await.unwrap();
    assert_signed_form(&mock, "/0/private/OrderAmends", "");
    assert_eq!(amends.count, Some(2));
    let user = &amends.amends[1];
    assert_eq!(user.amend_id.as_deref(), Some("TXH3X2-E4ADJ-CH53N2"));
    assert_eq!(user.order_qty, Some(dec("5.25")));
    assert_eq!(user.reason.as_deref(), Some("User requested"));
    assert_eq!(user.post_only, Some(true));
    assert_eq!(user.timestamp, Some(1728821182969), "milliseconds here");
    assert_lossless("OrderAmends.kraken-async-rs.json", &amends);
}

#[tokio::test]
async fn trades_history_wire_and_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/TradesHistory", "TradesHistory.json");
    let history = client
        .get_trades_history()
        .trade_type("closed position")
        .trades(true)
        .start("1699457638")
        .end("THVRQM-33VKH-UCI7BS")
        .ofs(100)
        .consolidate_taker(true)
        .ledgers(true)
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/TradesHistory",
        "type=closed+position&trades=true&start=1699457638&end=THVRQM-33VKH-UCI7BS&ofs=100\
         &consolidate_taker=true&ledgers=true&rebase_multiplier=rebased",
    );
    assert_eq!(history.count, None, "absent in the docs example");
    assert_eq!(
        history.trades.keys().collect::<Vec<_>>(),
        ["THVRQM-33VKH-UCI7BS", "TCWJEG-FL4SZ-3FKGH6"]
    );
    let fill = &history.trades["THVRQM-33VKH-UCI7BS"];
    assert_eq!(fill.ordertxid.as_deref(), Some("OQCLML-BW3P3-BUCMWZ"));
    assert_eq!(fill.time, Some(dec("1688667796.8802")));
    assert_eq!(fill.price.as_ref().unwrap().to_string(), "30010.00000");
    assert_eq!(fill.cost, Some(dec("600.2")));
    assert_eq!(fill.trade_id, Some(40274859));
    assert_eq!(fill.maker, Some(true));
    assert_eq!(fill.side, Some(kraken_spot::OrderSide::Buy));
    assert_eq!(fill.ledgers, None);
    assert_lossless("TradesHistory.json", &history);

    client
        .get_trades_history()
        .trade_type(kraken_spot::TradeHistoryType::NoPosition)
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/TradesHistory", "type=no+position");
}

#[tokio::test]
async fn query_trades_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/QueryTrades", "QueryTrades.json");
    let trades = client
        .get_trades("THVRQM-33VKH-UCI7BS,TTEUX3-HDAAA-RC2RUO")
        .trades(true)
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/QueryTrades",
        "txid=THVRQM-33VKH-UCI7BS%2CTTEUX3-HDAAA-RC2RUO&trades=true&rebase_multiplier=base",
    );
    assert_eq!(trades["THVRQM-33VKH-UCI7BS"].trade_id, Some(93748276));
    let eur = &trades["TTEUX3-HDAAA-RC2RUO"];
    assert_eq!(eur.pair.as_deref(), Some("XXBTZEUR"));
    assert_eq!(eur.cost.as_ref().unwrap().to_string(), "0.20020");
    assert_eq!(eur.vol, Some(dec("0.0002")));
    assert_eq!(eur.leverage, None);
    assert_lossless("QueryTrades.json", &trades);

    serve(
        &mock,
        "/0/private/QueryTrades",
        "QueryTrades.kraken-async-rs.json",
    );
    let trades = client.get_trades("X2Q49U-F3M8J-7HK49O").await.unwrap();
    assert_signed_form(&mock, "/0/private/QueryTrades", "txid=X2Q49U-F3M8J-7HK49O");
    let rndr = &trades["X2Q49U-F3M8J-7HK49O"];
    assert_eq!(rndr.time.as_ref().unwrap().to_string(), "1685055903.487446");
    assert_eq!(rndr.fee, Some(dec("0.046423")));
    assert_eq!(rndr.leverage.as_deref(), Some("0"));
    assert_eq!(
        rndr.ledgers.as_deref(),
        Some(
            &[
                "RBKJUX-1D86E-GNAO4C".to_owned(),
                "FW89UG-NHGVW-F1NKNI".to_owned()
            ][..]
        )
    );
    assert_eq!(rndr.trade_id, Some(670058));
    assert_lossless("QueryTrades.kraken-async-rs.json", &trades);
}

#[tokio::test]
async fn open_positions_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/OpenPositions", "OpenPositions.json");
    let positions = client
        .get_open_positions()
        .txid("TF5GVO-T7ZZ2-6NBKBI,T24DOR-TAFLM-ID3NYP")
        .docalcs(true)
        .consolidation("market")
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/OpenPositions",
        "txid=TF5GVO-T7ZZ2-6NBKBI%2CT24DOR-TAFLM-ID3NYP&docalcs=true&consolidation=market\
         &rebase_multiplier=rebased",
    );
    let Either::Second(list) = &positions else {
        panic!("consolidation=market gives a list: {positions:?}")
    };
    let [ada] = &list[..] else {
        panic!("one pair: {list:?}")
    };
    assert_eq!(ada.pair, "ADAUSDT");
    assert_eq!(ada.positions, 1, "\"1\" as a string");
    assert_eq!(ada.side, kraken_spot::OrderSide::Sell);
    assert_eq!(ada.leverage.to_string(), "4.00000000");
    assert_eq!(ada.margin, dec("1.5187625"));
    assert_eq!(ada.net, Some(dec("-0.01022")));
    assert_eq!(ada.value, Some(dec("6.08527")));
    assert_lossless("OpenPositions.json", &positions);

    serve(&mock, "/0/private/OpenPositions", "OpenPositions.docs.json");
    let positions = client.get_open_positions().docalcs(true).await.unwrap();
    assert_signed_form(&mock, "/0/private/OpenPositions", "docalcs=true");
    let Either::First(map) = &positions else {
        panic!("a map without consolidation: {positions:?}")
    };
    assert_eq!(map.len(), 5);
    let first = &map["TF5GVO-T7ZZ2-6NBKBI"];
    assert_eq!(first.ordertxid.as_deref(), Some("OLWNFG-LLH4R-D6SFFP"));
    assert_eq!(first.posstatus.as_deref(), Some("open"));
    assert_eq!(first.net, Some(dec("154186.9728")), "an explicit + sign");
    assert_eq!(first.value, Some(dec("258797.5")));
    assert_eq!(first.vol_closed.as_ref().unwrap().to_string(), "0.20200000");
    assert_eq!(first.terms.as_deref(), Some("0.0100% per 4 hours"));
    assert_eq!(first.rollovertm, Some(dec("1616672637")));
    assert_eq!(map["TYMRFG-URRG5-2ZTQSD"].vol, Some(dec("0.0000001")));
    assert_lossless("OpenPositions.docs.json", &positions);

    let fixture = "OpenPositions.no-docalcs.kraken-async-rs.json";
    serve(&mock, "/0/private/OpenPositions", fixture);
    let positions = client.get_open_positions().await.unwrap();
    assert_signed_form(&mock, "/0/private/OpenPositions", "");
    let Either::First(map) = &positions else {
        panic!("a map: {positions:?}")
    };
    let only = &map["TF5GVO-T7ZZ2-6NBKBI"];
    assert_eq!((only.value, only.net), (None, None), "no docalcs");
    assert_eq!(only.cost, Some(dec("104610.52842")));
    assert_eq!(only.time, Some(dec("1605280097.8294")));
    assert_lossless(fixture, &positions);
}

#[tokio::test]
async fn ledgers_info_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Ledgers", "Ledgers.json");
    let ledgers = client
        .get_ledgers_info()
        .asset("ZGBP,ZUSD")
        .aclass("currency")
        .ledger_type("trade")
        .start("1688444262")
        .end("L4UESK-KG3EQ-UFO4T5")
        .ofs(0)
        .without_count(false)
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/Ledgers",
        "asset=ZGBP%2CZUSD&aclass=currency&type=trade&start=1688444262&end=L4UESK-KG3EQ-UFO4T5\
         &ofs=0&without_count=false&rebase_multiplier=base",
    );
    assert_eq!(ledgers.count, Some(2));
    let gbp = &ledgers.ledger["L4UESK-KG3EQ-UFO4T5"];
    assert_eq!(gbp.refid.as_deref(), Some("TJKLXF-PGMUI-4NTLXU"));
    assert_eq!(gbp.kind, Some(kraken_spot::LedgerType::Trade));
    assert_eq!(gbp.subtype.as_deref(), Some(""));
    assert_eq!(gbp.amount.as_ref().unwrap().to_string(), "-24.5000");
    assert_eq!(gbp.fee, Some(dec("0.049")));
    assert_eq!(gbp.balance, Some(dec("459567.9171")));
    assert_eq!(
        ledgers.ledger["LMKZCZ-Z3GVL-CXKK4H"].asset.as_deref(),
        Some("ZUSD")
    );
    assert_lossless("Ledgers.json", &ledgers);

    serve(&mock, "/0/private/Ledgers", "Ledgers.kraken-async-rs.json");
    let ledgers = client.get_ledgers_info().await.unwrap();
    assert_signed_form(&mock, "/0/private/Ledgers", "");
    assert_eq!(ledgers.count, Some(324));
    assert_eq!(ledgers.ledger.len(), 11);
    let luna = &ledgers.ledger["ZKFTQO-BR8G7-08P80H"];
    assert_eq!(luna.kind, Some(kraken_spot::LedgerType::Transfer));
    assert_eq!(luna.subtype.as_deref(), Some("spotfromfutures"));
    assert_eq!(
        luna.time.as_ref().unwrap().to_string(),
        "1669369455.5642295"
    );
    assert_eq!(luna.amount, Some(dec("0.03216614")));
    assert!(
        ledgers
            .ledger
            .values()
            .any(|e| e.subtype.as_deref() == Some("stakingtospot"))
    );
    assert!(
        ledgers
            .ledger
            .values()
            .any(|e| e.kind == Some(kraken_spot::LedgerType::Withdrawal))
    );
    assert_lossless("Ledgers.kraken-async-rs.json", &ledgers);
}

#[tokio::test]
async fn query_ledgers_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/QueryLedgers", "QueryLedgers.json");
    let entries = client
        .get_ledgers("L4UESK-KG3EQ-UFO4T5,LMKZCZ-Z3GVL-CXKK4H")
        .trades(true)
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/QueryLedgers",
        "id=L4UESK-KG3EQ-UFO4T5%2CLMKZCZ-Z3GVL-CXKK4H&trades=true&rebase_multiplier=rebased",
    );
    let gbp = &entries["L4UESK-KG3EQ-UFO4T5"];
    assert_eq!(gbp.asset.as_deref(), Some("ZGBP"));
    assert_eq!(gbp.amount, Some(dec("-24.5")));
    assert_eq!(gbp.time, Some(dec("1688464484.1787")));
    assert_lossless("QueryLedgers.json", &entries);

    serve(
        &mock,
        "/0/private/QueryLedgers",
        "QueryLedgers.kraken-async-rs.json",
    );
    let entries = client.get_ledgers("LMWW7L-EWV66-ZXPC3L").await.unwrap();
    assert_signed_form(&mock, "/0/private/QueryLedgers", "id=LMWW7L-EWV66-ZXPC3L");
    let usd = &entries["LMWW7L-EWV66-ZXPC3L"];
    assert_eq!(usd.asset.as_deref(), Some("USD"), "not ZUSD");
    assert_eq!(usd.amount.as_ref().unwrap().to_string(), "-90.0000");
    assert_eq!(usd.fee, Some(dec("0.144")));
    assert_eq!(usd.time.as_ref().unwrap().to_string(), "1699961059.3636901");
    assert_eq!(usd.refid.as_deref(), Some("TAUGAY-Z4ZJO-O3POKN"));
    assert_lossless("QueryLedgers.kraken-async-rs.json", &entries);
}

#[tokio::test]
async fn trading_volume_text_pair_is_json_and_every_fixture_decodes() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/TradeVolume", "TradeVolume.json");
    let volume = client
        .get_trading_volume()
        .pair("XXBTZUSD,XETHZUSD")
        .fee_schedule(true)
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        "/0/private/TradeVolume",
        r#""pair":"XXBTZUSD,XETHZUSD","fee_schedule":true,"rebase_multiplier":"rebased""#,
    );
    assert_eq!(volume.currency.as_deref(), Some("ZUSD"));
    assert_eq!(volume.volume, Some(dec("200709587.4223")));
    let taker = &volume.fees.as_ref().unwrap()["XXBTZUSD"];
    assert_eq!(taker.fee.as_ref().unwrap().to_string(), "0.1000");
    assert_eq!(taker.maxfee, Some(dec("0.26")));
    assert_eq!(taker.tiervolume, Some(dec("10000000")));
    assert_eq!((taker.nextfee, taker.nextvolume), (None, None), "top tier");
    let maker = &volume.fees_maker.as_ref().unwrap()["XXBTZUSD"];
    assert_eq!(maker.fee, Some(dec("0")));
    assert_eq!(maker.maxfee, Some(dec("0.16")));
    assert_eq!(volume.schedules, None);
    assert_lossless("TradeVolume.json", &volume);

    let fixture = "TradeVolume.no-pair.kraken-async-rs.json";
    serve(&mock, "/0/private/TradeVolume", fixture);
    let volume = client.get_trading_volume().await.unwrap();
    assert_signed_json(&mock, "/0/private/TradeVolume", "");
    assert_eq!(volume.volume.as_ref().unwrap().to_string(), "296.0268");
    assert!(volume.fees.is_none() && volume.fees_maker.is_none());
    assert_lossless(fixture, &volume);
}

#[tokio::test]
async fn trading_volume_pair_objects_are_a_json_list() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/TradeVolume", "TradeVolume.json");
    let volume = client
        .get_trading_volume()
        .pair_assets([
            FeeAsset::new("TSLAx/USD", "equity_pair"),
            FeeAsset::new("XBT/USD", "forex"),
        ])
        .fee_schedule(false)
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        "/0/private/TradeVolume",
        // Nested objects keep FeeAsset's field order: the signed bytes are what serde wrote.
        r#""pair":[{"asset":"TSLAx/USD","aclass":"equity_pair"},{"asset":"XBT/USD","aclass":"forex"}],"fee_schedule":false,"rebase_multiplier":"base""#,
    );
    assert_eq!(volume.volume, Some(dec("200709587.4223")));
}

#[tokio::test]
async fn trading_volume_refuses_both_pair_forms_before_sending() {
    let (mock, client) = setup().await;
    let err = client
        .get_trading_volume()
        .pair("XXBTZUSD")
        .pair_assets([FeeAsset::new("TSLAx/USD", "equity_pair")])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "get_trading_volume",
                param: "pair",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("`pair_assets`"), "{err}");
    let err = client
        .get_trading_volume()
        .pair_assets(Vec::<FeeAsset>::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "pair", .. }),
        "{err}"
    );
    let err = client
        .get_trading_volume()
        .pair_assets([FeeAsset::new("", "equity_pair")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParam { .. }), "{err}");
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn request_export_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/AddExport", "AddExport.json");
    let added = client
        .request_ledgers_export("trades", "my trades 2023")
        .format("TSV")
        .fields("ordertxid,time,price")
        .starttm(1688169600)
        .endtm(1688774400)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/AddExport",
        "report=trades&description=my+trades+2023&format=TSV&fields=ordertxid%2Ctime%2Cprice\
         &starttm=1688169600&endtm=1688774400",
    );
    assert_eq!(added.id, "TCJA");
    assert_lossless("AddExport.json", &added);

    serve(
        &mock,
        "/0/private/AddExport",
        "AddExport.kraken-async-rs.json",
    );
    let added = client
        .request_ledgers_export(kraken_spot::ExportReport::Ledgers, "Test Export")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/AddExport",
        "report=ledgers&description=Test+Export",
    );
    assert_eq!(added.id, "KQMO");
    assert_lossless("AddExport.kraken-async-rs.json", &added);
}

#[tokio::test]
async fn export_status_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/ExportStatus", "ExportStatus.json");
    let exports = client.get_ledgers_export_status("trades").await.unwrap();
    assert_signed_form(&mock, "/0/private/ExportStatus", "report=trades");
    assert_eq!(exports.len(), 2);
    let first = &exports[0];
    assert_eq!(first.id.as_deref(), Some("VSKC"));
    assert_eq!(first.descr.as_deref(), Some("my_trades_1"));
    assert_eq!(first.format, Some(kraken_spot::ExportFormat::Csv));
    assert_eq!(first.report, Some(kraken_spot::ExportReport::Trades));
    assert_eq!(first.status.as_deref(), Some("Processed"));
    assert_eq!(
        first.createdtm,
        Some(dec("1688669085")),
        "a string of seconds"
    );
    assert_eq!(first.datastarttm, Some(dec("1683556800")));
    assert_eq!(first.aclass.as_deref(), Some("forex"));
    assert_eq!(first.endtm, None);
    assert_eq!(exports[1].id.as_deref(), Some("TCJA"));
    assert_lossless("ExportStatus.json", &exports);

    serve(
        &mock,
        "/0/private/ExportStatus",
        "ExportStatus.kraken-async-rs.json",
    );
    let exports = client.get_ledgers_export_status("ledgers").await.unwrap();
    assert_signed_form(&mock, "/0/private/ExportStatus", "report=ledgers");
    let [only] = &exports[..] else {
        panic!("one export: {exports:?}")
    };
    assert_eq!(only.report, Some(kraken_spot::ExportReport::Ledgers));
    assert_eq!(only.descr.as_deref(), Some("Test Export"));
    assert_eq!(only.endtm, Some(dec("1701406800")));
    assert_eq!(only.completedtm, Some(dec("1701614194")));
    assert_lossless("ExportStatus.kraken-async-rs.json", &exports);
}

#[tokio::test]
async fn retrieve_export_returns_the_zip_byte_for_byte() {
    let (mock, client) = setup().await;
    let zip_file = kraken_mock::fixture("RetrieveExport.schema-derived.zip");
    mock.respond(
        "/0/private/RetrieveExport",
        MockResponse::bytes("application/octet-stream", zip_file.clone()),
    );
    let bytes = client.get_ledgers_export("TCJA").await.unwrap();
    assert_signed_form(&mock, "/0/private/RetrieveExport", "id=TCJA");
    assert_eq!(bytes, zip_file, "the file exactly as served");

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP file");
    assert_eq!(archive.len(), 1);
    let mut csv_file = archive.by_index(0).unwrap();
    assert_eq!(csv_file.name(), "ledgers.csv");
    let mut csv = String::new();
    csv_file.read_to_string(&mut csv).unwrap();
    assert_eq!(
        csv,
        concat!(
            r#""txid","refid","time","type","subtype","aclass","asset","amount","fee","balance""#,
            "\n",
            r#""L4UESK-KG3EQ-UFO4T5","TJKLXF-PGMUI-4NTLXU","1688464484.1787","trade","","currency","ZGBP","-24.5000","0.0490","459567.9171""#,
            "\n",
            r#""LMKZCZ-Z3GVL-CXKK4H","TBZIP2-F6QOU-TMB6FY","1688444262.8888","trade","","currency","ZUSD","0.9852","0.0010","52732.1132""#,
            "\n",
        )
    );
}

#[tokio::test]
async fn retrieve_export_json_error_is_a_typed_kraken_error() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/0/private/RetrieveExport",
        "Error.EGeneral_InvalidArguments.json",
    );
    let err = client.get_ledgers_export("NOPE").await.unwrap_err();
    assert_signed_form(&mock, "/0/private/RetrieveExport", "id=NOPE");
    let kraken = err.kraken().expect("a Kraken error");
    assert_eq!(kraken.code(), "EGeneral:Invalid arguments");
    assert_eq!(kraken.category(), "General");

    mock.respond(
        "/0/private/RetrieveExport",
        MockResponse::json(r#"{"error":[],"result":{}}"#),
    );
    let err = client.get_ledgers_export("TCJA").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                endpoint: "get_ledgers_export",
                ..
            }
        ),
        "JSON without an error is not a file: {err}"
    );
}

#[tokio::test]
async fn remove_export_wire_and_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/RemoveExport", "RemoveExport.json");
    let removed = client
        .delete_ledgers_export("TCJA", "delete")
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/RemoveExport", "id=TCJA&type=delete");
    assert_eq!(removed.delete, Some(true));
    assert_eq!(removed.cancel, None);
    assert_lossless("RemoveExport.json", &removed);

    client
        .delete_ledgers_export("KQMO", kraken_spot::RemoveExportType::Cancel)
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/RemoveExport", "id=KQMO&type=cancel");
}

#[tokio::test]
async fn level3_book_is_signed_json_and_schema_derived() {
    let (mock, client) = setup().await;
    let fixture = "Level3.schema-derived.json";
    serve(&mock, "/0/private/Level3", fixture);
    let book = client
        .get_level3_order_book("BTC/USD")
        .depth(10)
        .await
        .unwrap();
    assert_signed_json(&mock, "/0/private/Level3", r#""pair":"BTC/USD","depth":10"#);
    assert_eq!(book.pair, "BTC/USD");
    assert_eq!((book.bids.len(), book.asks.len()), (2, 1));
    let bid = &book.bids[0];
    assert_eq!(bid.price.to_string(), "90212.40000");
    assert_eq!(bid.qty, dec("0.041"));
    assert_eq!(bid.order_id, "OQ7MZD-K3PFA-2XTB4N");
    assert_eq!(
        bid.timestamp, 1765630112840173559,
        "nanoseconds, every digit"
    );
    assert_eq!(book.asks[0].order_id, "OTR4CV-AZ6LM-QP9KWS");
    assert_lossless(fixture, &book);

    client
        .get_level3_order_book("XBTUSD")
        .depth(0)
        .await
        .unwrap();
    assert_signed_json(&mock, "/0/private/Level3", r#""pair":"XBTUSD","depth":0"#);
    client.get_level3_order_book("XBTUSD").await.unwrap();
    assert_signed_json(&mock, "/0/private/Level3", r#""pair":"XBTUSD""#);
}

#[tokio::test]
async fn bad_parameters_are_refused_before_sending() {
    let (mock, client) = setup().await;
    let err = client
        .get_level3_order_book("BTC/USD")
        .depth(50)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "get_level3_order_book",
                param: "depth",
                ..
            }
        ),
        "{err}"
    );
    let err = client.get_closed_orders().ofs(-1).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "ofs", .. }),
        "{err}"
    );
    let err = client.get_orders("").await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "txid", .. }),
        "{err}"
    );
    let err = client
        .request_ledgers_export("ledgers", "x")
        .starttm(-5)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "starttm",
                ..
            }
        ),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing reached the server");
}
