//! The endpoint registry carries what the runtime acts on (effect,
//! permissions, trading charge, client order id slot) and the error catalogue,
//! as the spec declares them.

use kraken_spot::{
    Auth, ClientOrderIdSlot, ENDPOINTS, ERROR_CATALOGUE, Effect, EndpointInfo, ErrorKind,
    Permission, Permissions, TradingAction, TradingCharge,
};

fn endpoint(name: &str) -> &'static EndpointInfo {
    ENDPOINTS
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("{name} is not in ENDPOINTS"))
}

/// api_key endpoints that Kraken documents as needing no key permission.
const NO_PERMISSION: &[&str] = &["get_api_key_info", "get_earn_strategies"];

#[test]
fn every_api_key_endpoint_states_its_permissions() {
    for e in ENDPOINTS {
        let none = e.permissions == Permissions::None;
        match e.auth {
            Auth::ApiKey if NO_PERMISSION.contains(&e.name) => assert!(none, "{e:?}"),
            Auth::ApiKey | Auth::Funding => assert!(!none, "{e:?} has no permission"),
            _ => assert!(none, "{e:?}: only key-signed calls need key permissions"),
        }
    }
}

#[test]
fn public_endpoints_are_reads_and_order_calls_are_writes() {
    for e in ENDPOINTS.iter().filter(|e| e.auth == Auth::Public) {
        assert_eq!(e.effect, Effect::Read, "{e:?}");
    }
    for name in [
        "submit_order",
        "amend_order",
        "edit_order",
        "cancel_order",
        "cancel_all_orders",
        "cancel_all_orders_after",
        "submit_batch_orders",
        "cancel_batch_orders",
        "submit_withdrawal",
        "get_websockets_token",
        "get_deposit_addresses",
        "get_oauth_access_token",
    ] {
        assert_eq!(endpoint(name).effect, Effect::Write, "{name}");
    }
    for name in [
        "get_account_balance",
        "get_ledgers_info",
        "get_oauth_user_info",
    ] {
        assert_eq!(endpoint(name).effect, Effect::Read, "{name}");
    }
}

#[test]
fn order_calls_carry_their_trading_charge_and_client_order_id_slot() {
    let add = endpoint("submit_order");
    assert_eq!(
        add.permissions,
        Permissions::AllOf(&[Permission::ModifyTrades])
    );
    assert_eq!(
        add.trading,
        Some(TradingCharge {
            action: TradingAction::Add,
            pair: Some("pair"),
            orders: &[],
            new_orders: None,
        })
    );
    assert_eq!(
        add.client_order_id,
        Some(ClientOrderIdSlot {
            list: None,
            field: "cl_ord_id",
            exclusive_with: &["userref"],
            deadline: Some("deadline"),
        })
    );

    let batch = endpoint("submit_batch_orders");
    assert_eq!(
        batch.permissions,
        Permissions::AllOf(&[Permission::ModifyTrades, Permission::CloseTrades])
    );
    assert_eq!(
        batch.trading,
        Some(TradingCharge {
            action: TradingAction::BatchAdd,
            pair: Some("pair"),
            orders: &[],
            new_orders: Some("orders"),
        })
    );
    assert_eq!(
        batch.client_order_id,
        Some(ClientOrderIdSlot {
            list: Some("orders"),
            field: "cl_ord_id",
            exclusive_with: &["userref"],
            deadline: Some("deadline"),
        })
    );

    let cancel = endpoint("cancel_order");
    assert_eq!(
        cancel.permissions,
        Permissions::AnyOf(&[Permission::ModifyTrades, Permission::CloseTrades])
    );
    assert_eq!(
        cancel.trading.map(|t| (t.action, t.orders)),
        Some((TradingAction::Cancel, &["txid", "cl_ord_id"][..]))
    );
    assert_eq!(
        endpoint("amend_order")
            .trading
            .map(|t| (t.action, t.pair, t.orders)),
        Some((
            TradingAction::Amend,
            Some("pair"),
            &["txid", "cl_ord_id"][..]
        ))
    );
    assert_eq!(
        endpoint("edit_order")
            .trading
            .map(|t| (t.action, t.pair, t.orders)),
        Some((TradingAction::Edit, Some("pair"), &["txid"][..]))
    );
    assert_eq!(
        endpoint("cancel_batch_orders")
            .trading
            .map(|t| (t.action, t.orders)),
        Some((TradingAction::BatchCancel, &["orders", "cl_ord_ids"][..]))
    );
    assert_eq!(
        endpoint("cancel_all_orders").trading.map(|t| t.action),
        Some(TradingAction::CancelAll)
    );
    assert_eq!(
        endpoint("edit_order").permissions,
        Permissions::AllOf(&[Permission::ModifyTrades, Permission::CloseTrades])
    );
    // Only order-placing calls carry a client order id slot.
    let with_slot: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.client_order_id.is_some())
        .map(|e| e.name)
        .collect();
    assert_eq!(with_slot, ["submit_order", "submit_batch_orders"]);
}

#[test]
fn rest_counter_costs_follow_kraken() {
    for (name, cost) in [
        ("get_open_orders", 2),
        ("get_closed_orders", 2),
        ("get_trades", 2),
        ("get_trades_history", 2),
        ("get_ledgers_info", 2),
        ("get_ledgers", 2),
        ("get_account_balance", 1),
        ("submit_order", 0),
        ("cancel_order", 0),
        ("amend_order", 0),
        ("edit_order", 0),
        ("submit_batch_orders", 0),
        ("cancel_batch_orders", 0),
        ("cancel_all_orders", 0),
        ("cancel_all_orders_after", 0),
        ("get_server_time", 0),
    ] {
        assert_eq!(endpoint(name).cost, cost, "{name}");
    }
}

#[test]
fn the_error_catalogue_keeps_codes_verbatim() {
    let info = |code: &str| {
        ERROR_CATALOGUE
            .iter()
            .find(|e| e.code == code)
            .unwrap_or_else(|| panic!("{code} is not in the catalogue"))
    };
    let throttled = info("EService: Throttled");
    assert_eq!(
        (throttled.category, throttled.kind, throttled.retryable),
        ("Service", ErrorKind::RateLimit, true)
    );
    let funds = info("EOrder:Insufficient funds");
    assert_eq!((funds.kind, funds.retryable), (ErrorKind::Api, false));
    for code in [
        "EAPI:Invalid key",
        "EAPI:Invalid signature",
        "EGeneral:Permission denied",
        "EGeneral:Temporary lockout",
    ] {
        let e = info(code);
        assert_eq!((e.kind, e.retryable), (ErrorKind::Auth, false), "{code}");
    }
    for code in [
        "EService:Unavailable",
        "EService:Busy",
        "EGeneral:Too many requests",
        "EAPI:Rate limit exceeded",
        "EGeneral:Internal error",
        "EAPI:Invalid nonce",
        "EService:Deadline elapsed",
    ] {
        assert!(info(code).retryable, "{code}");
    }
    assert_eq!(ERROR_CATALOGUE.len(), 51);
}
