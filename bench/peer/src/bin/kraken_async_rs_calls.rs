//! kraken-async-rs 0.16 making N calls of one kind to a loopback server,
//! every answer checked: the peer's side of `compare`, the same loop as
//! kraken-spot's `loopback_calls` example.
//!
//! `kraken_async_rs_calls N MODE BASE_URL`, MODE `ticker`, `balance` or `assetpairs`.

use kraken_async_rs::clients::core_kraken_client::CoreKrakenClient;
use kraken_async_rs::clients::kraken_client::KrakenClient;
use kraken_async_rs::crypto::nonce_provider::{IncreasingNonceProvider, NonceProvider};
use kraken_async_rs::request_types::{StringCSV, TickerRequest, TradableAssetPairsRequest};
use kraken_async_rs::secrets::secrets_provider::{SecretsProvider, StaticSecretsProvider};
use std::sync::Arc;
use tokio::sync::Mutex;

/// Kraken's documented example secret, as in `loopback_calls`.
const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, calls, mode, url] = &args[..] else {
        panic!("usage: kraken_async_rs_calls N ticker|balance|assetpairs BASE_URL");
    };
    let calls: usize = calls.parse().expect("N");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let secrets: Box<Arc<Mutex<dyn SecretsProvider>>> = Box::new(Arc::new(Mutex::new(
            StaticSecretsProvider::new("API_KEY", SECRET),
        )));
        let nonces: Box<Arc<Mutex<dyn NonceProvider>>> =
            Box::new(Arc::new(Mutex::new(IncreasingNonceProvider::new())));
        let mut client = CoreKrakenClient::new_with_url(secrets, nonces, url.clone());
        let ticker = TickerRequest::builder()
            .pair(StringCSV::new(vec!["XBTUSDT".into()]))
            .build();
        let pairs = TradableAssetPairsRequest::builder().build();
        for _ in 0..calls {
            let len = match mode.as_str() {
                "ticker" => client
                    .get_ticker_information(&ticker)
                    .await
                    .map(|r| r.result.map(|m| m.len())),
                "balance" => client
                    .get_account_balance()
                    .await
                    .map(|r| r.result.map(|m| m.len())),
                "assetpairs" => client
                    .get_tradable_asset_pairs(&pairs)
                    .await
                    .map(|r| r.result.map(|m| m.len())),
                other => panic!("mode {other}: ticker, balance or assetpairs"),
            };
            let want = match mode.as_str() {
                "ticker" => 1,
                "balance" => 10,
                _ => 86,
            };
            assert_eq!(len.expect("call").expect("result"), want, "{mode}");
        }
    });
}
