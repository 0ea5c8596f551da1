//! Nothing secret reaches the logs (issue 9 §3, issue 6 §8): everything is
//! captured at TRACE, from this crate, reqwest and hyper alike, while every
//! kind of error is provoked, and no credential appears in it, nor in any
//! error's text or `Debug`.

use kraken_mock::{Fault, MockKraken, MockResponse};
use kraken_spot::{Error, OrderResend, RetryPolicy, SpotClient};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const OTP: &str = "OTP-ZX81-QQ";
const REFRESH: &str = "REFRESH-TOKEN-7731";
const CODE: &str = "AUTH-CODE-5519";

fn secrets() -> Vec<String> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(kraken_mock::API_SECRET)
        .unwrap();
    let hex: String = decoded.iter().map(|b| format!("{b:02x}")).collect();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        kraken_mock::OAUTH_CLIENT_ID,
        kraken_mock::OAUTH_CLIENT_SECRET
    ));
    vec![
        kraken_mock::API_KEY.to_owned(),
        kraken_mock::API_SECRET.to_owned(),
        kraken_mock::API_SECRET[..24].to_owned(),
        hex[..32].to_owned(),
        format!("{:?}", &decoded[..6])
            .trim_end_matches(']')
            .to_owned(),
        kraken_mock::OAUTH_CLIENT_ID.to_owned(),
        kraken_mock::OAUTH_CLIENT_SECRET.to_owned(),
        basic,
        kraken_mock::OAUTH_ACCESS_TOKEN.to_owned(),
        OTP.to_owned(),
        REFRESH.to_owned(),
        CODE.to_owned(),
    ]
}

#[tokio::test]
async fn no_secret_reaches_the_logs_or_the_errors_whatever_fails() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mock = MockKraken::sandbox().await;
    let full = || {
        SpotClient::builder()
            .base_url(mock.base_url())
            .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
            .oauth_client_credentials(
                kraken_mock::OAUTH_CLIENT_ID,
                kraken_mock::OAUTH_CLIENT_SECRET,
            )
            .oauth_access_token(kraken_mock::OAUTH_ACCESS_TOKEN)
            .otp(OTP)
            .timeout(Duration::from_millis(600))
            .retry(RetryPolicy::new(
                2,
                Duration::from_millis(1),
                Duration::from_millis(2),
            ))
            .order_resend(OrderResend::WhenNotPlaced {
                deadline: Duration::from_secs(2),
            })
    };
    let client = full().build().unwrap();
    let mut errors: Vec<Error> = Vec::new();

    // Successes, with every credential kind on the wire.
    client.get_account_balance().otp(OTP).await.unwrap();
    client.get_server_time().await.unwrap();
    client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap();
    let _ = client.get_oauth_user_info().await;
    let _ = client
        .get_oauth_access_token("refresh_token")
        .refresh_token(REFRESH)
        .code(CODE)
        .await;

    // Every kind of failure.
    let faults = [
        (
            "/0/private/Balance",
            Fault::Kraken {
                code: "EAPI:Invalid nonce".into(),
                process: false,
            },
            3,
        ),
        (
            "/0/private/Balance",
            Fault::Kraken {
                code: "EGeneral:Permission denied".into(),
                process: false,
            },
            1,
        ),
        (
            "/0/private/Balance",
            Fault::Kraken {
                code: "EAPI:Rate limit exceeded".into(),
                process: false,
            },
            3,
        ),
        (
            "/0/private/Balance",
            Fault::Html {
                status: 502,
                process: false,
            },
            3,
        ),
        (
            "/0/private/Balance",
            Fault::Delay {
                by: Duration::from_secs(3),
                process: false,
            },
            3,
        ),
        (
            "/0/private/Balance",
            Fault::Redirect {
                status: 307,
                location: "http://127.0.0.1:9/x".into(),
            },
            1,
        ),
        ("/0/private/Balance", Fault::Drop { process: false }, 3),
    ];
    for (path, fault, n) in faults {
        mock.inject(path, fault, n);
        errors.push(client.get_account_balance().await.unwrap_err());
        mock.clear_faults();
    }
    mock.inject(
        "/0/private/AddOrder",
        Fault::Html {
            status: 520,
            process: true,
        },
        1,
    );
    errors.push(
        client
            .submit_order("limit", "buy", "0.01", "XBTUSD")
            .price("20000.0")
            .await
            .unwrap_err(),
    );
    mock.respond(
        "/0/private/TradeBalance",
        MockResponse::json(r#"{"error":[],"result":"not an object"}"#),
    );
    errors.push(client.get_trade_balance().await.unwrap_err());
    errors.push(
        client
            .submit_order("limit", "buy", "1,5", "XBTUSD")
            .await
            .unwrap_err(),
    );
    errors.push(
        SpotClient::new()
            .unwrap()
            .get_account_balance()
            .await
            .unwrap_err(),
    );

    // A wrong key and secret: refused, then paused.
    let wrong = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials("wrong-key-XYZ", kraken_mock::API_SECRET)
        .otp(OTP)
        .build()
        .unwrap();
    errors.push(wrong.get_account_balance().await.unwrap_err());
    errors.push(wrong.get_account_balance().await.unwrap_err());
    // Bad OAuth client credentials and token.
    let bad_oauth = SpotClient::builder()
        .base_url(mock.base_url())
        .oauth_client_credentials(kraken_mock::OAUTH_CLIENT_ID, "not-the-secret")
        .oauth_access_token("not-the-token")
        .build()
        .unwrap();
    errors.push(
        bad_oauth
            .get_oauth_access_token("authorization_code")
            .code(CODE)
            .await
            .unwrap_err(),
    );
    errors.push(bad_oauth.get_oauth_user_info().await.unwrap_err());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("kraken"), "the logs were captured: {logs}");
    assert!(logs.contains("TRACE"), "at TRACE level");
    let shown: Vec<String> = errors
        .iter()
        .flat_map(|e| [e.to_string(), format!("{e:?}")])
        .chain([format!("{client:?}"), format!("{wrong:?}")])
        .collect();
    for secret in secrets() {
        assert!(!logs.contains(&secret), "`{secret}` is in the logs");
        for text in &shown {
            assert!(!text.contains(&secret), "`{secret}` is in an error: {text}");
        }
    }
    println!(
        "{} bytes of TRACE logs and {} errors checked",
        logs.len(),
        errors.len()
    );
}
