//! The main job end to end: market data, balances and a validate-only order.
//!
//! With no arguments it starts the bundled Kraken sandbox on 127.0.0.1 and
//! talks to it: no network and no credentials needed, and the answers follow
//! from what was sent (the order below is priced and described as placed).
//!
//!     cargo run --locked -p kraken-spot --example quickstart
//!
//! With `--live` (or `KRAKEN_LIVE=1`) it talks to api.kraken.com; private
//! calls run only when `KRAKEN_API_KEY` and `KRAKEN_API_SECRET` are set, and
//! the order is sent with `validate=true`, so nothing trades.

use kraken_spot::SpotClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::args().any(|a| a == "--live")
        || std::env::var("KRAKEN_LIVE").is_ok_and(|v| v == "1");

    // Keep the mock alive for the whole run.
    let (_mock, client) = if live {
        let mut builder = SpotClient::builder();
        if let (Ok(key), Ok(secret)) = (
            std::env::var("KRAKEN_API_KEY"),
            std::env::var("KRAKEN_API_SECRET"),
        ) {
            builder = builder.credentials(key, secret);
        }
        println!("talking to {}", kraken_spot::DEFAULT_BASE_URL);
        (None, builder.build()?)
    } else {
        let mock = kraken_mock::MockKraken::sandbox().await;
        println!(
            "talking to the bundled Kraken sandbox at {}",
            mock.base_url()
        );
        let client = SpotClient::builder()
            .base_url(mock.base_url())
            .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
            .build()?;
        (Some(mock), client)
    };

    let time = client.get_server_time().await?;
    println!(
        "server time: {} ({})",
        time.unixtime,
        time.rfc1123.as_deref().unwrap_or("-")
    );

    let ticker = client.get_ticker().pair("XBTUSD").await?;
    for (pair, t) in &ticker {
        // Every Ticker field is optional in Kraken's OpenAPI file.
        println!(
            "{pair}: ask {:?} bid {:?} last {:?}",
            t.ask.as_ref().map(|l| l.price),
            t.bid.as_ref().map(|l| l.price),
            t.last_trade.as_ref().map(|l| l.price)
        );
    }

    let book = client.get_order_book("XBTUSD").count(3).await?;
    for (pair, b) in &book {
        let (ask, bid) = (b.asks.first(), b.bids.first());
        println!(
            "{pair} book: best ask {:?}, best bid {:?}",
            ask.map(|l| l.price),
            bid.map(|l| l.price)
        );
    }

    if live && std::env::var("KRAKEN_API_KEY").is_err() {
        println!("no KRAKEN_API_KEY/KRAKEN_API_SECRET: skipping private calls");
        return Ok(());
    }

    let balance = client.get_account_balance().await?;
    for (asset, amount) in balance.iter().take(5) {
        println!("balance {asset}: {amount}");
    }

    let order = client
        .submit_order("limit", "buy", "0.0001", "XBTUSD")
        .price("10000")
        .cl_ord_id(client.generate_new_order_id())
        .validate(true)
        .await?;
    println!("validated order: {}", order.descr.order);
    if live {
        return Ok(());
    }

    // In the sandbox: place it for real, see it open, cancel it.
    let placed = client
        .submit_order("limit", "buy", "0.0001", "XBTUSD")
        .price("10000")
        .await?;
    let txid = placed.txid.unwrap_or_default().remove(0);
    let open = client.get_open_orders().await?;
    let descr = open.open[&txid]
        .descr
        .as_ref()
        .and_then(|d| d.order.as_deref());
    println!("open: {txid} {}", descr.unwrap_or("-"));
    let cancelled = client.cancel_order().txid(&txid).await?;
    println!("cancelled {} order(s)", cancelled.count);
    Ok(())
}
