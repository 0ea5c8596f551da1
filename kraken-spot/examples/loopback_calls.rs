//! Start-up and memory check: builds a client and makes N sequential calls
//! (default 3,000; public Ticker and signed Balance in turn) to a loopback
//! server in this process that serves Kraken's recorded bodies.
//!
//! ```text
//! cargo build --release -p kraken-spot --example loopback_calls
//! /usr/bin/time -v target/release/examples/loopback_calls 3000
//! ```
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
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
    let ticker = std::fs::read(format!("{dir}Ticker.json")).expect("fixture");
    let balance = std::fs::read(format!("{dir}Balance.json")).expect("fixture");
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
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = serve();
    let client = SpotClient::builder()
        .base_url(base)
        .credentials("API_KEY", SECRET)
        .build()?;
    let built = start.elapsed();
    rt.block_on(async {
        let first = client.get_ticker().pair("XBTUSDT").await?;
        assert_eq!(first.len(), 1);
        let first_answer = start.elapsed();
        for i in 1..calls {
            if i % 2 == 0 {
                client.get_ticker().pair("XBTUSDT").await?;
            } else {
                client.get_account_balance().await?;
            }
        }
        println!(
            "client built {:.2} ms after start, first answer {:.2} ms; {calls} calls in {:.0} ms",
            built.as_secs_f64() * 1e3,
            first_answer.as_secs_f64() * 1e3,
            start.elapsed().as_secs_f64() * 1e3
        );
        Ok(())
    })
}
