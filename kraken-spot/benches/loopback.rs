//! End to end over loopback: a local HTTP server inside the benchmark serves
//! Kraken's recorded Ticker and Balance bodies over keep-alive; the client
//! makes public Ticker and signed Balance calls with 1 and with 64
//! concurrent callers. Time per call (for 64 callers: wall time / calls).
//!
//! `cargo bench -p kraken-spot --bench loopback`

use criterion::{Criterion, criterion_group, criterion_main};
use kraken_spot::SpotClient;
use std::time::{Duration, Instant};

const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

/// Serves the recorded bodies on 127.0.0.1 (keep-alive: axum's default).
async fn serve() -> String {
    use axum::routing::{get, post};
    let dir = kraken_mock::fixtures_dir();
    let ticker = std::fs::read(dir.join("Ticker.json")).expect("fixture");
    let balance = std::fs::read(dir.join("Balance.json")).expect("fixture");
    let json = |body: Vec<u8>| {
        move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }
    };
    let app = axum::Router::new()
        .route("/0/public/Ticker", get(json(ticker)))
        .route("/0/private/Balance", post(json(balance)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// Runs `calls` calls split over `callers` tasks; returns the wall time.
async fn run(client: &SpotClient, signed: bool, callers: u64, calls: u64) -> Duration {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..callers {
        let client = client.clone();
        let mine = calls / callers + u64::from(i < calls % callers);
        tasks.push(tokio::spawn(async move {
            for _ in 0..mine {
                if signed {
                    let b = client.get_account_balance().await.expect("balance");
                    assert_eq!(b.len(), 10);
                } else {
                    let t = client.get_ticker().pair("XBTUSDT").await.expect("ticker");
                    assert_eq!(t.len(), 1);
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("caller");
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(serve());
    let client = SpotClient::builder()
        .base_url(base)
        .credentials("API_KEY", SECRET)
        .build()
        .expect("client");
    for (name, signed) in [("public Ticker", false), ("signed Balance", true)] {
        for callers in [1u64, 64] {
            c.bench_function(&format!("loopback/{name}, {callers} callers"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(run(&client, signed, callers, iters.max(callers)))
                })
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
