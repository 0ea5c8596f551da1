//! The three authenticated paths end to end: API-key signing (Balance,
//! AddOrder), OAuth Basic (token) and OAuth Bearer (userinfo). The mock
//! checks every signature, nonce and header with its own code.

mod common;

use common::{
    assert_generated_id, assert_lossless, deadline_in, dec, sent_cl_ord_ids, serve, setup,
};
use kraken_mock::{Auth, MockKraken};
use kraken_spot::{Error, SpotClient};

/// The verified nonce of the last request: a signed form POST to `path`.
fn signed_form_nonce(mock: &MockKraken, path: &str) -> u64 {
    common::signed_nonce(
        mock,
        path,
        "application/x-www-form-urlencoded; charset=utf-8",
    )
}

#[tokio::test]
async fn account_balance_is_signed_and_decodes_every_fixture() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Balance", "Balance.json");
    let balance = client
        .get_account_balance()
        .rebase_multiplier("base")
        .await
        .unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/Balance");
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!("nonce={nonce}&rebase_multiplier=base")
    );
    assert_eq!(balance["ZUSD"], dec("171288.6158"));
    assert_eq!(balance["XXBT"].to_string(), "1011.1908877900");
    assert_eq!(balance["ETH2.S"], dec("198.3970800000"));
    assert_eq!(balance["USD.M"], dec("1213029.2780"));
    assert_eq!(balance.len(), 10);
    assert_lossless("Balance.json", &balance);

    serve(&mock, "/0/private/Balance", "Balance.kraken-async-rs.json");
    let balance = client.get_account_balance().await.unwrap();
    let nonce2 = signed_form_nonce(&mock, "/0/private/Balance");
    assert!(nonce2 > nonce);
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!("nonce={nonce2}")
    );
    assert_eq!(balance.len(), 27);
    assert_eq!(balance["ARB"].to_string(), "14.00000");
    assert!(balance.contains_key("ATOM.S") && balance.contains_key("KAVA.S"));
    assert_lossless("Balance.kraken-async-rs.json", &balance);
}

#[tokio::test]
async fn submit_order_puts_every_parameter_on_the_wire() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/AddOrder", "AddOrder.docs.json");
    let deadline = deadline_in(30);
    let order = client
        .submit_order("limit", "buy", "1.25", "XBTUSD")
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .displayvol("0.5")
        .asset_class("tokenized_asset")
        .price("+1.5%")
        .price2(dec("37500.10"))
        .trigger("index")
        .leverage("2:1")
        .reduce_only(false)
        .stptype("cancel-both")
        .oflags(["post", "fciq"])
        .timeinforce("GTD")
        .starttm("0")
        .expiretm("+3600")
        .close_ordertype("stop-loss-limit")
        .close_price("22000.0")
        .close_price2("21000.0")
        .deadline(&deadline)
        .validate(true)
        .broker("AA12 N84G 3KLP XH2Q")
        .await
        .unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/AddOrder");
    let expected = format!(
        "nonce={nonce}&ordertype=limit&type=buy&volume=1.25&pair=XBTUSD\
         &cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876&displayvol=0.5&asset_class=tokenized_asset\
         &price=%2B1.5%25&price2=37500.10&trigger=index&leverage=2%3A1&reduce_only=false\
         &stptype=cancel-both&oflags=post%2Cfciq&timeinforce=GTD&starttm=0&expiretm=%2B3600\
         &close%5Bordertype%5D=stop-loss-limit&close%5Bprice%5D=22000.0&close%5Bprice2%5D=21000.0\
         &deadline={}&validate=true&broker=AA12+N84G+3KLP+XH2Q",
        deadline.replace(':', "%3A")
    );
    assert_eq!(mock.last_request().unwrap().body_str(), expected);
    assert_eq!(
        order.descr.order,
        "buy 2.12340000 XBTUSD @ limit 25000.1 with 2:1 leverage"
    );
    assert_eq!(
        order.descr.close.as_deref(),
        Some("close position @ stop loss 22000.0 -> limit 21000.0")
    );
    assert_eq!(
        order.txid.as_deref(),
        Some(&["OUF4EM-FRGI2-MQMWZD".to_owned()][..])
    );
    assert_lossless("AddOrder.docs.json", &order);
}

#[tokio::test]
async fn submit_order_minimal_validate_and_recorded_response() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/AddOrder", "AddOrder.json");
    let order = client
        .submit_order("market", "buy", "0.1", "LTCUSDT")
        .await
        .unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/AddOrder");
    // Every order carries a client order id: the client made one up.
    let id = &sent_cl_ord_ids(&mock)[0];
    assert_generated_id(id);
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!("nonce={nonce}&ordertype=market&type=buy&volume=0.1&pair=LTCUSDT&cl_ord_id={id}")
    );
    assert_eq!(
        order.txid.as_deref(),
        Some(&["OL7LNO-R4SAD-6UINEU".to_owned()][..])
    );
    assert_eq!(order.descr.order, "buy 0.10000000 LTCUSDT @ market");
    assert_eq!(order.descr.close, None);
    assert_lossless("AddOrder.json", &order);

    // The standalone request type sends the same thing.
    let request = kraken_spot::SubmitOrderRequest::new("limit", "sell", "1", "XBTUSD")
        .price("37500")
        .validate(true);
    client.send(request).await.unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/AddOrder");
    let id = &sent_cl_ord_ids(&mock)[0];
    assert_generated_id(id);
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!(
            "nonce={nonce}&ordertype=limit&type=sell&volume=1&pair=XBTUSD&price=37500&validate=true&cl_ord_id={id}"
        )
    );
}

#[tokio::test]
async fn unknown_enum_values_pass_through_and_bad_amounts_are_refused() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/AddOrder", "AddOrder.json");
    client
        .submit_order("brand-new-type", "buy", "1", "XBTUSD")
        .validate(true)
        .await
        .unwrap();
    assert!(
        mock.last_request()
            .unwrap()
            .body_str()
            .contains("&ordertype=brand-new-type&")
    );
    let before = mock.requests().len();
    let err = client
        .submit_order("limit", "buy", "1,5", "XBTUSD")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "submit_order",
                param: "volume",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .price("cheap")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParam { param: "price", .. }),
        "{err}"
    );
    assert_eq!(mock.requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn otp_travels_in_the_signed_body() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Balance", "Balance.json");
    client.get_account_balance().otp("123456").await.unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/Balance");
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!("nonce={nonce}&otp=123456")
    );

    let static_otp = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .otp("hunter2")
        .build()
        .unwrap();
    static_otp.get_account_balance().await.unwrap();
    let nonce = signed_form_nonce(&mock, "/0/private/Balance");
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        format!("nonce={nonce}&otp=hunter2")
    );
}

#[tokio::test]
async fn nonces_strictly_increase_across_clones_and_tasks() {
    let (mock, client) = setup().await;
    serve(&mock, "/0/private/Balance", "Balance.json");
    // Sequential calls through different clones: every one is accepted.
    let clones: Vec<SpotClient> = (0..4).map(|_| client.clone()).collect();
    for i in 0..20 {
        clones[i % 4].get_account_balance().await.unwrap();
    }
    // Concurrent calls from many tasks: every nonce is distinct.
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let _ = c.get_account_balance().await;
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let nonces: Vec<u64> = mock
        .requests()
        .iter()
        .map(|r| {
            r.form()
                .into_iter()
                .find(|(k, _)| k == "nonce")
                .unwrap()
                .1
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(nonces.len(), 52);
    assert!(
        nonces[..20].windows(2).all(|w| w[0] < w[1]),
        "sequential nonces increase"
    );
    let mut unique = nonces.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), nonces.len(), "no nonce was used twice");
}

#[tokio::test]
async fn a_replayed_or_wrong_signature_is_a_typed_kraken_error() {
    let mock = MockKraken::start().await;
    let wrong = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, "c2VjcmV0LWJ1dC13cm9uZw==")
        .build()
        .unwrap();
    let err = wrong.get_account_balance().await.unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EAPI:Invalid signature");
    assert!(mock.last_request().unwrap().auth.is_err());

    serve(&mock, "/0/private/Balance", "Error.EAPI_InvalidNonce.json");
    let ok = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .unwrap();
    let err = ok.get_account_balance().await.unwrap_err();
    assert!(err.kraken().unwrap().is_invalid_nonce());
    assert!(!err.to_string().contains(kraken_mock::API_SECRET));
}

#[tokio::test]
async fn bad_configuration_is_refused_before_anything_is_sent() {
    let mock = MockKraken::start().await;
    let public_only = SpotClient::builder()
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let err = public_only.get_account_balance().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingCredentials {
                endpoint: "get_account_balance",
                ..
            }
        ),
        "{err}"
    );
    let err = public_only.get_oauth_user_info().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingCredentials {
                endpoint: "get_oauth_user_info",
                ..
            }
        ),
        "{err}"
    );
    let err = public_only
        .get_oauth_access_token("refresh_token")
        .refresh_token("r")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingCredentials {
                endpoint: "get_oauth_access_token",
                ..
            }
        ),
        "{err}"
    );
    assert!(mock.requests().is_empty());

    let err = SpotClient::builder()
        .credentials("KEY", "***not base64***")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidSecret(_)), "{err}");
    assert!(!format!("{err} {err:?}").contains("***not base64***"));
    let err = SpotClient::builder()
        .base_url("127.0.0.1:8080")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
    let err = SpotClient::builder()
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
}

#[tokio::test]
async fn oauth_token_uses_basic_auth_and_keeps_tokens_secret() {
    let (mock, client) = setup().await;
    serve(&mock, "/oauth/token", "OAuth_Token.json");
    let token = client
        .get_oauth_access_token("authorization_code")
        .code("SplxlOBeZQQYbYS6WxSbIA")
        .redirect_uri("https://example.com/cb")
        .await
        .unwrap();
    let req = mock.last_request().unwrap();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/oauth/token")
    );
    assert_eq!(req.auth, Ok(Auth::Basic));
    assert_eq!(
        req.header("authorization"),
        Some("Basic bW9jay1jbGllbnQtaWQ6bW9jay1jbGllbnQtc2VjcmV0")
    );
    assert!(req.header("api-key").is_none());
    assert_eq!(
        req.body_str(),
        "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fexample.com%2Fcb"
    );
    assert_eq!(token.access_token.expose(), "2YotnFZFEjr1zCsicMWpAA");
    assert_eq!(
        token.refresh_token.as_ref().unwrap().expose(),
        "tGzv3JOkF0XG5Qx2TlKWIA"
    );
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    assert_eq!(token.expires_in, Some(14400));
    let shown = format!("{token:?}");
    assert!(
        !shown.contains("2YotnFZFEjr1zCsicMWpAA") && !shown.contains("tGzv3JOkF0XG5Qx2TlKWIA"),
        "{shown}"
    );
    assert_lossless("OAuth_Token.json", &token);

    // A new token can be used straight away.
    let bearer = client.with_oauth_access_token(token.access_token.expose());
    serve(
        &mock,
        "/oauth/userinfo",
        "OAuth_UserInfo.schema-derived.json",
    );
    // The mock accepts the token its /oauth/token handed out.
    let user = bearer.get_oauth_user_info().await.unwrap();
    assert_eq!(user.email.as_deref(), Some("user@example.com"));
    assert_eq!(
        mock.last_request().unwrap().header("authorization"),
        Some("Bearer 2YotnFZFEjr1zCsicMWpAA")
    );
}

#[tokio::test]
async fn oauth_user_info_uses_the_bearer_token() {
    let (mock, client) = setup().await;
    serve(
        &mock,
        "/oauth/userinfo",
        "OAuth_UserInfo.schema-derived.json",
    );
    let user = client.get_oauth_user_info().await.unwrap();
    common::assert_bearer(&mock, "GET", "/oauth/userinfo", None);
    assert_eq!(user.email.as_deref(), Some("user@example.com"));
    assert_eq!(user.iban.as_deref(), Some("AA12 N84G 3KLP XH2Q"));
    assert_lossless("OAuth_UserInfo.schema-derived.json", &user);
}

#[tokio::test]
async fn oauth_credentials_in_requests_are_redacted_in_debug() {
    let (mock, client) = setup().await;
    serve(&mock, "/oauth/token", "OAuth_Token.json");
    let call = client
        .get_oauth_access_token("refresh_token")
        .refresh_token("tGzv3JOkF0XG5Qx2TlKWIA");
    let shown = format!("{call:?}");
    assert!(!shown.contains("tGzv3JOkF0XG5Qx2TlKWIA"), "{shown}");
    call.await.unwrap();
    // The value itself still goes on the wire.
    assert_eq!(
        mock.last_request().unwrap().body_str(),
        "grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA"
    );
}

#[tokio::test]
async fn a_credential_that_cannot_be_a_header_is_a_typed_error_that_does_not_echo_it() {
    let mock = MockKraken::start().await;
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .oauth_access_token("tok\nen-s3cret")
        .build()
        .unwrap();
    let err = client.get_oauth_user_info().await.unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)), "{err}");
    assert!(!format!("{err} {err:?}").contains("s3cret"));
    assert!(mock.requests().is_empty());
}
