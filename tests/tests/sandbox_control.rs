//! The HTTP control API, config files with scenarios, and the binary.

mod sandbox_util;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use kraken_mock::{Action, MockKraken, SandboxConfig};
use sandbox_util::{call, errors, post_as};

async fn control(mock: &MockKraken, name: &str, body: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(format!("{}/_mock/{name}", mock.base_url()))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn get(mock: &MockKraken, path: &str) -> serde_json::Value {
    let text = reqwest::get(format!("{}{path}", mock.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn http_control_api_mirrors_the_rust_api() {
    let mock = MockKraken::sandbox().await;
    let ok = (200, r#"{"ok":true}"#.to_owned());
    let fault = r#"{"path":"/0/private/AddOrder","kind":"html","status":520,"process":true}"#;
    assert_eq!(control(&mock, "fault", fault).await, ok);
    let (status, body) = sandbox_util::post(
        &mock,
        "/0/private/AddOrder",
        "ordertype=limit&type=sell&volume=0.01&pair=XBTUSD&price=31000.0",
    )
    .await
    .unwrap();
    assert_eq!(status, 520, "{body}");
    let orders = get(&mock, "/_mock/orders").await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert_eq!(orders[0]["status"], "open");
    assert_eq!(orders[0]["volume"], "0.01");

    assert_eq!(
        control(&mock, "price", r#"{"pair":"XBTUSD","price":"31000.0"}"#).await,
        ok
    );
    assert_eq!(get(&mock, "/_mock/orders").await[0]["status"], "closed");

    assert_eq!(
        control(&mock, "system-status", r#"{"status":"cancel_only"}"#).await,
        ok
    );
    let status = get(&mock, "/0/public/SystemStatus").await;
    assert_eq!(status["result"]["status"], "cancel_only");

    let (code, body) = control(&mock, "price", r#"{"pair":"NOPE","price":"1"}"#).await;
    assert_eq!(
        (code, body.as_str()),
        (400, r#"{"error":"unknown pair \"NOPE\""}"#)
    );
    let (code, _) = control(&mock, "no-such-action", "{}").await;
    assert_eq!(code, 400);

    assert_eq!(
        control(&mock, "rate-limits", r#"{"tier":"starter"}"#).await,
        ok
    );
    assert_eq!(
        control(&mock, "balance", r#"{"asset":"ZUSD","amount":"5"}"#).await,
        ok
    );
    assert_eq!(mock.balances("default")["ZUSD"], "5".parse().unwrap());
    // Control calls are not recorded as Kraken requests.
    assert!(
        mock.requests()
            .iter()
            .all(|r| !r.path.starts_with("/_mock"))
    );
    let requests = get(&mock, "/_mock/requests").await;
    assert_eq!(requests.as_array().unwrap().len(), 2);
}

fn example_config() -> SandboxConfig {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/sandbox.toml");
    SandboxConfig::read(path.as_ref()).unwrap()
}

#[tokio::test]
async fn config_file_accounts_keys_and_a_scenario() {
    let config = example_config();
    let mock = MockKraken::from_config(&config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let balances = mock.balances("default");
    assert_eq!(balances.len(), 3);
    assert_eq!(balances["ZUSD"], "10000".parse().unwrap());

    // The read-only key of account "reader" sees its own 100 USD and may not trade.
    let secret = kraken_mock::API_SECRET;
    let (_, body) = post_as(&mock, "reader-key", secret, "/0/private/Balance", "")
        .await
        .unwrap();
    assert_eq!(body, r#"{"error":[],"result":{"ZUSD":"100.0000"}}"#);
    let (_, body) = post_as(&mock, "reader-key", secret, "/0/private/CancelAll", "")
        .await
        .unwrap();
    assert_eq!(body, r#"{"error":["EGeneral:Permission denied"]}"#);

    // The scenario: cancel-only from 600 s to 900 s of mock time.
    mock.clear_faults(); // the config's 5 % of 520s would make this flaky
    let order = "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0";
    assert_eq!(
        errors(&call(&mock, "/0/private/AddOrder", order).await),
        Vec::<String>::new()
    );
    mock.advance(Duration::from_secs(600));
    let refused = call(&mock, "/0/private/AddOrder", order).await;
    assert_eq!(errors(&refused), ["EService:Market in cancel_only mode"]);
    mock.advance(Duration::from_secs(300));
    assert_eq!(
        errors(&call(&mock, "/0/private/AddOrder", order).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn scheduled_actions_fire_in_real_time_too() {
    let mock = MockKraken::sandbox().await;
    mock.schedule(
        Duration::from_millis(150),
        Action::SystemStatus {
            status: "maintenance".into(),
        },
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let refused = call(&mock, "/0/private/CancelAll", "").await;
    assert_eq!(errors(&refused), ["EService:Unavailable"]);
}

#[test]
fn the_binary_prints_its_url_and_key_and_serves_the_config() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/sandbox.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kraken-mock"))
        .args(["--config", config, "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for _ in 0..20 {
        let Some(Ok(line)) = lines.next() else { break };
        let done = line.starts_with("Press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let url = printed
        .iter()
        .find_map(|l| l.strip_prefix("base URL:"))
        .map(|u| u.trim().to_owned());
    let answer = url.as_ref().map(|url| {
        let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        use std::io::{Read, Write};
        write!(
            stream,
            "GET /0/public/SystemStatus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).unwrap();
        out
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(printed[0].contains("stateful sandbox"), "{printed:?}");
    assert!(
        printed.iter().any(|l| l.contains(kraken_mock::API_KEY)),
        "{printed:?}"
    );
    assert!(
        printed.iter().any(|l| l.contains("reader-key")),
        "{printed:?}"
    );
    assert!(answer.unwrap().contains(r#""status":"online""#));
}
