//! Typed decoding of Kraken's large recorded bodies, beside a syntax-only pass
//! (`serde::de::IgnoredAny`) and `serde_json::Value` over the same bytes.
//!
//! `cargo bench -p kraken-spot --bench decode`
//!
//! After criterion's report, the ratios typed/IgnoredAny and Value/IgnoredAny
//! are measured once more, interleaved (A B C A B C …), and printed.

use criterion::Criterion;
use kraken_spot::Endpoint;
use std::hint::black_box;
use std::time::{Duration, Instant};

type Decode = fn(&[u8]) -> bool;

fn typed<E: Endpoint>(body: &[u8]) -> bool {
    E::decode(200, Some("application/json"), body).is_ok()
}

fn value(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

fn ignored(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The JSON text without the whitespace between its tokens.
fn compact(text: &[u8]) -> Vec<u8> {
    let (mut out, mut in_string, mut escaped) = (Vec::new(), false, false);
    for &b in text {
        if in_string {
            (in_string, escaped) = (escaped || b != b'"', !escaped && b == b'\\');
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            continue;
        }
        out.push(b);
    }
    out
}

/// (label, fixture file, typed decoder)
fn bodies() -> Vec<(&'static str, Vec<u8>, Decode)> {
    use kraken_spot::market_data::*;
    let dir = kraken_mock::fixtures_dir();
    let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture");
    vec![
        (
            "AssetPairs.many",
            read("AssetPairs.many.json"),
            typed::<GetAssetPairsRequest> as Decode,
        ),
        // The same bytes as Kraken sends them, with no whitespace between
        // tokens: the recorded file's values, spellings and key order.
        (
            "AssetPairs.compact",
            compact(&read("AssetPairs.many.json")),
            typed::<GetAssetPairsRequest>,
        ),
        (
            "OHLC.720",
            read("OHLC.720.json"),
            typed::<GetCandlesRequest>,
        ),
        (
            "Depth.large",
            read("Depth.large.json"),
            typed::<GetOrderBookRequest>,
        ),
        (
            "Trades.large",
            read("Trades.large.json"),
            typed::<GetRecentTradesRequest>,
        ),
        (
            "Ticker.multi",
            read("Ticker.multi.json"),
            typed::<GetTickerRequest>,
        ),
        ("Ticker", read("Ticker.json"), typed::<GetTickerRequest>),
        (
            "Balance",
            read("Balance.json"),
            typed::<kraken_spot::account::GetAccountBalanceRequest>,
        ),
    ]
}

/// Median time of one call, from `rounds` interleaved batches per decoder.
fn interleaved(body: &[u8], decoders: &[Decode], rounds: usize) -> Vec<Duration> {
    // Size batches to about 2 ms of the slowest decoder.
    let mut batch = 1usize;
    loop {
        let start = Instant::now();
        for d in decoders {
            for _ in 0..batch {
                black_box(d(black_box(body)));
            }
        }
        if start.elapsed() > Duration::from_millis(2) || batch > 1 << 20 {
            break;
        }
        batch *= 2;
    }
    let mut samples = vec![Vec::with_capacity(rounds); decoders.len()];
    for _ in 0..rounds {
        for (i, d) in decoders.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(d(black_box(body)));
            }
            samples[i].push(start.elapsed() / batch as u32);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

fn main() {
    let bodies = bodies();
    for (label, body, decode) in &bodies {
        assert!(decode(body), "{label} must decode");
    }
    let mut c = Criterion::default().configure_from_args();
    for (label, body, decode) in &bodies {
        let mut g = c.benchmark_group(format!("decode/{label}"));
        g.throughput(criterion::Throughput::Bytes(body.len() as u64));
        g.bench_function("typed", |b| b.iter(|| decode(black_box(body))));
        g.bench_function("serde_json::Value", |b| b.iter(|| value(black_box(body))));
        g.bench_function("IgnoredAny", |b| b.iter(|| ignored(black_box(body))));
        g.finish();
    }
    c.final_summary();

    println!("\nInterleaved medians (µs per decode) and ratios to the syntax-only pass:");
    println!(
        "{:<16} {:>9} {:>11} {:>10} {:>13} {:>13}",
        "body", "bytes", "IgnoredAny", "Value", "typed", "typed/Ignored"
    );
    for (label, body, decode) in &bodies {
        let t = interleaved(body, &[ignored, value, *decode], 31);
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "{:<16} {:>9} {:>11.2} {:>10.2} {:>13.2} {:>12.2}×",
            label,
            body.len(),
            us(t[0]),
            us(t[1]),
            us(t[2]),
            t[2].as_secs_f64() / t[0].as_secs_f64()
        );
    }
}
