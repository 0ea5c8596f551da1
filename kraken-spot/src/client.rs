//! The client and its configuration. Sending lives in `send.rs`.

use crate::credentials::{ApiCredentials, DEFAULT_COOLDOWN};
use crate::endpoint::{Call, CallOptions, Endpoint, Permission};
use crate::nonce::{NonceGate, NonceSource};
use crate::orders::OrderResend;
use crate::pacing::{Pacer, RateCounters, RateLimitTier};
use crate::transport::{HttpConfig, HttpPools, Origin, Proxy};
use crate::{Error, RetryPolicy};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Kraken's production REST host.
pub const DEFAULT_BASE_URL: &str = "https://api.kraken.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Kraken's largest JSON answers (every pair's AssetPairs, 1000-row trade and
/// candle pages) are a few MiB; this leaves ample room.
pub(crate) const DEFAULT_MAX_JSON_BYTES: usize = 32 << 20;
/// Ledger exports (RetrieveExport's zip) can be large.
pub(crate) const DEFAULT_MAX_FILE_BYTES: usize = 1 << 30;

/// A Kraken Spot REST client. Cloning is cheap: clones share the connection
/// pools, the nonce gate, the pacing counters and the credentials.
///
/// One client can be shared by several tokio runtimes (one per OS thread,
/// say): each runtime gets its own connection pool, because a connection
/// belongs to the runtime that opened it.
#[derive(Clone)]
pub struct SpotClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpPools,
    pub(crate) base_url: String,
    /// Shared, not copied, by clients made with `with_oauth_access_token`.
    pub(crate) api: Option<Arc<ApiCredentials>>,
    pub(crate) oauth_client: Option<Arc<OAuthClient>>,
    pub(crate) oauth_token: Option<SecretString>,
    pub(crate) otp: Option<SecretString>,
    pub(crate) nonces: Arc<NonceGate>,
    /// The local copy of Kraken's counters, when pacing is on.
    pub(crate) pacer: Option<Arc<Pacer>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) resend: OrderResend,
    pub(crate) max_json_bytes: usize,
    pub(crate) max_file_bytes: usize,
}

pub(crate) struct OAuthClient {
    /// `base64(id:secret)`, ready for the Basic header.
    pub(crate) basic: SecretString,
}

impl fmt::Debug for SpotClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |b: bool| if b { "[REDACTED]" } else { "None" };
        f.debug_struct("SpotClient")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &set(self.inner.api.is_some()))
            .field(
                "oauth_client_credentials",
                &set(self.inner.oauth_client.is_some()),
            )
            .field("oauth_access_token", &set(self.inner.oauth_token.is_some()))
            .field("otp", &set(self.inner.otp.is_some()))
            .finish()
    }
}

impl SpotClient {
    /// Starts configuring a client.
    pub fn builder() -> SpotClientBuilder {
        SpotClientBuilder::default()
    }

    /// A client for public endpoints only, against Kraken's production host.
    pub fn new() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A client that shares this one's connections, nonces, counters and
    /// credentials but uses a new OAuth access token (for example one just
    /// obtained with `get_oauth_access_token`).
    pub fn with_oauth_access_token(&self, token: impl Into<String>) -> Self {
        let inner = &self.inner;
        SpotClient {
            inner: Arc::new(Inner {
                http: inner.http.share(),
                base_url: inner.base_url.clone(),
                api: inner.api.clone(),
                oauth_client: inner.oauth_client.clone(),
                oauth_token: Some(SecretString::from(token.into())),
                otp: inner.otp.clone(),
                nonces: Arc::clone(&inner.nonces),
                pacer: inner.pacer.clone(),
                retry: inner.retry,
                timeout: inner.timeout,
                resend: inner.resend,
                max_json_bytes: inner.max_json_bytes,
                max_file_bytes: inner.max_file_bytes,
            }),
        }
    }

    /// A fresh client order id (`cl_ord_id`): 32 lowercase hex characters
    /// from the operating system's CSPRNG. Order calls get one automatically
    /// when the caller sets none.
    pub fn generate_new_order_id(&self) -> String {
        let mut bytes = [0u8; 16];
        if let Err(e) = getrandom::fill(&mut bytes) {
            // Practically unreachable; fall back to a unique id from the
            // clock and a counter rather than panicking in a trading loop.
            tracing::error!(error = %e, "OS random source failed; deriving cl_ord_id from the clock");
            static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let digest = <sha2::Sha256 as sha2::Digest>::digest(format!("{t}:{n}"));
            bytes.copy_from_slice(&digest[..16]);
        }
        let mut out = String::with_capacity(32);
        for b in bytes {
            out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        out
    }

    /// Sends a request built on its own (every endpoint's `…Request` type).
    pub async fn send<E: Endpoint>(&self, request: E) -> Result<E::Response, Error> {
        self.execute(&request, None, None).await
    }

    /// Sends a request with its options (a one-time password, a deadline),
    /// for example the two halves of [`Call::into_parts`].
    pub async fn send_with<E: Endpoint>(
        &self,
        request: E,
        options: CallOptions,
    ) -> Result<E::Response, Error> {
        let otp = options.otp.as_ref().map(crate::Secret::expose);
        self.execute(&request, otp, options.timeout).await
    }

    pub(crate) fn call<E: Endpoint>(&self, request: E) -> Call<E> {
        Call::new(self, request)
    }

    /// Asks Kraken what this API key may do (`GetApiKeyInfo`) and remembers
    /// it: from then on, a call the key may not make is refused locally with
    /// [`Error::MissingPermission`] instead of being sent. Returns the
    /// permissions found (names this crate does not know are ignored).
    pub async fn verify_credentials(&self) -> Result<Vec<Permission>, Error> {
        let info = self.get_api_key_info().await?;
        let api = self.inner.api.as_ref().ok_or(Error::MissingCredentials {
            endpoint: "verify_credentials",
            needed: "API credentials (`credentials(key, secret)`)",
        })?;
        Ok(api.set_permissions(info.permissions.iter().map(String::as_str)))
    }

    /// The local pacing counters (REST and per-pair trading), when pacing is
    /// on: for dashboards.
    pub fn rate_counters(&self) -> Option<RateCounters> {
        self.inner.pacer.as_ref().map(|p| p.snapshot())
    }
}

/// Configures a [`SpotClient`].
#[derive(Default)]
pub struct SpotClientBuilder {
    base_url: Option<String>,
    credentials: Option<(SecretString, SecretString)>,
    oauth_client: Option<(SecretString, SecretString)>,
    oauth_token: Option<SecretString>,
    otp: Option<SecretString>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    proxy: Proxy,
    rate_limit: Option<RateLimitTier>,
    retry: Option<RetryPolicy>,
    nonce_source: Option<NonceSource>,
    signed_in_flight: Option<usize>,
    credential_cooldown: Option<Duration>,
    resend: Option<OrderResend>,
    max_json_bytes: Option<usize>,
    max_file_bytes: Option<usize>,
}

impl fmt::Debug for SpotClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |b: bool| if b { "[REDACTED]" } else { "None" };
        f.debug_struct("SpotClientBuilder")
            .field("base_url", &self.base_url.as_ref().map(|u| redact_url(u)))
            .field("credentials", &set(self.credentials.is_some()))
            .field(
                "oauth_client_credentials",
                &set(self.oauth_client.is_some()),
            )
            .field("oauth_access_token", &set(self.oauth_token.is_some()))
            .field("otp", &set(self.otp.is_some()))
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("nonce_source", &self.nonce_source)
            .field("resend", &self.resend)
            .finish()
    }
}

impl SpotClientBuilder {
    /// The host to talk to, for example a local mock (default
    /// `https://api.kraken.com`). It must be a bare origin: a path would not
    /// be part of what Kraken verifies the signature over, so it is refused.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key and its base64 secret, for api-key signed calls.
    /// Whitespace around either (a pasted trailing newline) is ignored.
    pub fn credentials(mut self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some((
            SecretString::from(key.into()),
            SecretString::from(secret.into()),
        ));
        self
    }

    /// OAuth client id and secret, for the token endpoint (HTTP Basic).
    pub fn oauth_client_credentials(
        mut self,
        id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.oauth_client = Some((
            SecretString::from(id.into()),
            SecretString::from(secret.into()),
        ));
        self
    }

    /// An OAuth access token, for Bearer calls.
    pub fn oauth_access_token(mut self, token: impl Into<String>) -> Self {
        self.oauth_token = Some(SecretString::from(token.into()));
        self
    }

    /// A static one-time password sent with every api-key call (for keys with
    /// a 2FA password). A per-call `.otp(..)` overrides it.
    pub fn otp(mut self, otp: impl Into<String>) -> Self {
        self.otp = Some(SecretString::from(otp.into()));
        self
    }

    /// One overall deadline per call, retries and waits included (default
    /// 30 s). A per-call `.timeout(..)` overrides it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Connects through this HTTP proxy (`http://[user:password@]host:port`):
    /// each connection is a CONNECT tunnel, so TLS runs end to end with
    /// Kraken. Without this, the environment decides, as curl reads it:
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Proxy::Url(SecretString::from(url.into()));
        self
    }

    /// Connects straight to the host, whatever the environment's proxy
    /// variables say.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = Proxy::Direct;
        self
    }

    /// The User-Agent header (default `kraken-spot/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Paces calls to stay under Kraken's counters for this tier: the REST
    /// call counter of the key and the trading counter of each pair. A call
    /// waits until its charge fits rather than being refused. Off by
    /// default. Shared by every clone of the client (not by other processes:
    /// when Kraken refuses a call anyway, the local counter is set full).
    pub fn rate_limit(mut self, tier: RateLimitTier) -> Self {
        self.rate_limit = Some(tier);
        self
    }

    /// Which failures are retried (default [`RetryPolicy::DEFAULT`]; use
    /// [`RetryPolicy::NONE`] to turn retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Where nonces come from (default [`NonceSource::nanoseconds`]).
    pub fn nonce_source(mut self, source: NonceSource) -> Self {
        self.nonce_source = Some(source);
        self
    }

    /// How many signed requests of this key may be under way at once
    /// (default 1: they reach Kraken in nonce order, so none is refused as
    /// an invalid nonce). Raise it only with a nonce window on the key.
    pub fn signed_in_flight(mut self, n: usize) -> Self {
        self.signed_in_flight = Some(n);
        self
    }

    /// How long signed calls are refused locally after Kraken answers
    /// `EAPI:Invalid key` or `EAPI:Invalid signature` (default 3 minutes),
    /// so that a bad key never gets the account locked out.
    pub fn credential_cooldown(mut self, cooldown: Duration) -> Self {
        self.credential_cooldown = Some(cooldown);
        self
    }

    /// What happens after an order's outcome is unknown (default
    /// [`OrderResend::Never`]).
    pub fn order_resend(mut self, policy: OrderResend) -> Self {
        self.resend = Some(policy);
        self
    }

    /// The largest response body read, for JSON answers (default 32 MiB)
    /// and for files such as ledger exports (default 1 GiB).
    pub fn max_response_bytes(mut self, json: usize, file: usize) -> Self {
        self.max_json_bytes = Some(json);
        self.max_file_bytes = Some(file);
        self
    }

    /// Checks the configuration, decodes the API secret once, and builds the client.
    pub fn build(self) -> Result<SpotClient, Error> {
        let base_url = check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        if let Some(OrderResend::WhenNotPlaced { deadline }) = self.resend
            && !(Duration::from_secs(2)..=Duration::from_secs(60)).contains(&deadline)
        {
            return Err(Error::InvalidConfig(format!(
                "OrderResend::WhenNotPlaced needs a deadline 2 to 60 s ahead (Kraken refuses others), not {deadline:?}"
            )));
        }
        let cooldown = self.credential_cooldown.unwrap_or(DEFAULT_COOLDOWN);
        let api = match self.credentials {
            None => None,
            Some((key, secret)) => Some(Arc::new(ApiCredentials::new(key, secret, cooldown)?)),
        };

        let oauth_client = match self.oauth_client {
            None => None,
            Some((id, secret)) => {
                let (id, secret) = (id.expose_secret().trim(), secret.expose_secret().trim());
                if id.is_empty() || secret.is_empty() {
                    return Err(Error::InvalidConfig(
                        "OAuth client id and secret must not be empty".into(),
                    ));
                }
                let basic = STANDARD.encode(format!("{id}:{secret}"));
                Some(Arc::new(OAuthClient {
                    basic: SecretString::from(basic),
                }))
            }
        };

        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("kraken-spot/", env!("CARGO_PKG_VERSION")).to_owned());
        let http = HttpPools::new(&HttpConfig {
            origin: &Origin::new(&base_url)?,
            user_agent,
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            proxy: &self.proxy,
        })?;
        Ok(SpotClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                api,
                oauth_client,
                oauth_token: self.oauth_token,
                otp: self.otp,
                nonces: Arc::new(NonceGate::new(
                    self.nonce_source.unwrap_or_default(),
                    self.signed_in_flight.unwrap_or(1),
                )),
                pacer: self.rate_limit.map(|tier| Arc::new(Pacer::new(tier))),
                retry: self.retry.unwrap_or_default(),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                resend: self.resend.unwrap_or_default(),
                max_json_bytes: self.max_json_bytes.unwrap_or(DEFAULT_MAX_JSON_BYTES),
                max_file_bytes: self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
            }),
        })
    }
}

/// A URL with any user info replaced, safe to show.
fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            format!("{url} (user info removed)")
        }
        Ok(url) => url.to_string(),
        Err(_) => format!("[{} characters, not a URL]", raw.chars().count()),
    }
}

fn check_base_url(raw: &str) -> Result<String, Error> {
    // Never repeat the URL itself: it may carry a password.
    let bad = |why: &str| Error::InvalidConfig(format!("the base URL {why}"));
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry user info (a user name or password)"));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if url.path() != "/" {
        return Err(bad(&format!(
            "must be a bare origin such as https://api.kraken.com, without a path (`{}`): Kraken signs the path from /0/private, so a prefix would break every signed call",
            url.path()
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            check_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_base_url("https://api.kraken.com").unwrap(),
            "https://api.kraken.com"
        );
        for bad in [
            "",
            "api.kraken.com",
            "ftp://x",
            "http://",
            "http://h/?q=1",
            "http://u:p@h",
            "https://proxy.example/kraken",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::InvalidConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_base_url_with_a_password_is_refused_without_repeating_it() {
        let err = SpotClient::builder()
            .base_url("https://user:hunter2@api.kraken.com")
            .build()
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("user info"), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("user:"),
            "{text}"
        );
        let shown = format!(
            "{:?}",
            SpotClient::builder().base_url("https://user:hunter2@h")
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn the_resend_deadline_must_be_one_kraken_accepts() {
        for bad in [Duration::from_secs(1), Duration::from_secs(61)] {
            let err = SpotClient::builder()
                .order_resend(OrderResend::WhenNotPlaced { deadline: bad })
                .build()
                .unwrap_err();
            assert!(err.to_string().contains("2 to 60 s"), "{err}");
        }
        SpotClient::builder()
            .order_resend(OrderResend::WhenNotPlaced {
                deadline: Duration::from_secs(10),
            })
            .build()
            .unwrap();
    }

    #[test]
    fn a_base_url_path_is_refused_clearly() {
        let err = check_base_url("https://proxy.example/kraken/").unwrap_err();
        assert!(
            err.to_string().contains("without a path (`/kraken/`)"),
            "{err}"
        );
    }

    #[test]
    fn order_ids_are_32_lowercase_hex_and_distinct() {
        let client = SpotClient::new().unwrap();
        let a = client.generate_new_order_id();
        let b = client.generate_new_order_id();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
            "{a}"
        );
        assert_ne!(a, b);
    }

    #[test]
    fn bad_secrets_are_rejected_without_echoing_them() {
        let err = SpotClient::builder()
            .credentials("KEY", "not*base64!")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidSecret(_)));
        assert!(!err.to_string().contains("not*base64!"), "{err}");
    }

    #[test]
    fn debug_output_redacts_every_secret() {
        let client = SpotClient::builder()
            .credentials("MYKEY", "c2VjcmV0")
            .oauth_client_credentials("CID", "CSECRET")
            .oauth_access_token("TOKEN123")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        for secret in ["MYKEY", "c2VjcmV0", "secret", "CID", "CSECRET", "TOKEN123"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
