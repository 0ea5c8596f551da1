//! Dead man's switch: `cancel_all_orders_after(60)` arms a timer that cancels
//! every open order unless it is pushed back in time. A bot calls it every
//! few seconds while healthy; when the bot dies, its orders go with it.
//!
//!     cargo run -p kraken-spot --example dead_mans_switch
//!
//! In the sandbox the clock is moved forward instead of waiting. Live
//! (`--live`, with KRAKEN_EXAMPLES_TRADE=1) it only arms and disarms the timer.

mod common;

use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::may_trade_live()?;
    let (mock, client) = common::connect().await?;

    let timer = client.cancel_all_orders_after(60).await?;
    println!(
        "armed at {}: everything is cancelled at {}",
        timer.current_time, timer.trigger_time
    );

    if let Some(mock) = &mock {
        let order = client
            .submit_order("limit", "buy", "0.01", "XBTUSD")
            .price("20000")
            .await?;
        println!("placed {:?}", order.txid);

        // The bot keeps pushing the deadline back while it is healthy...
        mock.advance(Duration::from_secs(30));
        client.cancel_all_orders_after(60).await?;
        mock.advance(Duration::from_secs(30));
        let open = client.get_open_orders().await?;
        println!(
            "after 60 s with a heartbeat: {} open order(s)",
            open.open.len()
        );
        assert_eq!(open.open.len(), 1);

        // ...then it stops: 60 s after the last heartbeat, the order is gone.
        mock.advance(Duration::from_secs(31));
        let open = client.get_open_orders().await?;
        println!(
            "61 s after the last heartbeat: {} open order(s)",
            open.open.len()
        );
        assert!(open.open.is_empty());
    }

    // Disarm: timeout 0.
    let timer = client.cancel_all_orders_after(0).await?;
    println!("disarmed (trigger time {})", timer.trigger_time);
    Ok(())
}
