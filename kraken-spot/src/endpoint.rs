//! What generated code declares about an endpoint, and the builder that sends it.

use crate::{Error, SpotClient};
use serde_json::value::RawValue;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

/// The HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl HttpMethod {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// How a call proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// No authentication.
    Public,
    /// `API-Key` and an `API-Sign` HMAC over a nonce and the exact body.
    ApiKey,
    /// OAuth client credentials as HTTP Basic.
    OAuthBasic,
    /// An OAuth access token as `Authorization: Bearer`.
    OAuthBearer,
    /// Funding (Beta): `API-Key`, `API-Nonce` and an `API-Sign` HMAC over the
    /// nonce, the exact JSON body, and the path with its query string.
    Funding,
}

/// Where parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// In the query string.
    Query,
    /// As an `application/x-www-form-urlencoded` body.
    Form,
    /// As an `application/json` body.
    Json,
}

/// Whether a call only reads, or may change state (spec key `effect`).
/// Reads are retried on any transient failure; writes only where the request
/// cannot have acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Only reads: safe to send again.
    Read,
    /// Changes state (orders, cancels, withdrawals, transfers, keys, …).
    Write,
}

/// A permission of a Kraken API key, as `GetApiKeyInfo` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Permission {
    /// Funds: query.
    QueryFunds,
    /// Funds: deposit.
    AddFunds,
    /// Funds: withdraw.
    WithdrawFunds,
    /// Funds: Earn.
    EarnFunds,
    /// Orders and trades: query open orders and trades.
    QueryOpenTrades,
    /// Orders and trades: query closed orders and trades.
    QueryClosedTrades,
    /// Orders and trades: create and modify orders.
    ModifyTrades,
    /// Orders and trades: cancel and close orders.
    CloseTrades,
    /// Data: query ledger entries.
    QueryLedger,
    /// Data: export data.
    ExportData,
    /// WebSocket interface on.
    CreateWsToken,
    /// Withdrawal addresses: add.
    AddWithdrawAddress,
    /// Withdrawal addresses: update.
    UpdateWithdrawAddress,
}

impl Permission {
    /// Every permission.
    pub const ALL: &'static [Permission] = &[
        Permission::QueryFunds,
        Permission::AddFunds,
        Permission::WithdrawFunds,
        Permission::EarnFunds,
        Permission::QueryOpenTrades,
        Permission::QueryClosedTrades,
        Permission::ModifyTrades,
        Permission::CloseTrades,
        Permission::QueryLedger,
        Permission::ExportData,
        Permission::CreateWsToken,
        Permission::AddWithdrawAddress,
        Permission::UpdateWithdrawAddress,
    ];

    /// Kraken's name for it (`query-funds`, `modify-trades`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::QueryFunds => "query-funds",
            Permission::AddFunds => "add-funds",
            Permission::WithdrawFunds => "withdraw-funds",
            Permission::EarnFunds => "earn-funds",
            Permission::QueryOpenTrades => "query-open-trades",
            Permission::QueryClosedTrades => "query-closed-trades",
            Permission::ModifyTrades => "modify-trades",
            Permission::CloseTrades => "close-trades",
            Permission::QueryLedger => "query-ledger",
            Permission::ExportData => "export-data",
            Permission::CreateWsToken => "create-ws-token",
            Permission::AddWithdrawAddress => "add-withdraw-address",
            Permission::UpdateWithdrawAddress => "update-withdraw-address",
        }
    }

    /// The permission Kraken names `name`, if it is one we know.
    pub fn from_kraken(name: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.as_str() == name)
    }
}

/// The key permissions a call needs (spec key `permission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Permissions {
    /// No key permission (public, OAuth, `GetApiKeyInfo`).
    None,
    /// Any one of these.
    AnyOf(&'static [Permission]),
    /// Every one of these.
    AllOf(&'static [Permission]),
}

/// A transaction on Kraken's per-pair trading counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TradingAction {
    /// AddOrder: +1.
    Add,
    /// AmendOrder: +1 and a penalty by the order's age.
    Amend,
    /// EditOrder: +1 and a penalty by the order's age.
    Edit,
    /// CancelOrder: a penalty by the order's age.
    Cancel,
    /// CancelAll: a cancel penalty for every open order.
    CancelAll,
    /// AddOrderBatch: +n/2.
    BatchAdd,
    /// CancelOrderBatch: n cancel penalties.
    BatchCancel,
}

/// How a call is charged on the per-pair trading counter (spec key
/// `trading`): the transaction, and which parameters name the pair and the
/// existing orders it touches (a text value, or a JSON list of ids or of
/// objects holding one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradingCharge {
    /// The transaction.
    pub action: TradingAction,
    /// The parameter holding the pair, if the call names one.
    pub pair: Option<&'static str>,
    /// The parameters naming existing orders (txid, cl_ord_id, lists of them).
    pub orders: &'static [&'static str],
    /// The parameter holding the list of new orders (batch add), counted for n.
    pub new_orders: Option<&'static str>,
}

/// Where an order-creating call carries its client order id (spec key
/// `client_order_id`), so the runtime can give every order one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOrderIdSlot {
    /// The list parameter holding the orders (batch), or `None` for a plain parameter.
    pub list: Option<&'static str>,
    /// The id's field or parameter name (`cl_ord_id`).
    pub field: &'static str,
    /// Fields Kraken makes exclusive with it: when one is set, no id is generated.
    pub exclusive_with: &'static [&'static str],
    /// The call's `deadline` parameter (RFC 3339), if it has one: set by
    /// [`crate::OrderResend::WhenNotPlaced`] so a lost request expires.
    pub deadline: Option<&'static str>,
}

/// One parameter value as it goes on the wire.
#[doc(hidden)] // the send path's plumbing; public only because `Endpoint::params` returns it
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ParamValue {
    /// Text, sent as is (form, query) or as a JSON string.
    Text(String),
    /// An integer.
    Int(i64),
    /// A boolean, sent as `true`/`false`.
    Bool(bool),
    /// A nested value (a list of orders, an object), kept as the exact JSON
    /// text serde wrote, so struct field order survives into the signed body.
    Json(Box<RawValue>),
    /// A credential (an OAuth code, a refresh token): sent as text, redacted
    /// in `Debug` output.
    Secret(crate::Secret),
}

impl ParamValue {
    /// The value in a form body or query string: borrowed where it is text
    /// already, so encoding copies nothing (a secret's text included).
    fn form_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ParamValue::Text(s) => s.as_str().into(),
            ParamValue::Int(i) => i.to_string().into(),
            ParamValue::Bool(true) => "true".into(),
            ParamValue::Bool(false) => "false".into(),
            ParamValue::Json(raw) => raw.get().into(),
            ParamValue::Secret(s) => s.expose().into(),
        }
    }

    /// The value in a JSON body.
    pub(crate) fn json_text(&self) -> String {
        match self {
            ParamValue::Text(s) => serde_json::Value::from(s.as_str()).to_string(),
            ParamValue::Secret(s) => serde_json::Value::from(s.expose()).to_string(),
            ParamValue::Json(raw) => raw.get().to_owned(),
            other => other.form_text().into_owned(),
        }
    }
}

impl PartialEq for ParamValue {
    fn eq(&self, other: &Self) -> bool {
        self.json_text() == other.json_text()
    }
}

impl From<&str> for ParamValue {
    fn from(s: &str) -> Self {
        ParamValue::Text(s.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(s: String) -> Self {
        ParamValue::Text(s)
    }
}

impl From<i64> for ParamValue {
    fn from(i: i64) -> Self {
        ParamValue::Int(i)
    }
}

impl From<bool> for ParamValue {
    fn from(b: bool) -> Self {
        ParamValue::Bool(b)
    }
}

impl From<crate::Secret> for ParamValue {
    fn from(s: crate::Secret) -> Self {
        ParamValue::Secret(s)
    }
}

impl From<Box<RawValue>> for ParamValue {
    fn from(raw: Box<RawValue>) -> Self {
        ParamValue::Json(raw)
    }
}

/// A call's parameters, in the order they go on the wire, already checked.
#[doc(hidden)] // the send path's plumbing; public only because `Endpoint::params` returns it
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    entries: Vec<(&'static str, ParamValue)>,
    /// Values for `{name}` placeholders in the path (Funding (Beta)).
    path: Vec<(&'static str, String)>,
    /// Parameters that go in the query string whatever the encoding.
    query: Vec<(&'static str, ParamValue)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter.
    pub fn push(&mut self, name: &'static str, value: impl Into<ParamValue>) {
        self.entries.push((name, value.into()));
    }

    /// The parameters, in order.
    pub fn entries(&self) -> &[(&'static str, ParamValue)] {
        &self.entries
    }

    /// The value of parameter `name`, if set.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// The text of parameter `name`, if it is set as text.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            ParamValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Replaces the value of parameter `name` (or adds it at the end).
    pub(crate) fn set(&mut self, name: &'static str, value: ParamValue) {
        match self.entries.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => *v = value,
            None => self.entries.push((name, value)),
        }
    }

    /// Form or query encoding: scalars as text, nested values as JSON text.
    pub(crate) fn form_pairs(
        &self,
    ) -> impl Iterator<Item = (&'static str, std::borrow::Cow<'_, str>)> + '_ {
        self.entries.iter().map(|(k, v)| (*k, v.form_text()))
    }

    /// Sets the value of a `{name}` placeholder in the endpoint's path.
    pub fn push_path(&mut self, name: &'static str, value: impl Into<String>) {
        self.path.push((name, value.into()));
    }

    /// Adds a parameter that travels in the query string whatever the
    /// endpoint's encoding (Funding (Beta)'s `account_id`).
    pub fn push_query(&mut self, name: &'static str, value: impl Into<ParamValue>) {
        self.query.push((name, value.into()));
    }

    /// The endpoint's path with its `{name}` placeholders filled in,
    /// percent-encoded.
    pub(crate) fn fill_path(&self, template: &str) -> String {
        // Room for a usual query, which is appended to the same string.
        let mut out = String::with_capacity(template.len() + 128);
        out.push_str(template);
        for (name, value) in &self.path {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            out = out.replace(&format!("{{{name}}}"), &encoded.replace('+', "%20"));
        }
        out
    }

    /// Appends the query, after a `?` when there is one: the query-only
    /// parameters, then (for query-encoded endpoints) the others. Objects
    /// are written deep-object style, `scope[method_id]=…`, as Kraken's
    /// Funding (Beta) API expects.
    pub(crate) fn append_query(&self, all: bool, out: &mut String) {
        let question_mark = out.len();
        out.push('?');
        let mut q = url::form_urlencoded::Serializer::for_suffix(&mut *out, question_mark + 1);
        let chosen = self
            .query
            .iter()
            .chain(all.then_some(&self.entries).into_iter().flatten());
        for (name, value) in chosen {
            match value {
                ParamValue::Json(raw) if raw.get().starts_with('{') => {
                    let object: serde_json::Value =
                        serde_json::from_str(raw.get()).unwrap_or_default();
                    deep_object(&mut q, name, &object);
                }
                other => {
                    q.append_pair(name, &other.form_text());
                }
            }
        }
        q.finish();
        if out.len() == question_mark + 1 {
            out.truncate(question_mark);
        }
    }
}

/// `name[key]=value` pairs for a JSON object, nested objects as `name[a][b]`.
fn deep_object(
    q: &mut url::form_urlencoded::Serializer<'_, &mut String>,
    prefix: &str,
    value: &serde_json::Value,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                deep_object(q, &format!("{prefix}[{k}]"), v);
            }
        }
        serde_json::Value::String(s) => {
            q.append_pair(prefix, s);
        }
        serde_json::Value::Null => {}
        other => {
            q.append_pair(prefix, &other.to_string());
        }
    }
}

/// Seals [`Endpoint`]: only the generated request types implement it.
pub(crate) mod sealed {
    /// Implemented by generated code for each request type.
    pub trait Sealed {}
}

/// One Kraken endpoint: generated from the spec for every endpoint, so that
/// the runtime can send it without knowing which one it is.
///
/// Sealed: the generated request types (`GetTickerRequest`, …) implement it and
/// are sent with [`SpotClient::send`]; it cannot be implemented outside this
/// crate.
pub trait Endpoint: sealed::Sealed + Send + Sync {
    /// The decoded response.
    type Response: Send;
    /// The Rust method name, used in errors.
    const NAME: &'static str;
    /// The HTTP method.
    const METHOD: HttpMethod;
    /// The path below the base URL, starting with `/`.
    const PATH: &'static str;
    /// The authentication the endpoint needs.
    const AUTH: Auth;
    /// Where the parameters travel.
    const ENCODING: Encoding;
    /// Its cost against Kraken's REST call counter.
    const COST: u32;
    /// Whether responses carry secrets, so bodies are never quoted in errors.
    const SENSITIVE_RESPONSE: bool;
    /// Whether the call only reads or changes state.
    const EFFECT: Effect;
    /// The key permissions it needs.
    const PERMISSIONS: Permissions;
    /// Its charge on the per-pair trading counter, if it has one.
    const TRADING: Option<TradingCharge>;
    /// Where it carries a client order id, if it places orders.
    const CLIENT_ORDER_ID: Option<ClientOrderIdSlot>;

    /// Checks the parameters and lists them in wire order.
    #[doc(hidden)] // plumbing for the send path; public for the sandbox's tests
    fn params(&self) -> Result<Params, Error>;

    /// Decodes a response body.
    #[doc(hidden)] // plumbing for the send path; reach it through `ENDPOINTS[i].decode_to_json`
    fn decode(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Self::Response, Error>;
}

/// One row of the endpoint registry ([`crate::ENDPOINTS`]): what the spec
/// says about an endpoint, for tooling and tests that walk every endpoint.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct EndpointInfo {
    /// The Rust method name.
    pub name: &'static str,
    /// Kraken's name for the call.
    pub kraken: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path below the base URL.
    pub path: &'static str,
    /// The authentication it needs.
    pub auth: Auth,
    /// Where its parameters travel.
    pub encoding: Encoding,
    /// Its cost against the REST call counter.
    pub cost: u32,
    /// Whether it only reads or changes state.
    pub effect: Effect,
    /// The key permissions it needs.
    pub permissions: Permissions,
    /// Its charge on the per-pair trading counter.
    pub trading: Option<TradingCharge>,
    /// Where it carries a client order id.
    pub client_order_id: Option<ClientOrderIdSlot>,
    /// Decodes a response body and serializes the typed result back to JSON text.
    pub decode_to_json: DecodeToJson,
}

/// Decodes a body (status, content type, bytes) and serializes the typed
/// result back to JSON text: how tooling checks that decoding loses nothing.
pub type DecodeToJson = fn(u16, Option<&str>, &[u8]) -> Result<String, Error>;

impl EndpointInfo {
    /// The registry row of endpoint `E`. Its bounds make every listed
    /// endpoint's response `Debug`, `Clone`, `Serialize` and `Deserialize`,
    /// checked at compile time.
    pub const fn of<E: Endpoint>(kraken: &'static str) -> Self
    where
        E::Response: serde::Serialize + serde::de::DeserializeOwned + Clone + std::fmt::Debug,
    {
        EndpointInfo {
            name: E::NAME,
            kraken,
            method: E::METHOD,
            path: E::PATH,
            auth: E::AUTH,
            encoding: E::ENCODING,
            cost: E::COST,
            effect: E::EFFECT,
            permissions: E::PERMISSIONS,
            trading: E::TRADING,
            client_order_id: E::CLIENT_ORDER_ID,
            decode_to_json: decode_to_json::<E>,
        }
    }
}

impl std::fmt::Debug for EndpointInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.method.as_str(), self.path, self.name)
    }
}

fn decode_to_json<E: Endpoint>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<String, Error>
where
    E::Response: serde::Serialize,
{
    let decoded = E::decode(status, content_type, body)?;
    serde_json::to_string(&decoded).map_err(|e| Error::Decode {
        endpoint: E::NAME,
        status,
        message: format!("cannot serialize the decoded response: {e}"),
        body_start: String::new(),
    })
}

/// What a call carries besides its parameters: a one-time password and a
/// deadline. Kept with the request by [`Call::into_parts`], so that nothing set
/// on a call is lost; send them with [`SpotClient::send_with`].
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) otp: Option<crate::Secret>,
    pub(crate) timeout: Option<std::time::Duration>,
}

impl CallOptions {
    /// No options: the client's static otp (if any) and its deadline.
    pub fn new() -> Self {
        Self::default()
    }

    /// A one-time password (2FA) for this call.
    pub fn otp(mut self, otp: impl Into<String>) -> Self {
        self.otp = Some(crate::Secret::from(otp.into()));
        self
    }

    /// This call's overall deadline, retries and waits included.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("otp", &self.otp.as_ref().map(|_| "[REDACTED]"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A request on its way: set optional parameters with its chainable setters,
/// then `.await` it. A call holds a cheap handle to its client, so it can be
/// moved into `tokio::spawn`.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<E> {
    pub(crate) client: SpotClient,
    pub(crate) request: E,
    pub(crate) options: CallOptions,
}

impl<E: Endpoint> Call<E> {
    pub(crate) fn new(client: &SpotClient, request: E) -> Self {
        Self {
            client: client.clone(),
            request,
            options: CallOptions::default(),
        }
    }

    pub(crate) fn map(mut self, f: impl FnOnce(E) -> E) -> Self {
        self.request = f(self.request);
        self
    }

    /// Sends a one-time password (2FA) with this call.
    pub fn otp(mut self, otp: impl Into<String>) -> Self {
        self.options = self.options.otp(otp);
        self
    }

    /// This call's overall deadline, retries and waits included (instead of
    /// the client's).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// The request as built so far.
    pub fn request(&self) -> &E {
        &self.request
    }

    /// The request and its options, to keep or send later with
    /// [`SpotClient::send_with`]: nothing set on the call is lost.
    pub fn into_parts(self) -> (E, CallOptions) {
        (self.request, self.options)
    }
}

impl<E> std::fmt::Debug for Call<E>
where
    E: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish()
    }
}

impl<E> IntoFuture for Call<E>
where
    E: Endpoint + 'static,
{
    type Output = Result<E::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let Call {
                client,
                request,
                options,
            } = self;
            client.send_with(request, options).await
        })
    }
}
