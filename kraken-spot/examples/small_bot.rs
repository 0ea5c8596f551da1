//! A small trading bot, as a new user writes it (issue 9's yardstick): read
//! the ticker, check the balance, place a limit buy with a client order id,
//! reconcile it after an error with `resolve_order`, cancel it, and read the
//! history through the crate's streams.
//!
//!     cargo run -p kraken-spot --example small_bot
//!
//! Sandbox only: the error (the connection drops after the sandbox took the
//! order) is injected into the bundled sandbox.

use futures_util::TryStreamExt as _;
use kraken_mock::{Fault, MockKraken};
use kraken_spot::{Decimal, OrderResolution, SpotClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockKraken::sandbox().await;
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()?;

    // Market data: the best bid, and a tenth of it, so the order rests.
    let ticker = client.get_ticker().pair("XBTUSD").await?;
    let bid = ticker
        .values()
        .find_map(|t| t.bid.as_ref())
        .ok_or("no bid")?
        .price;
    let price = (bid / Decimal::from(10)).round_dp(1);
    let volume = Decimal::new(1, 3);

    // Enough dollars for the order?
    let balance = client.get_account_balance().await?;
    let usd = balance.get("ZUSD").copied().unwrap_or_default();
    if usd < price * volume {
        return Err(format!("{usd} USD cannot pay for {volume} XBT at {price}").into());
    }

    // Place it with our own id; the connection drops after the sandbox took it.
    mock.inject("/0/private/AddOrder", Fault::Drop { process: true }, 1);
    let id = client.generate_new_order_id();
    let placed = client
        .submit_order("limit", "buy", volume, "XBTUSD")
        .price(price)
        .cl_ord_id(&id)
        .await;
    let txid = match placed {
        Ok(order) => order.txid.unwrap_or_default().remove(0),
        // Never re-sent by the client: ask Kraken whether it has the order.
        Err(e) if e.outcome_unknown() => match client.resolve_order(&id).await? {
            OrderResolution::Placed { txid, .. } => txid,
            other => return Err(format!("{e}; resolved: {other:?}").into()),
        },
        Err(e) => return Err(e.into()),
    };
    println!("buy {volume} XBT @ {price}: order {txid} ({id})");

    let cancelled = client.cancel_order().txid(&txid).await?;
    println!("cancelled {} order(s)", cancelled.count);

    // History, every page: closed orders and ledger entries.
    let closed: Vec<_> = client.get_closed_orders().stream().try_collect().await?;
    for (txid, order) in &closed {
        println!("closed {txid}: {:?}", order.status);
    }
    let mut ledger = std::pin::pin!(client.get_ledgers_info().stream());
    let mut entries = 0;
    while let Some((id, entry)) = ledger.try_next().await? {
        println!("ledger {id}: {:?} {:?}", entry.asset, entry.amount);
        entries += 1;
    }
    println!("{} closed order(s), {entries} ledger entries", closed.len());
    assert!(closed.iter().any(|(t, _)| *t == txid));
    Ok(())
}
