//! Earn (strategies, allocations, allocate/deallocate and their status) and
//! subaccounts: the exact signed request on the wire, and every recorded
//! fixture decoded with real values asserted.

mod common;

use common::{assert_lossless, assert_signed_form, assert_signed_json, dec, serve, setup};
use kraken_mock::MockResponse;
use kraken_spot::{EarnAutoCompound, EarnLockType, EarnYieldSource};

#[tokio::test]
async fn allocate_and_deallocate_return_bare_booleans() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Earn/Allocate", "Earn_Allocate.json");
    let accepted = client
        .allocate_earn_funds("5.25", "ESRFUO3-Q62XD-WIOIL7")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/Earn/Allocate",
        "amount=5.25&strategy_id=ESRFUO3-Q62XD-WIOIL7",
    );
    assert!(accepted);
    assert_lossless("Earn_Allocate.json", &accepted);

    serve(&mock, "/0/private/Earn/Deallocate", "Earn_Deallocate.json");
    let accepted = client
        .deallocate_earn_funds(dec("0.0210000000"), "ESDQCOL-WTZEU-NU55QF")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        "/0/private/Earn/Deallocate",
        "amount=0.0210000000&strategy_id=ESDQCOL-WTZEU-NU55QF",
    );
    assert!(accepted);
    assert_lossless("Earn_Deallocate.json", &accepted);

    mock.respond(
        "/0/private/Earn/Deallocate",
        MockResponse::json(r#"{"error":[],"result":false}"#),
    );
    assert!(
        !client
            .deallocate_earn_funds("1", "ESDQCOL-WTZEU-NU55QF")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn allocation_and_deallocation_status() {
    let (mock, client) = setup().await;
    for (path, fixture) in [
        ("/0/private/Earn/AllocateStatus", "Earn_AllocateStatus.json"),
        (
            "/0/private/Earn/DeallocateStatus",
            "Earn_DeallocateStatus.json",
        ),
    ] {
        serve(&mock, path, fixture);
        let status = if path.ends_with("/AllocateStatus") {
            client
                .get_earn_allocation_status("ESRFUO3-Q62XD-WIOIL7")
                .await
        } else {
            client
                .get_earn_deallocation_status("ESRFUO3-Q62XD-WIOIL7")
                .await
        }
        .unwrap();
        assert_signed_form(&mock, path, "strategy_id=ESRFUO3-Q62XD-WIOIL7");
        assert_eq!(status.pending, Some(false), "{fixture}");
        assert_lossless(fixture, &status);
    }

    mock.respond(
        "/0/private/Earn/AllocateStatus",
        MockResponse::json(r#"{"error":[],"result":{"pending":true}}"#),
    );
    let status = client.get_earn_allocation_status("X").await.unwrap();
    assert_eq!(status.pending, Some(true));
}

#[tokio::test]
async fn earn_strategies_json_body_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/Earn/Strategies";
    serve(&mock, path, "Earn_Strategies.json");
    let page = client
        .get_earn_strategies()
        .ascending(true)
        .asset("DOT")
        .cursor("2")
        .limit(10)
        .lock_type(["instant", "bonded"])
        .await
        .unwrap();
    assert_signed_json(
        &mock,
        path,
        r#""ascending":true,"asset":"DOT","cursor":"2","limit":10,"lock_type":["instant","bonded"]"#,
    );
    assert_eq!(page.next_cursor.as_deref(), Some("2"));
    assert_eq!(page.items.len(), 1);
    let s = &page.items[0];
    assert_eq!(
        (
            s.id.as_ref().unwrap().as_str(),
            s.asset.as_ref().unwrap().as_str()
        ),
        ("ESRFUO3-Q62XD-WIOIL7", "DOT")
    );
    assert_eq!(
        s.lock_type.as_ref().unwrap().kind,
        Some(EarnLockType::Instant)
    );
    assert_eq!(s.lock_type.as_ref().unwrap().payout_frequency, Some(604800));
    assert_eq!(s.lock_type.as_ref().unwrap().unbonding_period, None);
    let apr = s.apr_estimate.as_ref().unwrap();
    assert_eq!(
        (
            apr.low.as_ref().unwrap().to_string(),
            apr.high.as_ref().unwrap().to_string()
        ),
        ("8.0000".into(), "12.0000".into())
    );
    assert_eq!(s.user_min_allocation, Some(dec("0.01")));
    assert_eq!(s.user_cap, None);
    assert_eq!(s.allocation_fee.as_ref().unwrap().to_string(), "0.0000");
    assert_eq!(
        s.auto_compound.as_ref().unwrap().kind,
        Some(EarnAutoCompound::Enabled)
    );
    assert_eq!(s.auto_compound.as_ref().unwrap().default, None);
    assert_eq!(
        s.yield_source.as_ref().unwrap().kind,
        Some(EarnYieldSource::Staking)
    );
    assert!(s.can_allocate.unwrap() && s.can_deallocate.unwrap());
    assert!(s.allocation_restriction_info.as_ref().unwrap().is_empty());
    assert_lossless("Earn_Strategies.json", &page);

    serve(&mock, path, "Earn_Strategies.kraken-async-rs.json");
    let page = client.get_earn_strategies().await.unwrap();
    assert_signed_json(&mock, path, "");
    assert_eq!(page.next_cursor, None, "next_cursor is null");
    assert_eq!(page.items.len(), 32);
    let bonded = page
        .items
        .iter()
        .filter(|s| s.lock_type.as_ref().unwrap().kind == Some(EarnLockType::Bonded))
        .count();
    assert_eq!(bonded, 11);
    let eth = page
        .items
        .iter()
        .find(|s| s.asset.as_deref() == Some("ETH"))
        .unwrap();
    assert_eq!(eth.id.as_deref(), Some("ESDQCOL-WTZEU-NU55QF"));
    assert_eq!(eth.lock_type.as_ref().unwrap().bonding_period, Some(0));
    assert_eq!(
        eth.lock_type.as_ref().unwrap().bonding_period_variable,
        Some(true)
    );
    assert_eq!(
        eth.lock_type.as_ref().unwrap().unbonding_period,
        Some(432145)
    );
    assert_eq!(
        eth.lock_type.as_ref().unwrap().unbonding_rewards,
        Some(false)
    );
    assert_eq!(eth.lock_type.as_ref().unwrap().exit_queue_period, Some(59));
    assert_eq!(
        eth.auto_compound.as_ref().unwrap().kind,
        Some(EarnAutoCompound::Disabled)
    );
    assert_eq!(
        (eth.can_allocate, eth.can_deallocate),
        (Some(false), Some(true))
    );
    // `opt_in_rewards` is recorded but absent from the OpenAPI enum; a value
    // no spec lists is kept verbatim.
    assert_eq!(
        EarnYieldSource::from("brand_new"),
        EarnYieldSource::Unknown("brand_new".into())
    );
    let usd = &page.items[0];
    assert_eq!(usd.asset.as_deref(), Some("USD"));
    assert_eq!(
        usd.yield_source.as_ref().unwrap().kind,
        Some(EarnYieldSource::OptInRewards)
    );
    assert_eq!(
        usd.apr_estimate
            .as_ref()
            .unwrap()
            .low
            .as_ref()
            .unwrap()
            .to_string(),
        "5.2500"
    );
    assert_eq!(
        usd.lock_type.as_ref().unwrap().payout_frequency,
        Some(302400)
    );
    assert_lossless("Earn_Strategies.kraken-async-rs.json", &page);
}

#[tokio::test]
async fn earn_allocations_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/Earn/Allocations";
    serve(&mock, path, "Earn_Allocations.json");
    let allocations = client
        .get_earn_allocations()
        .ascending(true)
        .converted_asset("USD")
        .hide_zero_allocations(true)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "ascending=true&converted_asset=USD&hide_zero_allocations=true",
    );
    assert_eq!(allocations.converted_asset.as_deref(), Some("USD"));
    assert_eq!(
        allocations.total_allocated.as_ref().unwrap().to_string(),
        "49.2398"
    );
    assert_eq!(
        allocations.total_rewarded.as_ref().unwrap().to_string(),
        "0.0675"
    );
    assert_eq!(allocations.next_cursor.as_deref(), Some("2"));
    assert_eq!(allocations.items.len(), 1);
    let eth = &allocations.items[0];
    assert_eq!(eth.strategy_id.as_deref(), Some("ESDQCOL-WTZEU-NU55QF"));
    assert_eq!(eth.native_asset.as_deref(), Some("ETH"));
    let amounts = eth.amount_allocated.as_ref().unwrap();
    assert_eq!(
        amounts.total.as_ref().unwrap().native.unwrap().to_string(),
        "0.0210000000"
    );
    assert_eq!(
        amounts
            .total
            .as_ref()
            .unwrap()
            .converted
            .unwrap()
            .to_string(),
        "39.0645"
    );
    assert_eq!(amounts.pending, None);
    assert_eq!(
        (amounts.unbonding.as_ref(), amounts.exit_queue.as_ref()),
        (None, None)
    );
    let bonding = amounts.bonding.as_ref().expect("a bonding bucket");
    assert_eq!(bonding.allocation_count, Some(2));
    assert_eq!(bonding.native, Some(dec("0.021")));
    assert_eq!(bonding.allocations.as_ref().unwrap().len(), 2);
    assert_eq!(
        bonding.allocations.as_ref().unwrap()[0]
            .created_at
            .as_deref(),
        Some("2023-07-06T10:52:05Z"),
    );
    assert_eq!(
        bonding.allocations.as_ref().unwrap()[1].expires.as_deref(),
        Some("2023-09-06T07:55:52.648Z"),
    );
    assert_eq!(
        bonding.allocations.as_ref().unwrap()[1]
            .native
            .unwrap()
            .to_string(),
        "0.0200000000"
    );
    assert_eq!(
        bonding.allocations.as_ref().unwrap()[1].converted,
        Some(dec("37.2043"))
    );
    assert_eq!(
        eth.total_rewarded
            .as_ref()
            .unwrap()
            .native
            .as_ref()
            .unwrap()
            .to_string(),
        "0"
    );
    assert_eq!(
        eth.total_rewarded
            .as_ref()
            .unwrap()
            .converted
            .as_ref()
            .unwrap()
            .to_string(),
        "0.0000"
    );
    assert_eq!(eth.payout, None);
    assert_lossless("Earn_Allocations.json", &allocations);

    // Nothing allocated: `total` only, no buckets; next_cursor null.
    serve(&mock, path, "Earn_Allocations.kraken-async-rs.json");
    let allocations = client
        .get_earn_allocations()
        .converted_asset("EUR")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "converted_asset=EUR");
    assert_eq!(allocations.next_cursor, None);
    assert_eq!(
        allocations.total_allocated.as_ref().unwrap().to_string(),
        "0.0000"
    );
    assert_eq!(
        allocations.total_rewarded.as_ref().unwrap().to_string(),
        "150.9128"
    );
    assert_eq!(allocations.items.len(), 2);
    for item in &allocations.items {
        let a = item.amount_allocated.as_ref().unwrap();
        assert!(a.bonding.is_none() && a.unbonding.is_none() && a.exit_queue.is_none());
        assert_eq!(
            a.total.as_ref().unwrap().native.unwrap().to_string(),
            "0.00000000"
        );
    }
    let kava = &allocations.items[1];
    assert_eq!(
        (
            kava.strategy_id.as_ref().unwrap().as_str(),
            kava.native_asset.as_ref().unwrap().as_str()
        ),
        ("ESZCVV6-CKS62-GJ2YOP", "KAVA")
    );
    assert_eq!(
        kava.total_rewarded
            .as_ref()
            .unwrap()
            .native
            .as_ref()
            .unwrap()
            .to_string(),
        "4.47424121"
    );
    assert_eq!(
        kava.total_rewarded.as_ref().unwrap().converted,
        Some(dec("3.0922"))
    );
    assert_lossless("Earn_Allocations.kraken-async-rs.json", &allocations);
}

#[tokio::test]
async fn create_subaccount_returns_a_bare_boolean() {
    let (mock, client) = setup().await;
    let path = "/0/private/CreateSubaccount";
    serve(&mock, path, "CreateSubaccount.json");
    let created = client
        .create_subaccount("desk 7", "ops+desk7@example.com")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "username=desk+7&email=ops%2Bdesk7%40example.com",
    );
    assert!(created);
    assert_lossless("CreateSubaccount.json", &created);
}

#[tokio::test]
async fn subaccount_transfer_puts_every_parameter_on_the_wire() {
    let (mock, client) = setup().await;
    let path = "/0/private/AccountTransfer";
    serve(&mock, path, "AccountTransfer.json");
    let transfer = client
        .submit_subaccount_transfer("XBT", "1.0", "AA12 N84G 3KLP XH2Q", "BB34 N84G 3KLP XH2Q")
        .asset_class("currency")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&asset_class=currency&amount=1.0&from=AA12+N84G+3KLP+XH2Q&to=BB34+N84G+3KLP+XH2Q",
    );
    assert_eq!(transfer.transfer_id, "TOH3AS2-LPCWR8-JDQGEU");
    assert_eq!(transfer.status.as_deref(), Some("complete"));
    assert_lossless("AccountTransfer.json", &transfer);

    client
        .submit_subaccount_transfer("ZUSD", dec("250.00"), "AA12", "BB34")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "asset=ZUSD&amount=250.00&from=AA12&to=BB34");
}
