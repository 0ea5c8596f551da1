//! A local mock of Kraken's Spot REST API.
//!
//! [`MockKraken`] is an HTTP server on `127.0.0.1` that:
//!
//! * records every request it receives (see [`MockKraken::requests`]),
//! * checks authentication the way Kraken does — `API-Key`/`API-Sign` HMAC
//!   signatures with strictly increasing nonces on `/0/private/*`, HTTP Basic
//!   on `/oauth/token` and Bearer tokens on the other `/oauth/*` paths —
//!   using its own implementation, so a client's signer is tested against an
//!   independent one,
//! * answers with recorded Kraken responses from a fixtures directory, or
//!   with per-path overrides set via [`MockKraken::respond`].
//!
//! [`MockKraken::start`] replays recordings. [`MockKraken::sandbox`] starts a
//! stateful local Kraken instead: orders placed are kept, queried, amended,
//! edited, cancelled and filled (see [`MockOrder`]); endpoints without state
//! keep serving the recordings.
//!
//! In either mode a test can switch on what Kraken does to misbehaving
//! clients and what the network does to everyone:
//!
//! * faults per path ([`MockKraken::inject`], [`Fault`]): drop the
//!   connection after reading the request, delay, answer an HTML error page,
//!   a Kraken error or a redirect, with or without applying the request;
//! * Kraken's REST and per-pair trading counters ([`MockKraken::enforce_rate_limits`],
//!   rules in [`counters`]);
//! * the temporary lockout after repeated invalid keys or signatures
//!   ([`MockKraken::set_lockout`]) and a nonce window ([`MockKraken::set_nonce_window`]).
//!
//! Time-based rules read the mock's [`Clock`], which tests can advance.
//!
//! It is meant for integration tests (`#[tokio::test]`, any runtime flavor)
//! and, through the `kraken-mock` binary, for trying bots offline.
#![deny(missing_docs)]

mod auth;
mod clock;
pub mod config;
pub mod control;
pub mod counters;
mod exchange;
mod faults;
mod net;
mod oauth;
mod params;
mod server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use rust_decimal::Decimal;
use tokio::sync::oneshot;

pub use auth::{LockoutPolicy, TEMPORARY_LOCKOUT, sign};
pub use clock::Clock;
pub use config::SandboxConfig;
pub use control::{Action, FaultSpec};
pub use counters::RateTier;
pub use exchange::MockOrder;
pub use faults::Fault;

use auth::KeyRing;
use counters::Counters;
use exchange::Exchange;
use net::{Conn, KillableListener};

/// The paths a [`MockKraken::sandbox`] answers from its state; every other
/// path serves the recordings, as [`MockKraken::start`] does.
pub const STATEFUL_PATHS: &[&str] = &[
    "/0/private/AddOrder",
    "/0/private/AddOrderBatch",
    "/0/private/AmendOrder",
    "/0/private/EditOrder",
    "/0/private/CancelOrder",
    "/0/private/CancelOrderBatch",
    "/0/private/CancelAll",
    "/0/private/CancelAllOrdersAfter",
    "/0/private/OpenOrders",
    "/0/private/ClosedOrders",
    "/0/private/QueryOrders",
    "/0/private/OrderAmends",
    "/0/private/Balance",
    "/0/private/BalanceEx",
    "/0/private/TradesHistory",
    "/0/private/QueryTrades",
    "/0/private/Ledgers",
    "/0/private/QueryLedgers",
    "/0/private/TradeVolume",
    "/0/private/AddExport",
    "/0/private/ExportStatus",
    "/0/private/RetrieveExport",
    "/0/private/RemoveExport",
    "/0/private/AddStrategy",
    "/0/private/CancelStrategy",
    "/0/private/QueryStrategies",
    "/0/private/GetOpenStrategies",
    "/0/private/GetClosedStrategies",
    "/funding/v1/networks",
    "/funding/v1/assets/{direction}",
    "/funding/v1/methods/{direction}",
    "/funding/v1/limits/deposit/{asset_class}/{asset}",
    "/funding/v1/limits/withdrawal/{asset_class}/{asset}",
    "/funding/v1/fees/{method_id}",
    "/funding/v1/addresses",
    "/funding/v1/addresses/{id}",
    "/funding/v1/deposits",
    "/funding/v1/deposit/address",
    "/funding/v2/deposit/addresses",
    "/funding/v1/withdrawals",
    "/0/public/Depth",
    "/0/public/SystemStatus",
    "/oauth/token",
    "/oauth/fast-api-key",
];

/// The API key the mock accepts by default (`API-Key` header).
pub const API_KEY: &str = "mock-api-key";
/// The base64 API secret the mock verifies signatures with by default.
///
/// This is the example secret from Kraken's authentication guide, so the
/// official worked example signature verifies against it.
pub const API_SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
/// The OAuth client id accepted by `/oauth/token` (HTTP Basic user).
pub const OAUTH_CLIENT_ID: &str = "mock-client-id";
/// The OAuth client secret accepted by `/oauth/token` (HTTP Basic password).
pub const OAUTH_CLIENT_SECRET: &str = "mock-client-secret";
/// The Bearer token accepted by the `/oauth/*` endpoints other than `/oauth/token`.
pub const OAUTH_ACCESS_TOKEN: &str = "mock-access-token";

/// The directory holding this crate's recorded Kraken responses.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

/// Reads the fixture file `name` from [`fixtures_dir`].
///
/// # Panics
///
/// Panics with the file path if it cannot be read; this is a test helper.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// Credentials and fixture location used by a [`MockKraken`] server.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Expected `API-Key` header on `/0/private/*` requests.
    pub api_key: String,
    /// Base64 secret used to verify `API-Sign`.
    pub api_secret: String,
    /// OAuth client id expected in the Basic credentials of `/oauth/token`.
    pub oauth_client_id: String,
    /// OAuth client secret expected in the Basic credentials of `/oauth/token`.
    pub oauth_client_secret: String,
    /// Bearer token expected on the other `/oauth/*` endpoints.
    pub oauth_access_token: String,
    /// Directory the default responses are read from.
    pub fixtures_dir: PathBuf,
}

impl Default for MockConfig {
    /// The public test credentials ([`API_KEY`], …) and [`fixtures_dir`].
    fn default() -> Self {
        MockConfig {
            api_key: API_KEY.to_owned(),
            api_secret: API_SECRET.to_owned(),
            oauth_client_id: OAUTH_CLIENT_ID.to_owned(),
            oauth_client_secret: OAUTH_CLIENT_SECRET.to_owned(),
            oauth_access_token: OAUTH_ACCESS_TOKEN.to_owned(),
            fixtures_dir: fixtures_dir(),
        }
    }
}

/// How a request was authenticated, as decided by the mock from its path.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// `/0/public/*` and any other path outside the authenticated areas.
    Public,
    /// A correctly signed `/0/private/*` request with a fresh nonce.
    ApiKey {
        /// The nonce the request carried.
        nonce: u64,
    },
    /// `/oauth/token` with the configured client id and secret.
    Basic,
    /// Another `/oauth/*` path with the configured access token.
    Bearer,
}

/// One request as received by the mock.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `"POST"`.
    pub method: String,
    /// URI path, e.g. `"/0/private/Balance"`.
    pub path: String,
    /// Raw (still percent-encoded) query string, without the `?`.
    pub query: Option<String>,
    /// Headers with lowercased names, in arrival order (non-UTF-8 values are decoded lossily).
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
    /// The authentication outcome; `Err` holds why the mock rejected the
    /// request, e.g. `"EAPI:Invalid signature"`.
    pub auth: Result<Auth, String>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    ///
    /// # Panics
    ///
    /// Panics if the body is not UTF-8; this is a test helper.
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("recorded request body is not UTF-8")
    }

    /// The body decoded as `application/x-www-form-urlencoded` pairs, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// The query string decoded into pairs, in order (empty if there is none).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.query.as_deref().unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }
}

/// A canned response served by the mock.
#[derive(Clone, Debug)]
pub struct MockResponse {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header value.
    pub content_type: String,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl MockResponse {
    /// A `200 application/json` response with `body`.
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self::bytes("application/json", body.into())
    }

    /// A `200 application/json` response with the contents of fixture `name`.
    ///
    /// # Panics
    ///
    /// Panics if the fixture cannot be read (see [`fixture`]).
    pub fn fixture(name: &str) -> Self {
        Self::json(fixture(name))
    }

    /// A `200` response with an arbitrary content type, e.g. a ZIP export.
    pub fn bytes(content_type: &str, body: Vec<u8>) -> Self {
        MockResponse {
            status: 200,
            content_type: content_type.to_owned(),
            body,
        }
    }

    /// Replaces the HTTP status code.
    pub fn status(self, status: u16) -> Self {
        MockResponse { status, ..self }
    }

    fn error(status: u16, body: serde_json::Value) -> Self {
        Self::json(body.to_string()).status(status)
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Ok(value) = HeaderValue::try_from(self.content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    }
}

/// The stateful part of a sandbox: the exchange and the counters, under one lock.
struct Sandbox {
    exchange: Exchange,
    counters: Counters,
}

/// State shared between the server task and the [`MockKraken`] handle.
struct Shared {
    addr: SocketAddr,
    config: MockConfig,
    /// `true` for [`MockKraken::sandbox`]: order endpoints answer from state.
    stateful: bool,
    clock: Clock,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Every Kraken error code answered, in order (rejections included).
    answered_errors: Mutex<Vec<String>>,
    overrides: Mutex<HashMap<String, MockResponse>>,
    /// One-shot responses per path, served first, in order.
    queued: Mutex<HashMap<String, std::collections::VecDeque<MockResponse>>>,
    /// Keys, nonces and lockouts: a nonce is checked and taken under this lock.
    keys: Mutex<KeyRing>,
    faults: Mutex<faults::Faults>,
    sandbox: Mutex<Sandbox>,
    /// Tokens and Fast API keys issued in sandbox mode.
    oauth: Mutex<oauth::OAuthState>,
    /// Scheduled actions: (mock Unix time due, action), in no particular order.
    events: Mutex<Vec<(Decimal, Action)>>,
}

/// Locks `m`, ignoring poisoning: the guarded data stays consistent because
/// no code panics while holding these locks.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running mock server; dropping it shuts the server down.
pub struct MockKraken {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockKraken {
    /// Starts a fixture-replay server with [`MockConfig::default`] on an
    /// ephemeral port of `127.0.0.1`.
    ///
    /// # Panics
    ///
    /// Panics if it cannot bind the port.
    pub async fn start() -> MockKraken {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::start_with(MockConfig::default(), addr)
            .await
            .unwrap_or_else(|e| panic!("kraken-mock: cannot bind {addr}: {e}"))
    }

    /// Starts a stateful sandbox with [`MockConfig::default`] on an ephemeral
    /// port of `127.0.0.1`. These endpoints answer from the sandbox's state
    /// (see [`STATEFUL_PATHS`]): orders (AddOrder, AddOrderBatch, AmendOrder,
    /// EditOrder, CancelOrder, CancelOrderBatch, CancelAll,
    /// CancelAllOrdersAfter, OpenOrders, ClosedOrders, QueryOrders,
    /// OrderAmends), money (Balance, BalanceEx, TradesHistory, QueryTrades,
    /// Ledgers, QueryLedgers, TradeVolume), exports (AddExport,
    /// ExportStatus, RetrieveExport, RemoveExport), Algo Trading (AddStrategy,
    /// CancelStrategy, QueryStrategies, GetOpenStrategies,
    /// GetClosedStrategies: TWAPs whose child orders trade as the clock
    /// advances), Funding (Beta) (every `/funding/` path, from the
    /// account), the market (Depth of a
    /// pair with a book, SystemStatus) and OAuth (`/oauth/token`,
    /// `/oauth/fast-api-key`). The others serve the recordings.
    ///
    /// # Panics
    ///
    /// Panics if it cannot bind the port.
    pub async fn sandbox() -> MockKraken {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::sandbox_with(MockConfig::default(), addr)
            .await
            .unwrap_or_else(|e| panic!("kraken-mock: cannot bind {addr}: {e}"))
    }

    /// Starts a fixture-replay server with `config` on `addr` (port 0 picks a free port).
    ///
    /// The server runs as a task on the current tokio runtime.
    pub async fn start_with(config: MockConfig, addr: SocketAddr) -> std::io::Result<MockKraken> {
        Self::launch(config, addr, false).await
    }

    /// Starts a stateful sandbox (see [`sandbox`](Self::sandbox)) with
    /// `config` on `addr`.
    pub async fn sandbox_with(config: MockConfig, addr: SocketAddr) -> std::io::Result<MockKraken> {
        Self::launch(config, addr, true).await
    }

    async fn launch(
        config: MockConfig,
        addr: SocketAddr,
        stateful: bool,
    ) -> std::io::Result<MockKraken> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let mut keys = KeyRing::default();
        keys.keys.insert(
            config.api_key.clone(),
            auth::KeyEntry {
                secret: config.api_secret.clone(),
                account: exchange::DEFAULT_ACCOUNT.to_owned(),
                permissions: None,
                nonce_window: None,
            },
        );
        let exchange = Exchange::from_fixtures(&config.fixtures_dir);
        let shared = Arc::new(Shared {
            addr,
            config,
            stateful,
            clock: Clock::default(),
            requests: Mutex::new(Vec::new()),
            answered_errors: Mutex::new(Vec::new()),
            overrides: Mutex::new(HashMap::new()),
            queued: Mutex::new(HashMap::new()),
            keys: Mutex::new(keys),
            faults: Mutex::new(faults::Faults::default()),
            sandbox: Mutex::new(Sandbox {
                exchange,
                counters: Counters::default(),
            }),
            events: Mutex::new(Vec::new()),
            oauth: Mutex::new(oauth::OAuthState::default()),
        });
        // Scheduled events also fire while no request arrives; the loop ends
        // once the mock is gone.
        let weak = Arc::downgrade(&shared);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let Some(shared) = weak.upgrade() else { break };
                control::run_due_events(&shared);
            }
        });
        let app = Router::new()
            .fallback(server::handle)
            .with_state(shared.clone())
            .into_make_service_with_connect_info::<Conn>();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            // Serving only fails if the listener breaks; nothing useful to do then.
            let _ = axum::serve(KillableListener(listener), app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MockKraken {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }

    /// Starts a sandbox set up by `config` (accounts, keys, prices,
    /// switches, faults and scheduled events) on `addr`.
    pub async fn from_config(
        config: &SandboxConfig,
        addr: SocketAddr,
    ) -> Result<MockKraken, String> {
        let mock = Self::sandbox_with(MockConfig::default(), addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        mock.configure(config)?;
        Ok(mock)
    }

    /// Applies `config` to this mock (see [`from_config`](Self::from_config)).
    pub fn configure(&self, config: &SandboxConfig) -> Result<(), String> {
        if let Some(tier) = &config.rate_limits {
            self.apply(Action::RateLimits {
                tier: Some(tier.clone()),
            })?;
        }
        self.set_lockout(config.lockout);
        self.set_nonce_window(config.nonce_window);
        if let Some(seed) = config.fault_seed {
            self.seed_faults(seed);
        }
        if let Some(status) = &config.system_status {
            self.apply(Action::SystemStatus {
                status: status.clone(),
            })?;
        }
        for (pair, price) in &config.prices {
            self.apply(Action::Price {
                pair: pair.clone(),
                price: *price,
            })?;
        }
        for account in &config.accounts {
            if let Some(balances) = &account.balances {
                let mut sandbox = lock(&self.shared.sandbox);
                let entry = sandbox
                    .exchange
                    .accounts
                    .entry(account.name.clone())
                    .or_default();
                entry.balances = balances.clone().into_iter().collect();
            }
            if let Some(volume) = account.volume_30d {
                let mut sandbox = lock(&self.shared.sandbox);
                let entry = sandbox
                    .exchange
                    .accounts
                    .entry(account.name.clone())
                    .or_default();
                entry.prior_volume = volume;
            }
            for key in &account.keys {
                let permissions: Option<Vec<&str>> = key
                    .permissions
                    .as_ref()
                    .map(|p| p.iter().map(String::as_str).collect());
                self.add_account_key(&account.name, &key.key, &key.secret, permissions.as_deref());
            }
        }
        for fault in &config.faults {
            self.apply(Action::Fault(fault.clone()))?;
        }
        let now = self.shared.clock.unix();
        for event in &config.events {
            let due = match (event.after, event.at.as_deref()) {
                (Some(after), None) => {
                    now + Decimal::from_f64_retain(after).ok_or("bad event time")?
                }
                (None, Some(at)) => {
                    let secs = config::time_of_day(at)
                        .ok_or_else(|| format!("event at {at:?}: expected HH:MM or HH:MM:SS"))?;
                    config::next_at(now, secs)
                }
                _ => return Err("each event needs exactly one of `after` and `at`".to_owned()),
            };
            lock(&self.shared.events).push((due, event.action.clone()));
        }
        Ok(())
    }

    /// Applies `action` now (the same actions the HTTP control API and
    /// scenario files use).
    pub fn apply(&self, action: Action) -> Result<(), String> {
        control::apply(self, action)
    }

    /// Applies `action` once `after` of mock time has passed (on the next
    /// request, clock advance, or within 100 ms of real time).
    pub fn schedule(&self, after: Duration, action: Action) {
        let due = self.shared.clock.unix()
            + Decimal::from_f64_retain(after.as_secs_f64()).unwrap_or_default();
        lock(&self.shared.events).push((due, action));
    }

    /// The server's base URL, e.g. `"http://127.0.0.1:38211"`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, including rejected ones, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Every Kraken error code the mock answered so far (rejections by
    /// authentication, nonce, counters, faults and the exchange), in order.
    pub fn answered_errors(&self) -> Vec<String> {
        lock(&self.shared.answered_errors).clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.shared.requests).last().cloned()
    }

    /// Serves `response` for every later request to exactly `path` (any
    /// method) instead of the default fixture or the sandbox's answer.
    ///
    /// Authentication is still checked first: a rejected request gets the
    /// usual error response.
    pub fn respond(&self, path: &str, response: MockResponse) {
        lock(&self.shared.overrides).insert(path.to_owned(), response);
    }

    /// Serves `response` once, for the next request to `path` (any method),
    /// before any [`respond`](Self::respond) override or default fixture.
    /// Queued responses are served in the order they were queued.
    pub fn respond_once(&self, path: &str, response: MockResponse) {
        lock(&self.shared.queued)
            .entry(path.to_owned())
            .or_default()
            .push_back(response);
    }

    /// Applies `fault` to the next `calls` requests to exactly `path` that
    /// pass authentication (a signature or nonce failure gets the usual
    /// rejection and does not use up a fault). Faults injected for the same
    /// path are used in the order they were injected, before any
    /// [`inject_fraction`](Self::inject_fraction) fault.
    pub fn inject(&self, path: &str, fault: Fault, calls: usize) {
        lock(&self.shared.faults).inject(path, fault, calls);
    }

    /// Applies `fault` to about `fraction` (0 to 1) of the requests to
    /// `path` that pass authentication, drawn from a seeded RNG so runs are
    /// reproducible (see [`seed_faults`](Self::seed_faults)). Replaces an
    /// earlier fraction fault on the same path.
    pub fn inject_fraction(&self, path: &str, fault: Fault, fraction: f64) {
        lock(&self.shared.faults).inject_fraction(path, fault, fraction);
    }

    /// Restarts the fraction faults' RNG from `seed`.
    pub fn seed_faults(&self, seed: u64) {
        lock(&self.shared.faults).reseed(seed);
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Every order the sandbox accepted, in the order it accepted them, with
    /// their current status. Empty in fixture-replay mode.
    pub fn orders(&self) -> Vec<MockOrder> {
        let now = self.shared.clock.unix();
        let mut sandbox = lock(&self.shared.sandbox);
        sandbox.exchange.run_timers(now);
        sandbox
            .exchange
            .orders
            .iter()
            .map(|o| o.view.clone())
            .collect()
    }

    /// Enforces Kraken's REST counter per API key and trading counter per
    /// API key and pair for `tier`, with the rules documented in [`counters`].
    pub fn enforce_rate_limits(&self, tier: RateTier) {
        lock(&self.shared.sandbox).counters.tier = Some(tier);
    }

    /// Stops enforcing the counters (the default).
    pub fn disable_rate_limits(&self) {
        lock(&self.shared.sandbox).counters = Counters::default();
    }

    /// The REST counter of `api_key` now (0 when counters are off).
    pub fn rest_counter(&self, api_key: &str) -> f64 {
        let now = self.shared.clock.secs();
        lock(&self.shared.sandbox).counters.rest(api_key, now)
    }

    /// The trading counter of `api_key` on `pair` (altname, e.g. `XBTUSD`) now.
    pub fn trading_counter(&self, api_key: &str, pair: &str) -> f64 {
        let now = self.shared.clock.secs();
        lock(&self.shared.sandbox)
            .counters
            .trading(api_key, pair, now)
    }

    /// Adds an API key (base64 `secret`) that may call only what
    /// `permissions` allow (kraken-rest.md §3 names: `query-funds`,
    /// `query-open-trades`, `query-closed-trades`, `modify-trades`,
    /// `close-trades`, `query-ledger`, `export-data`, `add-funds`,
    /// `withdraw-funds`, `earn-funds`, `create-ws-token`, …); other calls
    /// answer `EGeneral:Permission denied`. `None` allows everything.
    /// The key acts on the default account (the one [`API_KEY`] uses).
    pub fn add_key(&self, key: &str, secret: &str, permissions: Option<&[&str]>) {
        self.add_account_key(exchange::DEFAULT_ACCOUNT, key, secret, permissions);
    }

    /// Like [`add_key`](Self::add_key), for the key of another `account`
    /// (created empty if new): its orders, balances, trades and ledgers are
    /// its own.
    pub fn add_account_key(
        &self,
        account: &str,
        key: &str,
        secret: &str,
        permissions: Option<&[&str]>,
    ) {
        lock(&self.shared.sandbox)
            .exchange
            .accounts
            .entry(account.to_owned())
            .or_default();
        lock(&self.shared.keys).keys.insert(
            key.to_owned(),
            auth::KeyEntry {
                secret: secret.to_owned(),
                account: account.to_owned(),
                permissions: permissions.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
                nonce_window: None,
            },
        );
    }

    /// Sets the balance of `asset` (Kraken's name, e.g. `ZUSD`, `XXBT`) in
    /// `account` (`"default"` is [`API_KEY`]'s), creating the account if new.
    /// No ledger entry is written; see [`deposit`](Self::deposit).
    pub fn set_balance(&self, account: &str, asset: &str, amount: Decimal) {
        lock(&self.shared.sandbox)
            .exchange
            .accounts
            .entry(account.to_owned())
            .or_default()
            .balances
            .insert(asset.to_owned(), amount);
    }

    /// Credits `amount` of `asset` to `account` with a `deposit` ledger entry.
    pub fn deposit(&self, account: &str, asset: &str, amount: Decimal) {
        let now = self.shared.clock.unix();
        let mut sandbox = lock(&self.shared.sandbox);
        let id = sandbox.exchange.new_id('L');
        let refid = sandbox.exchange.new_id('F');
        sandbox
            .exchange
            .accounts
            .entry(account.to_owned())
            .or_default()
            .book(id, &refid, "deposit", asset, amount, Decimal::ZERO, now);
    }

    /// Sets the 30-day USD trading volume `account` had before the sandbox
    /// started; with its own trades it picks the fee tier of each fill.
    pub fn set_trading_volume(&self, account: &str, volume: Decimal) {
        lock(&self.shared.sandbox)
            .exchange
            .accounts
            .entry(account.to_owned())
            .or_default()
            .prior_volume = volume;
    }

    /// The balances of `account`, per asset.
    pub fn balances(&self, account: &str) -> std::collections::BTreeMap<String, Decimal> {
        lock(&self.shared.sandbox)
            .exchange
            .accounts
            .get(account)
            .map(|a| a.balances.clone())
            .unwrap_or_default()
    }

    /// Pauses matching: orders rest and nothing fills until
    /// [`resume_matching`](Self::resume_matching).
    pub fn pause_matching(&self) {
        lock(&self.shared.sandbox).exchange.paused = true;
    }

    /// Resumes matching and fills what the last prices now reach.
    pub fn resume_matching(&self) {
        let now = self.shared.clock.unix();
        let mut sandbox = lock(&self.shared.sandbox);
        let exchange = &mut sandbox.exchange;
        exchange.paused = false;
        let prices: Vec<(String, Decimal)> =
            exchange.last.iter().map(|(p, d)| (p.clone(), *d)).collect();
        for (pair, price) in prices {
            exchange.match_resting(&pair, price, now);
        }
    }

    /// Sets the system status SystemStatus reports and trading obeys:
    /// `online`, `maintenance` (trading calls answer `EService:Unavailable`),
    /// `cancel_only` (new orders answer `EService:Market in cancel_only mode`)
    /// or `post_only` (only post-only limit orders are accepted, others
    /// answer `EService:Market in post_only mode`).
    pub fn set_system_status(&self, status: &str) {
        lock(&self.shared.sandbox).exchange.system_status = status.to_owned();
    }

    /// Switches the temporary lockout on with [`LockoutPolicy::default`]
    /// (5 consecutive `EAPI:Invalid key`/`EAPI:Invalid signature` answers for
    /// one `API-Key` within 60 s lock that key out for 60 s of mock time:
    /// every call with it answers `EGeneral:Temporary lockout`), or off.
    pub fn set_lockout(&self, on: bool) {
        self.set_lockout_policy(on.then(LockoutPolicy::default));
    }

    /// Switches the lockout on with `policy`, or off with `None`.
    pub fn set_lockout_policy(&self, policy: Option<LockoutPolicy>) {
        lock(&self.shared.keys).lockout = policy;
    }

    /// Sets the nonce window of every key: 0 (the default) requires each
    /// nonce to exceed the highest accepted one; `n > 0` accepts a nonce
    /// that is not a repeat and exceeds `highest - n`.
    pub fn set_nonce_window(&self, n: u64) {
        lock(&self.shared.keys).nonce_window = n;
    }

    /// The mock's clock; [`Clock::advance`] moves counters, lockouts, order
    /// ages and the dead man's switch forward.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Moves the mock's clock forward by `by` (see [`clock`](Self::clock)).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
        let now = self.shared.clock.unix();
        lock(&self.shared.sandbox).exchange.run_timers(now);
        control::run_due_events(&self.shared);
    }

    /// Sets the last price of `pair` (altname, e.g. `XBTUSD`): the pair's
    /// book moves so its mid is `price`, resting limit orders it reaches
    /// fill (as maker), and stop and take-profit orders it reaches trigger.
    /// Returns `false` if the pair is unknown.
    pub fn set_price(&self, pair: &str, price: Decimal) -> bool {
        let now = self.shared.clock.unix();
        let mut sandbox = lock(&self.shared.sandbox);
        let Some(altname) = sandbox.exchange.pair(pair).map(|p| p.altname.clone()) else {
            return false;
        };
        sandbox.exchange.set_last(&altname, price, now);
        true
    }

    /// Replaces the book of `pair` with these `(price, volume)` levels; the
    /// last price becomes the book's mid. Taker orders trade against the
    /// book level by level (partial fills; what a market or IOC order cannot
    /// fill is canceled). Returns `false` if the pair is unknown.
    pub fn set_book(
        &self,
        pair: &str,
        bids: &[(Decimal, Decimal)],
        asks: &[(Decimal, Decimal)],
    ) -> bool {
        let now = self.shared.clock.unix();
        let mut sandbox = lock(&self.shared.sandbox);
        let Some(pair) = sandbox.exchange.pair(pair).cloned() else {
            return false;
        };
        let book = exchange::Book::new(bids.to_vec(), asks.to_vec());
        let mid = book.mid().map(|m| m.round_dp(pair.pair_decimals));
        sandbox.exchange.books.insert(pair.altname.clone(), book);
        if let Some(mid) = mid {
            sandbox.exchange.last.insert(pair.altname.clone(), mid);
            sandbox.exchange.match_resting(&pair.altname, mid, now);
        }
        true
    }

    /// Serves until Ctrl-C is pressed, then shuts down.
    pub async fn run_until_ctrl_c(self) {
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("kraken-mock: cannot listen for Ctrl-C ({e}); shutting down");
        }
    }
}

impl Drop for MockKraken {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already be gone (e.g. runtime shut down); that's fine.
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::body_nonce;
    use crate::server::fixture_name;
    use std::io::{Read, Write};

    /// Sends one raw HTTP/1.1 request and returns (status, body). Uses a
    /// blocking std socket on the blocking pool so the server task keeps
    /// running even on a current-thread runtime.
    async fn send(
        mock: &MockKraken,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut raw = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            mock.addr(),
            body.len()
        );
        for (name, value) in headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(body);
        let addr = mock.addr();
        let response = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.write_all(raw.as_bytes()).unwrap();
            let mut out = String::new();
            stream.read_to_string(&mut out).unwrap();
            out
        })
        .await
        .unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
        (status, body)
    }

    fn signed(path: &str, nonce: u64, body: &str) -> String {
        sign(API_SECRET, path, nonce, body.as_bytes()).unwrap()
    }

    #[test]
    fn official_signature_vector() {
        let body =
            "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
        assert_eq!(
            signed("/0/private/AddOrder", 1616492376594, body),
            "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
        );
        // JSON body with a numeric nonce (vector from the reference notes).
        let json = r#"{"pair":[{"asset":"TSLAx/USD","aclass":"equity_pair"}],"nonce":123}"#;
        assert_eq!(
            body_nonce(Some("application/json"), json.as_bytes()),
            Some(123)
        );
        assert_eq!(
            signed("/0/private/TradeVolume", 123, json),
            "JRJDryVhouSrIMbOftfDi5V0ILl6Mm6LMoX/LfS28me0PEos74LxkJ18uW9lfw1Y7osOoM78imN0uJjti1DJRw=="
        );
    }

    #[test]
    fn fixture_names() {
        assert_eq!(
            fixture_name("GET", "/0/public/Time").as_deref(),
            Some("Time.json")
        );
        assert_eq!(
            fixture_name("POST", "/0/private/Earn/Strategies").as_deref(),
            Some("Earn_Strategies.json")
        );
        assert_eq!(
            fixture_name("DELETE", "/oauth/fast-api-key").as_deref(),
            Some("OAuth_FastApiKey.delete.json")
        );
        assert_eq!(
            fixture_name("POST", "/oauth/fast-api-key").as_deref(),
            Some("OAuth_FastApiKey.create.json")
        );
        assert_eq!(fixture_name("GET", "/0/public/../Cargo"), None);
        assert_eq!(fixture_name("GET", "/elsewhere"), None);
    }

    #[tokio::test]
    async fn private_auth_and_nonce_replay() {
        let mock = MockKraken::start().await;
        mock.respond(
            "/0/private/Balance",
            MockResponse::json(r#"{"error":[],"result":{}}"#),
        );
        let path = "/0/private/Balance";
        let form = "application/x-www-form-urlencoded";
        let body = "nonce=1616492376594";
        let sig = signed(path, 1616492376594, body);
        let good = [
            ("API-Key", API_KEY),
            ("API-Sign", sig.as_str()),
            ("Content-Type", form),
        ];

        let bad_key = [
            ("API-Key", "nope"),
            ("API-Sign", sig.as_str()),
            ("Content-Type", form),
        ];
        assert_eq!(
            send(&mock, "POST", path, &bad_key, body).await,
            (200, r#"{"error":["EAPI:Invalid key"]}"#.into())
        );
        let bad_sig = [
            ("API-Key", API_KEY),
            ("API-Sign", "AAAA"),
            ("Content-Type", form),
        ];
        assert_eq!(
            send(&mock, "POST", path, &bad_sig, body).await.1,
            r#"{"error":["EAPI:Invalid signature"]}"#
        );
        assert_eq!(
            send(&mock, "POST", path, &good, body).await,
            (200, r#"{"error":[],"result":{}}"#.into())
        );
        // Same nonce again: replay.
        assert_eq!(
            send(&mock, "POST", path, &good, body).await.1,
            r#"{"error":["EAPI:Invalid nonce"]}"#
        );

        let auths: Vec<_> = mock.requests().into_iter().map(|r| r.auth).collect();
        assert_eq!(
            auths,
            [
                Err("EAPI:Invalid key".to_owned()),
                Err("EAPI:Invalid signature".to_owned()),
                Ok(Auth::ApiKey {
                    nonce: 1616492376594
                }),
                Err("EAPI:Invalid nonce".to_owned()),
            ]
        );
        let last = mock.last_request().unwrap();
        assert_eq!(last.header("api-sign"), Some(sig.as_str()));
        assert_eq!(
            last.form(),
            [("nonce".to_owned(), "1616492376594".to_owned())]
        );
    }

    #[tokio::test]
    async fn fixtures_unknown_paths_and_overrides() {
        let dir = std::env::temp_dir().join(format!("kraken-mock-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Time.json"),
            r#"{"error":[],"result":{"unixtime":1}}"#,
        )
        .unwrap();
        let config = MockConfig {
            fixtures_dir: dir.clone(),
            ..MockConfig::default()
        };
        let mock = MockKraken::start_with(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();

        let (status, body) = send(&mock, "GET", "/0/public/Time?x=%20y", &[], "").await;
        assert_eq!(
            (status, body.as_str()),
            (200, r#"{"error":[],"result":{"unixtime":1}}"#)
        );
        assert_eq!(
            mock.last_request().unwrap().query_pairs(),
            [("x".to_owned(), " y".to_owned())]
        );
        assert_eq!(
            send(&mock, "GET", "/0/public/NoSuch", &[], "").await,
            (404, r#"{"error":["EGeneral:Unknown method"]}"#.into())
        );

        mock.respond(
            "/0/public/Time",
            MockResponse::bytes("text/plain", b"hi".to_vec()).status(503),
        );
        assert_eq!(
            send(&mock, "GET", "/0/public/Time", &[], "").await,
            (503, "hi".into())
        );
        // Bearer endpoints reject a wrong token even when overridden.
        mock.respond("/oauth/userinfo", MockResponse::json("{}"));
        let (status, _) = send(
            &mock,
            "GET",
            "/oauth/userinfo",
            &[("Authorization", "Bearer wrong")],
            "",
        )
        .await;
        assert_eq!(status, 401);
        assert_eq!(mock.requests().len(), 4);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
