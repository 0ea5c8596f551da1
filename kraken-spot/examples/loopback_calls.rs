//! Start-up and memory check: builds a client and makes N sequential calls
//! (default 3,000; public Ticker and signed Balance in turn) to a loopback
//! server in this process that serves Kraken's recorded bodies.
//!
//! ```text
//! cargo build --release -p kraken-spot --example loopback_calls
//! /usr/bin/time -v target/release/examples/loopback_calls 3000
//! ```
//!
//! `loopback_calls N MODE [BASE_URL]` makes N calls of one kind (`mixed`,
//! `ticker`, `balance`, `assetpairs`), to `BASE_URL` when given (a server in
//! another process, to compare clients' CPU time per call), every answer checked.
//! It prints the time from `main` to a built client and to the first answer;
//! `/usr/bin/time -v` gives the peak memory ("Maximum resident set size").

use kraken_spot::SpotClient;
use std::io::{Read, Write};
use std::time::Instant;

const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

/// A minimal keep-alive HTTP/1.1 server on a thread: one connection at a time,
/// the recorded body chosen by path.
fn serve() -> String {
    let dir = kraken_mock::fixtures_dir();
    let ticker = std::fs::read(dir.join("Ticker.json")).expect("fixture");
    let balance = std::fs::read(dir.join("Balance.json")).expect("fixture");
    let pairs = std::fs::read(dir.join("AssetPairs.many.json")).expect("fixture");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let _ = conn.set_nodelay(true);
            let mut buf = vec![0u8; 8192];
            let mut have = 0;
            while let Ok(n) = conn.read(&mut buf[have..]) {
                if n == 0 {
                    break;
                }
                have += n;
                // One request: its head, then Content-Length bytes of body.
                let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if have < end + 4 + len {
                    continue;
                }
                let body = if head.contains("/0/private/balance") {
                    &balance
                } else if head.contains("/0/public/assetpairs") {
                    &pairs
                } else {
                    &ticker
                };
                let mut reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend_from_slice(body);
                if conn.write_all(&reply).is_err() {
                    break;
                }
                buf.copy_within(end + 4 + len..have, 0);
                have -= end + 4 + len;
            }
        }
    });
    format!("http://{addr}")
}

fn main() -> Result<(), kraken_spot::Error> {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    let calls: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3000);
    let mode = args.get(2).map_or("mixed", String::as_str);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = args.get(3).cloned().unwrap_or_else(serve);
    let client = SpotClient::builder()
        .base_url(base)
        .credentials("API_KEY", SECRET)
        .build()?;
    let built = start.elapsed();
    rt.block_on(async {
        let mut first_answer = None;
        for i in 0..calls {
            match (mode, i % 2) {
                ("ticker", _) | ("mixed", 0) => {
                    assert_eq!(client.get_ticker().pair("XBTUSDT").await?.len(), 1)
                }
                ("balance", _) | ("mixed", _) => {
                    assert_eq!(client.get_account_balance().await?.len(), 10)
                }
                ("assetpairs", _) => assert_eq!(client.get_asset_pairs().await?.len(), 86),
                _ => panic!("mode: mixed, ticker, balance or assetpairs"),
            }
            first_answer.get_or_insert_with(|| start.elapsed());
        }
        let first_answer = first_answer.unwrap_or_default();
        println!(
            "client built {:.2} ms after start, first answer {:.2} ms; {calls} calls in {:.0} ms",
            built.as_secs_f64() * 1e3,
            first_answer.as_secs_f64() * 1e3,
            start.elapsed().as_secs_f64() * 1e3
        );
        Ok(())
    })
}
