//! Market data: server time, system status, pair details, ticker, order book,
//! candles and recent trades. Public calls: no key needed, even live.
//!
//!     cargo run -p kraken-spot --example market_data [-- --live]

mod common;

use kraken_spot::SpotClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Public endpoints need no credentials: a plain client, live or not.
    let (_mock, client) = if common::live() {
        (None, SpotClient::new()?)
    } else {
        let mock = kraken_mock::MockKraken::sandbox().await;
        let client = SpotClient::builder().base_url(mock.base_url()).build()?;
        (Some(mock), client)
    };

    let time = client.get_server_time().await?;
    let status = client.get_system_status().await?;
    println!(
        "server time {} ({:?}), status {:?}",
        time.unixtime, time.rfc1123, status.status
    );

    let pairs = client.get_asset_pairs().pair("XBTUSD").await?;
    for (name, pair) in &pairs {
        println!(
            "{name}: {:?}/{:?}, price decimals {:?}, minimum order {:?}",
            pair.base, pair.quote, pair.pair_decimals, pair.ordermin
        );
    }

    let ticker = client.get_ticker().pair("XBTUSD").await?;
    for (pair, t) in &ticker {
        // Fields Kraken's OpenAPI file leaves optional are `Option`s.
        if let (Some(bid), Some(ask)) = (&t.bid, &t.ask) {
            let spread = ask.price - bid.price; // Decimal arithmetic: exact
            println!(
                "{pair}: bid {} ask {} spread {spread}",
                bid.price, ask.price
            );
        }
    }

    let book = client.get_order_book("XBTUSD").count(5).await?;
    for (pair, b) in &book {
        println!("{pair} book, 5 levels each side:");
        for (bid, ask) in b.bids.iter().zip(&b.asks) {
            println!(
                "  {:>12} {:>12} | {:<12} {:<12}",
                bid.volume, bid.price, ask.price, ask.volume
            );
        }
    }

    let candles = client.get_candles("XBTUSD").interval(60).await?;
    for (pair, rows) in &candles.pairs {
        if let Some(last) = rows.last() {
            println!(
                "{pair}: {} hourly candles, last close {}",
                rows.len(),
                last.close
            );
        }
    }

    let trades = client.get_recent_trades("XBTUSD").count(3).await?;
    for (pair, rows) in &trades.pairs {
        for trade in rows {
            println!("{pair} trade: {} @ {}", trade.volume, trade.price);
        }
    }
    println!("next page of trades from `since = {}`", trades.last);
    Ok(())
}
