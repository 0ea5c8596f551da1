//! Sending a call, top to bottom: check → pace → sign → send → classify →
//! decode, retried as the call's effect allows, within one deadline.

use crate::endpoint::{Auth, Effect, Encoding, Endpoint, HttpMethod, Params, TradingAction};
use crate::error::TransportError;
use crate::orders::{self, OrderResend, OrderResolution};
use crate::pacing::TradingBill;
use crate::retry::{parse_retry_after, stated_wait};
use crate::transport::{BodyError, read_body, request_target};
use crate::{Error, RetryPolicy, SpotClient};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderName, HeaderValue};
use secrecy::ExposeSecret;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tracing::Instrument as _;
use zeroize::Zeroizing;

// Kraken's credential headers (HTTP names are case-insensitive; HTTP/2 requires lowercase).
const API_KEY: HeaderName = HeaderName::from_static("api-key");
const API_SIGN: HeaderName = HeaderName::from_static("api-sign");
const API_NONCE: HeaderName = HeaderName::from_static("api-nonce");
const API_OTP: HeaderName = HeaderName::from_static("api-otp");

/// A response as it arrived, before decoding.
struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    retry_after: Option<Duration>,
}

/// A call's request, encoded and signed, before it becomes an HTTP request.
struct Encoded {
    /// The path and query, percent-encoded: exactly what is sent (and, for
    /// Funding (Beta), signed).
    path_and_query: String,
    /// Credential headers; wiped once the HTTP request holds them.
    headers: Vec<(HeaderName, Zeroizing<String>)>,
    body: Option<(Vec<u8>, &'static str)>,
}

/// When a call must be done by, and how long it was given.
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    total: Duration,
}

impl Deadline {
    fn after(total: Duration) -> Self {
        Deadline {
            at: Instant::now() + total,
            total,
        }
    }
}

/// What the send path needs to know of an endpoint, as values: the spec's
/// facts for a generated endpoint ([`Route::of`]), or a raw call's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    pub(crate) name: &'static str,
    pub(crate) method: HttpMethod,
    pub(crate) path: &'static str,
    pub(crate) auth: Auth,
    pub(crate) encoding: Encoding,
    pub(crate) cost: u32,
    pub(crate) effect: Effect,
    pub(crate) permissions: crate::Permissions,
    pub(crate) trading: Option<crate::TradingCharge>,
    pub(crate) client_order_id: Option<crate::ClientOrderIdSlot>,
}

impl Route {
    pub(crate) const fn of<E: Endpoint>() -> Route {
        Route {
            name: E::NAME,
            method: E::METHOD,
            path: E::PATH,
            auth: E::AUTH,
            encoding: E::ENCODING,
            cost: E::COST,
            effect: E::EFFECT,
            permissions: E::PERMISSIONS,
            trading: E::TRADING,
            client_order_id: E::CLIENT_ORDER_ID,
        }
    }
}

/// Decodes one answer (status, content type, body) into a result.
pub(crate) type Decode<T> = fn(u16, Option<&str>, &[u8]) -> Result<T, Error>;

/// What a call carries that the runtime acts on: its client order ids and,
/// when the client set one, its order deadline.
#[derive(Default)]
struct OrderFacts {
    cl_ord_ids: Vec<String>,
    deadline: Option<SystemTime>,
}

impl SpotClient {
    /// Sends a call. `timeout` overrides the client's overall deadline.
    pub(crate) async fn execute<E: Endpoint>(
        &self,
        request: &E,
        otp: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<E::Response, Error> {
        let span = call_span(E::NAME);
        let r = &Route::of::<E>();
        async move {
            let timeout = timeout.unwrap_or(self.inner.timeout);
            // check
            let mut params = request.params()?;
            self.check_credentials(r)?;
            let facts = self.prepare_order(r, &mut params)?;
            let first = self
                .send_with_retries(r, E::decode, &params, otp, &facts, Deadline::after(timeout))
                .await;
            let result = match (first, self.inner.resend) {
                (Err(e), OrderResend::WhenNotPlaced { deadline })
                    if e.outcome_unknown()
                        && facts.deadline.is_some()
                        && !facts.cl_ord_ids.is_empty() =>
                {
                    self.resend_if_not_placed::<E>(params, otp, facts, deadline, timeout, e)
                        .await
                }
                (result, _) => result,
            };
            record_outcome(&result);
            result
        }
        .instrument(span)
        .await
    }

    /// Sends a call described by values rather than by a generated type (a
    /// raw call): the same path, without client order ids.
    pub(crate) async fn execute_route<T>(
        &self,
        r: &Route,
        decode: Decode<T>,
        params: Params,
        otp: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<T, Error> {
        let timeout = timeout.unwrap_or(self.inner.timeout);
        async move {
            self.check_credentials(r)?;
            let facts = OrderFacts::default();
            let result = self
                .send_with_retries(r, decode, &params, otp, &facts, Deadline::after(timeout))
                .await;
            record_outcome(&result);
            result
        }
        .instrument(call_span(r.name))
        .await
    }

    /// Refuses a call the client's credentials cannot make, before anything
    /// else happens.
    fn check_credentials(&self, r: &Route) -> Result<(), Error> {
        let inner = &*self.inner;
        let missing = |needed| {
            Err(Error::MissingCredentials {
                endpoint: r.name,
                needed,
            })
        };
        match r.auth {
            Auth::Public => Ok(()),
            Auth::ApiKey | Auth::Funding => match &inner.api {
                Some(api) => api.check(r.name, r.permissions),
                None => missing("API credentials (`credentials(key, secret)`)"),
            },
            Auth::OAuthBasic if inner.oauth_client.is_none() => {
                missing("OAuth client credentials (`oauth_client_credentials(id, secret)`)")
            }
            Auth::OAuthBearer if inner.oauth_token.is_none() => {
                missing("an OAuth access token (`oauth_access_token(token)`)")
            }
            _ => Ok(()),
        }
    }

    /// Gives every order a client order id and, with the resend policy on,
    /// a deadline.
    fn prepare_order(&self, r: &Route, params: &mut Params) -> Result<OrderFacts, Error> {
        let Some(slot) = r.client_order_id else {
            return Ok(OrderFacts::default());
        };
        let cl_ord_ids =
            orders::assign_ids(r.name, &slot, params, || self.generate_new_order_id())?;
        let mut facts = OrderFacts {
            cl_ord_ids,
            deadline: None,
        };
        if let (OrderResend::WhenNotPlaced { deadline }, Some(name)) =
            (self.inner.resend, slot.deadline)
            && params.get(name).is_none()
        {
            let at = SystemTime::now() + deadline;
            params.push(name, humantime::format_rfc3339_seconds(at).to_string());
            facts.deadline = Some(at);
        }
        Ok(facts)
    }

    async fn send_with_retries<T>(
        &self,
        r: &Route,
        decode: Decode<T>,
        params: &Params,
        otp: Option<&str>,
        facts: &OrderFacts,
        deadline: Deadline,
    ) -> Result<T, Error> {
        let retry = self.inner.retry;
        let bill = self.trading_bill(r, params);
        let span = tracing::Span::current();
        let mut attempt = 0;
        let mut paced = Duration::ZERO;
        loop {
            span.record("attempt", attempt);
            // pace
            if let Some(pacer) = &self.inner.pacer {
                paced += within(r, deadline, pacer.acquire(r.name, r.cost, &bill)).await?;
                span.record("paced_ms", paced.as_millis() as u64);
            }
            // sign, send
            // The clock is read only for a span someone records.
            let sent_at = (!span.is_disabled()).then(Instant::now);
            let reply = self.send_once(r, params, otp, deadline).await;
            if let Some(at) = sent_at {
                span.record("latency_ms", at.elapsed().as_millis() as u64);
            }
            // classify, decode
            let mut retry_after = None;
            let result = reply.and_then(|r| {
                retry_after = r.retry_after;
                span.record("status", r.status);
                tracing::trace!(bytes = r.body.len(), "answer read");
                decode(r.status, r.content_type.as_deref(), &r.body).map(|v| (v, r.body))
            });
            self.learn(
                r,
                params,
                facts,
                result.as_ref().map(|(_, body)| body.as_slice()),
            );
            let error = match result {
                Ok((value, _)) => return Ok(value),
                Err(e) => e,
            };
            if let Some(code) = error.kraken() {
                span.record("kraken_error", code.code());
            }
            if attempt < retry.max_retries && RetryPolicy::retryable(r.effect, &error) {
                let wait = retry.wait(attempt, stated_wait(&error, retry_after));
                if Instant::now() + wait < deadline.at {
                    tracing::debug!(error = %error, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Err(finish(r, error, facts));
        }
    }

    /// Signs and sends one attempt, holding the key's nonce ticket until the
    /// answer's head arrives, then reads the body up to the cap.
    async fn send_once(
        &self,
        r: &Route,
        params: &Params,
        otp: Option<&str>,
        deadline: Deadline,
    ) -> Result<Reply, Error> {
        let inner = &*self.inner;
        let http = inner.http.current()?;
        let ticket = match r.auth {
            Auth::ApiKey | Auth::Funding => {
                Some(within(r, deadline, inner.nonces.ticket()).await??)
            }
            _ => None,
        };
        // Out of time before sending: nothing has left.
        if Instant::now() >= deadline.at {
            return Err(timeout_error(r, deadline));
        }
        let request = self.build_request(r, params, otp, ticket.as_ref().map(|t| t.nonce))?;
        let transport = |source| Error::Transport {
            endpoint: r.name,
            source,
        };
        // The lease keeps the connection until the body is read.
        let (response, lease) = answered_within(deadline, http.send(request))
            .await
            .map_err(transport)?;
        drop(ticket); // Kraken has checked the nonce by now: the next request may go.

        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(header::CONTENT_TYPE);
        let retry_after = header(header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        if (300..400).contains(&status) {
            let location: String = header(header::LOCATION)
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            return Err(Error::Redirect {
                endpoint: r.name,
                status,
                location,
            });
        }
        let is_json = content_type
            .as_deref()
            .is_none_or(|c| c.contains("json") || c.starts_with("text/"));
        let limit = if is_json {
            inner.max_json_bytes
        } else {
            inner.max_file_bytes
        };
        let body = answered_within(deadline, read_body(response.into_body(), limit))
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => Error::ResponseTooLarge {
                    endpoint: r.name,
                    limit,
                },
                BodyError::Transport(e) => transport(e),
            })?;
        drop(lease);
        Ok(Reply {
            status,
            content_type,
            body,
            retry_after,
        })
    }

    /// Builds the HTTP request: URL, headers and the exact body that is signed.
    fn build_request(
        &self,
        r: &Route,
        params: &Params,
        otp: Option<&str>,
        nonce: Option<u64>,
    ) -> Result<hyper::Request<Full<Bytes>>, Error> {
        let Encoded {
            path_and_query,
            headers,
            body,
        } = self.encode(r, params, otp, nonce);
        let mut request = hyper::Request::new(Full::new(Bytes::new()));
        *request.method_mut() = match r.method {
            HttpMethod::Get => hyper::Method::GET,
            HttpMethod::Post => hyper::Method::POST,
            HttpMethod::Put => hyper::Method::PUT,
            HttpMethod::Delete => hyper::Method::DELETE,
        };
        *request.uri_mut() = request_target(path_and_query)?;
        let fields = request.headers_mut();
        for (name, value) in headers {
            // Every header added here carries a credential: marked sensitive so
            // HTTP-layer logging never prints it, and never quoted in errors.
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                Error::InvalidConfig(format!(
                    "the credential for the `{name}` header contains characters a header cannot carry"
                ))
            })?;
            value.set_sensitive(true);
            fields.insert(name, value);
        }
        if let Some((bytes, content_type)) = body {
            fields.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            *request.body_mut() = Full::new(Bytes::from(bytes));
        }
        Ok(request)
    }

    /// Encodes and signs one call: parameters, then the signed request's path
    /// and query, credential headers and body, each written once into a
    /// buffer sized for it. For benchmarks; calls go through `send`.
    #[doc(hidden)]
    pub fn encode_signed<E: Endpoint>(
        &self,
        request: &E,
        nonce: u64,
    ) -> Result<(String, usize, Option<Vec<u8>>), Error> {
        let params = request.params()?;
        let r = &Route::of::<E>();
        let Encoded {
            path_and_query,
            headers,
            body,
        } = self.encode(r, &params, None, Some(nonce));
        Ok((path_and_query, headers.len(), body.map(|(b, _)| b)))
    }

    fn encode(&self, r: &Route, params: &Params, otp: Option<&str>, nonce: Option<u64>) -> Encoded {
        let inner = &*self.inner;
        // Path parameters (Funding (Beta)) are percent-encoded into the path.
        let mut path_and_query = params.fill_path(r.path);

        let mut params = std::borrow::Cow::Borrowed(params);
        // Credential copies made here are wiped once the header holds them.
        let mut headers: Vec<(HeaderName, Zeroizing<String>)> = Vec::new();
        let otp_text = || {
            otp.map(str::to_owned)
                .or_else(|| inner.otp.as_ref().map(|o| o.expose_secret().to_owned()))
        };
        match r.auth {
            Auth::Public => {}
            Auth::Funding => {
                if let Some(otp) = otp_text() {
                    headers.push((API_OTP, Zeroizing::new(otp)));
                }
            }
            Auth::ApiKey => {
                // A secret parameter: redacted in Debug, wiped with the params.
                if let Some(otp) = otp_text() {
                    params.to_mut().push("otp", crate::Secret::from(otp));
                }
            }
            Auth::OAuthBasic => {
                if let Some(client) = &inner.oauth_client {
                    headers.push((
                        header::AUTHORIZATION,
                        Zeroizing::new(format!("Basic {}", client.basic.expose_secret())),
                    ));
                }
            }
            Auth::OAuthBearer => {
                if let Some(token) = &inner.oauth_token {
                    headers.push((
                        header::AUTHORIZATION,
                        Zeroizing::new(format!("Bearer {}", token.expose_secret())),
                    ));
                }
            }
        }

        // The query: query-only parameters, and all of them for query-encoded
        // calls (objects deep-object style).
        params.append_query(r.encoding == Encoding::Query, &mut path_and_query);
        // `/0/private` bodies carry the nonce; Funding (Beta) sends it as a header.
        let body_nonce = nonce.filter(|_| r.auth == Auth::ApiKey);
        let body: Option<(Vec<u8>, &'static str)> = match r.encoding {
            Encoding::Query => None,
            Encoding::Form => {
                let mut text = String::with_capacity(32 + 32 * params.entries().len());
                let mut form = url::form_urlencoded::Serializer::new(&mut text);
                if let Some(n) = body_nonce {
                    form.append_pair("nonce", itoa::Buffer::new().format(n));
                }
                form.extend_pairs(params.form_pairs());
                form.finish();
                Some((
                    text.into_bytes(),
                    "application/x-www-form-urlencoded; charset=utf-8",
                ))
            }
            Encoding::Json => Some((json_body(body_nonce, &params), "application/json")),
        };

        if let (Some(n), Some(api)) = (nonce, inner.api.as_ref()) {
            let signed = body.as_ref().map_or(&[][..], |(b, _)| b.as_slice());
            // `/0/private` signs its fixed path; Funding (Beta) the path and query sent.
            let signed_path = match r.auth {
                Auth::Funding => path_and_query.as_str(),
                _ => r.path,
            };
            headers.reserve(3);
            headers.push((API_KEY, Zeroizing::new(api.key.expose_secret().to_owned())));
            headers.push((
                API_SIGN,
                Zeroizing::new(api.signer.sign(signed_path, n, signed)),
            ));
            if r.auth == Auth::Funding {
                headers.push((API_NONCE, Zeroizing::new(n.to_string())));
            }
        }
        Encoded {
            path_and_query,
            headers,
            body,
        }
    }

    /// What an order call will add to the trading counters.
    fn trading_bill(&self, r: &Route, params: &Params) -> TradingBill {
        let (Some(pacer), Some(charge)) = (&self.inner.pacer, r.trading) else {
            return TradingBill::default();
        };
        let pair = charge.pair.and_then(|p| params.text(p));
        let ids = touched_orders(&charge, params);
        let new_orders = charge
            .new_orders
            .and_then(|p| params.get(p))
            .map_or(0, json_len);
        pacer.bill(&charge, pair, &ids, new_orders)
    }

    /// Learns from an answer: the credentials' cool-down, the counters after
    /// a rate-limit refusal, and the orders a call placed or cancelled.
    fn learn(&self, r: &Route, params: &Params, facts: &OrderFacts, result: Result<&[u8], &Error>) {
        if let (Auth::ApiKey | Auth::Funding, Some(api)) = (r.auth, &self.inner.api) {
            api.observe(result.map(|_| ()));
        }
        let Some(pacer) = &self.inner.pacer else {
            return;
        };
        let charge = r.trading;
        let pair = charge.and_then(|c| c.pair).and_then(|p| params.text(p));
        match result {
            Err(e) => {
                if let Some(k) = e.kraken() {
                    if k.has("EAPI:Rate limit exceeded") {
                        pacer.rest_exhausted();
                    }
                    if k.has("EOrder:Rate limit exceeded")
                        && let Some(pair) = pair
                    {
                        pacer.trading_exhausted(pair);
                    }
                }
            }
            Ok(body) => {
                let Some(charge) = charge else { return };
                let ids = touched_orders(&charge, params);
                match charge.action {
                    TradingAction::Add | TradingAction::BatchAdd | TradingAction::Edit => {
                        if let Some(pair) = pair {
                            let placed = facts
                                .cl_ord_ids
                                .iter()
                                .cloned()
                                .chain(orders::txids_in(body));
                            pacer.placed(pair, placed);
                        }
                        if charge.action == TradingAction::Edit {
                            pacer.cancelled(&ids, false);
                        }
                    }
                    TradingAction::Amend => {
                        if let Some(pair) = pair
                            .map(str::to_owned)
                            .or_else(|| ids.iter().find_map(|id| pacer.pair_of(id)))
                        {
                            pacer.placed(&pair, ids);
                        }
                    }
                    TradingAction::Cancel | TradingAction::BatchCancel => {
                        pacer.cancelled(&ids, false)
                    }
                    TradingAction::CancelAll => pacer.cancelled(&[], true),
                }
            }
        }
    }

    /// After an order's outcome is unknown: waits until its deadline has
    /// passed, resolves every client order id, and sends the order again,
    /// with the same ids, only if none was placed.
    async fn resend_if_not_placed<E: Endpoint>(
        &self,
        mut params: Params,
        otp: Option<&str>,
        facts: OrderFacts,
        ahead: Duration,
        timeout: Duration,
        unknown: Error,
    ) -> Result<E::Response, Error> {
        let r = &Route::of::<E>();
        if let Some(at) = facts.deadline {
            // A second more, for clock skew between this machine and Kraken.
            let wait =
                at.duration_since(SystemTime::now()).unwrap_or_default() + Duration::from_secs(1);
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                "outcome unknown; waiting for the order's deadline before resolving"
            );
            tokio::time::sleep(wait).await;
        }
        let mut placed = Vec::new();
        for id in &facts.cl_ord_ids {
            match self.resolve_order(id).await {
                Ok(OrderResolution::Placed { txid, .. }) => placed.push((id.clone(), txid)),
                Ok(OrderResolution::NotFound) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "cannot resolve the order; not sending it again");
                    return Err(unknown);
                }
            }
        }
        if !placed.is_empty() {
            return Err(Error::OrderPlaced {
                endpoint: E::NAME,
                placed,
            });
        }
        tracing::info!("the order was not placed; sending it again with the same client order id");
        let Some(name) = E::CLIENT_ORDER_ID.and_then(|s| s.deadline) else {
            return Err(unknown);
        };
        let at = SystemTime::now() + ahead;
        params.set(
            name,
            humantime::format_rfc3339_seconds(at).to_string().into(),
        );
        let facts = OrderFacts {
            deadline: Some(at),
            ..facts
        };
        self.send_with_retries(r, E::decode, &params, otp, &facts, Deadline::after(timeout))
            .await
    }
}

/// The ids of the existing orders a trading call names (txids, client order
/// ids, lists of them).
fn touched_orders(charge: &crate::TradingCharge, params: &Params) -> Vec<String> {
    charge
        .orders
        .iter()
        .filter_map(|p| params.get(p))
        .flat_map(orders::ids_in)
        .collect()
}

/// One span per call. It never records parameters, bodies or headers: they
/// can carry credentials.
fn call_span(endpoint: &'static str) -> tracing::Span {
    tracing::debug_span!(
        "kraken",
        endpoint,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        paced_ms = tracing::field::Empty,
        kraken_error = tracing::field::Empty,
        outcome = tracing::field::Empty,
    )
}

fn record_outcome<T>(result: &Result<T, Error>) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(e) if e.outcome_unknown() => "outcome_unknown",
        Err(_) => "error",
    };
    tracing::Span::current().record("outcome", outcome);
}

/// The final error of a call: a call that changes state and may have been
/// carried out becomes "outcome unknown".
fn finish(r: &Route, error: Error, facts: &OrderFacts) -> Error {
    if r.effect == Effect::Write && error.may_have_acted() {
        tracing::warn!(error = %error, cl_ord_ids = ?facts.cl_ord_ids, "outcome unknown");
        return Error::OutcomeUnknown {
            endpoint: r.name,
            cl_ord_ids: facts.cl_ord_ids.clone(),
            cause: Box::new(error),
        };
    }
    if error.is_invalid_nonce() {
        tracing::warn!("EAPI:Invalid nonce persisted after retries");
    }
    error
}

fn timeout_error(r: &Route, deadline: Deadline) -> Error {
    Error::Timeout {
        endpoint: r.name,
        after: deadline.total,
    }
}

/// Runs a wait (pacing, the nonce gate) within the call's deadline; nothing
/// has been sent when it runs out.
async fn within<T>(
    r: &Route,
    deadline: Deadline,
    f: impl std::future::Future<Output = T>,
) -> Result<T, Error> {
    tokio::time::timeout_at(deadline.at, f)
        .await
        .map_err(|_| timeout_error(r, deadline))
}

/// Waits for the answer within the call's deadline. Unlike [`within`], the
/// request may have gone: running out is a transport timeout.
async fn answered_within<T, E: From<TransportError>>(
    deadline: Deadline,
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    match tokio::time::timeout_at(deadline.at, f).await {
        Ok(result) => result,
        Err(_) => Err(TransportError::timeout().into()),
    }
}

/// The number of items in a JSON list parameter.
fn json_len(value: &crate::ParamValue) -> usize {
    match value {
        crate::ParamValue::Json(raw) => {
            serde_json::from_str::<Vec<&serde_json::value::RawValue>>(raw.get())
                .map_or(0, |v| v.len())
        }
        _ => 0,
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

#[cfg(test)]
mod tests {
    use super::*;

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
