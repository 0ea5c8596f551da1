//! Pacing that matches Kraken's counters (issue 6 §6), against the sandbox
//! enforcing both counters exactly as kraken-rest.md §4 describes. tokio's
//! clock is paused: the client's waits and the exchange's counters both run
//! on its virtual time, so minutes of pacing take a moment and are exact.

use kraken_mock::{MockKraken, RateTier};
use kraken_spot::{RateLimitTier, RetryPolicy, SpotClient};
use std::time::Duration;
use tokio::time::Instant;

fn paced(mock: &MockKraken, tier: RateLimitTier) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .rate_limit(tier)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap()
}

/// How many answers carried `code`.
fn count_answers(mock: &MockKraken, code: &str) -> usize {
    mock.answered_errors()
        .iter()
        .filter(|a| a.starts_with(code))
        .count()
}

fn report(what: &str, took: Duration, minimum: f64, errors: usize) {
    println!(
        "{what}: {:.1} s taken, {minimum:.1} s minimum the counters allow ({:.3}x), {errors} rate-limit errors",
        took.as_secs_f64(),
        took.as_secs_f64() / minimum
    );
}

#[tokio::test(start_paused = true)]
async fn two_hundred_mixed_private_calls_stay_under_the_rest_counter() {
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Intermediate);
    let client = paced(&mock, RateLimitTier::Intermediate);
    // Costs: Balance 1, TradeBalance 1, OpenOrders 2, ClosedOrders 2, Ledgers 2.
    let mut tasks = tokio::task::JoinSet::new();
    let start = Instant::now();
    for task in 0..8 {
        let client = client.clone();
        tasks.spawn(async move {
            let mut cost = 0u32;
            for i in 0..25 {
                let r = match (task + i) % 5 {
                    0 => client.get_account_balance().await.map(drop),
                    1 => client.get_trade_balance().await.map(drop),
                    2 => client.get_open_orders().await.map(drop),
                    3 => client.get_closed_orders().await.map(drop),
                    _ => client.get_ledgers_info().await.map(drop),
                };
                r.unwrap_or_else(|e| panic!("call {i} of task {task}: {e}"));
                cost += if (task + i) % 5 < 2 { 1 } else { 2 };
            }
            cost
        });
    }
    let mut total = 0;
    while let Some(cost) = tasks.join_next().await {
        total += cost.unwrap();
    }
    let took = start.elapsed();
    // Intermediate: 20 free, then 0.5 per second.
    let minimum = (f64::from(total) - 20.0) / 0.5;
    let errors = count_answers(&mock, "EAPI:Rate limit exceeded");
    report(
        "200 mixed private calls (Intermediate)",
        took,
        minimum,
        errors,
    );
    assert_eq!(errors, 0);
    assert!(
        took.as_secs_f64() <= minimum * 1.10,
        "{took:?} vs {minimum} s"
    );
    assert!(
        took.as_secs_f64() >= minimum * 0.99,
        "faster than the counter allows?"
    );
}

#[tokio::test(start_paused = true)]
async fn three_hundred_adds_and_cancels_on_one_pair_stay_under_the_trading_counter() {
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Pro);
    let client = paced(&mock, RateLimitTier::Pro);
    let start = Instant::now();
    for i in 0..150 {
        let added = client
            .submit_order("limit", "buy", "0.01", "XBTUSD")
            .price("20000.0")
            .await
            .unwrap_or_else(|e| panic!("add {i}: {e}"));
        let txid = added.txid.unwrap().remove(0);
        client
            .cancel_order()
            .txid(txid)
            .await
            .unwrap_or_else(|e| panic!("cancel {i}: {e}"));
    }
    let took = start.elapsed();
    // Each add +1, each cancel of an order younger than 5 s +8; Pro: threshold
    // 180 (refused on reaching it), decay 3.75 per second.
    let minimum = (150.0 * 9.0 - 180.0) / 3.75;
    let errors = count_answers(&mock, "EOrder:Rate limit exceeded");
    report(
        "150 AddOrder + 150 CancelOrder on XBTUSD (Pro)",
        took,
        minimum,
        errors,
    );
    assert_eq!(errors, 0);
    assert_eq!(count_answers(&mock, "EAPI:Rate limit exceeded"), 0);
    assert!(
        took.as_secs_f64() <= minimum * 1.10,
        "{took:?} vs {minimum} s"
    );
    let counters = client.rate_counters().unwrap();
    assert_eq!(counters.trading[0].0, "XBTUSD");
    assert!(counters.trading[0].1.level < 180.0);
}

#[tokio::test(start_paused = true)]
async fn a_counter_already_full_from_another_program_makes_reads_wait_and_writes_fail() {
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Starter);
    // Another program on the same key spends the whole counter.
    let other = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    for _ in 0..15 {
        other.get_account_balance().await.unwrap();
    }
    let client = paced(&mock, RateLimitTier::Starter);
    let start = Instant::now();
    for i in 0..10 {
        client
            .get_account_balance()
            .await
            .unwrap_or_else(|e| panic!("read {i}: {e}"));
    }
    // Only the first read was refused; from then on the local counter knew.
    assert_eq!(count_answers(&mock, "EAPI:Rate limit exceeded"), 1);
    println!(
        "10 reads after another program filled the counter: {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // A write refused by the trading counter returns the error at once.
    let fresh = MockKraken::sandbox().await;
    fresh.enforce_rate_limits(RateTier::Starter);
    let other = SpotClient::builder()
        .base_url(fresh.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .unwrap();
    for _ in 0..59 {
        other
            .submit_order("limit", "buy", "0.01", "XBTUSD")
            .price("20000.0")
            .await
            .unwrap();
    }
    let client = paced(&fresh, RateLimitTier::Starter);
    let err = client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000.0")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(!err.outcome_unknown());
    let level = client.rate_counters().unwrap().trading[0].1.level;
    assert!(
        (level - 60.0).abs() < 0.5,
        "the local counter went to its maximum: {level}"
    );
}

#[tokio::test(start_paused = true)]
async fn pacing_waits_before_the_nonce_is_taken() {
    // A call that waits for the counter must not hold a nonce meanwhile:
    // another program that signs during the wait would make it stale.
    let mock = MockKraken::sandbox().await;
    mock.enforce_rate_limits(RateTier::Pro); // the exchange allows 20
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .rate_limit(RateLimitTier::Starter) // this client stays under 15
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    for _ in 0..15 {
        client.get_account_balance().await.unwrap();
    }
    let start = Instant::now();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.get_account_balance().await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Another program on the same key signs and sends while the call waits.
    let other = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    other.get_account_balance().await.unwrap();
    waiting.await.unwrap().unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(3),
        "it did wait for the counter"
    );
    assert_eq!(count_answers(&mock, "EAPI:Invalid nonce"), 0);
}
