//! Guides: how to use the client, one topic per page. Each page's examples
//! are compiled (and, where they need no network, run) as doctests.
//!
//! - [`quickstart`]: add the crate, make calls, per-call options, request types.
//! - [`errors`]: matching on errors, Kraken's codes and the error catalogue.
//! - [`pacing`]: Kraken's rate-limit counters and how the client keeps to them.
//! - [`order_safety`]: retries, outcome unknown, resolving and re-sending orders.
//! - [`nonces`]: the nonce gate, nonce sources, several processes, nonce windows.
//! - [`sandbox`]: testing a bot offline against the bundled Kraken sandbox.
//! - [`pagination`]: reading long histories page by page.
//! - [`names`]: Kraken's endpoint names → methods, request types, return types.
//!
//! The README states the safety guarantees in full; these pages show how to use
//! them.

#[doc = include_str!("docs/quickstart.md")]
pub mod quickstart {}

#[doc = include_str!("docs/errors.md")]
pub mod errors {}

#[doc = include_str!("docs/pacing.md")]
pub mod pacing {}

#[doc = include_str!("docs/order_safety.md")]
pub mod order_safety {}

#[doc = include_str!("docs/nonces.md")]
pub mod nonces {}

#[doc = include_str!("docs/sandbox.md")]
pub mod sandbox {}

#[doc = include_str!("docs/pagination.md")]
pub mod pagination {}

/// Kraken's names and ours: every endpoint by Kraken's name, with its method,
/// request type and return type. Generated from the spec by kraken-codegen.
///
#[doc = include_str!("generated/names.md")]
pub mod names {}
