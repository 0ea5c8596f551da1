//! The `kraken-spot` CLI, in-process: every endpoint of the catalogue against
//! the sandbox, confirmation, errors and exit statuses, credentials from a
//! config file, and `--help` snapshots.
#![cfg(feature = "cli")]

use kraken_spot::cli::{ArgKind, COMMANDS, CommandSpec, run_captured};
use serde_json::Value;

fn argv(args: &[&str]) -> Vec<String> {
    std::iter::once("kraken-spot")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect()
}

async fn cli(args: &[&str]) -> (i32, String, String) {
    run_captured(argv(args)).await
}

/// The USDC-on-Ethereum method and the Ethereum network of Kraken's
/// Funding (Beta) guide, which the sandbox knows.
const USDC_METHOD: &str = "27ede8db-804b-4d91-8e25-46b7b9668730";
const ETHEREUM: &str = "d9d375da-44b7-4be1-8a00-8b281acfe366";

/// A plausible sample for a required parameter, by name, then by kind.
fn sample(command: &CommandSpec, name: &str, kind: ArgKind) -> String {
    // Funding (Beta) ids the sandbox holds: the guide's saved addresses
    // (AB7J4FF… is kept for the withdrawal, ABSXEMA… is deleted), method
    // and network; USDT is a balance of the sandbox's default account.
    let funding = match (command.name, name) {
        ("submit_funding_withdrawal" | "add_funding_address", "scope") => {
            Some(format!(r#"{{"network_id":"{ETHEREUM}"}}"#))
        }
        ("submit_funding_withdrawal", "amount") => Some(
            r#"{"asset_amount":{"asset":{"class":"currency","name":"USDT"},"amount":"10"}}"#
                .to_owned(),
        ),
        ("submit_funding_withdrawal", "address_id") | ("update_funding_address", "id") => {
            Some("AB7J4FF-BGM7G-V2JMIH".to_owned())
        }
        ("delete_funding_address", "id") => Some("ABSXEMA-3FXQS-T7Q2FG".to_owned()),
        ("get_funding_fee" | "claim_funding_deposit_address", "method_id") => {
            Some(USDC_METHOD.to_owned())
        }
        _ => None,
    };
    if let Some(value) = funding {
        return value;
    }
    let by_name = match (command.name, name) {
        (_, "pair") => "XBTUSD",
        (_, "symbol") => "BTC/USD",
        (_, "asset") => "XBT",
        (_, "method") => "Bitcoin",
        (_, "key") => "btc-withdraw-key",
        (_, "email") => "sub@example.com",
        (_, "username") => "sub-account-1",
        (_, "from_wallet" | "from") => "Spot Wallet",
        (_, "to_wallet" | "to") => "Futures Wallet",
        (_, "amount" | "volume") => "0.01",
        (_, "strategy_id") => "ESRFUO3-Q62XD-WIOIL7",
        (_, "strategy_ids") => "ESRFUO3-Q62XD-WIOIL7",
        (_, "description") => "cli test export",
        (_, "api_key_name") => "cli-test-key",
        (_, "timeout") => "60",
        (_, "orders") => {
            r#"[{"ordertype":"limit","type":"buy","volume":"0.01","price":"37500"},{"ordertype":"limit","type":"sell","volume":"0.01","price":"99000"}]"#
        }
        _ => "",
    };
    if !by_name.is_empty() && !matches!(kind, ArgKind::Json) || name == "orders" {
        return by_name.to_owned();
    }
    match kind {
        ArgKind::Json => {
            let (_, schema) = kraken_spot::generated::mcp::TOOL_SCHEMAS
                .iter()
                .find(|(tool, _)| *tool == command.name)
                .unwrap();
            let schema: Value = serde_json::from_str(schema).unwrap();
            sample_json(&schema["properties"][name]).to_string()
        }
        ArgKind::Enum(values) | ArgKind::List(values) if !values.is_empty() => values[0].to_owned(),
        ArgKind::Int => "1".into(),
        ArgKind::Bool => "true".into(),
        ArgKind::Amount => "1.25".into(),
        _ => "OQCLML-BW3P3-BUCMWZ".into(),
    }
}

/// The smallest value a JSON Schema (from the generated MCP schemas) accepts:
/// required properties only.
fn sample_json(schema: &Value) -> Value {
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    match schema["type"].as_str() {
        Some("integer") => Value::from(1),
        Some("boolean") => Value::from(true),
        Some("array") => Value::Array(vec![sample_json(&schema["items"])]),
        Some("object") => {
            let mut required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            // A filter of which one must be set: its first field.
            if required.is_empty()
                && let Some((first, _)) = schema["properties"]
                    .as_object()
                    .and_then(|p| p.iter().next())
            {
                required.push(first);
            }
            required
                .into_iter()
                .map(|k| (k.to_owned(), sample_json(&schema["properties"][k])))
                .collect::<serde_json::Map<_, _>>()
                .into()
        }
        _ => Value::from("1"),
    }
}

/// A 0600 config file holding the sandbox's credentials.
fn sandbox_config(mock: &kraken_mock::MockKraken, tag: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("kraken-spot-cli-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "api_key = \"{}\"\napi_secret = \"{}\"\noauth_client_id = \"{}\"\noauth_client_secret = \"{}\"\noauth_access_token = \"{}\"\nbase_url = \"{}\"\n",
            kraken_mock::API_KEY,
            kraken_mock::API_SECRET,
            kraken_mock::OAUTH_CLIENT_ID,
            kraken_mock::OAUTH_CLIENT_SECRET,
            kraken_mock::OAUTH_ACCESS_TOKEN,
            mock.base_url(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn error_json(stderr: &str) -> Value {
    let v: Value = serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is not one JSON object ({e}): {stderr}"));
    assert!(v["error"]["kind"].is_string(), "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
    v
}

/// Places a limit buy far below the market through the CLI: its txid.
async fn open_order(config: &str) -> String {
    let (status, out, err) = cli(&[
        "--config",
        config,
        "-o",
        "json",
        "--yes",
        "submit-order",
        "limit",
        "buy",
        "0.01",
        "XBTUSD",
        "--price",
        "20000",
    ])
    .await;
    assert_eq!(status, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["txid"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_owned()
}

/// Every endpoint in the catalogue, through the CLI, against one sandbox:
/// each exits 0 with JSON on stdout, or with Kraken's error as JSON.
#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_is_reachable_from_the_cli_against_the_sandbox() {
    let mock = kraken_mock::MockKraken::sandbox().await;
    let config = sandbox_config(&mock, "catalogue");
    let config = config.to_str().unwrap();
    assert_eq!(COMMANDS.len(), kraken_spot::ENDPOINTS.len());
    let (mut ok, mut kraken_errors) = (Vec::new(), Vec::new());
    // The export the walk requests, for the calls that read and delete it.
    let mut export_id: Option<String> = None;
    // The strategy the walk creates, for the call that cancels it.
    let mut strategy_id: Option<String> = None;
    for (command, info) in COMMANDS.iter().zip(kraken_spot::ENDPOINTS) {
        assert_eq!(command.name, info.name);
        let name = command.command_name();
        let mut args = vec![
            "--config".to_owned(),
            config.to_owned(),
            "-o".into(),
            "json".into(),
            "--yes".into(),
            name.clone(),
        ];
        // Calls on an existing order get a fresh open one.
        let order_id = if matches!(
            command.name,
            "amend_order" | "edit_order" | "cancel_order" | "get_order_amends"
        ) {
            Some(open_order(config).await)
        } else {
            None
        };
        let value = |p: &kraken_spot::cli::ParamSpec| match (&order_id, command.name, p.name) {
            (Some(id), _, "txid" | "order_id") => id.clone(),
            (_, "get_ledgers_export" | "delete_ledgers_export", "id") if export_id.is_some() => {
                export_id.clone().unwrap()
            }
            (_, "cancel_strategy", "strategy_id") if strategy_id.is_some() => {
                strategy_id.clone().unwrap()
            }
            _ => sample(command, p.name, p.kind),
        };
        for p in command.params.iter().filter(|p| p.required) {
            args.push(value(p));
        }
        if let Some(first) = command.require_one_of.first() {
            let p = command.params.iter().find(|p| p.name == *first).unwrap();
            args.push(format!("--{}", first.replace('_', "-")));
            args.push(value(p));
        }
        if let ("get_order_amends", Some(id)) = (command.name, &order_id) {
            args.extend(["--order-id".to_owned(), id.clone()]);
        }
        if command.name == "update_oauth_fast_api_key" {
            // The walk deleted its key already: make another to update.
            let create = [
                "--config",
                config,
                "--yes",
                "create-oauth-fast-api-key",
                "cli-test-key",
            ];
            let (status, _, err) = cli(&create).await;
            assert_eq!(status, 0, "{err}");
        }
        if command.name == "submit_strategy" {
            // A TWAP needs its window's end.
            args.extend(["--expiretm".to_owned(), "+3600".to_owned()]);
        }
        if command.name == "get_oauth_access_token" {
            args.extend(["--code".to_owned(), "an-authorization-code".to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (status, out, err) = cli(&args).await;
        if status == 0 {
            serde_json::from_str::<Value>(&out)
                .unwrap_or_else(|e| panic!("{name}: stdout is not JSON ({e}): {out}"));
            if command.name == "request_ledgers_export" {
                let v: Value = serde_json::from_str(&out).unwrap();
                export_id = v["id"].as_str().map(str::to_owned);
            }
            if command.name == "submit_strategy" {
                let v: Value = serde_json::from_str(&out).unwrap();
                strategy_id = v["strategy_id"].as_str().map(str::to_owned);
            }
            ok.push(name);
        } else {
            // Kraken's error as JSON (a state error).
            let v = error_json(&err);
            assert!(status > 2, "{name}: usage error {v}");
            assert!(
                v["error"]["code"].is_string()
                    || v["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("EGeneral:Unknown method"),
                "{name}: not a Kraken error: {v}"
            );
            eprintln!("{name}: exit {status}: {v}");
            kraken_errors.push(name);
        }
    }
    eprintln!(
        "{} of {} endpoints succeed against the sandbox; refused: {kraken_errors:?}",
        ok.len(),
        COMMANDS.len()
    );
    // The sandbox answers every endpoint.
    assert!(
        kraken_errors.is_empty(),
        "only {} of {} succeed: {kraken_errors:#?}",
        ok.len(),
        COMMANDS.len()
    );
    assert_eq!(ok.len(), COMMANDS.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn paged_endpoints_stream_ndjson_with_all() {
    let mock = kraken_mock::MockKraken::sandbox().await;
    let path = sandbox_config(&mock, "paged");
    let config = path.to_str().unwrap();
    for side in ["buy", "sell", "buy"] {
        let order = [
            "--config",
            config,
            "--yes",
            "submit-order",
            "market",
            side,
            "0.01",
            "XBTUSD",
        ];
        let (status, _, err) = cli(&order).await;
        assert_eq!(status, 0, "{err}");
    }
    let (status, out, err) = cli(&[
        "--config",
        config,
        "-o",
        "json",
        "get-ledgers-info",
        "--all",
    ])
    .await;
    assert_eq!(status, 0, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 1, "{out}");
    // Each item is (ledger id, entry), amounts as exact decimal strings.
    assert!(
        lines[0][0].is_string() && lines[0][1]["amount"].is_string(),
        "{}",
        lines[0]
    );
    let (status, _, err) = cli(&["--sandbox", "get-ticker", "--all"]).await;
    assert_eq!(status, 2, "--all only on paged endpoints: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_orders_needs_yes_without_a_terminal() {
    let order = [
        "--sandbox",
        "submit-order",
        "limit",
        "buy",
        "1.25",
        "XBTUSD",
        "--price",
        "37500",
        "--validate",
    ];
    let (status, out, err) = cli(&order).await;
    assert_eq!(status, 11, "{err}");
    assert!(out.is_empty());
    assert_eq!(error_json(&err)["error"]["kind"], "refused");
    let mut yes = order.to_vec();
    yes.push("--yes");
    let (status, out, err) = cli(&yes).await;
    assert_eq!(status, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["descr"]["order"].as_str().unwrap().contains("buy"), "{v}");
    // Reads never ask.
    let (status, _, err) = cli(&["--sandbox", "get-open-orders"]).await;
    assert_eq!(status, 0, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_one_json_object_with_an_exit_status_per_kind() {
    // Kraken's error: cancelling an order that does not exist.
    let (status, _, err) = cli(&[
        "--sandbox",
        "--yes",
        "cancel-order",
        "--txid",
        "OQCLML-BW3P3-BUCMWZ",
    ])
    .await;
    let v = error_json(&err);
    assert_eq!(v["error"]["code"], "EOrder:Unknown order", "{v}");
    assert_eq!(v["error"]["kind"], "api");
    assert_eq!(status, 7);
    // A local validation error: no Kraken code.
    let (status, _, err) = cli(&["--sandbox", "get-candles", "XBTUSD", "--interval", "7"]).await;
    let v = error_json(&err);
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (3, Value::Null),
        "{v}"
    );
    // Enum values are checked by clap: a usage error.
    let (status, _, _) = cli(&["--sandbox", "submit-order", "nope", "buy", "1", "XBTUSD"]).await;
    assert_eq!(status, 2);
    // No credentials for a private call: config.
    let empty =
        std::env::temp_dir().join(format!("kraken-spot-cli-{}-empty.toml", std::process::id()));
    std::fs::write(&empty, "base_url = \"http://127.0.0.1:9\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (status, _, err) = cli(&["--config", empty.to_str().unwrap(), "get-account-balance"]).await;
    let v = error_json(&err);
    assert_eq!(
        (status, v["error"]["kind"].as_str()),
        (4, Some("auth")),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_file_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let mock = kraken_mock::MockKraken::sandbox().await;
    let path = sandbox_config(&mock, "perms");
    let config = path.to_str().unwrap();
    let (status, out, err) = cli(&["--config", config, "-o", "json", "auth", "check"]).await;
    assert_eq!(status, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "query-funds"),
        "{v}"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (status, _, err) = cli(&["--config", config, "get-account-balance"]).await;
    let v = error_json(&err);
    assert_eq!(status, 9, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("0644"),
        "{v}"
    );
    assert_eq!(v["error"]["hint"], format!("chmod 600 {config}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn help_snapshots() {
    for (name, args) in [
        ("help_top", vec!["--help"]),
        ("help_submit_order", vec!["submit-order", "--help"]),
        ("help_get_ticker", vec!["get-ticker", "--help"]),
        ("help_get_ledgers_info", vec!["get-ledgers-info", "--help"]),
    ] {
        let (status, out, err) = cli(&args).await;
        assert_eq!(status, 0, "{err}");
        insta::assert_snapshot!(name, out);
    }
}
