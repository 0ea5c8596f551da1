//! Funding: deposits, withdrawals and wallet transfers. For each endpoint the
//! exact signed request on the wire, and every recorded fixture decoded with
//! real values asserted.

mod common;

use common::{assert_lossless, assert_signed_form, dec, serve, setup};
use kraken_mock::MockResponse;
use kraken_spot::Either;

#[tokio::test]
async fn deposit_methods_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/DepositMethods";
    serve(&mock, path, "DepositMethods.json");
    let methods = client
        .get_deposit_methods("XBT")
        .aclass("currency")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "asset=XBT&aclass=currency");
    assert_eq!(methods.len(), 2);
    let btc = &methods[0];
    assert_eq!(btc.method.as_deref(), Some("Bitcoin"));
    assert_eq!(btc.limit, Some(Either::Second(false)));
    assert_eq!(btc.fee.unwrap().to_string(), "0.0000000000");
    assert_eq!(btc.gen_address, Some(true), "hyphenated key gen-address");
    assert_eq!(btc.minimum.unwrap().to_string(), "0.00010000");
    let lightning = &methods[1];
    assert_eq!(lightning.method.as_deref(), Some("Bitcoin Lightning"));
    assert_eq!(lightning.fee.unwrap().to_string(), "0.00000000");
    assert_eq!(lightning.gen_address, None);
    assert_lossless("DepositMethods.json", &methods);

    serve(&mock, path, "DepositMethods.kraken-async-rs.json");
    let methods = client.get_deposit_methods("ETH").await.unwrap();
    assert_signed_form(&mock, path, "asset=ETH");
    assert_eq!(methods.len(), 7);
    assert!(methods.iter().all(|m| m.fee.is_none()
        && m.gen_address == Some(true)
        && m.limit == Some(Either::Second(false))));
    assert_eq!(methods[5].method.as_deref(), Some("Optimism"));
    assert_eq!(methods[6].method.as_deref(), Some("zkSync Era"));
    assert_eq!(methods[6].minimum.unwrap().to_string(), "0.0200000000");
    assert_lossless("DepositMethods.kraken-async-rs.json", &methods);

    // The docs allow an amount for `limit` (no recording has one).
    mock.respond(
        path,
        MockResponse::json(
            r#"{"error":[],"result":[{"method":"SEPA","limit":"2500.00","fee":"0.00"}]}"#,
        ),
    );
    let methods = client.get_deposit_methods("EUR").await.unwrap();
    match &methods[0].limit {
        Some(Either::First(limit)) => assert_eq!(limit.to_string(), "2500.00"),
        other => panic!("limit as an amount: {other:?}"),
    }
}

#[tokio::test]
async fn deposit_addresses_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/DepositAddresses";
    serve(&mock, path, "DepositAddresses.json");
    let addresses = client
        .get_deposit_addresses("XBT", "Bitcoin Lightning")
        .new_address(true)
        .amount(dec("0.00150"))
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&method=Bitcoin+Lightning&new=true&amount=0.00150",
    );
    assert_eq!(addresses.len(), 5);
    assert_eq!(
        addresses[0].address.as_deref(),
        Some("2N9fRkx5JTWXWHmXzZtvhQsufvoYRMq9ExV")
    );
    assert_eq!(
        addresses[0].expiretm,
        Some(dec("0")),
        "expiretm is the string \"0\""
    );
    assert_eq!(addresses[0].new, Some(true));
    assert_eq!(addresses[2].new, None);
    assert_eq!(addresses[3].tag.as_deref(), Some("1361101127"));
    assert_eq!(addresses[3].memo, None);
    assert_eq!(addresses[4].address.as_deref(), Some("krakenkraken"));
    assert_eq!(addresses[4].memo.as_deref(), Some("4150096490"));
    assert_eq!(addresses[4].tag, None);
    assert_lossless("DepositAddresses.json", &addresses);

    serve(&mock, path, "DepositAddresses.kraken-async-rs.json");
    let addresses = client
        .get_deposit_addresses("XBT", "Bitcoin")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "asset=XBT&method=Bitcoin");
    assert_eq!(addresses.len(), 1);
    assert_eq!(
        addresses[0].address.as_deref(),
        Some("17SkEw2md5avVNyYgj6RiXuQKNwkXaxFyQ")
    );
    assert_eq!(addresses[0].new, None);
    assert_lossless("DepositAddresses.kraken-async-rs.json", &addresses);
}

#[tokio::test]
async fn deposits_status_wire_and_cursor_page() {
    let (mock, client) = setup().await;
    let path = "/0/private/DepositStatus";
    // With `cursor` Kraken answers a page (documented shape, no recording exists).
    mock.respond(
        path,
        MockResponse::json(
            r#"{"error":[],"result":{"deposit":[{"method":"Bitcoin","aclass":"currency","asset":"XXBT","refid":"FTQcuak-V6Za8qrWnhzTx67yYHz8Tg","txid":"6544b41b","info":"2Myd4eaAW96ojk38A2uDK4FbioCayvkEgVq","amount":"0.78125000","fee":"0.0000000000","time":1688992722,"status":"Success"}],"next_cursor":"Mg=="}}"#,
        ),
    );
    let page = client
        .get_deposits_status()
        .asset("XBT")
        .aclass("currency")
        .method("Bitcoin")
        .start("1688992722")
        .end("1688999999")
        .cursor("true")
        .limit(10)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&aclass=currency&method=Bitcoin&start=1688992722&end=1688999999&cursor=true&limit=10",
    );
    let Either::Second(page) = page else {
        panic!("a cursor page decodes as Either::Second: {page:?}")
    };
    assert_eq!(page.next_cursor.as_deref(), Some("Mg=="));
    assert_eq!(page.deposit.len(), 1);
    assert_eq!(page.deposit[0].amount.to_string(), "0.78125000");
}

#[tokio::test]
async fn deposits_status_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/DepositStatus";
    let list = |d| match d {
        Either::First(list) => list,
        Either::Second(page) => panic!("a list without cursor, not {page:?}"),
    };

    // ccxt recording: `time` is a string.
    serve(&mock, path, "DepositStatus.json");
    let decoded = client.get_deposits_status().asset("USDT").await.unwrap();
    assert_signed_form(&mock, path, "asset=USDT");
    let deposits = list(decoded.clone());
    assert_eq!(deposits.len(), 1);
    let d = &deposits[0];
    assert_eq!(d.method, "Tether USD (TRC20)");
    assert_eq!((d.asset.as_str(), d.refid.as_str()), ("USDT", "54435345"));
    assert_eq!(d.time, 1714923561);
    assert_eq!(d.amount.to_string(), "9.00000000");
    assert_eq!(d.fee.unwrap().to_string(), "0.00000000");
    assert_eq!(d.status, "Success");
    assert_eq!(d.status_prop, None);
    assert_lossless("DepositStatus.json", &decoded);

    // Docs: `time` an integer, hyphenated `status-prop`, optional fee and originators.
    serve(&mock, path, "DepositStatus.docs.json");
    let decoded = client.get_deposits_status().await.unwrap();
    assert_signed_form(&mock, path, "");
    let deposits = list(decoded.clone());
    assert_eq!(deposits.len(), 2);
    assert_eq!(deposits[0].time, 1688992722);
    assert_eq!(deposits[0].status_prop.as_deref(), Some("return"));
    assert_eq!(deposits[0].amount.to_string(), "0.78125000");
    assert_eq!(deposits[0].originators, None);
    assert_eq!(deposits[1].asset, "XETH");
    assert_eq!(deposits[1].fee, None);
    assert_eq!(deposits[1].status, "Settled");
    assert_eq!(deposits[1].status_prop.as_deref(), Some("onhold"));
    assert_eq!(deposits[1].amount.to_string(), "0.1383862742");
    let originators = deposits[1].originators.as_ref().unwrap();
    assert_eq!(originators.len(), 2);
    assert!(originators[1].starts_with("0x5b32f6f7"));
    assert_lossless("DepositStatus.docs.json", &decoded);

    serve(&mock, path, "DepositStatus.kraken-async-rs.json");
    let decoded = client.get_deposits_status().await.unwrap();
    let deposits = list(decoded.clone());
    assert_eq!(deposits.len(), 1);
    assert_eq!(deposits[0].refid, "PXRIYW-S3GP2-R2VOGQ");
    assert_eq!(deposits[0].time, 1676754614);
    assert_eq!(deposits[0].amount, dec("0.00212"));
    assert_eq!(deposits[0].amount.to_string(), "0.0021200000");
    assert_eq!(deposits[0].info, "17SkEw2md5avVNyYgj6RiXuQKNwkXaxFyQ");
    assert_lossless("DepositStatus.kraken-async-rs.json", &decoded);
}

#[tokio::test]
async fn withdrawal_methods_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/WithdrawMethods";
    serve(&mock, path, "WithdrawMethods.json");
    let methods = client
        .get_withdrawal_methods()
        .asset("XBT")
        .aclass("currency")
        .network("Lightning")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "asset=XBT&aclass=currency&network=Lightning");
    assert_eq!(methods.len(), 2);
    assert_eq!(methods[1].asset.as_deref(), Some("XXBT"));
    assert_eq!(methods[1].method.as_deref(), Some("Bitcoin Lightning"));
    assert_eq!(methods[1].network.as_deref(), Some("Lightning"));
    assert_eq!(methods[1].minimum.as_ref().unwrap().to_string(), "0.00001");
    assert_lossless("WithdrawMethods.json", &methods);

    serve(&mock, path, "WithdrawMethods.kraken-async-rs.json");
    let methods = client.get_withdrawal_methods().await.unwrap();
    assert_signed_form(&mock, path, "");
    assert_eq!(methods.len(), 42);
    assert_eq!(methods[0].method.as_deref(), Some("MVB Bank (Wire)"));
    assert_eq!(methods[0].network, None, "network is null for fiat");
    assert_eq!(methods[0].minimum.as_ref().unwrap().to_string(), "20.00");
    let dash: Vec<_> = methods
        .iter()
        .filter(|m| m.asset.as_deref() == Some("DASH"))
        .collect();
    assert_eq!(dash.len(), 2);
    assert!(dash.iter().all(|m| m.network.is_none()));
    let cqt = methods
        .iter()
        .find(|m| m.asset.as_deref() == Some("CQT"))
        .unwrap();
    assert_eq!(
        cqt.method.as_deref(),
        Some("\tCovalent Query Token (CQT)"),
        "leading TAB kept"
    );
    assert_eq!(cqt.network.as_deref(), Some("Ethereum"));
    assert_eq!(cqt.minimum.as_ref().unwrap().to_string(), "66.00");
    assert_lossless("WithdrawMethods.kraken-async-rs.json", &methods);
}

#[tokio::test]
async fn withdrawal_addresses_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/WithdrawAddresses";
    serve(&mock, path, "WithdrawAddresses.json");
    let addresses = client
        .get_withdrawal_addresses()
        .asset("XBT")
        .aclass("currency")
        .method("Bitcoin")
        .key("btc-wallet-1")
        .verified(true)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&aclass=currency&method=Bitcoin&key=btc-wallet-1&verified=true",
    );
    assert_eq!(addresses.len(), 1);
    let a = &addresses[0];
    assert_eq!(
        a.address.as_deref(),
        Some("bc1qxdsh4sdd29h6ldehz0se5c61asq8cgwyjf2y3z")
    );
    assert_eq!(
        (
            a.asset.as_ref().unwrap().as_str(),
            a.key.as_ref().unwrap().as_str()
        ),
        ("XBT", "btc-wallet-1")
    );
    assert_eq!(a.verified, Some(true));
    assert_eq!((a.tag.as_deref(), a.memo.as_deref()), (None, None));
    assert_lossless("WithdrawAddresses.json", &addresses);

    serve(&mock, path, "WithdrawAddresses.kraken-async-rs.json");
    let addresses = client
        .get_withdrawal_addresses()
        .verified(false)
        .await
        .unwrap();
    assert_signed_form(&mock, path, "verified=false");
    assert_eq!(addresses.len(), 4);
    assert_eq!(addresses[0].asset.as_deref(), Some("ATOM"));
    assert_eq!(addresses[0].key.as_deref(), Some("Coinbase Custody"));
    assert_eq!(addresses[0].memo.as_deref(), Some("12349999"));
    assert_eq!(addresses[1].memo, None);
    assert_eq!(addresses[3].method.as_deref(), Some("Ether"));
    assert_eq!(
        addresses[3].address.as_deref(),
        Some("0x12aD4b2E9A11dD98664A4E033aD4658C39a896d6"),
    );
    assert_lossless("WithdrawAddresses.kraken-async-rs.json", &addresses);
}

#[tokio::test]
async fn withdrawal_info_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/WithdrawInfo";
    for (fixture, amount) in [
        ("WithdrawInfo.json", "0.72485000"),
        ("WithdrawInfo.kraken-async-rs.json", "0.72480000"),
    ] {
        serve(&mock, path, fixture);
        let info = client
            .get_withdrawal_info("XBT", "btc-wallet-1", "0.725")
            .await
            .unwrap();
        assert_signed_form(&mock, path, "asset=XBT&key=btc-wallet-1&amount=0.725");
        assert_eq!(info.method.as_deref(), Some("Bitcoin"));
        assert_eq!(info.limit.as_ref().unwrap().to_string(), "332.00956139");
        assert_eq!(
            info.amount.as_ref().unwrap().to_string(),
            amount,
            "{fixture}"
        );
        assert_eq!(info.fee.as_ref().unwrap().to_string(), "0.00020000");
        assert_lossless(fixture, &info);
    }
}

#[tokio::test]
async fn submit_withdrawal_puts_every_parameter_on_the_wire() {
    let (mock, client) = setup().await;
    let path = "/0/private/Withdraw";
    serve(&mock, path, "Withdraw.json");
    let withdrawal = client
        .submit_withdrawal("XBT", "btc-wallet 1", dec("0.72500"))
        .aclass("currency")
        .address("bc1qxdsh4sdd29h6ldehz0se5c61asq8cgwyjf2y3z")
        .max_fee("0.0003")
        .rebase_multiplier("rebased")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&key=btc-wallet+1&amount=0.72500&aclass=currency\
         &address=bc1qxdsh4sdd29h6ldehz0se5c61asq8cgwyjf2y3z&max_fee=0.0003&rebase_multiplier=rebased",
    );
    assert_eq!(withdrawal.refid, "FTQcuak-V6Za8qrWnhzTx67yYHz8Tg");
    assert_lossless("Withdraw.json", &withdrawal);

    client
        .submit_withdrawal("USDT", "new Binance", "10")
        .await
        .unwrap();
    assert_signed_form(&mock, path, "asset=USDT&key=new+Binance&amount=10");
}

#[tokio::test]
async fn withdrawals_status_wire_and_every_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/WithdrawStatus";
    let list = |d| match d {
        Either::First(list) => list,
        Either::Second(page) => panic!("a list without cursor, not {page:?}"),
    };

    // ccxt recording: `time` is a string; `key` and `network` present.
    serve(&mock, path, "WithdrawStatus.json");
    let decoded = client
        .get_withdrawals_status()
        .asset("USDT")
        .aclass("currency")
        .method("Tether USD (TRC20)")
        .start("1714900000")
        .end("1714999999")
        .cursor("false")
        .limit(500)
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=USDT&aclass=currency&method=Tether+USD+%28TRC20%29&start=1714900000&end=1714999999\
         &cursor=false&limit=500",
    );
    let withdrawals = list(decoded.clone());
    assert_eq!(withdrawals.len(), 1);
    let w = &withdrawals[0];
    assert_eq!(w.refid.as_deref(), Some("FTM6UXZ-5jh345jkhfkdsjfhkjdf"));
    assert_eq!(w.time, Some(1714923602));
    assert_eq!(w.amount.as_ref().unwrap().to_string(), "10.00000000");
    assert_eq!(w.fee.as_ref().unwrap().to_string(), "3.00000000");
    assert_eq!(w.key.as_deref(), Some("new Binance"));
    assert_eq!(w.network.as_deref(), Some("Tron"));
    assert_eq!(w.status_prop, None);
    assert_lossless("WithdrawStatus.json", &decoded);

    // Docs: integer `time`, ids elided with "....", `status-prop` on the failed one.
    serve(&mock, path, "WithdrawStatus.docs.json");
    let decoded = client.get_withdrawals_status().await.unwrap();
    assert_signed_form(&mock, path, "");
    let withdrawals = list(decoded.clone());
    assert_eq!(withdrawals.len(), 2);
    assert_eq!(withdrawals[0].time, Some(1688014586));
    assert_eq!(
        withdrawals[0].info.as_deref(),
        Some("bc1qm32pq....3ewt0j37s2g")
    );
    assert_eq!(withdrawals[0].status.as_deref(), Some("Pending"));
    assert_eq!(withdrawals[0].status_prop, None);
    assert_eq!(withdrawals[0].network, None);
    assert_eq!(withdrawals[1].status.as_deref(), Some("Failure"));
    assert_eq!(withdrawals[1].status_prop.as_deref(), Some("canceled"));
    assert_eq!(withdrawals[1].key.as_deref(), Some("btc-wallet-2"));
    assert_lossless("WithdrawStatus.docs.json", &decoded);

    serve(&mock, path, "WithdrawStatus.kraken-async-rs.json");
    let decoded = client.get_withdrawals_status().await.unwrap();
    let withdrawals = list(decoded.clone());
    assert_eq!(withdrawals.len(), 2);
    assert_eq!(withdrawals[0].txid.as_deref(), Some("THVRQM-33VKH-UCI7BS"));
    assert_eq!(withdrawals[1].txid.as_deref(), Some("KLETXZ-33VKH-UCI7BS"));
    assert_eq!(withdrawals[1].time, Some(1688015423));
    assert_eq!(withdrawals[1].amount, Some(dec("0.72485")));
    assert_eq!(withdrawals[1].status_prop.as_deref(), Some("canceled"));
    assert_lossless("WithdrawStatus.kraken-async-rs.json", &decoded);
}

#[tokio::test]
async fn cancel_withdrawal_returns_a_bare_boolean() {
    let (mock, client) = setup().await;
    let path = "/0/private/WithdrawCancel";
    serve(&mock, path, "WithdrawCancel.json");
    let cancelled = client
        .cancel_withdrawal("XBT", "FTQcuak-V6Za8qrWnhzTx67yYHz8Tg")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&refid=FTQcuak-V6Za8qrWnhzTx67yYHz8Tg",
    );
    assert!(cancelled);
    assert_lossless("WithdrawCancel.json", &cancelled);

    mock.respond(path, MockResponse::json(r#"{"error":[],"result":false}"#));
    assert!(!client.cancel_withdrawal("XBT", "X").await.unwrap());
}

#[tokio::test]
async fn transfer_to_futures_wire_and_fixture() {
    let (mock, client) = setup().await;
    let path = "/0/private/WalletTransfer";
    serve(&mock, path, "WalletTransfer.json");
    let transfer = client
        .submit_transfer_to_futures("XBT", "Spot Wallet", "Futures Wallet", "0.0100")
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=XBT&from=Spot+Wallet&to=Futures+Wallet&amount=0.0100",
    );
    assert_eq!(transfer.refid, "FTQcuak-V6Za8qrWnhzTx67yYHz8Tg");
    assert_lossless("WalletTransfer.json", &transfer);

    // Typed wallets send the same wire strings.
    client
        .submit_transfer_to_futures(
            "USD",
            kraken_spot::TransferWallet::SpotWallet,
            kraken_spot::TransferWallet::FuturesWallet,
            dec("25"),
        )
        .await
        .unwrap();
    assert_signed_form(
        &mock,
        path,
        "asset=USD&from=Spot+Wallet&to=Futures+Wallet&amount=25",
    );
}
