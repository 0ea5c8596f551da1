//! OAuth Fast API keys (Bearer): create, update, delete and list, with every
//! parameter on the wire. Only `update` has a recorded answer; the others run
//! on fixtures built from `oauth/openapi_v3.yaml` (`*.schema-derived.json`).

mod common;

use common::{assert_bearer, assert_lossless, dec, serve, setup};
use kraken_spot::{Decimal, Error, FastApiKeyPermissionsInput};

fn every_permission() -> FastApiKeyPermissionsInput {
    FastApiKeyPermissionsInput::new()
        .export_data(false)
        .funds_add(false)
        .funds_earn(false)
        .funds_query(true)
        .funds_withdraw(false)
        .ledger_query(true)
        .trades_close(true)
        .trades_modify(true)
        .trades_query_closed(true)
        .trades_query_open(true)
}

const EVERY_PERMISSION: &str = r#"{"export_data":false,"funds_add":false,"funds_earn":false,"funds_query":true,"funds_withdraw":false,"ledger_query":true,"trades_close":true,"trades_modify":true,"trades_query_closed":true,"trades_query_open":true}"#;

#[tokio::test]
async fn create_fast_api_key_every_parameter_and_secret_kept_secret() {
    let (mock, client) = setup().await;
    let fixture = "OAuth_FastApiKey.create.schema-derived.json";
    serve(&mock, "/oauth/fast-api-key", fixture);
    let key = client
        .create_oauth_fast_api_key("trading-bot")
        .ip_allowlist(["203.0.113.7", "2001:db8::/32"])
        .nonce_window(10)
        .permissions(every_permission())
        .query_from(1767225600)
        .query_to(0)
        .valid_until(1798761600)
        .await
        .unwrap();
    assert_bearer(
        &mock,
        "POST",
        "/oauth/fast-api-key",
        Some(&format!(
            r#"{{"api_key_name":"trading-bot","ip_allowlist":["203.0.113.7","2001:db8::/32"],"nonce_window":10,"permissions":{EVERY_PERMISSION},"query_from":1767225600,"query_to":0,"valid_until":1798761600}}"#
        )),
    );
    let secret =
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
    assert_eq!(key.secret.expose(), secret);
    let shown = format!("{key:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
    assert_eq!(key.api_key_name.as_deref(), Some("trading-bot"));
    assert_eq!(key.id.as_deref(), Some("dHJhZGluZy1ib3Q-"));
    assert_eq!(
        key.ip_allowlist.as_deref(),
        Some(&["203.0.113.7".to_owned(), "2001:db8::/32".to_owned()][..])
    );
    assert_eq!(key.nonce, Some(0));
    assert_eq!(key.nonce_window, Some(10));
    assert_eq!(key.last_used, Some(Decimal::ZERO));
    assert_eq!(key.valid_until, Some(dec("1798761600")));
    assert_eq!(key.purpose.as_deref(), Some("standard"));
    let permissions = key.permissions.as_ref().unwrap();
    assert_eq!(permissions.trades_modify, Some(true));
    assert_eq!(permissions.funds_withdraw, Some(false));
    assert_lossless(fixture, &key);

    // Only the name is required; unset fields and permissions are not sent.
    client
        .create_oauth_fast_api_key("read-only")
        .permissions(FastApiKeyPermissionsInput::new().funds_query(true))
        .await
        .unwrap();
    assert_bearer(
        &mock,
        "POST",
        "/oauth/fast-api-key",
        Some(r#"{"api_key_name":"read-only","permissions":{"funds_query":true}}"#),
    );
}

#[tokio::test]
async fn fast_api_key_parameters_are_checked_before_sending() {
    let (mock, client) = setup().await;
    let err = client.create_oauth_fast_api_key("").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "create_oauth_fast_api_key",
                param: "api_key_name",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .create_oauth_fast_api_key("bot")
        .nonce_window(-1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "nonce_window",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .update_oauth_fast_api_key("bot")
        .valid_until(-5)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                endpoint: "update_oauth_fast_api_key",
                param: "valid_until",
                ..
            }
        ),
        "{err}"
    );
    let err = client.delete_oauth_fast_api_key(" ").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParam {
                param: "api_key_name",
                ..
            }
        ),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn update_fast_api_key_every_parameter() {
    let (mock, client) = setup().await;
    serve(&mock, "/oauth/fast-api-key", "OAuth_FastApiKey.update.json");
    let updated = client
        .update_oauth_fast_api_key("trading-bot")
        .new_api_key_name("trading-bot-2")
        .ip_allowlist(vec!["198.51.100.0/24".to_owned()])
        .nonce_window(5)
        .permissions(every_permission())
        .query_from(0)
        .query_to(1798761600)
        .valid_until(0)
        .await
        .unwrap();
    assert_bearer(
        &mock,
        "PUT",
        "/oauth/fast-api-key",
        Some(&format!(
            r#"{{"api_key_name":"trading-bot","new_api_key_name":"trading-bot-2","ip_allowlist":["198.51.100.0/24"],"nonce_window":5,"permissions":{EVERY_PERMISSION},"query_from":0,"query_to":1798761600,"valid_until":0}}"#
        )),
    );
    assert!(updated);
    assert_lossless("OAuth_FastApiKey.update.json", &updated);
}

#[tokio::test]
async fn delete_fast_api_key_sends_a_json_body_with_delete() {
    let (mock, client) = setup().await;
    let fixture = "OAuth_FastApiKey.delete.schema-derived.json";
    serve(&mock, "/oauth/fast-api-key", fixture);
    let deleted = client
        .delete_oauth_fast_api_key("trading-bot")
        .await
        .unwrap();
    assert_bearer(
        &mock,
        "DELETE",
        "/oauth/fast-api-key",
        Some(r#"{"api_key_name":"trading-bot"}"#),
    );
    assert!(deleted);
    assert_lossless(fixture, &deleted);
}

#[tokio::test]
async fn list_fast_api_keys_without_secrets() {
    let (mock, client) = setup().await;
    let fixture = "OAuth_FastApiKey.list.schema-derived.json";
    serve(&mock, "/oauth/fast-api-key", fixture);
    let keys = client.list_oauth_fast_api_keys().await.unwrap();
    assert_bearer(&mock, "GET", "/oauth/fast-api-key", None);
    assert_eq!(keys.len(), 2);

    let bot = &keys[0];
    assert_eq!(bot.api_key_name.as_deref(), Some("trading-bot"));
    assert_eq!(
        bot.api_key.as_deref(),
        Some("Wq3sJ0cZ8kP1vN5xR7tY2uB4mD6fH9gL0aE3iO5pK7sQ1wX8zC2vB4nM6jT9")
    );
    assert_eq!(bot.created_time.as_deref(), Some("2026-03-02T14:07:31Z"));
    assert_eq!(bot.modified_time.as_deref(), Some("2026-03-05T09:12:00Z"));
    // Beyond 2^53: kept exactly, not rounded through f64.
    assert_eq!(bot.nonce, Some(1772460451512345678));
    assert_eq!(bot.last_used.unwrap().to_string(), "1772460451.512");
    assert_eq!(bot.query_from, Some(dec("1767225600")));
    assert_eq!(bot.query_to, Some(Decimal::ZERO));
    assert_eq!(bot.oauth_client.as_deref(), Some("example-app"));
    assert_eq!(bot.ip_allowlist.as_ref().map(Vec::len), Some(2));
    assert_eq!(bot.permissions.as_ref().unwrap().export_data, Some(false));

    let read_only = &keys[1];
    assert_eq!(read_only.api_key_name.as_deref(), Some("read-only"));
    assert_eq!(read_only.id.as_deref(), Some("cmVhZC1vbmx5"));
    assert_eq!(read_only.ip_allowlist.as_deref(), Some(&[][..]));
    assert_eq!(read_only.valid_until, Some(Decimal::ZERO));
    let permissions = read_only.permissions.as_ref().unwrap();
    assert_eq!(permissions.funds_query, Some(true));
    assert_eq!(permissions.trades_query_open, Some(true));
    assert_eq!(permissions.trades_modify, None);
    assert_eq!(permissions.funds_withdraw, None);
    assert_lossless(fixture, &keys);
}
