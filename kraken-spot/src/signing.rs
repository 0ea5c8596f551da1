//! Kraken's API-Sign: a small, pure function with no I/O, so it can be tested
//! against Kraken's worked example and swapped or reused on its own.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::digest::consts::U128;
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroize;

/// Computes `API-Sign` for a private REST call:
/// `base64(HMAC-SHA512(secret, path || SHA256(nonce || body)))`.
///
/// `secret` is the API secret already base64-decoded, `path` is the URI path
/// starting at `/0/private`, and `body` is the exact byte string sent.
/// A client keys a [`Signer`] once instead.
#[cfg(test)]
pub fn sign(path: &str, nonce: u64, body: &[u8], secret: &[u8]) -> String {
    Signer::new(secret).sign(path, nonce, body)
}

/// HMAC-SHA512 keyed once: the SHA-512 states after the key's inner and
/// outer pad blocks, so a signature costs two compressions plus the message.
///
/// Those two states stand in for the key (they are enough to sign), so they
/// live only here, are never `Clone`d or printed, and are wiped on drop.
/// `hmac` 0.12 and `sha2` 0.10 offer no zeroize support for their keyed
/// state, which is why the two pad states are kept as plain arrays.
pub struct Signer {
    inner: [u64; 8],
    outer: [u64; 8],
}

impl Drop for Signer {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([REDACTED])")
    }
}

/// SHA-512's initial state (FIPS 180-4, 5.3.5).
const SHA512_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];
const BLOCK: usize = 128;

fn compress(state: &mut [u64; 8], block: &[u8]) {
    sha2::compress512(
        state,
        std::slice::from_ref(GenericArray::<u8, U128>::from_slice(block)),
    );
}

/// Runs SHA-512 over `message` from `state`, which has already absorbed
/// `absorbed` bytes (whole blocks), and returns the digest.
fn finish(mut state: [u64; 8], absorbed: usize, message: &[u8]) -> [u8; 64] {
    let mut chunks = message.chunks_exact(BLOCK);
    for block in &mut chunks {
        compress(&mut state, block);
    }
    let tail = chunks.remainder();
    let mut last = [0u8; BLOCK];
    last[..tail.len()].copy_from_slice(tail);
    last[tail.len()] = 0x80;
    if tail.len() + 1 > BLOCK - 16 {
        compress(&mut state, &last);
        last = [0u8; BLOCK];
    }
    let bits = ((absorbed + message.len()) as u128) * 8;
    last[BLOCK - 16..].copy_from_slice(&bits.to_be_bytes());
    compress(&mut state, &last);
    let mut out = [0u8; 64];
    for (chunk, word) in out.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

impl Signer {
    /// Keys HMAC-SHA512 with the decoded secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut key = [0u8; BLOCK];
        if secret.len() > BLOCK {
            let mut digest = Sha512::digest(secret);
            key[..64].copy_from_slice(&digest);
            digest.as_mut_slice().zeroize();
        } else {
            key[..secret.len()].copy_from_slice(secret);
        }
        let mut pad = [0u8; BLOCK];
        let mut keyed = |byte: u8| {
            for (p, k) in pad.iter_mut().zip(&key) {
                *p = k ^ byte;
            }
            let mut state = SHA512_IV;
            compress(&mut state, &pad);
            state
        };
        let signer = Signer {
            inner: keyed(0x36),
            outer: keyed(0x5c),
        };
        key.zeroize();
        pad.zeroize();
        signer
    }

    /// `API-Sign` for one call (see [`sign`]).
    pub fn sign(&self, path: &str, nonce: u64, body: &[u8]) -> String {
        let mut out = String::with_capacity(88);
        self.sign_into(path, nonce, body, &mut out);
        out
    }

    /// Appends `API-Sign` for one call to `out`.
    pub fn sign_into(&self, path: &str, nonce: u64, body: &[u8], out: &mut String) {
        let mut sha = Sha256::new();
        sha.update(itoa::Buffer::new().format(nonce));
        sha.update(body);
        let digest = sha.finalize();

        // The HMAC message, `path || digest`, on the stack for every real path.
        let mut stack = [0u8; 256];
        let len = path.len() + digest.len();
        let mut heap = Vec::new();
        let message: &mut [u8] = if len <= stack.len() {
            &mut stack[..len]
        } else {
            heap.resize(len, 0);
            &mut heap
        };
        message[..path.len()].copy_from_slice(path.as_bytes());
        message[path.len()..].copy_from_slice(&digest);
        let inner = finish(self.inner, BLOCK, message);
        let mac = finish(self.outer, BLOCK, &inner);
        STANDARD.encode_string(mac, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str =
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

    fn secret() -> Vec<u8> {
        STANDARD.decode(SECRET).unwrap()
    }

    /// Kraken's official worked example (docs.kraken.com, spot-rest-auth).
    #[test]
    fn reproduces_krakens_official_example() {
        let body =
            b"nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
        assert_eq!(
            sign("/0/private/AddOrder", 1616492376594, body, &secret()),
            "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
        );
    }

    /// JSON bodies are signed as `nonce || raw JSON text`.
    #[test]
    fn signs_json_bodies_over_the_exact_text() {
        let body = br#"{"nonce":"1616492376594","ordertype":"limit","pair":"XBTUSD","price":37500,"type":"buy","volume":1.25}"#;
        assert_eq!(
            sign("/0/private/AddOrder", 1616492376594, body, &secret()),
            "BVT3EumzzXSJHlvrinSwICz5uKKlSZPXL9cJIuKqn7ZMhHSbbtXhGdvwoDBmRz6ALXI+GVxFD0ZlGuOmfi2bxA=="
        );
        let body = br#"{"pair":[{"asset":"TSLAx/USD","aclass":"equity_pair"}],"nonce":123}"#;
        assert_eq!(
            sign("/0/private/TradeVolume", 123, body, &secret()),
            "JRJDryVhouSrIMbOftfDi5V0ILl6Mm6LMoX/LfS28me0PEos74LxkJ18uW9lfw1Y7osOoM78imN0uJjti1DJRw=="
        );
    }

    /// The pre-keyed signer is HMAC-SHA512 for every key and message length,
    /// block boundaries included.
    #[test]
    fn the_prekeyed_signer_matches_the_hmac_crate() {
        use hmac::{Hmac, Mac};
        for key_len in [0, 1, 64, 127, 128, 129, 300] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            let signer = Signer::new(&key);
            for path_len in [0, 1, 20, 79, 80, 81, 96, 200, 224, 225, 400] {
                let path: String = (0..path_len)
                    .map(|i| (b'a' + (i % 26) as u8) as char)
                    .collect();
                for body in [&b""[..], b"nonce=1&pair=XBTUSD"] {
                    let mut sha = Sha256::new();
                    sha.update(b"1616492376594");
                    sha.update(body);
                    let mut mac = Hmac::<Sha512>::new_from_slice(&key).unwrap();
                    mac.update(path.as_bytes());
                    mac.update(&sha.finalize());
                    let expected = STANDARD.encode(mac.finalize().into_bytes());
                    assert_eq!(
                        signer.sign(&path, 1616492376594, body),
                        expected,
                        "key {key_len}, path {path_len}"
                    );
                }
            }
        }
        // The nonce's shortest and longest decimal forms.
        let signer = Signer::new(b"key");
        for nonce in [0, u64::MAX] {
            let mut sha = Sha256::new();
            sha.update(nonce.to_string().as_bytes());
            sha.update(b"nonce");
            let mut mac = Hmac::<Sha512>::new_from_slice(b"key").unwrap();
            mac.update(b"/0/private/Balance");
            mac.update(&sha.finalize());
            let expected = STANDARD.encode(mac.finalize().into_bytes());
            assert_eq!(signer.sign("/0/private/Balance", nonce, b"nonce"), expected);
        }
    }

    #[test]
    fn path_is_part_of_the_signature() {
        assert_eq!(
            sign(
                "/0/private/Balance",
                1616492376594,
                b"nonce=1616492376594",
                &secret()
            ),
            "1nH4vwR+8FHiYh1QT649xXkGd3JR3x0DWkgv3u9Ed/Qqv6KPtgQpEU4m+Emb/VgpEji3j1XNwI+HCbfXxmrTOg=="
        );
    }
}
