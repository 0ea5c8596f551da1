//! Reconcile an order after an error: the connection drops after Kraken may
//! have taken the order, so the error says the outcome is unknown and the
//! client never sends it again. `resolve_order` asks Kraken what happened.
//!
//!     cargo run -p kraken-spot --example reconcile
//!
//! Sandbox only: the faults are injected into the bundled sandbox.

mod common;

use kraken_mock::{Fault, MockKraken};
use kraken_spot::{OrderResolution, SpotClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if common::live() {
        return Err("reconcile injects faults into the sandbox; it has no --live mode".into());
    }
    let mock = MockKraken::sandbox().await;
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()?;

    // 1. Kraken takes the order, then the connection drops before the answer.
    mock.inject("/0/private/AddOrder", Fault::Drop { process: true }, 1);
    let found = place_and_reconcile(&client).await?;
    assert!(matches!(found, OrderResolution::Placed { .. }));

    // 2. The connection drops before Kraken acts on it.
    mock.inject("/0/private/AddOrder", Fault::Drop { process: false }, 1);
    let found = place_and_reconcile(&client).await?;
    assert_eq!(found, OrderResolution::NotFound);

    println!(
        "the sandbox holds {} order(s): none was sent twice",
        mock.orders().len()
    );
    Ok(())
}

async fn place_and_reconcile(client: &SpotClient) -> Result<OrderResolution, kraken_spot::Error> {
    let id = client.generate_new_order_id();
    let err = match client
        .submit_order("limit", "buy", "0.01", "XBTUSD")
        .price("20000")
        .cl_ord_id(&id)
        .await
    {
        Ok(order) => {
            println!("placed {:?} without trouble", order.txid);
            return Ok(OrderResolution::NotFound);
        }
        Err(e) => e,
    };
    // Not retried: an order is never sent twice.
    assert!(err.outcome_unknown(), "{err}");
    println!("error: {err}");
    println!(
        "  outcome unknown for client order id {:?}",
        err.cl_ord_id()
    );
    let found = client.resolve_order(&id).await?;
    match &found {
        OrderResolution::Placed { txid, order } => {
            println!("  resolved: placed as {txid}, status {:?}", order.status)
        }
        OrderResolution::NotFound => println!("  resolved: not placed; deciding again is safe"),
        other => println!("  resolved: {other:?}"),
    }
    Ok(found)
}
