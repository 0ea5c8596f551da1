//! Signing and encoding one AddOrder with 8 parameters (target: under 2 µs),
//! beside the signature alone and HMAC keyed on every call as before.
//!
//! `cargo bench -p kraken-spot --bench sign`

use criterion::{Criterion, criterion_group, criterion_main};
use kraken_spot::SpotClient;
use kraken_spot::trading::SubmitOrderRequest;
use std::hint::black_box;

const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

fn bench(c: &mut Criterion) {
    let client = SpotClient::builder()
        .credentials("API_KEY", SECRET)
        .build()
        .expect("client");
    // 8 parameters: 4 required, 4 optional.
    let order = SubmitOrderRequest::new("limit", "buy", "1.25", "XBTUSD")
        .price("37500.1")
        .cl_ord_id("6d1b345e-2821-40e2-ad83-4ecb18a06876")
        .timeinforce("GTC")
        .validate(true);
    let mut nonce = 1_616_492_376_594u64;
    c.bench_function("sign/AddOrder, 8 parameters: encode + sign", |b| {
        b.iter(|| {
            nonce += 1;
            black_box(
                client
                    .encode_signed(black_box(&order), nonce)
                    .expect("encode"),
            )
        })
    });

    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(SECRET)
        .expect("secret");
    let body = b"nonce=1616492376594&ordertype=limit&type=buy&volume=1.25&pair=XBTUSD&price=37500.1&cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876&timeinforce=GTC&validate=true";
    let signer = kraken_spot::signing::Signer::new(&secret);
    c.bench_function("sign/API-Sign, pre-keyed", |b| {
        b.iter(|| black_box(signer.sign("/0/private/AddOrder", black_box(1616492376594), body)))
    });
    c.bench_function("sign/API-Sign, keyed per call (hmac crate)", |b| {
        use hmac::{Hmac, Mac};
        use sha2::{Digest, Sha256, Sha512};
        b.iter(|| {
            let mut sha = Sha256::new();
            sha.update(black_box(1616492376594u64).to_string().as_bytes());
            sha.update(body);
            let mut mac = Hmac::<Sha512>::new_from_slice(&secret).expect("key");
            mac.update(b"/0/private/AddOrder");
            mac.update(&sha.finalize());
            black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
