//! HTTP: hyper's connections over TCP and TLS, kept per tokio runtime.
//!
//! The send path hands this module a finished request and gets back the
//! answer's head, then its body up to a cap. Nothing here follows a redirect:
//! a signed request goes to the configured origin and nowhere else.
//!
//! Connections are hyper's own (`hyper::client::conn`); what is kept here is
//! the list of idle HTTP/1 connections to the one origin, or the one shared
//! HTTP/2 connection when TLS negotiates it. hyper-util's general pooled
//! client did this too, but cost about an eighth of the CPU of a small call
//! (a task spawned per request to hand the connection back, a map keyed by
//! host, a lazy connect built and dropped per request).

use crate::Error;
use crate::error::{BoxError, TransportError};
use futures_util::TryFutureExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper::Uri;
use hyper::body::{Body as _, Bytes, Incoming};
use hyper::client::conn::{http1, http2};
use hyper::header::{ACCEPT, HOST, HeaderValue, USER_AGENT};
use hyper::http::uri::{Authority, PathAndQuery};
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connection as _, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo};
use secrecy::{ExposeSecret as _, SecretString};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// TCP (direct or through a proxy's tunnel), then TLS by the chosen feature:
/// rustls (default) or the platform's.
#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<Via>;
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
type Connector = hyper_tls::HttpsConnector<Via>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = Via;

/// One runtime's connections to the origin, and what every request carries.
pub(crate) struct Http {
    connector: Connector,
    /// The origin, where connections go.
    origin: Uri,
    /// `Host` for HTTP/1 requests (HTTP/2 takes it from the URI).
    host: HeaderValue,
    user_agent: HeaderValue,
    /// Idle HTTP/1 connections, the most recently used last.
    idle: Mutex<Vec<Idle>>,
    /// The HTTP/2 connection, when TLS negotiated one: shared by every call.
    shared: Mutex<Option<http2::SendRequest<Full<Bytes>>>>,
    /// Whether `shared` was ever set, so that plain-HTTP and HTTP/1 origins
    /// take no lock for it.
    any_h2: AtomicBool,
}

struct Idle {
    sender: http1::SendRequest<Full<Bytes>>,
    since: Instant,
}

/// An HTTP/1 connection lent to one call; it goes back to the idle list when
/// the call is done with the answer (dropped with its body read or not).
pub(crate) struct Lease<'a> {
    http: &'a Http,
    sender: Option<http1::SendRequest<Full<Bytes>>>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            self.http.put_back(sender);
        }
    }
}

/// The scheme and host every request goes to (`scheme://host/`), parsed
/// once at build.
pub(crate) struct Origin(Uri);

impl Origin {
    /// From a base URL already checked to be a bare origin.
    pub(crate) fn new(base_url: &str) -> Result<Self, Error> {
        let bad = |e: &dyn std::fmt::Display| {
            Error::InvalidConfig(format!("the base URL is not a valid URI ({e})"))
        };
        let uri: Uri = base_url.parse().map_err(|e| bad(&e))?;
        let mut parts = uri.into_parts();
        if parts.scheme.is_none() || parts.authority.is_none() {
            return Err(bad(&"no scheme or host"));
        }
        parts.path_and_query = Some(PathAndQuery::from_static("/"));
        Uri::from_parts(parts).map(Origin).map_err(|e| bad(&e))
    }
}

/// A request's target: the encoded path and query, exactly as signed. The
/// connection adds the host (a header on HTTP/1, the URI on HTTP/2).
pub(crate) fn request_target(path_and_query: String) -> Result<Uri, Error> {
    PathAndQuery::from_maybe_shared(Bytes::from(path_and_query))
        .map(Uri::from)
        .map_err(|e| Error::InvalidConfig(format!("the request path is not a valid URI ({e})")))
}

/// How connections are made: fixed when the client is built.
pub(crate) struct HttpConfig<'a> {
    pub(crate) origin: &'a Origin,
    pub(crate) user_agent: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: &'a Proxy,
}

/// Whether connections go through an HTTP proxy.
#[derive(Default)]
pub(crate) enum Proxy {
    /// As the environment says: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY`, read as curl reads them.
    #[default]
    FromEnv,
    /// Through this proxy, whatever the environment says.
    Url(SecretString),
    /// Straight to the host.
    Direct,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A proxy URL can carry a password.
        f.write_str(match self {
            Proxy::FromEnv => "FromEnv",
            Proxy::Url(_) => "Url([REDACTED])",
            Proxy::Direct => "Direct",
        })
    }
}

/// One pool per tokio runtime: a pooled connection is driven by a task of the
/// runtime that opened it, and dies with that runtime.
pub(crate) struct HttpPools {
    connector: Connector,
    origin: Uri,
    host: HeaderValue,
    user_agent: HeaderValue,
    by_runtime: Mutex<Vec<(tokio::runtime::Id, Arc<Http>)>>,
}

/// Runtimes that are gone leave their pool behind; keep only the newest few.
const MAX_POOLS: usize = 16;
/// An idle connection older than this is closed rather than reused.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle HTTP/1 connections kept per runtime; more are closed after use.
const MAX_IDLE: usize = 256;

impl HttpPools {
    /// Builds the connector (TLS configuration included) once; a bad
    /// configuration fails here, at `build()`, not at the first call.
    pub(crate) fn new(config: &HttpConfig<'_>) -> Result<Self, Error> {
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| {
            Error::InvalidConfig("the user agent contains characters a header cannot carry".into())
        })?;
        let origin = config.origin.0.clone();
        Ok(HttpPools {
            connector: connector(config)?,
            host: host_header(&origin)?,
            origin,
            user_agent,
            by_runtime: Mutex::new(Vec::new()),
        })
    }

    /// A second client's pools: the same connector, the same live pools.
    pub(crate) fn share(&self) -> Self {
        HttpPools {
            connector: self.connector.clone(),
            origin: self.origin.clone(),
            host: self.host.clone(),
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
    pub(crate) fn current(&self) -> Result<Arc<Http>, Error> {
        let id = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::InvalidConfig("calls must run inside a tokio runtime".into()))?
            .id();
        let mut pools = self.by_runtime.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, http)) = pools.iter().find(|(r, _)| *r == id) {
            return Ok(Arc::clone(http));
        }
        let http = Arc::new(Http {
            connector: self.connector.clone(),
            origin: self.origin.clone(),
            host: self.host.clone(),
            user_agent: self.user_agent.clone(),
            idle: Mutex::new(Vec::new()),
            shared: Mutex::new(None),
            any_h2: AtomicBool::new(false),
        });
        if pools.len() >= MAX_POOLS {
            pools.remove(0);
        }
        pools.push((id, Arc::clone(&http)));
        Ok(http)
    }
}

/// The `Host` header of an origin: its host, and its port unless it is the
/// scheme's default.
fn host_header(origin: &Uri) -> Result<HeaderValue, Error> {
    let host = origin.host().unwrap_or_default();
    let text = match origin.port_u16() {
        Some(port) if port != default_port(origin) => format!("{host}:{port}"),
        _ => host.to_owned(),
    };
    HeaderValue::from_str(&text)
        .map_err(|_| Error::InvalidConfig("the base URL's host is not a valid header".into()))
}

fn connector(config: &HttpConfig<'_>) -> Result<Connector, Error> {
    let mut tcp = HttpConnector::new();
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    // TLS, when there is any, is added on top of the (possibly tunnelled) TCP.
    tcp.enforce_http(false);
    let via = via(config, tcp)?;
    #[cfg(feature = "rustls")]
    {
        // The provider is named, not taken from the process default, so another
        // crate's rustls choice cannot make this build fail or change.
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| Error::InvalidConfig(format!("cannot set up TLS: {e}")))?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(via);
        Ok(tls)
    }
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    {
        let tls = native_tls::TlsConnector::new()
            .map_err(|e| Error::InvalidConfig(format!("cannot set up TLS: {e}")))?;
        Ok(hyper_tls::HttpsConnector::from((via, tls.into())))
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    Ok(via)
}

/// The proxy for this client's one origin, decided once at build.
fn via(config: &HttpConfig<'_>, tcp: HttpConnector) -> Result<Via, Error> {
    let matcher = match config.proxy {
        Proxy::Direct => return Ok(Via::Direct(tcp)),
        Proxy::FromEnv => Matcher::from_env(),
        Proxy::Url(url) => Matcher::builder()
            .all(url.expose_secret().to_owned())
            .build(),
    };
    let Some(intercept) = matcher.intercept(&config.origin.0) else {
        return Ok(Via::Direct(tcp));
    };
    // Never echo the proxy URL: it can carry a password.
    if intercept.uri().scheme_str() != Some("http") {
        return Err(Error::InvalidConfig(
            "the proxy must be an http:// proxy (an HTTPS tunnel is opened through it with CONNECT)"
                .into(),
        ));
    }
    let mut tunnel = Tunnel::new(intercept.uri().clone(), tcp);
    if let Some(auth) = intercept.basic_auth() {
        tunnel = tunnel.with_auth(auth.clone());
    }
    Ok(Via::Proxy(tunnel))
}

/// Where a connection's TCP goes: to the host, or through an HTTP proxy's
/// CONNECT tunnel to it.
#[derive(Clone)]
pub(crate) enum Via {
    Direct(HttpConnector),
    Proxy(Tunnel<HttpConnector>),
}

/// The port a URI without one means: 80 for `http`, else 443 (`https`).
fn default_port(uri: &Uri) -> u16 {
    if uri.scheme_str() == Some("http") {
        80
    } else {
        443
    }
}

/// The tunnel's target with its port spelled out: the tunnel would take 443
/// for any URI without one, `http://host` included.
fn with_port(dst: Uri) -> Uri {
    let (Some(host), None) = (dst.host(), dst.port()) else {
        return dst;
    };
    let Ok(authority) = Authority::try_from(format!("{host}:{}", default_port(&dst))) else {
        return dst;
    };
    let mut parts = dst.clone().into_parts();
    parts.authority = Some(authority);
    Uri::from_parts(parts).unwrap_or(dst)
}

impl tower_service::Service<Uri> for Via {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Via::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            Via::Proxy(c) => c.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Via::Direct(c) => Box::pin(c.call(dst).map_err(Into::into)),
            Via::Proxy(c) => Box::pin(c.call(with_port(dst)).map_err(Into::into)),
        }
    }
}

/// A new connection, by the protocol TLS negotiated.
enum Fresh {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

impl Http {
    /// Sends a request and waits for the answer's head. Hold the lease until
    /// the body is read: then the connection serves the next call.
    pub(crate) async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<(Response<Incoming>, Lease<'_>), TransportError> {
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, self.user_agent.clone());
        // As reqwest and curl send it: some front ends refuse a request without.
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        let mut lease = Lease {
            http: self,
            sender: None,
        };
        if let Some(mut h2) = self.shared_h2() {
            return self.send_h2(&mut h2, request).await.map(|r| (r, lease));
        }
        // An idle connection first; one the server closed while it sat idle
        // gives the request back unsent, and the next one is tried.
        while let Some(mut sender) = self.checkout() {
            if sender.ready().await.is_err() {
                continue;
            }
            match send_h1(&mut sender, request, &self.host).await {
                Ok(response) => {
                    lease.sender = Some(sender);
                    return Ok((response, lease));
                }
                Err(mut e) => match e.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(TransportError::exchange(e.into_error())),
                },
            }
        }
        // Boxed: inline, the connect state (TLS, HTTP/2 handshake) made every
        // call's future four times larger, and moving it cost 3% of a call.
        match Box::pin(self.connect()).await? {
            Fresh::H2(mut h2) => self.send_h2(&mut h2, request).await.map(|r| (r, lease)),
            Fresh::H1(mut sender) => match send_h1(&mut sender, request, &self.host).await {
                Ok(response) => {
                    lease.sender = Some(sender);
                    Ok((response, lease))
                }
                Err(e) => Err(send_error(e)),
            },
        }
    }

    /// The most recently used idle connection still open and not too old.
    fn checkout(&self) -> Option<http1::SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(Idle { sender, since }) = idle.pop() {
            if !sender.is_closed() && since.elapsed() < POOL_IDLE_TIMEOUT {
                return Some(sender);
            }
        }
        None
    }

    fn put_back(&self, sender: http1::SendRequest<Full<Bytes>>) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(Idle {
                sender,
                since: Instant::now(),
            });
        }
    }

    fn shared_h2(&self) -> Option<http2::SendRequest<Full<Bytes>>> {
        if !self.any_h2.load(Ordering::Relaxed) {
            return None;
        }
        let shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.as_ref().filter(|h2| !h2.is_closed()).cloned()
    }

    /// Opens a connection (TCP, a proxy's tunnel, TLS) and starts HTTP on it;
    /// an HTTP/2 one is kept to be shared. Nothing of a request is sent yet,
    /// so every failure here is a connect error.
    async fn connect(&self) -> Result<Fresh, TransportError> {
        let mut connector = self.connector.clone();
        std::future::poll_fn(|cx| tower_service::Service::poll_ready(&mut connector, cx))
            .await
            .map_err(TransportError::connect)?;
        let io = tower_service::Service::call(&mut connector, self.origin.clone())
            .await
            .map_err(TransportError::connect)?;
        if io.connected().is_negotiated_h2() {
            let (h2, conn) = http2::handshake(TokioExecutor::new(), io)
                .await
                .map_err(TransportError::connect)?;
            drive(conn);
            *self.shared.lock().unwrap_or_else(|e| e.into_inner()) = Some(h2.clone());
            self.any_h2.store(true, Ordering::Relaxed);
            return Ok(Fresh::H2(h2));
        }
        let (sender, conn) = http1::handshake(io)
            .await
            .map_err(TransportError::connect)?;
        drive(conn);
        Ok(Fresh::H1(sender))
    }

    /// HTTP/2 names the origin in the request's URI.
    async fn send_h2(
        &self,
        h2: &mut http2::SendRequest<Full<Bytes>>,
        mut request: Request<Full<Bytes>>,
    ) -> Result<Response<Incoming>, TransportError> {
        if request.uri().scheme().is_none() {
            let mut parts = request.uri().clone().into_parts();
            parts.scheme = self.origin.scheme().cloned();
            parts.authority = self.origin.authority().cloned();
            if let Ok(uri) = Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
        // Not ready: the connection closed before this request went.
        h2.ready().await.map_err(TransportError::connect)?;
        h2.try_send_request(request).await.map_err(send_error)
    }
}

/// A failed send with no other connection to try: a request given back
/// unsent never left this client (a connect error); any other may have gone
/// (an exchange error). The idle-connection path instead retries an unsent
/// request on the next connection.
fn send_error<T>(e: hyper::client::conn::TrySendError<T>) -> TransportError {
    if e.message().is_some() {
        TransportError::connect(e.into_error())
    } else {
        TransportError::exchange(e.into_error())
    }
}

/// Runs a connection on the current runtime until it closes.
fn drive(conn: impl Future<Output = hyper::Result<()>> + Send + 'static) {
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection closed by an error");
        }
    });
}

/// HTTP/1 names the host in a header.
async fn send_h1(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    mut request: Request<Full<Bytes>>,
    host: &HeaderValue,
) -> Result<Response<Incoming>, hyper::client::conn::TrySendError<Request<Full<Bytes>>>> {
    request.headers_mut().insert(HOST, host.clone());
    sender.try_send_request(request).await
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
