//! # kraken-spot
//!
//! A typed client for Kraken's Spot REST API. Every endpoint is declared once
//! in the YAML spec (`spec/`) and generated into [`generated`] (all of it
//! re-exported here); this crate's hand-written core does everything
//! behavioural: transport, signing, nonces, pacing, retries, OAuth, and
//! envelope and error decoding.
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
//!
//! ## Guides
//!
//! [`guide::quickstart`] · [`guide::errors`] · [`guide::pacing`] ·
//! [`guide::order_safety`] · [`guide::nonces`] · [`guide::sandbox`] (offline
//! tests) · [`guide::pagination`] · [`guide::names`] (Kraken's endpoint names →
//! our methods and types). Runnable recipes are in `examples/`.
//!
//! ## Where things are
//!
//! - [`SpotClient`] (built with [`SpotClientBuilder`]): one method per
//!   endpoint, returning a [`Call`] whose setters take the optional parameters;
//!   [`SpotClient::send`] sends a request type (`GetTickerRequest`, …);
//!   [`SpotClient::resolve_order`] and [`SpotClient::verify_credentials`].
//!   [`CallOptions`] carries a call's otp and timeout with a request
//!   ([`SpotClient::send_with`]); paged calls ([`Paged`]) have `.stream()`,
//!   which returns a [`Stream`] (`futures_core::Stream`, re-exported so it
//!   can be named without adding futures; read it with `futures_util`'s or
//!   `futures`' `StreamExt`/`TryStreamExt`).
//! - Errors: [`Error`], [`ErrorKind`], [`KrakenError`], [`ERROR_CATALOGUE`],
//!   [`TransportError`].
//! - Behaviour: [`RetryPolicy`], [`OrderResend`] and [`OrderResolution`],
//!   [`NonceSource`], [`RateLimitTier`] and [`RateCounters`].
//! - Values: [`Decimal`] for money, [`Amount`] for prices and volumes sent
//!   (`&str` or `Decimal`), [`Map`] (an [`IndexMap`]) for keyed results, [`Either`],
//!   [`WithLast`], [`ListPage`], [`RawJson`], [`Secret`].
//! - The spec at run time: [`ENDPOINTS`] ([`EndpointInfo`]: method, path,
//!   auth, cost, [`Effect`], [`Permissions`], [`TradingCharge`]).
//!
//! ## Features
//!
//! - `rustls` (default): TLS through rustls with the webpki roots.
//! - `native-tls`: the platform's TLS (OpenSSL on Linux); build with
//!   `default-features = false, features = ["native-tls"]`.
//!
//! ## Safety guarantees
//!
//! - **Orders are never sent twice, and you know when one might have gone.**
//!   Every order carries a client order id (yours, or one the client makes;
//!   none when you set `userref`, which Kraken makes exclusive with it). A
//!   failure after the request may have reached Kraken is
//!   [`Error::OutcomeUnknown`] with the ids ([`Error::cl_ord_id`]);
//!   [`SpotClient::resolve_order`] asks Kraken what happened. The opt-in
//!   [`OrderResend::WhenNotPlaced`] sends again, with the same id, only once
//!   the order's deadline has passed and resolving found nothing.
//! - **Nothing leaves for another host.** Redirects are never followed
//!   ([`Error::Redirect`]); the base URL must be a bare origin.
//! - **Retries fit each call.** Reads are retried on transient failures with
//!   backoff and jitter, each attempt freshly signed, honouring waits Kraken
//!   states; calls that change state only when the request cannot have acted.
//!   One deadline covers a call, retries included.
//! - **Nonces never fail under load.** Each key's signed requests leave
//!   through a FIFO gate in nonce order ([`NonceSource`] for scales, your own
//!   source, or a file shared by processes).
//! - **A bad key never gets the account locked out.** Auth errors are never
//!   retried; after an invalid key or signature, signed calls pause for a
//!   cool-down. [`SpotClient::verify_credentials`] lets the client refuse
//!   calls the key's permissions do not allow, before sending.
//! - **Pacing matches Kraken's counters** ([`RateLimitTier`]): the REST
//!   counter and each pair's trading counter with Kraken's age penalties;
//!   [`SpotClient::rate_counters`] reads them.
//! - **Typed errors**: [`Error::kind`], [`Error::is_retryable`], Kraken's
//!   codes verbatim with their catalogue entry ([`KrakenError::info`]).
//! - A client can be shared by several tokio runtimes; secrets never appear in
//!   `Debug` output, logs or errors, and are wiped on drop.
#![deny(missing_docs)]

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
compile_error!(
    "kraken-spot needs a TLS backend: enable the `rustls` (default) or `native-tls` feature"
);

mod client;
mod de;
mod endpoint;
mod envelope;
mod error;
pub mod guide;
mod json;
mod map_key;
// Formatted by prettyplease in kraken-codegen; rustfmt would fight it.
#[rustfmt::skip]
pub mod generated;
mod credentials;
mod nonce;
mod orders;
mod pacing;
mod paging;
mod raw;
mod retry;
mod send;
mod shapes;
// Public only for the signing benchmark (benches/sign.rs), not part of the API.
#[doc(hidden)]
pub mod signing;
mod string_enum;
mod transport;
mod validate;

pub use client::{DEFAULT_BASE_URL, SpotClient, SpotClientBuilder};
pub use endpoint::{
    Auth, Call, CallOptions, ClientOrderIdSlot, DecodeToJson, Effect, Encoding, Endpoint,
    EndpointInfo, HttpMethod, Permission, Permissions, TradingAction, TradingCharge,
};
// Hidden: the wire form of a request's parameters, built by generated code and
// read by the send path; public only so `Endpoint::params` can name it (the
// sandbox tests inspect it). Not part of the supported API.
#[doc(hidden)]
pub use endpoint::{ParamValue, Params};
pub use error::{Error, ErrorInfo, ErrorKind, KrakenError, PermissionsText, TransportError};
/// The trait of what [`Call::stream`] returns (`futures_core::Stream`, the
/// type `futures::Stream` re-exports): name it in your own signatures
/// without depending on futures.
///
/// ```no_run
/// use kraken_spot::{Error, LedgerEntry, MapKey, SpotClient, Stream};
///
/// fn every_xbt_entry(client: &SpotClient) -> impl Stream<Item = Result<(MapKey, LedgerEntry), Error>> {
///     client.get_ledgers_info().asset("XBT").stream()
/// }
/// ```
pub use futures_core::Stream;
pub use generated::*;
pub use indexmap::IndexMap;
pub use map_key::MapKey;
pub use nonce::NonceSource;
pub use orders::{OrderResend, OrderResolution};
pub use pacing::{CounterLevel, RateCounters, RateLimitTier};
pub use paging::{Page, Paged, Position};
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use shapes::{Amount, Either, Extra, ListPage, Map, MapHasher, RawJson, Secret, WithLast};
// The generated code's helper macro, as `crate::string_enum!`.
pub(crate) use string_enum::string_enum;
