//! Helpers for the sandbox tests: a kraken-spot client for a mock, and the
//! raw signed calls that kraken-mock's own tests use (one copy, kept in
//! kraken-mock's tests/sandbox_util so that its package builds them).
#![allow(dead_code)] // each test binary uses a different subset

#[path = "../../../tests/sandbox_util/mod.rs"]
mod raw;
#[allow(unused_imports)] // each test binary uses a different subset
pub use raw::*;

use kraken_mock::MockKraken;
use kraken_spot::SpotClient;

/// A kraken-spot client with the mock's key.
pub fn client(mock: &MockKraken) -> SpotClient {
    SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .build()
        .expect("client")
}
