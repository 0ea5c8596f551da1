//! Shared by the recipes: talk to the bundled sandbox (default) or to
//! api.kraken.com with `--live` (or `KRAKEN_LIVE=1`).

#![allow(dead_code)] // each recipe uses part of it

use kraken_mock::MockKraken;
use kraken_spot::SpotClient;

/// The sandbox's account behind `kraken_mock::API_KEY`.
pub const SANDBOX_ACCOUNT: &str = "default";

/// Whether the recipe runs against api.kraken.com.
pub fn live() -> bool {
    std::env::args().any(|a| a == "--live") || std::env::var("KRAKEN_LIVE").is_ok_and(|v| v == "1")
}

/// A client with API-key credentials, and the sandbox it talks to (kept
/// alive by the caller) unless `--live`. Live runs read `KRAKEN_API_KEY`
/// and `KRAKEN_API_SECRET`.
pub async fn connect() -> Result<(Option<MockKraken>, SpotClient), Box<dyn std::error::Error>> {
    if live() {
        let key = std::env::var("KRAKEN_API_KEY").map_err(|_| "--live needs KRAKEN_API_KEY")?;
        let secret =
            std::env::var("KRAKEN_API_SECRET").map_err(|_| "--live needs KRAKEN_API_SECRET")?;
        println!("talking to {}", kraken_spot::DEFAULT_BASE_URL);
        return Ok((
            None,
            SpotClient::builder().credentials(key, secret).build()?,
        ));
    }
    let mock = MockKraken::sandbox().await;
    println!(
        "talking to the bundled Kraken sandbox at {}",
        mock.base_url()
    );
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()?;
    Ok((Some(mock), client))
}

/// Recipes that place orders or move funds run live only when
/// `KRAKEN_EXAMPLES_TRADE=1` says so.
pub fn may_trade_live() -> Result<(), Box<dyn std::error::Error>> {
    if live() && std::env::var("KRAKEN_EXAMPLES_TRADE").is_ok_and(|v| v == "1") {
        return Ok(());
    }
    if live() {
        return Err(
            "this recipe trades or moves funds: set KRAKEN_EXAMPLES_TRADE=1 to run it live".into(),
        );
    }
    Ok(())
}
