//! `kraken-spot mcp`, in-process over a duplex pipe with an rmcp client: the
//! tools and their schemas against the spec YAML, a read tool, and the
//! refusals of dangerous tools.
#![cfg(feature = "cli")]

use kraken_spot::cli::Connection;
use kraken_spot::cli::mcp::{Server, serve_on};
use rmcp::ServiceExt as _;
use rmcp::model::{CallToolRequestParam, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

async fn connect(allow_trading: bool, allow_funds: bool) -> RunningService<RoleClient, ()> {
    let mock = kraken_mock::MockKraken::sandbox().await;
    let client = kraken_spot::SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .unwrap();
    let server = Server::new(
        Connection {
            client,
            sandbox: Some(mock),
        },
        allow_trading,
        allow_funds,
    );
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(serve_on(server, server_io));
    ().serve(client_io).await.unwrap()
}

async fn call(client: &RunningService<RoleClient, ()>, name: &str, args: Value) -> CallToolResult {
    let Value::Object(arguments) = args else {
        panic!()
    };
    client
        .call_tool(CallToolRequestParam {
            name: name.to_owned().into(),
            arguments: Some(arguments),
        })
        .await
        .unwrap()
}

fn text(result: &CallToolResult) -> Value {
    let text = &result.content[0].as_text().unwrap().text;
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Each spec endpoint's (required params, enum values by param) read from the YAML.
struct SpecEndpoint {
    required: BTreeSet<String>,
    enums: BTreeMap<String, Vec<String>>,
    moves: bool,
    write: bool,
}

/// `None` in the packaged crate, which does not ship the workspace's spec.
fn spec() -> Option<BTreeMap<String, SpecEndpoint>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
    let Ok(dir) = std::fs::read_dir(path) else {
        eprintln!("skipped: {path} is not here (the packaged crate has no spec)");
        return None;
    };
    let files: Vec<serde_yaml::Value> = dir
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| serde_yaml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    let mut enums = BTreeMap::new();
    for f in &files {
        for e in f["enums"].as_sequence().into_iter().flatten() {
            let values = e["values"].as_sequence().unwrap().iter();
            let values = values
                .map(|v| v["value"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>();
            enums.insert(e["name"].as_str().unwrap().to_owned(), values);
        }
    }
    let mut out = BTreeMap::new();
    for f in &files {
        for e in f["endpoints"].as_sequence().into_iter().flatten() {
            let mut ep = SpecEndpoint {
                required: BTreeSet::new(),
                enums: BTreeMap::new(),
                moves: e.get("moves").is_some(),
                write: e["effect"].as_str() == Some("write"),
            };
            for p in e["params"].as_sequence().into_iter().flatten() {
                let wire = p["name"].as_str().unwrap();
                let key = p["rust"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| wire.to_owned());
                if p["required"].as_bool() == Some(true) {
                    ep.required.insert(key.clone());
                }
                if let Some(values) = enums.get(p["type"].as_str().unwrap()) {
                    ep.enums.insert(key, values.clone());
                }
            }
            if ep.moves {
                ep.required.insert("confirm".into());
            }
            out.insert(e["name"].as_str().unwrap().to_owned(), ep);
        }
    }
    Some(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_match_the_spec_and_reads_answer_json() {
    let Some(spec) = spec() else { return };
    let client = connect(true, true).await;
    let tools = client.list_all_tools().await.unwrap();
    let names: BTreeSet<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        spec.keys().map(String::as_str).collect(),
        "every endpoint is a tool"
    );
    for tool in &tools {
        let ep = &spec[tool.name.as_ref()];
        let schema = &tool.input_schema;
        let required: BTreeSet<String> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(required, ep.required, "{}: required", tool.name);
        for (param, values) in &ep.enums {
            let got: Vec<&str> = schema["properties"][param]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{}.{param}: no enum", tool.name))
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(got, *values, "{}.{param}: enum values", tool.name);
        }
        for (param, p) in schema["properties"].as_object().unwrap() {
            assert!(
                p["description"].is_string(),
                "{}.{param}: description",
                tool.name
            );
        }
        let annotations = tool.annotations.as_ref().unwrap();
        assert_eq!(annotations.read_only_hint, Some(!ep.write), "{}", tool.name);
    }

    let result = call(&client, "get_ticker", json!({"pair": "XBTUSD"})).await;
    assert_ne!(result.is_error, Some(true));
    let ticker = text(&result);
    let (_, t) = ticker.as_object().unwrap().iter().next().unwrap();
    assert!(t["c"][0].is_string(), "exact decimals as strings: {t}");
    let result = call(&client, "get_account_balance", json!({})).await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    // A Kraken error comes back as a tool error with its code.
    let result = call(
        &client,
        "cancel_order",
        json!({"txid": "OQCLML-BW3P3-BUCMWZ", "confirm": true}),
    )
    .await;
    assert_eq!(result.is_error, Some(true), "{result:?}");
    assert_eq!(text(&result)["error"]["code"], "EOrder:Unknown order");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn dangerous_tools_are_refused_unless_allowed_and_confirmed() {
    let order = json!({"ordertype": "limit", "side": "buy", "volume": "1.25", "pair": "XBTUSD", "price": "37500", "validate": true});
    // Read-only by default: no write tools listed, and calling one is refused.
    let client = connect(false, false).await;
    let Some(spec) = spec() else { return };
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().all(|t| !spec[t.name.as_ref()].write));
    assert!(tools.len() > 40);
    let result = call(&client, "submit_order", order.clone()).await;
    assert_eq!(result.is_error, Some(true));
    let e = text(&result);
    assert_eq!(e["error"]["kind"], "refused");
    assert!(
        e["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("--allow-trading"),
        "{e}"
    );
    client.cancel().await.unwrap();

    // Trading allowed, but funds not; and confirm: true is still required.
    let client = connect(true, false).await;
    let result = call(
        &client,
        "submit_withdrawal",
        json!({"asset": "XBT", "key": "k", "amount": "1", "confirm": true}),
    )
    .await;
    assert!(
        text(&result)["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("--allow-funds")
    );
    let result = call(&client, "submit_order", order.clone()).await;
    assert_eq!(result.is_error, Some(true));
    assert!(
        text(&result)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("confirm: true")
    );
    let mut confirmed: Map<String, Value> = order.as_object().unwrap().clone();
    confirmed.insert("confirm".into(), Value::Bool(true));
    let result = call(&client, "submit_order", Value::Object(confirmed)).await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert!(text(&result)["descr"]["order"].is_string());
    client.cancel().await.unwrap();
}
