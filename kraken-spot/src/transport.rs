//! HTTP: hyper's pooled client over TCP and TLS, one pool per tokio runtime.
//!
//! The send path hands this module a finished request and gets back the
//! answer's head, then its body up to a cap. Nothing here follows a redirect:
//! a signed request goes to the configured origin and nowhere else.

use crate::Error;
use crate::error::TransportError;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Body as _, Bytes, Incoming};
use hyper::header::{HeaderValue, USER_AGENT};
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::sync::Mutex;
use std::time::Duration;

/// TCP, then TLS by the chosen feature: rustls (default) or the platform's.
#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
type Connector = hyper_tls::HttpsConnector<HttpConnector>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = HttpConnector;

/// One runtime's connection pool, and what every request carries.
#[derive(Clone)]
pub(crate) struct Http {
    client: Client<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
}

/// How connections are made: fixed when the client is built.
#[derive(Clone)]
pub(crate) struct HttpConfig {
    pub(crate) user_agent: String,
    pub(crate) connect_timeout: Duration,
}

/// One pool per tokio runtime: a pooled connection is driven by a task of the
/// runtime that opened it, and dies with that runtime.
pub(crate) struct HttpPools {
    connector: Connector,
    user_agent: HeaderValue,
    by_runtime: Mutex<Vec<(tokio::runtime::Id, Http)>>,
}

/// Runtimes that are gone leave their pool behind; keep only the newest few.
const MAX_POOLS: usize = 16;
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

impl HttpPools {
    /// Builds the connector (TLS configuration included) once; a bad
    /// configuration fails here, at `build()`, not at the first call.
    pub(crate) fn new(config: &HttpConfig) -> Result<Self, Error> {
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| {
            Error::InvalidConfig("the user agent contains characters a header cannot carry".into())
        })?;
        Ok(HttpPools {
            connector: connector(config)?,
            user_agent,
            by_runtime: Mutex::new(Vec::new()),
        })
    }

    /// A second client's pools: the same connector, the same live pools.
    pub(crate) fn share(&self) -> Self {
        HttpPools {
            connector: self.connector.clone(),
            user_agent: self.user_agent.clone(),
            by_runtime: Mutex::new(
                self.by_runtime
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
        }
    }

    /// The connection pool of the runtime this call runs on.
    pub(crate) fn current(&self) -> Result<Http, Error> {
        let id = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::InvalidConfig("calls must run inside a tokio runtime".into()))?
            .id();
        let mut pools = self.by_runtime.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, http)) = pools.iter().find(|(r, _)| *r == id) {
            return Ok(http.clone());
        }
        let http = Http {
            client: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                .pool_timer(TokioTimer::new())
                .build(self.connector.clone()),
            user_agent: self.user_agent.clone(),
        };
        if pools.len() >= MAX_POOLS {
            pools.remove(0);
        }
        pools.push((id, http.clone()));
        Ok(http)
    }
}

fn connector(config: &HttpConfig) -> Result<Connector, Error> {
    let mut tcp = HttpConnector::new();
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    #[cfg(feature = "rustls")]
    {
        tcp.enforce_http(false);
        // The provider is named, not taken from the process default, so another
        // crate's rustls choice cannot make this build fail or change.
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| Error::InvalidConfig(format!("cannot set up TLS: {e}")))?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        Ok(tls)
    }
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    {
        tcp.enforce_http(false);
        let tls = native_tls::TlsConnector::new()
            .map_err(|e| Error::InvalidConfig(format!("cannot set up TLS: {e}")))?;
        Ok(hyper_tls::HttpsConnector::from((tcp, tls.into())))
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    Ok(tcp)
}

impl Http {
    /// Sends a request and waits for the answer's head.
    pub(crate) async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<Response<Incoming>, TransportError> {
        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        self.client.request(request).await.map_err(|e| {
            if e.is_connect() {
                TransportError::connect(e)
            } else {
                TransportError::exchange(e)
            }
        })
    }
}

/// Why a body could not be read.
pub(crate) enum BodyError {
    TooLarge,
    Transport(TransportError),
}

impl From<TransportError> for BodyError {
    fn from(e: TransportError) -> Self {
        BodyError::Transport(e)
    }
}

/// Reads a body into one buffer sized from its length, refusing one larger
/// than `limit` without reading it all.
pub(crate) async fn read_body(mut body: Incoming, limit: usize) -> Result<Vec<u8>, BodyError> {
    let expected = body.size_hint().lower();
    if expected > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut out = Vec::with_capacity(expected as usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(TransportError::body)?;
        if let Ok(chunk) = frame.into_data() {
            if out.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&chunk);
        }
    }
    Ok(out)
}
