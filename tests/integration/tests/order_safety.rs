//! Exactly-once orders (issue 6 §1, §2): every fault that can hide whether an
//! order reached Kraken gives "outcome unknown" with the order's client id,
//! the order is sent exactly once, resolving finds it, and the opt-in resend
//! policy ends with exactly one order in every case.

mod common;

use common::assert_generated_id;
use kraken_mock::{Fault, MockKraken};
use kraken_spot::{BatchOrder, Error, OrderResend, OrderResolution, RetryPolicy, SpotClient};
use std::time::Duration;

const ADD: &str = "/0/private/AddOrder";
const BATCH: &str = "/0/private/AddOrderBatch";
/// The client's deadline per call in these tests; `Delay` faults answer later.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(800);

fn client(mock: &MockKraken, resend: OrderResend) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .timeout(CLIENT_TIMEOUT)
        .retry(RetryPolicy::new(
            3,
            Duration::from_millis(1),
            Duration::from_millis(5),
        ))
        .order_resend(resend)
        .build()
        .unwrap()
}

/// Every fault after which the client cannot know whether Kraken took the
/// order: the request was processed, then the answer was lost or says nothing.
fn faults_after_processing() -> Vec<(&'static str, Fault)> {
    vec![
        ("connection closed", Fault::Drop { process: true }),
        (
            "answer after the client's timeout",
            Fault::Delay {
                by: Duration::from_secs(3),
                process: true,
            },
        ),
        (
            "502 HTML",
            Fault::Html {
                status: 502,
                process: true,
            },
        ),
        (
            "503 HTML",
            Fault::Html {
                status: 503,
                process: true,
            },
        ),
        (
            "520 HTML",
            Fault::Html {
                status: 520,
                process: true,
            },
        ),
        (
            "EService:Unavailable",
            Fault::Kraken {
                code: "EService:Unavailable".into(),
                process: true,
            },
        ),
        (
            "EGeneral:Internal error",
            Fault::Kraken {
                code: "EGeneral:Internal error".into(),
                process: true,
            },
        ),
    ]
}

/// The same faults where the order was not processed.
fn faults_before_processing() -> Vec<(&'static str, Fault)> {
    vec![
        ("connection closed", Fault::Drop { process: false }),
        (
            "502 HTML",
            Fault::Html {
                status: 502,
                process: false,
            },
        ),
        (
            "520 HTML",
            Fault::Html {
                status: 520,
                process: false,
            },
        ),
        (
            "EService:Unavailable",
            Fault::Kraken {
                code: "EService:Unavailable".into(),
                process: false,
            },
        ),
    ]
}

fn sent(mock: &MockKraken, path: &str) -> usize {
    mock.requests().iter().filter(|r| r.path == path).count()
}

async fn place_one(client: &SpotClient) -> Result<(), Error> {
    client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .map(drop)
}

async fn place_batch(client: &SpotClient) -> Result<(), Error> {
    let orders = [
        BatchOrder::new("limit", "buy", "0.01").price("20000.0"),
        BatchOrder::new("limit", "buy", "0.02").price("19000.0"),
    ];
    client.submit_batch_orders(orders, "XBTUSD").await.map(drop)
}

/// Runs one fault case: the order call fails with "outcome unknown" naming
/// its ids, exactly one request reached the mock, and resolving finds every
/// order the mock holds.
async fn outcome_unknown_case(name: &'static str, fault: Fault, batch: bool) {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock, OrderResend::Never);
    let path = if batch { BATCH } else { ADD };
    mock.inject(path, fault, 1);
    let err = if batch {
        place_batch(&client).await
    } else {
        place_one(&client).await
    }
    .expect_err(name);
    assert!(err.outcome_unknown(), "{name}: {err}");
    assert_eq!(sent(&mock, path), 1, "{name}: the order left exactly once");
    let placed = mock.orders();
    assert_eq!(placed.len(), if batch { 2 } else { 1 }, "{name}");
    let ids: Vec<String> = placed
        .iter()
        .map(|o| o.cl_ord_id.clone().unwrap())
        .collect();
    assert_eq!(
        err.cl_ord_ids(),
        ids.as_slice(),
        "{name}: the error names the orders"
    );
    ids.iter().for_each(|id| assert_generated_id(id));
    for (id, order) in ids.iter().zip(&placed) {
        match client.resolve_order(id).await.unwrap() {
            OrderResolution::Placed { txid, .. } => assert_eq!(txid, order.txid, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(
        client.resolve_order("never-sent-id").await.unwrap(),
        OrderResolution::NotFound
    );
}

#[tokio::test]
async fn every_ambiguous_fault_on_submit_order_is_outcome_unknown_and_resolvable() {
    for (name, fault) in faults_after_processing() {
        outcome_unknown_case(name, fault, false).await;
    }
}

#[tokio::test]
async fn every_ambiguous_fault_on_submit_batch_orders_is_outcome_unknown_and_resolvable() {
    for (name, fault) in faults_after_processing() {
        outcome_unknown_case(name, fault, true).await;
    }
}

/// With the resend policy on: one case, returning how many orders exist at
/// the end and how many order requests the mock saw.
async fn resend_case(fault: Fault, batch: bool) -> (Result<(), Error>, usize, usize) {
    let mock = MockKraken::sandbox().await;
    let client = client(
        &mock,
        OrderResend::WhenNotPlaced {
            deadline: Duration::from_secs(2),
        },
    );
    let path = if batch { BATCH } else { ADD };
    mock.inject(path, fault, 1);
    let result = if batch {
        place_batch(&client).await
    } else {
        place_one(&client).await
    };
    // Every request carried the deadline the policy set.
    for r in mock.requests().iter().filter(|r| r.path == path) {
        let has_deadline =
            r.form().iter().any(|(k, _)| k == "deadline") || r.body_str().contains("\"deadline\":");
        assert!(has_deadline, "{}", r.body_str());
    }
    (result, mock.orders().len(), sent(&mock, path))
}

#[tokio::test]
async fn the_resend_policy_ends_with_exactly_one_order_in_every_case() {
    let mut cases = tokio::task::JoinSet::new();
    for batch in [false, true] {
        for (name, fault) in faults_after_processing() {
            cases.spawn(async move { (name, batch, true, resend_case(fault, batch).await) });
        }
        for (name, fault) in faults_before_processing() {
            cases.spawn(async move { (name, batch, false, resend_case(fault, batch).await) });
        }
    }
    let mut seen = 0;
    while let Some(done) = cases.join_next().await {
        let (name, batch, processed, (result, orders, requests)) = done.unwrap();
        let per_call = if batch { 2 } else { 1 };
        assert_eq!(
            orders, per_call,
            "{name} (batch {batch}, processed {processed}): exactly one of each order"
        );
        if processed {
            // The first request was carried out: found, not sent again.
            let err = result.expect_err(name);
            assert!(
                matches!(err, Error::OrderPlaced { ref placed, .. } if placed.len() == per_call),
                "{name}: {err}"
            );
            assert_eq!(requests, 1, "{name}");
        } else {
            // Not carried out: sent again with the same ids, and it went through.
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(requests, 2, "{name}");
        }
        seen += 1;
    }
    assert_eq!(seen, 2 * (7 + 4));
}

#[tokio::test]
async fn a_resent_order_keeps_its_client_order_id() {
    let mock = MockKraken::sandbox().await;
    let client = client(
        &mock,
        OrderResend::WhenNotPlaced {
            deadline: Duration::from_secs(2),
        },
    );
    mock.inject(ADD, Fault::Drop { process: false }, 1);
    place_one(&client).await.unwrap();
    let ids: Vec<String> = mock
        .requests()
        .iter()
        .filter(|r| r.path == ADD)
        .map(|r| {
            r.form()
                .into_iter()
                .find(|(k, _)| k == "cl_ord_id")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(mock.orders()[0].cl_ord_id.as_deref(), Some(ids[0].as_str()));
}

#[tokio::test]
async fn definite_refusals_are_not_outcome_unknown_and_are_never_resent() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock, OrderResend::Never);
    mock.inject(
        ADD,
        Fault::Kraken {
            code: "EOrder:Insufficient funds".into(),
            process: false,
        },
        1,
    );
    let err = place_one(&client).await.unwrap_err();
    assert!(!err.outcome_unknown(), "{err}");
    assert!(err.is_insufficient_funds(), "{err}");
    assert_eq!(sent(&mock, ADD), 1);
    assert!(mock.orders().is_empty());
}

#[tokio::test]
async fn a_redirect_is_never_followed_and_leaves_no_credentials_elsewhere() {
    let mock = MockKraken::sandbox().await;
    let elsewhere = MockKraken::sandbox().await;
    let client = client(&mock, OrderResend::Never);
    mock.inject(
        ADD,
        Fault::Redirect {
            status: 307,
            location: format!("{}{ADD}", elsewhere.base_url()),
        },
        1,
    );
    let err = place_one(&client).await.unwrap_err();
    assert!(
        err.outcome_unknown(),
        "an order's redirect is outcome unknown: {err}"
    );
    match &err {
        Error::OutcomeUnknown { cause, .. } => match &**cause {
            Error::Redirect {
                status, location, ..
            } => {
                assert_eq!(*status, 307);
                assert_eq!(location, &format!("{}{ADD}", elsewhere.base_url()));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(
        elsewhere.requests().is_empty(),
        "nothing went to the other host"
    );
    assert_eq!(sent(&mock, ADD), 1);

    // A signed read is not followed either (and is an error that says where).
    mock.inject(
        "/0/private/Balance",
        Fault::Redirect {
            status: 302,
            location: format!("{}/0/private/Balance", elsewhere.base_url()),
        },
        1,
    );
    let err = client.get_account_balance().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err}");
    assert!(elsewhere.requests().is_empty());
}

#[tokio::test]
async fn userref_orders_go_without_a_generated_client_order_id() {
    let mock = MockKraken::sandbox().await;
    let client = client(&mock, OrderResend::Never);
    client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .userref(42)
        .await
        .unwrap();
    let form = mock.last_request().unwrap().form();
    assert!(form.iter().all(|(k, _)| k != "cl_ord_id"), "{form:?}");
    assert_eq!(mock.orders()[0].userref, Some(42));
}
