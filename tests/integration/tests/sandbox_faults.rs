//! Faults on demand: each fault's effect on the wire and on the sandbox's state.

mod sandbox_util;

use std::time::{Duration, Instant};

use kraken_mock::{Fault, MockKraken};
use sandbox_util::{call, client, errors, post, post_as, signed_form};

const ADD: &str = "/0/private/AddOrder";
const LIMIT_BUY: &str = "ordertype=limit&type=buy&volume=0.01&pair=XBTUSD&price=20000.0";

fn add_params(cl_ord_id: &str) -> String {
    format!("{LIMIT_BUY}&cl_ord_id={cl_ord_id}")
}

#[tokio::test]
async fn drop_after_processing_closes_the_connection_and_keeps_the_order() {
    let mock = MockKraken::sandbox().await;
    mock.inject(ADD, Fault::Drop { process: true }, 1);
    let err = post(&mock, ADD, &add_params("drop-1"))
        .await
        .expect_err("no HTTP answer at all");
    // A connection closed before any response, not an HTTP error status.
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    assert!(err.is_request() || err.is_connect(), "{err:?}");

    let orders = mock.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].cl_ord_id.as_deref(), Some("drop-1"));
    assert_eq!(orders[0].status, "open");
    assert_eq!(mock.requests().len(), 1);

    // The fault was for one call only: the next call is answered, from state.
    let open = call(&mock, "/0/private/OpenOrders", "cl_ord_id=drop-1").await;
    assert_eq!(errors(&open), Vec::<String>::new());
    let open = open["result"]["open"].as_object().unwrap();
    assert_eq!(open.keys().collect::<Vec<_>>(), [&orders[0].txid]);
}

#[tokio::test]
async fn drop_without_processing_places_nothing() {
    let mock = MockKraken::sandbox().await;
    mock.inject(ADD, Fault::Drop { process: false }, 2);
    for i in 0..2 {
        assert!(
            post(&mock, ADD, &add_params(&format!("d{i}")))
                .await
                .is_err()
        );
    }
    assert!(mock.orders().is_empty());
    let placed = call(&mock, ADD, &add_params("d2")).await;
    assert_eq!(errors(&placed), Vec::<String>::new());
    assert_eq!(mock.orders().len(), 1);
}

#[tokio::test]
async fn the_client_sees_a_transport_error_and_one_order_exists() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock);
    mock.inject(ADD, Fault::Drop { process: true }, 1);
    let err = client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .cl_ord_id("client-drop")
        .await
        .expect_err("the connection was dropped");
    assert!(err.kraken().is_none(), "{err:?}");
    assert!(
        !matches!(err, kraken_spot::Error::Http { .. }),
        "not an HTTP status: {err:?}"
    );
    let adds = mock.requests().iter().filter(|r| r.path == ADD).count();
    assert_eq!(adds, 1, "the order request reached the mock exactly once");
    let orders = mock.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].cl_ord_id.as_deref(), Some("client-drop"));
    assert_eq!(orders[0].volume, "0.01");
    assert_eq!(orders[0].price.as_deref(), Some("20000.0"));
}

#[tokio::test]
async fn html_error_pages_with_and_without_processing() {
    let mock = MockKraken::sandbox().await;
    mock.inject(
        "/0/private/Balance",
        Fault::Html {
            status: 502,
            process: false,
        },
        1,
    );
    let response = reqwest_post(&mock, "/0/private/Balance").await;
    assert_eq!(response.0, 502);
    assert_eq!(response.1, "text/html; charset=UTF-8");
    assert!(response.2.contains("Error code 502"), "{}", response.2);

    mock.inject(
        ADD,
        Fault::Html {
            status: 520,
            process: true,
        },
        1,
    );
    let (status, body) = post(&mock, ADD, &add_params("html-520")).await.unwrap();
    assert_eq!(status, 520);
    assert!(body.contains("<!DOCTYPE html>") && body.contains("Error code 520"));
    assert_eq!(mock.orders().len(), 1);
}

/// A signed POST with no parameters: (status, content type, body).
async fn reqwest_post(mock: &MockKraken, path: &str) -> (u16, String, String) {
    let r = signed_form(
        &reqwest::Client::new(),
        mock,
        path,
        "",
        sandbox_util::nonce(),
    )
    .send()
    .await
    .unwrap();
    let status = r.status().as_u16();
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    (status, ct, r.text().await.unwrap())
}

#[tokio::test]
async fn kraken_error_faults() {
    let mock = MockKraken::sandbox().await;
    let unavailable = |process| Fault::Kraken {
        code: "EService:Unavailable".to_owned(),
        process,
    };
    mock.inject(ADD, unavailable(true), 1);
    mock.inject(ADD, unavailable(false), 1);
    let first = call(&mock, ADD, &add_params("k1")).await;
    assert_eq!(
        first,
        serde_json::json!({"error": ["EService:Unavailable"]})
    );
    let second = call(&mock, ADD, &add_params("k2")).await;
    assert_eq!(errors(&second), ["EService:Unavailable"]);
    let placed: Vec<_> = mock.orders().into_iter().map(|o| o.cl_ord_id).collect();
    assert_eq!(placed, [Some("k1".to_owned())]);
}

#[tokio::test]
async fn delay_answers_after_the_client_gave_up() {
    let mock = MockKraken::sandbox().await;
    let by = Duration::from_millis(400);
    mock.inject(ADD, Fault::Delay { by, process: true }, 1);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = signed_form(
        &client,
        &mock,
        ADD,
        &add_params("slow"),
        sandbox_util::nonce(),
    )
    .send()
    .await
    .expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(mock.orders().len(), 1, "processed before the delay");

    // A patient client gets the normal answer, after the delay.
    mock.inject(ADD, Fault::Delay { by, process: true }, 1);
    let started = Instant::now();
    let answer = call(&mock, ADD, &add_params("slow-2")).await;
    assert!(started.elapsed() >= by);
    assert_eq!(answer["result"]["txid"][0], mock.orders()[1].txid.as_str());
}

#[tokio::test]
async fn redirects_never_process() {
    let mock = MockKraken::sandbox().await;
    mock.inject(
        ADD,
        Fault::Redirect {
            status: 307,
            location: "https://attacker.example/0/private/AddOrder".to_owned(),
        },
        1,
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = signed_form(
        &no_redirects,
        &mock,
        ADD,
        &add_params("r1"),
        sandbox_util::nonce(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 307);
    assert_eq!(
        r.headers()["location"],
        "https://attacker.example/0/private/AddOrder"
    );
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn rejected_requests_do_not_use_up_faults() {
    let mock = MockKraken::sandbox().await;
    mock.inject(
        "/0/private/Balance",
        Fault::Kraken {
            code: "EService:Busy".to_owned(),
            process: false,
        },
        1,
    );
    let bad =
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXw==";
    let (_, body) = post_as(&mock, kraken_mock::API_KEY, bad, "/0/private/Balance", "")
        .await
        .unwrap();
    assert_eq!(body, r#"{"error":["EAPI:Invalid signature"]}"#);
    let busy = call(&mock, "/0/private/Balance", "").await;
    assert_eq!(errors(&busy), ["EService:Busy"]);
    let normal = call(&mock, "/0/private/Balance", "").await;
    assert_eq!(errors(&normal), Vec::<String>::new());
    mock.inject(ADD, Fault::Drop { process: true }, 5);
    mock.clear_faults();
    assert_eq!(
        errors(&call(&mock, ADD, &add_params("c")).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn fraction_faults_are_seeded_and_about_right() {
    async fn statuses(mock: &MockKraken) -> Vec<u16> {
        mock.inject_fraction(
            "/0/private/Balance",
            Fault::Html {
                status: 502,
                process: false,
            },
            0.3,
        );
        let mut out = Vec::new();
        for _ in 0..200 {
            out.push(post(mock, "/0/private/Balance", "").await.unwrap().0);
        }
        out
    }
    let a = statuses(&MockKraken::sandbox().await).await;
    let b = statuses(&MockKraken::start().await).await;
    assert_eq!(a, b, "same seed, same faults");
    let faulted = a.iter().filter(|&&s| s == 502).count();
    assert!((40..=80).contains(&faulted), "{faulted} of 200");
    assert!(a.iter().all(|&s| s == 502 || s == 200));
}
