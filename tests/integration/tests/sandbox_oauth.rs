//! OAuth in the sandbox: tokens, and Fast API keys that really sign calls.

mod sandbox_util;

use kraken_mock::MockKraken;
use kraken_spot::{FastApiKeyPermissionsInput, SpotClient};

fn oauth_client(mock: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .oauth_client_credentials(
            kraken_mock::OAUTH_CLIENT_ID,
            kraken_mock::OAUTH_CLIENT_SECRET,
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn tokens_and_a_fast_api_key_that_trades_within_its_permissions() {
    let mock = MockKraken::sandbox().await;
    let app = oauth_client(&mock);
    let token = app
        .get_oauth_access_token("authorization_code")
        .code("code-from-the-redirect")
        .redirect_uri("https://app.example/callback")
        .await
        .unwrap();
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    let app = app.with_oauth_access_token(token.access_token.expose());
    let created = app
        .create_oauth_fast_api_key("bot")
        .nonce_window(5)
        .permissions(
            FastApiKeyPermissionsInput::new()
                .funds_query(true)
                .trades_query_open(true),
        )
        .await
        .unwrap();
    let api_key = created.api_key.clone().unwrap();
    let bot = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(&api_key, created.secret.expose())
        .build()
        .unwrap();
    assert!(
        bot.get_account_balance()
            .await
            .unwrap()
            .contains_key("ZUSD")
    );
    let err = bot
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EGeneral:Permission denied");

    let listed = app.list_oauth_fast_api_keys().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].api_key_name.as_deref(), Some("bot"));
    assert_eq!(listed[0].nonce_window, Some(5));
    assert!(listed[0].nonce > Some(0), "the key's calls show up");

    // Granting trades_modify lets it place orders.
    assert!(
        app.update_oauth_fast_api_key("bot")
            .permissions(
                FastApiKeyPermissionsInput::new()
                    .funds_query(true)
                    .trades_modify(true),
            )
            .await
            .unwrap()
    );
    bot.submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap();
    assert_eq!(mock.orders()[0].api_key, api_key);

    assert!(app.delete_oauth_fast_api_key("bot").await.unwrap());
    let err = bot.get_account_balance().await.unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EAPI:Invalid key");
}

#[tokio::test]
async fn refresh_tokens_work_once_and_unknown_tokens_are_refused() {
    let mock = MockKraken::sandbox().await;
    let app = oauth_client(&mock);
    let first = app
        .get_oauth_access_token("authorization_code")
        .code("c")
        .await
        .unwrap();
    let refresh = first.refresh_token.unwrap();
    let second = app
        .get_oauth_access_token("refresh_token")
        .refresh_token(refresh.expose())
        .await
        .unwrap();
    assert_ne!(second.access_token.expose(), first.access_token.expose());
    let again = app
        .get_oauth_access_token("refresh_token")
        .refresh_token(refresh.expose())
        .await;
    assert!(again.is_err(), "a refresh token is used once");

    let stranger = app.with_oauth_access_token("not-a-token");
    assert!(stranger.list_oauth_fast_api_keys().await.is_err());
}

/// The whole OAuth flow, in the sandbox and in the replay mock: the token
/// `/oauth/token` hands out is accepted by userinfo and the Fast API key
/// calls, and a token nobody issued is not.
#[tokio::test]
async fn the_issued_token_reads_userinfo_and_fast_api_keys() {
    for mock in [MockKraken::sandbox().await, MockKraken::start().await] {
        let app = oauth_client(&mock);
        let token = app
            .get_oauth_access_token("authorization_code")
            .code("code-from-the-redirect")
            .await
            .unwrap();
        let issued = token.access_token.expose().to_owned();
        assert_ne!(issued, kraken_mock::OAUTH_ACCESS_TOKEN);
        let app = app.with_oauth_access_token(&issued);
        let me = app.get_oauth_user_info().await.unwrap();
        assert_eq!(me.email.as_deref(), Some("user@example.com"));
        let bearer = mock.last_request().unwrap();
        assert_eq!(
            bearer.header("authorization"),
            Some(format!("Bearer {issued}").as_str())
        );
        assert!(bearer.auth.is_ok(), "{:?}", bearer.auth);
        app.list_oauth_fast_api_keys().await.unwrap();

        let stranger = app.with_oauth_access_token("not-a-token");
        let err = stranger.get_oauth_user_info().await.unwrap_err();
        assert!(err.to_string().contains("Invalid key"), "{err}");
    }
}
