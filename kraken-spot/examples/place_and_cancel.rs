//! Place a limit order with your own client order id, find it by that id,
//! and cancel it by that id.
//!
//!     cargo run -p kraken-spot --example place_and_cancel
//!
//! Live (`--live`) it places a real order: it runs only with
//! KRAKEN_EXAMPLES_TRADE=1, and the price is far below the market.

mod common;

use kraken_spot::Decimal;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::may_trade_live()?;
    let (_mock, client) = common::connect().await?;

    // A tenth of the best bid, so it rests in the book. (In the sandbox the
    // ticker is a recording, and orders fill against the sandbox's own price,
    // the middle of its recorded XBTUSD book unless moved; a tenth of either
    // is far below it.)
    let ticker = client.get_ticker().pair("XBTUSD").await?;
    let bid = ticker
        .values()
        .find_map(|t| t.bid.as_ref())
        .ok_or("no bid in the ticker")?
        .price;
    let price = (bid / Decimal::from(10)).round_dp(1);

    // Your own id: a UUID, 32 hex characters, or up to 18 printable ASCII
    // characters. `generate_new_order_id()` makes one.
    let id = client.generate_new_order_id();
    let placed = client
        .submit_order("limit", "buy", "0.0001", "XBTUSD")
        .price(price)
        .cl_ord_id(&id)
        .await?;
    println!("placed {:?} ({}) as {id}", placed.txid, placed.descr.order);

    // Find it by the client order id.
    let open = client.get_open_orders().cl_ord_id(&id).await?;
    for (txid, order) in &open.open {
        let price = order.descr.as_ref().and_then(|d| d.price.as_deref());
        println!(
            "open: {txid} {:?} {:?} @ {price:?}",
            order.status, order.vol
        );
    }

    // Cancel by the client order id, too.
    let cancelled = client.cancel_order().cl_ord_id(&id).await?;
    println!("cancelled {} order(s)", cancelled.count);

    let open = client.get_open_orders().cl_ord_id(&id).await?;
    assert!(open.open.is_empty(), "the order is still open");
    Ok(())
}
