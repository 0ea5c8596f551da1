//! # kraken-spot
//!
//! A typed client for Kraken's Spot REST API. Every endpoint is declared once
//! in the YAML spec (`spec/`) and generated into [`generated`]; this crate's
//! hand-written core does everything behavioural: transport, signing, nonces,
//! OAuth, and envelope and error decoding.
//!
//! ```no_run
//! # async fn run() -> Result<(), kraken_spot::Error> {
//! use kraken_spot::SpotClient;
//! let client = SpotClient::builder().credentials("API_KEY", "c2VjcmV0").build()?;
//! let ticker = client.get_ticker().pair("XBTUSD").await?;
//! let order = client
//!     .submit_order("limit", "buy", "1.25", "XBTUSD")
//!     .price("37500")
//!     .validate(true)
//!     .await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod client;
pub mod de;
mod endpoint;
pub mod envelope;
mod error;
// Formatted by prettyplease in kraken-codegen; rustfmt would fight it.
#[rustfmt::skip]
pub mod generated;
mod nonce;
mod ratelimit;
mod shapes;
pub mod signing;
mod string_enum;
mod validate;

pub use client::{DEFAULT_BASE_URL, SpotClient, SpotClientBuilder};
pub use endpoint::{
    Auth, Call, ClientOrderIdSlot, DecodeToJson, Effect, Encoding, Endpoint, EndpointInfo,
    HttpMethod, ParamValue, Params, Permission, Permissions, TradingAction, TradingCharge,
};
pub use error::{Error, ErrorInfo, ErrorKind, KrakenError};
pub use generated::*;
pub use ratelimit::{RateLimitTier, RetryPolicy};
pub use rust_decimal::Decimal;
pub use shapes::{Amount, Either, Extra, RawJson, Secret, WithLast};
