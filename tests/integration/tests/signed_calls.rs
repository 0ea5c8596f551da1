//! Signed calls that cannot go wrong (issue 6 §2–§5, §7, §8): nonces under
//! load and across processes, retries that fit each call, credentials that
//! never get an account locked out, one deadline per call, one client on
//! many runtimes, capped bodies and typed errors.

use kraken_mock::{Fault, MockKraken, MockResponse};
use kraken_spot::{Endpoint, Error, ErrorKind, NonceSource, RetryPolicy, SpotClient};
use std::future::IntoFuture;
use std::time::{Duration, Instant};

fn builder(mock: &MockKraken) -> kraken_spot::SpotClientBuilder {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .retry(RetryPolicy::new(
            3,
            Duration::from_millis(5),
            Duration::from_millis(20),
        ))
}

fn refusals(mock: &MockKraken, code: &str) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.auth.as_ref().err().is_some_and(|e| e == code))
        .count()
}

// ---- §4 Nonces ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_concurrent_private_calls_from_clones_all_succeed() {
    let mock = MockKraken::start().await;
    let client = builder(&mock).build().unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..500 {
        let client = client.clone();
        calls.spawn(async move { client.get_account_balance().await });
    }
    let mut failures = 0;
    while let Some(done) = calls.join_next().await {
        if done.unwrap().is_err() {
            failures += 1;
        }
    }
    let refused = refusals(&mock, "EAPI:Invalid nonce");
    println!(
        "500 concurrent Balance calls: {failures} failures, {refused} invalid-nonce refusals at the exchange, {} requests",
        mock.requests().len()
    );
    assert_eq!(failures, 0);
    assert!(refused <= 5, "{refused} refusals (at most 1% allowed)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_orders_all_go_through() {
    let mock = MockKraken::sandbox().await;
    let client = builder(&mock).build().unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..50 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .submit_order("limit", "buy", "0.01", "XBTUSD")
                .price(format!("{}.0", 20000 - i))
                .await
        });
    }
    let mut failures = 0;
    while let Some(done) = calls.join_next().await {
        if let Err(e) = done.unwrap() {
            eprintln!("{e}");
            failures += 1;
        }
    }
    println!(
        "50 concurrent AddOrder: {failures} failures, {} refusals",
        refusals(&mock, "EAPI:Invalid nonce")
    );
    assert_eq!(failures, 0);
    assert_eq!(mock.orders().len(), 50);
    assert_eq!(refusals(&mock, "EAPI:Invalid nonce"), 0);
}

/// Run as a child process by the test below: 100 Balance calls on the
/// shared key through the shared nonce file.
#[tokio::test]
async fn nonce_child_process() {
    let (Ok(url), Ok(file)) = (
        std::env::var("KRAKEN_NONCE_CHILD_URL"),
        std::env::var("KRAKEN_NONCE_CHILD_FILE"),
    ) else {
        return; // not a child: nothing to do
    };
    let client = SpotClient::builder()
        .base_url(url)
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .nonce_source(NonceSource::shared_file(file))
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    let mut failures = 0;
    for _ in 0..100 {
        if let Err(e) = client.get_account_balance().await {
            eprintln!("child call failed: {e}");
            failures += 1;
        }
    }
    println!("CHILD_FAILURES={failures}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_key_through_a_nonce_file() {
    let mock = MockKraken::start().await;
    let file = std::env::temp_dir().join(format!("kraken-spot-nonce-{}", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "nonce_child_process",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("KRAKEN_NONCE_CHILD_URL", mock.base_url())
                .env("KRAKEN_NONCE_CHILD_FILE", &file)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut failures = 0;
    for child in children {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let (_, after) = text.split_once("CHILD_FAILURES=").expect(&text);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        failures += digits.parse::<usize>().unwrap();
    }
    let accepted = mock.requests().iter().filter(|r| r.auth.is_ok()).count();
    let refused = refusals(&mock, "EAPI:Invalid nonce");
    println!(
        "4 processes x 100 calls: {failures} failures, {accepted} accepted, {refused} invalid nonces"
    );
    assert_eq!(failures, 0);
    assert_eq!(accepted, 400);
    assert_eq!(refused, 0);
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn a_persistent_invalid_nonce_names_the_causes_and_the_fix() {
    let mock = MockKraken::start().await;
    mock.respond(
        "/0/private/Balance",
        MockResponse::fixture("Error.EAPI_InvalidNonce.json"),
    );
    let err = builder(&mock)
        .build()
        .unwrap()
        .get_account_balance()
        .await
        .unwrap_err();
    assert!(err.is_invalid_nonce());
    assert_eq!(
        mock.requests().len(),
        4,
        "retried with fresh nonces, then given up"
    );
    let text = err.to_string();
    for needle in [
        "another program",
        "nanosecond",
        "clock",
        "nonce window",
        "shared_file",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

// ---- §3 Retries ----

#[tokio::test]
async fn private_reads_are_retried_with_fresh_nonces_writes_are_not() {
    let mock = MockKraken::sandbox().await;
    let client = builder(&mock).build().unwrap();
    mock.inject(
        "/0/private/Balance",
        Fault::Html {
            status: 502,
            process: false,
        },
        2,
    );
    client.get_account_balance().await.unwrap();
    let nonces: Vec<u64> = mock
        .requests()
        .iter()
        .map(|r| match r.auth {
            Ok(kraken_mock::Auth::ApiKey { nonce }) => nonce,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(nonces.len(), 3, "two 502s, then the answer");
    assert!(nonces.windows(2).all(|w| w[1] > w[0]), "{nonces:?}");

    let before = mock.requests().len();
    mock.inject(
        "/0/private/CancelOrder",
        Fault::Html {
            status: 502,
            process: false,
        },
        1,
    );
    let err = client
        .cancel_order()
        .txid("OABCDE-FGHIJ-KLMNOP")
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(
        mock.requests().len(),
        before + 1,
        "a cancel is never sent twice"
    );
}

#[tokio::test]
async fn a_wait_kraken_states_is_honoured() {
    let mock = MockKraken::sandbox().await;
    let client = builder(&mock).build().unwrap();
    let until = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    mock.inject(
        "/0/private/Balance",
        Fault::Kraken {
            code: format!("EService: Throttled: {until}"),
            process: false,
        },
        1,
    );
    let start = Instant::now();
    client.get_account_balance().await.unwrap();
    let waited = start.elapsed();
    // The backoff alone would be 5 to 20 ms.
    assert!(
        waited >= Duration::from_millis(900),
        "retried after {waited:?}"
    );
    assert_eq!(mock.requests().len(), 2);
}

// ---- §5 Credentials ----

#[tokio::test]
async fn a_bad_key_is_tried_once_then_paused_so_the_account_is_never_locked() {
    let mock = MockKraken::sandbox().await;
    mock.set_lockout(true);
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials("not-the-key", kraken_mock::API_SECRET)
        .build()
        .unwrap();
    let first = client.get_account_balance().await.unwrap_err();
    assert_eq!(first.kraken().unwrap().code(), "EAPI:Invalid key");
    assert!(first.is_auth());
    for _ in 0..20 {
        let err = client.get_open_orders().await.unwrap_err();
        assert!(matches!(err, Error::CredentialsCoolingDown { .. }), "{err}");
        assert!(err.to_string().contains("EAPI:Invalid key"), "{err}");
    }
    // One request reached the exchange: far from the five its lockout needs.
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(refusals(&mock, "EGeneral:Temporary lockout"), 0);
}

#[tokio::test]
async fn a_cooldown_ends_and_a_good_answer_clears_it() {
    let mock = MockKraken::start().await;
    let client = builder(&mock)
        .credential_cooldown(Duration::from_millis(200))
        .build()
        .unwrap();
    mock.respond_once(
        "/0/private/Balance",
        MockResponse::json(r#"{"error":["EAPI:Invalid signature"]}"#),
    );
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    assert!(client.get_account_balance().await.is_err());
    assert!(matches!(
        client.get_account_balance().await.unwrap_err(),
        Error::CredentialsCoolingDown { .. }
    ));
    tokio::time::sleep(Duration::from_millis(250)).await;
    client.get_account_balance().await.unwrap();
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn verified_permissions_refuse_what_the_key_cannot_do_before_sending() {
    let mock = MockKraken::start().await;
    let client = builder(&mock).build().unwrap();
    let permissions = client.verify_credentials().await.unwrap();
    let names: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "export-data",
            "query-closed-trades",
            "query-funds",
            "query-ledger",
            "query-open-trades"
        ]
    );
    let before = mock.requests().len();
    let err = client
        .submit_order("limit", "buy", "1", "XBTUSD")
        .price("100")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "submit_order needs the API key permission modify-trades, which this key does not have"
    );
    assert!(err.is_auth());
    assert_eq!(mock.requests().len(), before, "nothing was sent");
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    client.get_account_balance().await.unwrap();
}

#[tokio::test]
async fn a_pasted_secret_with_whitespace_works() {
    let mock = MockKraken::start().await;
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(
            format!(" {}\n", kraken_mock::API_KEY),
            format!("{}\r\n", kraken_mock::API_SECRET),
        )
        .build()
        .unwrap();
    client.get_account_balance().await.unwrap();
    assert!(mock.last_request().unwrap().auth.is_ok());
}

// ---- §7 Deadlines and runtimes ----

#[tokio::test]
async fn a_hung_read_fails_at_its_one_deadline_retries_included() {
    let mock = MockKraken::sandbox().await;
    mock.inject(
        "/0/public/Time",
        Fault::Delay {
            by: Duration::from_secs(30),
            process: false,
        },
        10,
    );
    let client = builder(&mock)
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.get_server_time().await.unwrap_err();
    let took = start.elapsed();
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(err.kind(), ErrorKind::Network);
    match &err {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{source}"),
        other => panic!("{other:?}"),
    }
    // A per-call deadline overrides the client's.
    let start = Instant::now();
    client
        .get_server_time()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_millis(600));
}

#[test]
fn one_client_serves_many_runtimes_one_after_another() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let mock = server.block_on(MockKraken::start());
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    let client = builder(&mock).build().unwrap();
    let mut failures = 0;
    for _round in 0..3 {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let client = client.clone();
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    let mut failed = 0;
                    for _ in 0..25 {
                        if let Err(e) = rt.block_on(client.get_account_balance().into_future()) {
                            eprintln!("{e}");
                            failed += 1;
                        }
                        if let Err(e) = rt.block_on(client.get_server_time().into_future()) {
                            eprintln!("{e}");
                            failed += 1;
                        }
                    }
                    failed
                    // The runtime is dropped here, with its connections.
                })
            })
            .collect();
        failures += threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum::<usize>();
    }
    println!("3 rounds x 4 runtimes x 50 calls: {failures} failures");
    assert_eq!(failures, 0);
}

// ---- §2 Bodies, §8 errors ----

#[tokio::test]
async fn an_oversized_body_is_refused_without_reading_it_whole() {
    let mock = MockKraken::start().await;
    let huge = format!(
        r#"{{"error":[],"result":{{"pad":"{}"}}}}"#,
        "x".repeat(3 << 20)
    );
    mock.respond("/0/public/Time", MockResponse::json(huge));
    let client = builder(&mock)
        .max_response_bytes(1 << 20, 1 << 20)
        .build()
        .unwrap();
    let err = client.get_server_time().await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Parse);
}

#[tokio::test]
async fn transport_errors_are_opaque_and_say_what_happened() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = SpotClient::builder()
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    let err = client.get_server_time().await.unwrap_err();
    match &err {
        Error::Transport { source, .. } => {
            assert!(source.is_connect());
            assert!(!source.is_timeout());
            assert!(std::error::Error::source(source).is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(err.is_retryable());
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn kraken_errors_are_typed_from_the_catalogue() {
    let mock = MockKraken::start().await;
    let client = builder(&mock).retry(RetryPolicy::NONE).build().unwrap();
    let cases = [
        ("Error.EOrder_InsufficientFunds.json", ErrorKind::Api, false),
        (
            "Error.EAPI_RateLimitExceeded.json",
            ErrorKind::RateLimit,
            true,
        ),
        (
            "Error.EGeneral_PermissionDenied.json",
            ErrorKind::Auth,
            false,
        ),
        (
            "Error.EGeneral_InvalidArguments_volume.json",
            ErrorKind::Validation,
            false,
        ),
    ];
    for (fixture, kind, retryable) in cases {
        mock.respond("/0/private/Balance", MockResponse::fixture(fixture));
        let err = client.get_account_balance().await.unwrap_err();
        assert_eq!(err.kind(), kind, "{fixture}: {err}");
        assert_eq!(err.is_retryable(), retryable, "{fixture}");
        let k = err.kraken().unwrap();
        assert!(k.info().is_some(), "{fixture} is in the catalogue");
    }
    let k = err_of(
        &client,
        &mock,
        "Error.EGeneral_InvalidArguments_volume.json",
    )
    .await;
    assert_eq!(k.code(), "EGeneral:Invalid arguments:volume");
    assert_eq!(k.detail(), Some("volume"));
    assert_eq!(k.info().unwrap().code, "EGeneral:Invalid arguments");

    // An unknown code is kept verbatim.
    mock.respond(
        "/0/private/Balance",
        MockResponse::json(r#"{"error":["EFuture:Something new:detail"]}"#),
    );
    let err = client.get_account_balance().await.unwrap_err();
    assert_eq!(err.kraken().unwrap().code(), "EFuture:Something new:detail");
    assert!(err.kraken().unwrap().info().is_none());
    assert_eq!(err.kind(), ErrorKind::Api);
}

async fn err_of(client: &SpotClient, mock: &MockKraken, fixture: &str) -> kraken_spot::KrakenError {
    mock.respond("/0/private/Balance", MockResponse::fixture(fixture));
    client
        .get_account_balance()
        .await
        .unwrap_err()
        .kraken()
        .unwrap()
        .clone()
}

#[test]
fn params_debug_redacts_secret_parameters() {
    let request = kraken_spot::GetOauthAccessTokenRequest::new("refresh_token")
        .refresh_token("REFRESH-SECRET-123")
        .code("AUTH-CODE-456");
    let shown = format!("{:?} {:?}", request.params().unwrap(), request);
    assert!(
        !shown.contains("REFRESH-SECRET-123") && !shown.contains("AUTH-CODE-456"),
        "{shown}"
    );
    assert!(shown.contains("REDACTED"), "{shown}");
}

// ---- Calls that fit async Rust (issue 9 §2) ----

#[tokio::test]
async fn a_built_call_can_be_spawned_and_its_parts_keep_the_otp() {
    let mock = MockKraken::start().await;
    mock.respond("/0/private/Balance", MockResponse::fixture("Balance.json"));
    let client = builder(&mock).build().unwrap();
    let otp_sent = |mock: &MockKraken| {
        mock.last_request()
            .unwrap()
            .form()
            .into_iter()
            .find(|(k, _)| k == "otp")
            .map(|(_, v)| v)
    };
    // The call owns a handle to the client: it outlives this scope's borrow.
    let handle = tokio::spawn(client.get_account_balance().otp("123456").into_future());
    handle.await.unwrap().unwrap();
    assert_eq!(otp_sent(&mock).as_deref(), Some("123456"));

    let (request, options) = client.get_account_balance().otp("654321").into_parts();
    assert!(!format!("{options:?}").contains("654321"));
    client.send_with(request, options).await.unwrap();
    assert_eq!(otp_sent(&mock).as_deref(), Some("654321"));
}
