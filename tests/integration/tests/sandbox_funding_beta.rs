//! Funding (Beta) in the sandbox, through kraken-spot: methods and limits
//! follow the account, saved and claimed addresses are kept, and a
//! withdrawal debits the balance with a ledger entry.

mod sandbox_util;

use kraken_mock::MockKraken;
use kraken_spot::{
    FundingAddressDetailsInput, FundingAmountInput, FundingAssetAmountInput, FundingAssetFilter,
    FundingCryptoAddressInput, FundingQuotedFee, FundingScopeFilter, FundingWithdrawalFee,
};
use rust_decimal::Decimal;
use sandbox_util::client;

const ETHEREUM: &str = "d9d375da-44b7-4be1-8a00-8b281acfe366";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn usdt(amount: &str) -> FundingAmountInput {
    FundingAmountInput::new(FundingAssetAmountInput::new(
        FundingAssetFilter::new("currency").name("USDT"),
        amount,
    ))
}

#[tokio::test]
async fn a_withdrawal_debits_the_balance_and_shows_in_ledgers_and_limits() {
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    let before = mock.balances("default")["USDT"];

    // Methods follow the account's assets: USDT is held, so it has one.
    let methods = kraken.get_funding_methods("withdraw").await.unwrap();
    let usdt_method = methods
        .methods
        .unwrap()
        .into_iter()
        .find(|m| m.asset.as_ref().and_then(|a| a.name.as_deref()) == Some("USDT"))
        .unwrap();
    let method_id = usdt_method.method_id.clone().unwrap();
    assert!(
        usdt_method.deposit.is_none(),
        "withdraw methods have no deposit block"
    );

    // A fee quote pins the fee; the withdrawal takes it.
    let quote = kraken.get_funding_fee(&method_id, "100").await.unwrap();
    let fee = quote.fee.as_ref().unwrap().amount;
    assert_eq!(
        quote.gross_amount.as_ref().unwrap().amount,
        dec("100") + fee
    );
    let saved = kraken
        .add_funding_address(
            FundingScopeFilter::new().network_id(ETHEREUM),
            FundingAddressDetailsInput::new(FundingCryptoAddressInput::new(
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            )),
            "cold wallet",
        )
        .await
        .unwrap();
    let sent = kraken
        .submit_funding_withdrawal(
            FundingScopeFilter::new().method_id(&method_id),
            &saved.address_id,
            usdt("100"),
        )
        .fee(
            FundingWithdrawalFee::new()
                .quoted_fee(FundingQuotedFee::new(quote.withdrawal_fee_token.unwrap())),
        )
        .expected_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        .await
        .unwrap();
    assert_eq!(sent.net_amount.asset_amount.amount, dec("100"));
    assert_eq!(sent.fee.asset_amount.amount, fee);
    assert_eq!(sent.gross_amount.asset_amount.amount, dec("100") + fee);

    // The balance, the ledger and the withdrawal limits show it.
    let after = mock.balances("default")["USDT"];
    assert_eq!(after, before - dec("100") - fee);
    let ledger = kraken.get_ledgers_info().await.unwrap();
    let entry = ledger.ledger.values().next().unwrap();
    assert_eq!(entry.refid.as_deref(), Some(sent.withdrawal_id.as_str()));
    assert_eq!(entry.amount, Some(dec("-100")));
    assert_eq!(entry.fee, Some(fee));
    let limits = kraken
        .get_funding_withdrawal_limits("currency", "USDT")
        .await
        .unwrap();
    let available: serde_json::Value = limits.available_balance.parse().unwrap();
    assert_eq!(dec(available["amount"].as_str().unwrap()), after);

    // More than the balance is refused, and nothing moves.
    let err = kraken
        .submit_funding_withdrawal(
            FundingScopeFilter::new().method_id(&method_id),
            &saved.address_id,
            usdt("10000000"),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("EOrder:Insufficient funds"),
        "{err}"
    );
    assert_eq!(mock.balances("default")["USDT"], after);
}

#[tokio::test]
async fn saved_and_claimed_addresses_are_kept_per_account() {
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    // The default account starts with the guide's two addresses.
    let listed = kraken.get_funding_addresses().await.unwrap();
    let ids: Vec<_> = listed
        .addresses
        .iter()
        .map(|a| a.address_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["AB7J4FF-BGM7G-V2JMIH", "ABSXEMA-3FXQS-T7Q2FG"]);

    assert!(
        kraken
            .update_funding_address("AB7J4FF-BGM7G-V2JMIH")
            .name("Renamed")
            .await
            .unwrap()
            .verified
    );
    assert!(
        kraken
            .delete_funding_address("ABSXEMA-3FXQS-T7Q2FG")
            .await
            .unwrap()
            .result
    );
    let listed = kraken.get_funding_addresses().await.unwrap();
    assert_eq!(listed.addresses.len(), 1);
    assert_eq!(listed.addresses[0].name.as_deref(), Some("Renamed"));
    let gone = kraken
        .delete_funding_address("ABSXEMA-3FXQS-T7Q2FG")
        .await
        .unwrap_err();
    assert!(gone.to_string().contains("404"), "{gone}");

    // Claimed deposit addresses: five per method, then TooManyDepositAddresses.
    let usdc = "27ede8db-804b-4d91-8e25-46b7b9668730";
    let mut claimed = Vec::new();
    for _ in 0..5 {
        let a = kraken.claim_funding_deposit_address(usdc).await.unwrap();
        claimed.push(a.address_details.crypto.unwrap().address);
    }
    claimed.dedup();
    assert_eq!(claimed.len(), 5);
    let err = kraken
        .claim_funding_deposit_address(usdc)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TooManyDepositAddresses"), "{err}");
    let page = kraken
        .get_funding_claimed_addresses()
        .limit(2)
        .await
        .unwrap();
    assert_eq!(page.addresses.as_ref().unwrap().len(), 2);
    assert!(page.next_cursor.is_some());

    // Deposits are the account's deposit ledger entries.
    mock.deposit("default", "USDT", dec("42"));
    let deposits = kraken.get_funding_deposits().await.unwrap();
    let first: serde_json::Value = deposits.deposits.unwrap()[0].parse().unwrap();
    assert_eq!(first["amount"]["amount"], "42.00000000");
    assert_eq!(first["status"], "success");
    assert_eq!(first["network_id"], ETHEREUM);
}

/// A stream pages the Funding (Beta) lists with the sandbox's cursors, and
/// sends no filter beside a cursor, as Kraken asks (the sandbox refuses one):
/// page by page, the same methods as one unpaged call.
#[tokio::test]
async fn funding_lists_stream_page_by_page_with_the_cursor_alone() {
    use futures_util::TryStreamExt as _;
    let mock = MockKraken::sandbox().await;
    let kraken = client(&mock);
    let whole = kraken
        .get_funding_methods("withdraw")
        .asset(FundingAssetFilter::new("currency"))
        .await
        .unwrap()
        .methods
        .unwrap();
    assert!(whole.len() >= 2, "needs a second page: {}", whole.len());
    let streamed: Vec<_> = kraken
        .get_funding_methods("withdraw")
        .asset(FundingAssetFilter::new("currency"))
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids = |m: &[kraken_spot::FundingMethod]| -> Vec<Option<String>> {
        m.iter().map(|m| m.method_id.clone()).collect()
    };
    assert_eq!(ids(&streamed), ids(&whole));

    // A filter sent with a cursor is refused, so the stream must drop it.
    let refused = kraken
        .get_funding_methods("withdraw")
        .asset(FundingAssetFilter::new("currency"))
        .cursor("MQ")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, kraken_spot::Error::Api { status: 400, .. }),
        "{refused:?}"
    );
}
