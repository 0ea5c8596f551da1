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
}
