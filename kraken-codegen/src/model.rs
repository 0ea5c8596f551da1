//! The spec's YAML shape. Every struct denies unknown keys, so a typo in the
//! spec is an error rather than a silently ignored line.

use serde::Deserialize;

/// One spec file (`spec/<area>.yaml`), before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub doc: String,
    #[serde(default)]
    pub enums: Vec<serde_yaml::Value>,
    #[serde(default)]
    pub structs: Vec<serde_yaml::Value>,
    #[serde(default)]
    pub endpoints: Vec<serde_yaml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub value: String,
    /// Variant name override; default is the value in UpperCamelCase.
    #[serde(default)]
    pub rust: Option<String>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructDef {
    pub name: String,
    pub doc: String,
    /// Decoded from a JSON array, fields in order (OHLC, Depth, Trades rows).
    #[serde(default)]
    pub positional: bool,
    /// A request-side object sent as JSON inside a parameter (AddOrderBatch
    /// orders): built with `new(required…)` and setters, checked before sending.
    /// Its fields take parameter types; `optional: false` means required.
    #[serde(default)]
    pub input: bool,
    pub fields: Vec<FieldDef>,
    /// Keys Kraken sends that are deliberately not modelled, with the reason.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Input structs: groups of optional fields of which at most one may be set.
    #[serde(default)]
    pub exclusive: Vec<Vec<String>>,
    /// Response structs: optional fields of which at least one must be
    /// present (non-null), so an unrelated object is a decode error.
    #[serde(default)]
    pub require_one_of: Vec<String>,
    /// Response structs whose fields are all optional: an object with none
    /// of them is accepted (otherwise it is a decode error).
    #[serde(default)]
    pub allow_empty: bool,
}

impl StructDef {
    /// The fields of which a decoded object must have at least one (non-null):
    /// `require_one_of`, or every field of a response struct whose fields are
    /// all optional, unless `allow_empty`. Empty: no such rule.
    pub fn one_of_required(&self) -> Vec<&str> {
        if !self.require_one_of.is_empty() {
            return self.require_one_of.iter().map(String::as_str).collect();
        }
        let all_optional = self.fields.iter().all(|f| f.optional);
        if self.input || self.positional || self.allow_empty || !all_optional {
            return Vec::new();
        }
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    /// May be absent or null.
    #[serde(default)]
    pub optional: bool,
    pub doc: String,
    /// Input structs: a documented format checked before sending.
    #[serde(default)]
    pub format: Option<Format>,
    /// Input structs: the longest text allowed, in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
}

/// A documented value format, checked before sending (`format:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// An int within a signed 32-bit integer (`userref`).
    Int32,
    /// A client order id: a UUID with hyphens, 32 hex characters, or up to 18 printable ASCII characters.
    ClOrdId,
    /// An RFC 3339 time 2 to 60 seconds ahead of now (`deadline`).
    Deadline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Http {
    Get,
    Post,
    Put,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    Public,
    ApiKey,
    OauthBasic,
    OauthBearer,
    /// Funding (Beta): API-Key, API-Nonce and API-Sign over the path and query.
    Funding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingKind {
    Query,
    Form,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvelopeKind {
    /// `{"error": [...], "result": ...}`
    #[default]
    Kraken,
    /// The body is the result (OAuth token).
    Bare,
    /// The body is a file, returned as bytes (RetrieveExport).
    Bytes,
    /// The body is the result; errors are HTTP statuses with a body (Funding (Beta)).
    Status,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    pub name: String,
    /// Kraken's own name for the call (for docs and cross-checks).
    pub kraken: String,
    pub http: Http,
    pub path: String,
    pub auth: AuthKind,
    pub encoding: EncodingKind,
    #[serde(default)]
    pub envelope: EnvelopeKind,
    /// Cost against Kraken's REST call counter.
    pub cost: u32,
    /// Whether the call only reads or may change state.
    pub effect: EffectKind,
    /// The key permissions an `api_key` call needs (required there, absent elsewhere).
    #[serde(default)]
    pub permission: Option<PermissionSpec>,
    /// The call's charge on Kraken's per-pair trading counter.
    #[serde(default)]
    pub trading: Option<TradingDef>,
    /// Where an order-placing call carries its client order id.
    #[serde(default)]
    pub client_order_id: Option<ClientOrderIdDef>,
    /// How the call pages through a long result (streams).
    #[serde(default)]
    pub paging: Option<PagingDef>,
    /// What a write moves (`trading` or `funds`): the CLI asks for
    /// confirmation and the MCP server serves it only when allowed.
    #[serde(default)]
    pub moves: Option<MovesKind>,
    /// Responses carry secrets: never quote the body in errors.
    #[serde(default)]
    pub sensitive_response: bool,
    pub doc: String,
    #[serde(default)]
    pub params: Vec<ParamDef>,
    /// Optional params (wire names) of which at least one must be set
    /// (AmendOrder: `txid` or `cl_ord_id`).
    #[serde(default)]
    pub require_one_of: Vec<String>,
    /// Groups of optional params (wire names) of which at most one may be set
    /// (AddOrder: `userref` and `cl_ord_id`).
    #[serde(default)]
    pub exclusive: Vec<Vec<String>>,
    pub response: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub name: String,
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    pub doc: String,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// For integer params that take only some values.
    #[serde(default)]
    pub allowed: Vec<i64>,
    /// Params in the same group are alternatives: at most one may be set, and
    /// they may share a wire name (TradeVolume `pair` as text or as objects).
    #[serde(default)]
    pub group: Option<String>,
    /// A documented format checked before sending.
    #[serde(default)]
    pub format: Option<Format>,
    /// The longest text allowed, in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Where the parameter travels when not where the encoding puts it:
    /// `path` fills a `{name}` placeholder, `query` goes in the query string.
    #[serde(default, rename = "in")]
    pub location: Option<ParamLocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
}

/// What a write endpoint moves (spec key `moves`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovesKind {
    /// Orders: placing, amending, cancelling (and algo strategies).
    Trading,
    /// Money or access to it: withdrawals, transfers, Earn, subaccounts, keys.
    Funds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// Only reads: safe to send again.
    Read,
    /// May change state.
    Write,
}

/// Kraken's API key permissions, as `GetApiKeyInfo` names them.
pub const PERMISSIONS: &[&str] = &[
    "query-funds",
    "add-funds",
    "withdraw-funds",
    "earn-funds",
    "query-open-trades",
    "query-closed-trades",
    "modify-trades",
    "close-trades",
    "query-ledger",
    "export-data",
    "create-ws-token",
    "add-withdraw-address",
    "update-withdraw-address",
];

/// `permission:` one permission name, `none`, `{any_of: [..]}` or `{all_of: [..]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "serde_yaml::Value")]
pub enum PermissionSpec {
    /// No key permission is needed.
    None,
    /// Any one of these.
    AnyOf(Vec<String>),
    /// Every one of these (a single name is `AllOf` of one).
    AllOf(Vec<String>),
}

impl TryFrom<serde_yaml::Value> for PermissionSpec {
    type Error = String;

    fn try_from(value: serde_yaml::Value) -> Result<Self, String> {
        use serde_yaml::Value;
        let known = |name: &str| -> Result<String, String> {
            if PERMISSIONS.contains(&name) {
                Ok(name.to_owned())
            } else {
                Err(format!(
                    "permission `{name}` is not one of Kraken's ({}), `none`, `{{any_of: [..]}}` or `{{all_of: [..]}}`",
                    PERMISSIONS.join(", ")
                ))
            }
        };
        match value {
            Value::String(s) if s == "none" => Ok(PermissionSpec::None),
            Value::String(s) => Ok(PermissionSpec::AllOf(vec![known(&s)?])),
            Value::Mapping(m) if m.len() == 1 => {
                let (key, list) = m.into_iter().next().unwrap_or_default();
                let names: Vec<String> = match list {
                    Value::Sequence(items) => items
                        .iter()
                        .map(|v| known(v.as_str().unwrap_or_default()))
                        .collect::<Result<_, _>>()?,
                    _ => return Err("permission: `any_of`/`all_of` take a list of names".into()),
                };
                if names.len() < 2 {
                    return Err(
                        "permission: `any_of`/`all_of` need two or more names (write one name on its own)"
                            .into(),
                    );
                }
                match key.as_str() {
                    Some("any_of") => Ok(PermissionSpec::AnyOf(names)),
                    Some("all_of") => Ok(PermissionSpec::AllOf(names)),
                    _ => Err(format!(
                        "permission: unknown key {key:?}; use `any_of` or `all_of`"
                    )),
                }
            }
            other => Err(format!(
                "permission: expected a permission name, `none`, `{{any_of: [..]}}` or `{{all_of: [..]}}`, got {other:?}"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradingActionKind {
    Add,
    Amend,
    Edit,
    Cancel,
    CancelAll,
    BatchAdd,
    BatchCancel,
}

/// `trading:` the call's charge on the per-pair trading counter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradingDef {
    pub action: TradingActionKind,
    /// The param holding the pair.
    #[serde(default)]
    pub pair: Option<String>,
    /// The params naming existing orders.
    #[serde(default)]
    pub orders: Vec<String>,
    /// The list param holding new orders (batch_add).
    #[serde(default)]
    pub new_orders: Option<String>,
}

/// `client_order_id:` where an order-placing call carries its client order id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOrderIdDef {
    /// The list param holding the orders (batch); absent for a plain param.
    #[serde(default)]
    pub list: Option<String>,
    /// The id's param or field name.
    pub field: String,
    /// Params or fields Kraken makes exclusive with it.
    #[serde(default)]
    pub exclusive_with: Vec<String>,
    /// The call's RFC 3339 `deadline` param, set by the runtime's resend policy.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// `spec/errors.yaml`: Kraken's error catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCatalogue {
    pub doc: String,
    pub errors: Vec<ErrorDef>,
}

/// One Kraken error code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    /// The code verbatim, `E<Category>:<text>`.
    pub code: String,
    /// Kraken's category: General, API, Query, Order, Trade, Funding, Service, Auth, Account, BM.
    pub category: String,
    pub kind: ErrorKindDef,
    /// Whether a read may be retried after it.
    pub retryable: bool,
    /// Kraken's text.
    pub meaning: String,
}

/// The runtime's `ErrorKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKindDef {
    Auth,
    RateLimit,
    Network,
    Validation,
    Api,
    Service,
    Config,
    Parse,
}

/// Kraken's error categories.
pub const ERROR_CATEGORIES: &[&str] = &[
    "General", "API", "Query", "Order", "Trade", "Funding", "Service", "Auth", "Account", "BM",
];

/// `paging:` how a call pages through a long result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingDef {
    pub kind: PagingKind,
    /// The parameter that moves to the next page (`ofs`, `cursor`, `since`).
    pub param: String,
    /// The type of one item (a spec type: a struct or row name, or `json`).
    pub item: String,
    /// cursor: optional parameters Kraken wants absent once a cursor is sent
    /// (Funding (Beta): "do not provide other request parameters with a
    /// cursor"); the stream sends them on the first page only.
    #[serde(default)]
    pub clears: Vec<String>,
    /// offset, cursor: the field of the result (or of its page shape) holding the items.
    #[serde(default)]
    pub items: Option<String>,
    /// offset: the field holding the total number of matches.
    #[serde(default)]
    pub total: Option<String>,
    /// cursor: the field holding the next page's cursor.
    #[serde(default)]
    pub next: Option<String>,
    /// cursor: the value of `param` that turns paging on (DepositStatus: `true`).
    #[serde(default)]
    pub start: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagingKind {
    /// `ofs` over a newest-first, id-keyed map with a total `count`.
    Offset,
    /// An opaque cursor from the previous page.
    Cursor,
    /// Kraken's `last`, passed back as `since`.
    Since,
}
