//! The client: configuration, credentials and the one place requests are sent.

use crate::endpoint::{Auth, Call, Encoding, Endpoint, HttpMethod, Params};
use crate::nonce::NonceGenerator;
use crate::ratelimit::{CallCounter, RateLimitTier, RetryPolicy};
use crate::{Error, signing};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Kraken's production REST host.
pub const DEFAULT_BASE_URL: &str = "https://api.kraken.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Kraken Spot REST client. Cloning is cheap: clones share the connection
/// pool and the nonce counter.
#[derive(Clone)]
pub struct SpotClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// Shared, not copied, by clients made with `with_oauth_access_token`.
    api: Option<Arc<ApiCredentials>>,
    oauth_client: Option<Arc<OAuthClient>>,
    oauth_token: Option<SecretString>,
    otp: Option<SecretString>,
    nonce: Arc<NonceGenerator>,
    /// The local copy of Kraken's call counter, when pacing is on.
    counter: Option<Arc<CallCounter>>,
    retry: RetryPolicy,
}

struct ApiCredentials {
    key: SecretString,
    /// Decoded once, when the client is built.
    secret: SecretBox<[u8]>,
}

struct OAuthClient {
    /// `base64(id:secret)`, ready for the Basic header.
    basic: SecretString,
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

    /// A client that shares this one's connections and nonces but uses a new
    /// OAuth access token (for example one just obtained with
    /// `get_oauth_access_token`).
    pub fn with_oauth_access_token(&self, token: impl Into<String>) -> Self {
        let inner = &self.inner;
        SpotClient {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                api: inner.api.clone(),
                oauth_client: inner.oauth_client.clone(),
                oauth_token: Some(SecretString::from(token.into())),
                otp: inner.otp.clone(),
                nonce: Arc::clone(&inner.nonce),
                counter: inner.counter.clone(),
                retry: inner.retry,
            }),
        }
    }

    /// A fresh client order id (`cl_ord_id`): 32 lowercase hex characters
    /// from the operating system's CSPRNG.
    pub fn generate_new_order_id(&self) -> String {
        let mut bytes = [0u8; 16];
        if let Err(e) = getrandom::fill(&mut bytes) {
            // Practically unreachable; fall back to a unique, unpredictable-enough id
            // rather than panicking in a trading loop.
            tracing::error!(error = %e, "OS random source failed; deriving cl_ord_id from the nonce clock");
            let n = self.inner.nonce.next().to_le_bytes();
            let digest = <sha2::Sha256 as sha2::Digest>::digest(n);
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
        self.execute(&request, None).await
    }

    pub(crate) fn call<E: Endpoint>(&self, request: E) -> Call<'_, E> {
        Call::new(self, request)
    }

    /// Sends a call: checks its parameters, paces it against the call
    /// counter, and retries what the retry policy allows, re-signing each
    /// attempt with a fresh nonce.
    pub(crate) async fn execute<E: Endpoint>(
        &self,
        request: &E,
        otp: Option<&str>,
    ) -> Result<E::Response, Error> {
        let params = request.params()?;
        let retry = self.inner.retry;
        let mut attempt = 0;
        loop {
            if let (Auth::ApiKey, Some(counter)) = (E::AUTH, &self.inner.counter) {
                counter.acquire(E::COST).await;
            }
            let result = self.attempt::<E>(params.clone(), otp).await;
            match result {
                Err(e)
                    if attempt < retry.max_retries
                        && RetryPolicy::retryable(E::AUTH, E::METHOD, &e) =>
                {
                    let wait = retry.backoff(attempt);
                    tracing::debug!(endpoint = E::NAME, attempt, ?wait, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn attempt<E: Endpoint>(
        &self,
        params: Params,
        otp: Option<&str>,
    ) -> Result<E::Response, Error> {
        let http = self.prepare::<E>(params, otp)?;
        let response = http.send().await.map_err(|source| Error::Transport {
            endpoint: E::NAME,
            source,
        })?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(|source| Error::Transport {
            endpoint: E::NAME,
            source,
        })?;
        E::decode(status, content_type.as_deref(), &body)
    }

    /// Builds the HTTP request: URL, headers and the exact body that is signed.
    fn prepare<E: Endpoint>(
        &self,
        mut params: Params,
        otp: Option<&str>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let inner = &*self.inner;
        let mut url = format!("{}{}", inner.base_url, E::PATH);
        let method = match E::METHOD {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };

        let mut headers: Vec<(&'static str, String)> = Vec::new();
        let mut nonce = None;
        match E::AUTH {
            Auth::Public => {}
            Auth::ApiKey => {
                if inner.api.is_none() {
                    return Err(Error::MissingCredentials {
                        endpoint: E::NAME,
                        needed: "API credentials (`credentials(key, secret)`)",
                    });
                }
                if let Some(otp) = otp
                    .map(str::to_owned)
                    .or_else(|| inner.otp.as_ref().map(|o| o.expose_secret().to_owned()))
                {
                    params.push("otp", otp);
                }
                nonce = Some(inner.nonce.next());
            }
            Auth::OAuthBasic => {
                let client = inner
                    .oauth_client
                    .as_ref()
                    .ok_or(Error::MissingCredentials {
                        endpoint: E::NAME,
                        needed: "OAuth client credentials (`oauth_client_credentials(id, secret)`)",
                    })?;
                headers.push((
                    "Authorization",
                    format!("Basic {}", client.basic.expose_secret()),
                ));
            }
            Auth::OAuthBearer => {
                let token = inner
                    .oauth_token
                    .as_ref()
                    .ok_or(Error::MissingCredentials {
                        endpoint: E::NAME,
                        needed: "an OAuth access token (`oauth_access_token(token)`)",
                    })?;
                headers.push(("Authorization", format!("Bearer {}", token.expose_secret())));
            }
        }

        let body: Option<(Vec<u8>, &'static str)> = match E::ENCODING {
            Encoding::Query => {
                if !params.entries().is_empty() {
                    let query = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(params.form_pairs())
                        .finish();
                    url.push('?');
                    url.push_str(&query);
                }
                None
            }
            Encoding::Form => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                if let Some(n) = nonce {
                    form.append_pair("nonce", &n.to_string());
                }
                form.extend_pairs(params.form_pairs());
                Some((
                    form.finish().into_bytes(),
                    "application/x-www-form-urlencoded; charset=utf-8",
                ))
            }
            Encoding::Json => Some((json_body(nonce, &params), "application/json")),
        };

        if let (Some(n), Some(api)) = (nonce, inner.api.as_ref()) {
            let signed = body.as_ref().map_or(&[][..], |(b, _)| b.as_slice());
            headers.push(("API-Key", api.key.expose_secret().to_owned()));
            headers.push((
                "API-Sign",
                signing::sign(E::PATH, n, signed, api.secret.expose_secret()),
            ));
        }

        let mut builder = inner.http.request(method, url);
        for (name, value) in headers {
            // Every header added here carries a credential: marked sensitive so
            // HTTP-layer logging never prints it, and never quoted in errors.
            let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
                Error::InvalidConfig(format!("the credential for the `{name}` header contains characters a header cannot carry"))
            })?;
            value.set_sensitive(true);
            builder = builder.header(name, value);
        }
        if let Some((bytes, content_type)) = body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
        }
        Ok(builder)
    }
}

/// The JSON body, written by hand so the nonce comes first and the bytes
/// signed are exactly the bytes sent.
fn json_body(nonce: Option<u64>, params: &Params) -> Vec<u8> {
    let mut out = String::from("{");
    let mut first = true;
    if let Some(n) = nonce {
        out.push_str(&format!("\"nonce\":\"{n}\""));
        first = false;
    }
    for (name, value) in params.entries() {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&serde_json::Value::from(*name).to_string());
        out.push(':');
        out.push_str(&value.json_text());
    }
    out.push('}');
    out.into_bytes()
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
    rate_limit: Option<RateLimitTier>,
    retry: Option<RetryPolicy>,
}

impl fmt::Debug for SpotClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |b: bool| if b { "[REDACTED]" } else { "None" };
        f.debug_struct("SpotClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &set(self.credentials.is_some()))
            .field(
                "oauth_client_credentials",
                &set(self.oauth_client.is_some()),
            )
            .field("oauth_access_token", &set(self.oauth_token.is_some()))
            .field("otp", &set(self.otp.is_some()))
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish()
    }
}

impl SpotClientBuilder {
    /// The host to talk to, for example a local mock (default `https://api.kraken.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key and its base64 secret, for api-key signed calls.
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

    /// The whole-request timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The User-Agent header (default `kraken-spot/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Paces API-key calls to stay under Kraken's REST call counter for this
    /// tier: a call waits until its cost fits rather than being refused with
    /// `EAPI:Rate limit exceeded`. Off by default. The counter is per API key
    /// and shared by every clone of the client (not by other processes).
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

    /// Checks the configuration, decodes the API secret once, and builds the client.
    pub fn build(self) -> Result<SpotClient, Error> {
        let base_url = check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;

        let api = match self.credentials {
            None => None,
            Some((key, secret)) => {
                if key.expose_secret().trim().is_empty() {
                    return Err(Error::InvalidConfig("the API key is empty".into()));
                }
                let encoded = secret.expose_secret().trim();
                if encoded.is_empty() {
                    return Err(Error::InvalidSecret("it is empty".into()));
                }
                // The decode error names the offending byte, so it is not passed on.
                let decoded = STANDARD.decode(encoded).map_err(|_| {
                    Error::InvalidSecret(format!(
                        "a {}-character value that does not decode; copy the whole private key from Kraken",
                        encoded.len()
                    ))
                })?;
                Some(Arc::new(ApiCredentials {
                    key,
                    secret: SecretBox::new(decoded.into_boxed_slice()),
                }))
            }
        };

        let oauth_client = match self.oauth_client {
            None => None,
            Some((id, secret)) => {
                if id.expose_secret().is_empty() || secret.expose_secret().is_empty() {
                    return Err(Error::InvalidConfig(
                        "OAuth client id and secret must not be empty".into(),
                    ));
                }
                let basic =
                    STANDARD.encode(format!("{}:{}", id.expose_secret(), secret.expose_secret()));
                Some(Arc::new(OAuthClient {
                    basic: SecretString::from(basic),
                }))
            }
        };

        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("kraken-spot/", env!("CARGO_PKG_VERSION")).to_owned());
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(user_agent)
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| Error::InvalidConfig(format!("cannot build the HTTP client: {e}")))?;

        Ok(SpotClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                api,
                oauth_client,
                oauth_token: self.oauth_token,
                otp: self.otp,
                nonce: Arc::new(NonceGenerator::default()),
                counter: self.rate_limit.map(|tier| Arc::new(CallCounter::new(tier))),
                retry: self.retry.unwrap_or_default(),
            }),
        })
    }
}

fn check_base_url(raw: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::InvalidConfig(format!("base URL `{raw}` {why}"));
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry user info"));
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
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::InvalidConfig(_))),
                "{bad}"
            );
        }
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

    #[test]
    fn json_bodies_put_the_nonce_first() {
        let mut p = Params::new();
        p.push("pair", "XBTUSD");
        p.push("validate", true);
        assert_eq!(
            String::from_utf8(json_body(Some(7), &p)).unwrap(),
            r#"{"nonce":"7","pair":"XBTUSD","validate":true}"#
        );
        assert_eq!(
            String::from_utf8(json_body(None, &Params::new())).unwrap(),
            "{}"
        );
    }
}
