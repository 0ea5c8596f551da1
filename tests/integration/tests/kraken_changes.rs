//! The fields and parameters kraken-rest.md §14 adds (checked November 2026):
//! each new parameter on the wire, and each new response field decoded and
//! given back when serialized. No recording has these fields yet, so each
//! body is a recorded fixture with the §14 fields added, and says so.

mod common;

use common::{assert_lossless_body, assert_signed_form, dec, serve, setup};
use kraken_mock::MockResponse;
use kraken_spot::{
    AffectedService, Either, MaintenancePhase, OrderTimeInForce, OrderType, RecommendedAction,
};

/// A fixture's text with `fields` inserted right after the first `after`.
fn fixture_with(fixture: &str, after: &str, fields: &str) -> String {
    let text = String::from_utf8(kraken_mock::fixture(fixture)).unwrap();
    let at = text
        .find(after)
        .unwrap_or_else(|| panic!("{after} not in {fixture}"))
        + after.len();
    format!("{}{fields}{}", &text[..at], &text[at..])
}

#[tokio::test]
async fn new_parameters_go_on_the_wire() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Balance", "Balance.json");
    client
        .get_account_balance()
        .account_id("WX6V-JUKW-KKPB-QE36")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/Balance",
        "account_id=WX6V-JUKW-KKPB-QE36",
    );

    serve(&mock, "/0/private/Ledgers", "Ledgers.json");
    client
        .get_ledgers_info()
        .account_id("WX6V-JUKW-KKPB-QE36")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/Ledgers",
        "account_id=WX6V-JUKW-KKPB-QE36",
    );

    serve(&mock, "/0/private/TradesHistory", "TradesHistory.json");
    client
        .get_trades_history()
        .without_count(true)
        .await
        .unwrap();
    assert_signed_form(&mock, "/0/private/TradesHistory", "without_count=true");

    serve(
        &mock,
        "/0/private/DepositAddresses",
        "DepositAddresses.json",
    );
    client
        .get_deposit_addresses("XBT", "Bitcoin")
        .aclass("tokenized_asset")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/DepositAddresses",
        "asset=XBT&method=Bitcoin&aclass=tokenized_asset",
    );

    serve(&mock, "/0/private/DepositMethods", "DepositMethods.json");
    client
        .get_deposit_methods("XBT")
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/DepositMethods",
        "asset=XBT&rebase_multiplier=base",
    );

    serve(&mock, "/0/private/WithdrawMethods", "WithdrawMethods.json");
    client
        .get_withdrawal_methods()
        .rebase_multiplier("base")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/WithdrawMethods",
        "rebase_multiplier=base",
    );

    serve(&mock, "/0/private/DepositStatus", "DepositStatus.json");
    client
        .get_deposits_status()
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/DepositStatus",
        "rebase_multiplier=rebased",
    );

    serve(&mock, "/0/private/WithdrawStatus", "WithdrawStatus.json");
    client
        .get_withdrawals_status()
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/WithdrawStatus",
        "rebase_multiplier=rebased",
    );
}

#[tokio::test]
async fn system_status_carries_maintenance_and_emergencies() {
    let (mock, client) = setup().await;
    // SystemStatus.json plus an upcoming event (the MaintenanceSchedule event's
    // shape, §14) and an incident.
    let body = fixture_with(
        "SystemStatus.json",
        r#""timestamp": "2024-05-03T11:23:45Z""#,
        r#","upcoming_maintenance":[{"event_id":1042,"phase":"reminder_24h","affected_services":["spot_rest","futures_fix","moon_base"],"recommended_action":"cancel_open_orders"}],"emergency":[{"id":7,"note":"kept as sent"}]"#,
    );
    mock.respond("/0/public/SystemStatus", MockResponse::json(body.clone()));
    let status = client.get_system_status().await.unwrap();
    let event = &status.upcoming_maintenance.as_ref().unwrap()[0];
    assert_eq!(event.event_id, 1042);
    assert_eq!(event.phase, Some(MaintenancePhase::Reminder24h));
    assert_eq!(
        event.affected_services.as_deref(),
        Some(
            &[
                AffectedService::SpotRest,
                AffectedService::FuturesFix,
                AffectedService::Unknown("moon_base".into())
            ][..]
        )
    );
    assert_eq!(
        event.recommended_action,
        Some(RecommendedAction::CancelOpenOrders)
    );
    assert_eq!(
        status.emergency.as_ref().unwrap().get(),
        r#"[{"id":7,"note":"kept as sent"}]"#
    );
    assert_lossless_body(&body, &status);
}

#[tokio::test]
async fn trades_positions_balance_and_orders_carry_the_new_fields() {
    let (mock, client) = setup().await;
    let body = fixture_with(
        "TradesHistory.json",
        r#""trade_id": 40274859,"#,
        r#""aclass":"forex","tradeordertype":"stop-loss","#,
    );
    mock.respond("/0/private/TradesHistory", MockResponse::json(body.clone()));
    let trades = client.get_trades_history().await.unwrap();
    let trade = &trades.trades["THVRQM-33VKH-UCI7BS"];
    assert_eq!(trade.aclass.as_deref(), Some("forex"));
    assert_eq!(trade.ordertype, Some(OrderType::Limit));
    assert_eq!(trade.tradeordertype, Some(OrderType::StopLoss));
    assert_lossless_body(&body, &trades);

    let body = fixture_with(
        "OpenPositions.docs.json",
        r#""posstatus": "open","#,
        r#""class":"margin","#,
    );
    mock.respond("/0/private/OpenPositions", MockResponse::json(body.clone()));
    let positions = client.get_open_positions().await.unwrap();
    let Either::First(map) = &positions else {
        panic!("the map form: {positions:?}")
    };
    assert_eq!(map["TF5GVO-T7ZZ2-6NBKBI"].class.as_deref(), Some("margin"));

    let body = fixture_with(
        "TradeBalance.json",
        r#""ml": "5432.57""#,
        r#","mfo":"375.1678""#,
    );
    mock.respond("/0/private/TradeBalance", MockResponse::json(body.clone()));
    let balance = client.get_trade_balance().await.unwrap();
    assert_eq!(balance.free_margin_orders, Some(dec("375.1678")));
    assert_lossless_body(&body, &balance);

    let body = fixture_with(
        "OpenOrders.json",
        r#""status": "open","#,
        r#""time_in_force":"gtd","#,
    );
    mock.respond("/0/private/OpenOrders", MockResponse::json(body.clone()));
    let open = client.get_open_orders().await.unwrap();
    let order = &open.open["OXCZ7B-EMVZQ-MTJTQJ"];
    assert_eq!(order.time_in_force, Some(OrderTimeInForce::Gtd));
    assert_lossless_body(&body, &open);
}
