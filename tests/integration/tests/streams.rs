//! History that is complete (issue 9 §1): streams over every paged endpoint,
//! correct while new entries arrive, paced, and ending at the last page.

use futures_util::TryStreamExt as _;
use kraken_mock::{MockKraken, MockResponse};
use kraken_spot::{RateLimitTier, SpotClient};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::time::Duration;

fn client(mock: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .unwrap()
}

fn ledger_pages(mock: &MockKraken) -> Vec<Option<String>> {
    mock.requests()
        .iter()
        .filter(|r| r.path == "/0/private/Ledgers")
        .map(|r| {
            r.form()
                .into_iter()
                .find(|(k, _)| k == "ofs")
                .map(|(_, v)| v)
        })
        .collect()
}

#[tokio::test]
async fn a_ledger_stream_yields_every_entry_once_while_new_ones_arrive() {
    let mock = MockKraken::sandbox().await;
    for i in 1..=120 {
        mock.deposit("default", "ZUSD", Decimal::from(i));
    }
    let client = client(&mock);
    let before: HashSet<kraken_spot::MapKey> = client
        .get_ledgers_info()
        .stream()
        .map_ok(|(id, _)| id)
        .try_collect()
        .await
        .unwrap();
    assert!(before.len() >= 120, "{}", before.len());
    assert_eq!(
        ledger_pages(&mock),
        [Some("0".into()), Some("50".into()), Some("100".into())]
    );

    // Again, with 30 new entries booked after the first page was read: they
    // push the older entries back, so page two starts with 30 repeats.
    let mut stream = std::pin::pin!(client.get_ledgers_info().stream());
    let mut ids = Vec::new();
    for _ in 0..50 {
        ids.push(stream.try_next().await.unwrap().unwrap().0);
    }
    for i in 0..30 {
        mock.deposit("default", "XXBT", Decimal::new(i + 1, 3));
    }
    while let Some((id, _)) = stream.try_next().await.unwrap() {
        ids.push(id);
    }
    let unique: HashSet<kraken_spot::MapKey> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "an entry was yielded twice");
    assert!(before.is_subset(&unique), "an entry was skipped");
    assert_eq!(unique.len(), before.len());
}

#[tokio::test]
async fn offset_streams_page_closed_orders_and_trades_and_stop_at_the_end() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    // The recorded page (as many entries as `count` says): one request.
    mock.respond(
        "/0/private/ClosedOrders",
        MockResponse::fixture("ClosedOrders.json"),
    );
    let closed: Vec<_> = client
        .get_closed_orders()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let recorded: serde_json::Value =
        serde_json::from_slice(&kraken_mock::fixture("ClosedOrders.json")).unwrap();
    assert_eq!(
        closed.len(),
        recorded["result"]["closed"].as_object().unwrap().len()
    );
    assert_eq!(
        closed[0].0,
        *recorded["result"]["closed"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
    );

    mock.respond(
        "/0/private/TradesHistory",
        MockResponse::json(r#"{"error":[],"result":{"trades":{},"count":0}}"#),
    );
    let trades: Vec<_> = client
        .get_trades_history()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(trades.is_empty());
}

#[tokio::test]
async fn cursor_streams_follow_next_cursor_to_the_last_page() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    let page = |items: &str, next: &str| {
        MockResponse::json(format!(
            r#"{{"error":[],"result":{{"deposit":[{items}],"next_cursor":{next}}}}}"#
        ))
    };
    let recorded: serde_json::Value =
        serde_json::from_slice(&kraken_mock::fixture("DepositStatus.json")).unwrap();
    let one = recorded["result"][0].to_string();
    mock.respond_once(
        "/0/private/DepositStatus",
        page(&format!("{one},{one}"), r#""c2""#),
    );
    mock.respond_once("/0/private/DepositStatus", page(&one, "null"));
    let deposits: Vec<_> = client
        .get_deposits_status()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(deposits.len(), 3);
    let cursors: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.form().into_iter().find(|(k, _)| k == "cursor").unwrap().1)
        .collect();
    assert_eq!(
        cursors,
        ["true", "c2"],
        "paging turned on, then the next cursor"
    );

    // WithdrawStatus: Kraken documents `next_cursor` but not the key of the
    // page's list, so these pages (built, not recorded) use two different
    // keys; the entry is the recorded one. Without paging, the recorded list.
    let recorded: serde_json::Value =
        serde_json::from_slice(&kraken_mock::fixture("WithdrawStatus.json")).unwrap();
    let one = recorded["result"][0].to_string();
    let withdrawals_page = |key: &str, items: &str, next: &str| {
        MockResponse::json(format!(
            r#"{{"error":[],"result":{{"{key}":[{items}],"next_cursor":{next}}}}}"#
        ))
    };
    mock.respond_once(
        "/0/private/WithdrawStatus",
        withdrawals_page("withdrawals", &format!("{one},{one}"), r#""w2""#),
    );
    mock.respond_once(
        "/0/private/WithdrawStatus",
        withdrawals_page("withdrawal", &one, r#""""#),
    );
    let withdrawals: Vec<_> = client
        .get_withdrawals_status()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(withdrawals.len(), 3);
    assert_eq!(
        withdrawals[2].refid.as_deref(),
        recorded["result"][0]["refid"].as_str()
    );
    let cursors: Vec<String> = mock
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("WithdrawStatus"))
        .map(|r| r.form().into_iter().find(|(k, _)| k == "cursor").unwrap().1)
        .collect();
    assert_eq!(
        cursors,
        ["true", "w2"],
        "an empty next_cursor ends the stream"
    );
    mock.respond_once(
        "/0/private/WithdrawStatus",
        MockResponse::fixture("WithdrawStatus.json"),
    );
    let all: Vec<_> = client
        .get_withdrawals_status()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), recorded["result"].as_array().unwrap().len());

    // Earn strategies: the recorded page says there is no next page.
    mock.respond(
        "/0/private/Earn/Strategies",
        MockResponse::fixture("Earn_Strategies.kraken-async-rs.json"),
    );
    let strategies: Vec<_> = client
        .get_earn_strategies()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(strategies.len(), 32);
}

#[tokio::test]
async fn public_trades_follow_the_last_cursor() {
    let mock = MockKraken::start().await;
    let client = client(&mock);
    let recorded: serde_json::Value =
        serde_json::from_slice(&kraken_mock::fixture("Trades.json")).unwrap();
    let (pair, rows) = recorded["result"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| *k != "last")
        .unwrap();
    let rows = rows.to_string();
    let page = |rows: &str, last: &str| {
        MockResponse::json(format!(
            r#"{{"error":[],"result":{{"{pair}":{rows},"last":"{last}"}}}}"#
        ))
    };
    mock.respond_once("/0/public/Trades", page(&rows, "1688671969993152000"));
    mock.respond_once("/0/public/Trades", page("[]", "1688671969993152000"));
    let trades: Vec<_> = client
        .get_recent_trades("XBTUSD")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        trades.len(),
        recorded["result"][pair].as_array().unwrap().len()
    );
    let since: Vec<Option<String>> = mock
        .requests()
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "since")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(since, [None, Some("1688671969993152000".to_owned())]);
}

#[tokio::test(start_paused = true)]
async fn pages_are_paced_like_any_call() {
    let mock = MockKraken::sandbox().await;
    for i in 1..=400 {
        mock.deposit("default", "ZUSD", Decimal::from(i));
    }
    mock.enforce_rate_limits(kraken_mock::RateTier::Starter);
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .rate_limit(RateLimitTier::Starter)
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let n = client
        .get_ledgers_info()
        .stream()
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert!(n >= 400);
    let pages = ledger_pages(&mock).len() as f64;
    // 2 per page on a counter of 15 draining 0.33 per second.
    let minimum = ((2.0 * pages) - 15.0).max(0.0) / 0.33;
    let took = start.elapsed().as_secs_f64();
    println!("{pages} ledger pages: {took:.1} s, {minimum:.1} s minimum");
    assert!(
        took >= minimum * 0.99 && took <= minimum * 1.1 + 0.1,
        "{took} vs {minimum}"
    );
    assert!(
        mock.answered_errors().is_empty(),
        "{:?}",
        mock.answered_errors()
    );
}
