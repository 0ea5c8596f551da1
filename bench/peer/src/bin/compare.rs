//! CPU per call of kraken-spot against kraken-async-rs, paired: both clients
//! make the same calls to one loopback server (a thread of this process,
//! serving Kraken's recorded bodies over keep-alive), in turn, A B A B. Each
//! client process's user + system CPU comes from `getrusage`; its start-up
//! (the same run with one call) is subtracted, and the ratio is taken pair by
//! pair. Run it pinned, so that server and clients share one core:
//!
//! ```text
//! cargo build --release -p kraken-spot --example loopback_calls   # at the repository root
//! cd bench/peer && cargo build --release --locked
//! taskset -c 1 target/release/compare [PAIRS]
//! target/release/compare serve     # only the server, to profile a client by hand
//! ```

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const MODES: [(&str, usize); 3] = [
    ("ticker", 20_000),
    ("balance", 20_000),
    ("assetpairs", 2_000),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let arg = std::env::args().nth(1);
    if arg.as_deref() == Some("serve") {
        // For profiling one client by hand: `compare serve`, then
        // `loopback_calls 2000 assetpairs URL` under `perf record`.
        println!("{}", serve(&root.join("tests/fixtures")));
        loop {
            std::thread::park();
        }
    }
    let pairs: usize = arg.map_or(7, |n| n.parse().expect("PAIRS"));
    let ours = root.join("target/release/examples/loopback_calls");
    let peer = std::env::current_exe()
        .expect("exe")
        .with_file_name("kraken_async_rs_calls");
    for client in [&ours, &peer] {
        assert!(
            client.exists(),
            "{} is not built (see the README)",
            client.display()
        );
    }
    let url = serve(&root.join("tests/fixtures"));
    println!("{pairs} pairs; µs of CPU per call, start-up subtracted; medians (min–max)");
    println!(
        "{:<11} {:>7} {:>20} {:>20} {:>22}",
        "call", "calls", "kraken-spot", "kraken-async-rs", "ratio"
    );
    for (mode, calls) in MODES {
        let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..pairs {
            let ours = per_call(&ours, mode, calls, &url);
            let peer = per_call(&peer, mode, calls, &url);
            a.push(ours);
            b.push(peer);
            ratio.push(ours / peer);
        }
        println!(
            "{mode:<11} {calls:>7} {:>20} {:>20} {:>22}",
            spread(a, 1),
            spread(b, 1),
            spread(ratio, 3)
        );
    }
}

/// CPU µs per call of one client: a run of `calls` minus a run of one.
fn per_call(client: &Path, mode: &str, calls: usize, url: &str) -> f64 {
    let many = cpu_seconds(client, mode, calls, url);
    let one = cpu_seconds(client, mode, 1, url);
    (many - one) / (calls - 1) as f64 * 1e6
}

/// User + system CPU seconds of one finished client process.
fn cpu_seconds(client: &Path, mode: &str, calls: usize, url: &str) -> f64 {
    let before = children_cpu();
    let status = Command::new(client)
        .args([&calls.to_string(), mode, url])
        .stdout(Stdio::null())
        .status()
        .expect("run client");
    assert!(status.success(), "{} {mode} failed", client.display());
    children_cpu() - before
}

fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn spread(mut values: Vec<f64>, digits: usize) -> String {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    let (min, max) = (values[0], values[values.len() - 1]);
    format!("{median:.digits$} ({min:.digits$}–{max:.digits$})")
}

/// The AssetPairs answer both clients can read: the recorded 86 pairs
/// (tests/fixtures/AssetPairs.many.json, recorded before Kraken added these
/// fields), compact, with what kraken-async-rs requires added where absent:
/// five newer fields (the values of Kraken's documented example) and, on the
/// dark-pool `.d` pairs, `wsname` (the altname) and `fees_maker` (the taker
/// fees). Built here, not recorded.
fn asset_pairs(fixtures: &Path) -> Vec<u8> {
    let text = std::fs::read(fixtures.join("AssetPairs.many.json")).expect("fixture");
    let mut body: Value = serde_json::from_slice(&text).expect("json");
    let defaults = json!({
        "cost_decimals": 5, "ordermin": "0.0001", "costmin": "0.5",
        "tick_size": "0.00001", "status": "online"
    });
    for pair in body["result"].as_object_mut().expect("result").values_mut() {
        let pair = pair.as_object_mut().expect("pair");
        for (key, value) in defaults.as_object().expect("defaults") {
            pair.entry(key.clone()).or_insert_with(|| value.clone());
        }
        for (key, from) in [("wsname", "altname"), ("fees_maker", "fees")] {
            let value = pair[from].clone();
            pair.entry(key).or_insert(value);
        }
    }
    serde_json::to_vec(&body).expect("json")
}

/// A keep-alive HTTP/1.1 server, a thread per connection; the body is chosen
/// by path. Returns its base URL.
fn serve(fixtures: &Path) -> String {
    let read = |name: &str| std::fs::read(fixtures.join(name)).expect("fixture");
    let bodies: &'static [Vec<u8>; 3] = Box::leak(Box::new([
        read("Ticker.json"),
        read("Balance.json"),
        asset_pairs(fixtures),
    ]));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            std::thread::spawn(move || answer(conn, bodies));
        }
    });
    url
}

fn answer(mut conn: std::net::TcpStream, bodies: &[Vec<u8>; 3]) {
    let _ = conn.set_nodelay(true);
    let mut buf = vec![0u8; 65536];
    let mut have = 0;
    while let Ok(n) = conn.read(&mut buf[have..]) {
        if n == 0 {
            return;
        }
        have += n;
        // Every whole request in the buffer: its head, then Content-Length bytes.
        while let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if have < end + 4 + len {
                break;
            }
            let body = if head.contains("/0/private/balance") {
                &bodies[1]
            } else if head.contains("/0/public/assetpairs") {
                &bodies[2]
            } else {
                &bodies[0]
            };
            let mut reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            reply.extend_from_slice(body);
            if conn.write_all(&reply).is_err() {
                return;
            }
            buf.copy_within(end + 4 + len..have, 0);
            have -= end + 4 + len;
        }
    }
}
