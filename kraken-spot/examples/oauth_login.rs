//! OAuth login: exchange an authorization code for an access token (HTTP
//! Basic with your OAuth client's id and secret), then call as the user with
//! the token (Bearer).
//!
//!     cargo run -p kraken-spot --example oauth_login
//!
//! Live (`--live`) it reads KRAKEN_OAUTH_CLIENT_ID, KRAKEN_OAUTH_CLIENT_SECRET,
//! KRAKEN_OAUTH_CODE and KRAKEN_OAUTH_REDIRECT_URI (the code comes from the
//! browser redirect after the user approves your app).

mod common;

use kraken_spot::SpotClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("--live needs {name}"));
    let (_mock, client, code, redirect) = if common::live() {
        let client = SpotClient::builder()
            .oauth_client_credentials(
                env("KRAKEN_OAUTH_CLIENT_ID")?,
                env("KRAKEN_OAUTH_CLIENT_SECRET")?,
            )
            .build()?;
        (
            None,
            client,
            env("KRAKEN_OAUTH_CODE")?,
            env("KRAKEN_OAUTH_REDIRECT_URI")?,
        )
    } else {
        let mock = kraken_mock::MockKraken::sandbox().await;
        let client = SpotClient::builder()
            .base_url(mock.base_url())
            .oauth_client_credentials(
                kraken_mock::OAUTH_CLIENT_ID,
                kraken_mock::OAUTH_CLIENT_SECRET,
            )
            .build()?;
        // The sandbox's /oauth/token replays a recording; have it issue the
        // access token the sandbox's other /oauth endpoints accept.
        mock.respond(
            "/oauth/token",
            kraken_mock::MockResponse::json(format!(
                r#"{{"access_token":"{}","token_type":"bearer","expires_in":14400,"refresh_token":"sandbox-refresh"}}"#,
                kraken_mock::OAUTH_ACCESS_TOKEN
            )),
        );
        let code = "code-from-the-redirect".to_owned();
        (
            Some(mock),
            client,
            code,
            "https://example.com/callback".to_owned(),
        )
    };

    let token = client
        .get_oauth_access_token("authorization_code")
        .code(code)
        .redirect_uri(redirect)
        .await?;
    // Secrets print as [REDACTED]; `expose()` gives the text.
    println!(
        "token {:?} ({:?}), expires in {:?} s, refresh token: {}",
        token.access_token,
        token.token_type,
        token.expires_in,
        token.refresh_token.is_some()
    );

    // The same client (pools, settings), now calling as the user.
    let user = client.with_oauth_access_token(token.access_token.expose());
    let info = user.get_oauth_user_info().await?;
    println!("logged in as {:?} (IIBAN {:?})", info.email, info.iban);
    Ok(())
}
