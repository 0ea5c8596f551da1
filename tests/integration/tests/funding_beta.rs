//! Funding (Beta): the auth kind (API-Key, API-Nonce, API-Sign over the path
//! with its query and the exact JSON body), path parameters, deep-object
//! query filters, bodies without a nonce, answers without an envelope and
//! errors as HTTP statuses. Signatures are checked against the vectors in
//! spec/reference/funding-beta.md (the first also appears in a third-party
//! client's tests), computed with Kraken's documented example secret.

use kraken_mock::{MockKraken, MockResponse};
use kraken_spot::{
    Error, FundingAddressDetailsInput, FundingCryptoAddressInput, FundingScopeFilter, NonceSource,
    SpotClient,
};
use rust_decimal::Decimal;
use std::str::FromStr;

const NONCE: u64 = 1616492376594;

/// A client whose first nonce is the vectors' nonce.
fn client(mock: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .nonce_source(NonceSource::custom(|| NONCE))
        .build()
        .unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The last request's path with its query, signature and nonce header.
fn signed(mock: &MockKraken) -> (String, String, String, Vec<u8>) {
    let r = mock.last_request().unwrap();
    assert!(r.auth.is_ok(), "the mock verified it: {:?}", r.auth);
    let target = match &r.query {
        Some(q) => format!("{}?{q}", r.path),
        None => r.path.clone(),
    };
    (
        target,
        r.header("api-sign").unwrap().to_owned(),
        r.header("api-nonce").unwrap().to_owned(),
        r.body.clone(),
    )
}

#[tokio::test]
async fn a_fee_quote_signs_the_path_with_its_query() {
    let mock = MockKraken::start().await;
    let fee = client(&mock)
        .get_funding_fee("d4ec4d52-b159-428e-ba64-f45455a978a1", "5")
        .fee_included(true)
        .await
        .unwrap();
    let (target, sign, nonce, body) = signed(&mock);
    assert_eq!(
        target,
        "/funding/v1/fees/d4ec4d52-b159-428e-ba64-f45455a978a1?amount=5&fee_included=true"
    );
    assert_eq!(
        sign,
        "+EH4mm7c+g2d6XOdsx+0rElDQTXFVxuzLIYLgZJwEe80Wi1TMWKDRoQA1dIXD/QFCGEwtvrp32APAoXMXT2k3w=="
    );
    assert_eq!(nonce, NONCE.to_string());
    assert!(body.is_empty(), "no body, and no nonce in one");
    let r = mock.last_request().unwrap();
    assert!(r.header("content-type").is_none());

    // Kraken's example answer, decoded exactly.
    assert_eq!(fee.fee.as_ref().unwrap().amount, dec("1.00000000"));
    assert_eq!(fee.net_amount.as_ref().unwrap().amount, dec("4.00000000"));
    assert_eq!(
        fee.gross_amount.as_ref().unwrap().asset.name.as_deref(),
        Some("USDC")
    );
    assert_eq!(
        fee.fee_details.as_ref().unwrap().fee_percentage,
        Some(dec("0"))
    );
    assert!(
        fee.withdrawal_fee_token
            .as_deref()
            .unwrap()
            .starts_with("AAAAAAAAAAHG33Wc")
    );
}

#[tokio::test]
async fn a_call_without_a_query_signs_the_bare_path() {
    let mock = MockKraken::start().await;
    let networks = client(&mock).get_funding_networks().await.unwrap();
    let (target, sign, _, _) = signed(&mock);
    assert_eq!(target, "/funding/v1/networks");
    assert_eq!(
        sign,
        "yYxZeNH5UgFeG841NuiZqm5zjoS3cveFTirBsgZDWnh4fADlRy4dYkKf3FKFDEayhMj1+AAck1mZ0Uihv4PN1w=="
    );
    let groups = networks.network_groups.unwrap();
    assert_eq!(groups[0].name.as_deref(), Some("EVM"));
    assert_eq!(groups[0].network_ids.as_ref().unwrap().len(), 2);
    assert_eq!(networks.networks.unwrap()[1].name.as_deref(), Some("Base"));
}

#[tokio::test]
async fn a_saved_address_is_a_signed_json_body_without_a_nonce() {
    let mock = MockKraken::start().await;
    let created = client(&mock)
        .add_funding_address(
            FundingScopeFilter::new().network_id("d9d375da-44b7-4be1-8a00-8b281acfe366"),
            FundingAddressDetailsInput::new(FundingCryptoAddressInput::new(
                "0xBef7B36845cA31045E86D0B46DBCac4e6752",
            )),
            "Personal Wallet",
        )
        .await
        .unwrap();
    let (target, sign, _, body) = signed(&mock);
    assert_eq!(target, "/funding/v1/addresses");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"scope":{"network_id":"d9d375da-44b7-4be1-8a00-8b281acfe366"},"address_details":{"crypto":{"address":"0xBef7B36845cA31045E86D0B46DBCac4e6752"}},"name":"Personal Wallet"}"#
    );
    assert_eq!(
        sign,
        "Lc9l+liE00GWbh8QHewQEfGH3S6pYOjHIiTRyb9s9/Cynw9lIc1Y/z7LW+u8XUAVZ7AUdCrK7wmWYmBXHBp7Kg=="
    );
    assert_eq!(created.address_id, "AB7J4FF-BGM7G-V2JMIH");
    assert_eq!(created.verified, Some(true));
}

#[tokio::test]
async fn claiming_a_deposit_address_is_a_signed_put() {
    let mock = MockKraken::start().await;
    let claimed = client(&mock)
        .claim_funding_deposit_address("27ede8db-804b-4d91-8e25-46b7b9668730")
        .await
        .unwrap();
    let (target, sign, _, body) = signed(&mock);
    assert_eq!(mock.last_request().unwrap().method, "PUT");
    assert_eq!(target, "/funding/v1/deposit/address");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"method_id":"27ede8db-804b-4d91-8e25-46b7b9668730"}"#
    );
    assert_eq!(
        sign,
        "xakKd6qcPJoAl2qKeOFbM5ljezj3DPJR5QKdnUgMnxsmPy4qXHZm+OuTykdfdTjKG0TpSwFyPmZf1M8dpOrvTw=="
    );
    let crypto = claimed.address_details.crypto.unwrap();
    assert_eq!(crypto.address, "0xBef7B36845cA31045E86D0B46DBCac4e6752...");
}

#[tokio::test]
async fn path_parameters_and_deep_object_filters_go_on_the_url() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    let methods = client
        .get_funding_methods("deposit")
        .limit(20)
        .await
        .unwrap();
    let (target, _, _, _) = signed(&mock);
    assert_eq!(target, "/funding/v1/methods/deposit?limit=20");
    let m = &methods.methods.unwrap()[0];
    assert_eq!(m.minimum_amount, Some(dec("2")));
    assert_eq!(
        m.deposit
            .as_ref()
            .unwrap()
            .address_generation
            .as_ref()
            .unwrap()
            .limit,
        Some(5)
    );

    let addresses = client
        .get_funding_addresses()
        .scope(FundingScopeFilter::new().method_id("67b765fd-4efd-42dc-8ce7-63352971d566"))
        .account_id("AA12 N84G")
        .await
        .unwrap();
    let (target, _, _, _) = signed(&mock);
    assert_eq!(
        target,
        "/funding/v1/addresses?scope%5Bmethod_id%5D=67b765fd-4efd-42dc-8ce7-63352971d566&account_id=AA12+N84G"
    );
    let list = addresses.addresses;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name.as_deref(), Some("Personal Wallet"));
    assert_eq!(
        list[1].scope.as_ref().unwrap().method_id.as_deref(),
        Some("67b765fd-4efd-42dc-8ce7-63352971d566")
    );

    // A path value is percent-encoded, so it cannot add a path segment.
    client
        .update_funding_address("AB7J4FF/../x")
        .name("n")
        .await
        .ok();
    assert_eq!(
        mock.last_request().unwrap().path,
        "/funding/v1/addresses/AB7J4FF%2F..%2Fx"
    );
}

#[tokio::test]
async fn account_id_travels_in_the_query_of_a_body_call() {
    let mock = MockKraken::start().await;
    client(&mock)
        .update_funding_address("AB7J4FF-BGM7G-V2JMIH")
        .name("Cold")
        .account_id("ACC1")
        .await
        .unwrap();
    let (target, _, _, body) = signed(&mock);
    assert_eq!(
        target,
        "/funding/v1/addresses/AB7J4FF-BGM7G-V2JMIH?account_id=ACC1"
    );
    assert_eq!(String::from_utf8(body).unwrap(), r#"{"name":"Cold"}"#);
}

#[tokio::test]
async fn errors_are_http_statuses_with_the_body_kept() {
    let mock = MockKraken::start().await;
    mock.respond(
        "/funding/v1/deposit/address",
        MockResponse::json(r#"{"error":"TooManyDepositAddresses"}"#).status(409),
    );
    let err = client(&mock)
        .claim_funding_deposit_address("27ede8db-804b-4d91-8e25-46b7b9668730")
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            error,
            body,
            ..
        } => {
            assert_eq!(*status, 409);
            assert_eq!(error.as_deref(), Some("TooManyDepositAddresses"));
            assert_eq!(body, r#"{"error":"TooManyDepositAddresses"}"#);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.outcome_unknown(), "a 409 is a definite refusal");

    // A bad signature: the mock refuses it as its own choice of shape.
    let bad = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, "c2VjcmV0")
        .build()
        .unwrap();
    let err = bad.get_funding_networks().await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 401, .. }), "{err}");
    assert!(err.is_auth());
}
