//! OAuth in the sandbox: access and refresh tokens from `/oauth/token`, and
//! Fast API keys created, listed, updated and removed through `/oauth/fast-api-key`.
//! A Fast API key is a real key of the sandbox: it signs `/0/private/*`
//! calls on the account, limited to its permissions, with its nonce window.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::auth::{KeyEntry, KeyRing};
use crate::params::Params;

/// Fast API key permission names (OAuth) and the key permissions (§3) they grant.
const PERMISSIONS: &[(&str, &str)] = &[
    ("export_data", "export-data"),
    ("funds_add", "add-funds"),
    ("funds_earn", "earn-funds"),
    ("funds_query", "query-funds"),
    ("funds_withdraw", "withdraw-funds"),
    ("ledger_query", "query-ledger"),
    ("trades_close", "close-trades"),
    ("trades_modify", "modify-trades"),
    ("trades_query_closed", "query-closed-trades"),
    ("trades_query_open", "query-open-trades"),
];

#[derive(Clone, Debug)]
struct FastKey {
    name: String,
    api_key: String,
    created: String,
    modified: String,
    ip_allowlist: Value,
    nonce_window: u64,
    permissions: BTreeMap<String, bool>,
    query_from: i64,
    query_to: i64,
    valid_until: i64,
}

/// Tokens and Fast API keys issued by the sandbox.
#[derive(Debug, Default)]
pub(crate) struct OAuthState {
    /// Access tokens accepted as Bearer, besides the configured one.
    access: Vec<String>,
    /// Refresh tokens that can be exchanged.
    refresh: Vec<String>,
    fast_keys: Vec<FastKey>,
    issued: u64,
}

/// An OAuth-style error: `(HTTP status, body)`.
type OAuthError = (u16, Value);

fn oauth_error(status: u16, code: &str) -> OAuthError {
    (status, json!({ "error": code }))
}

impl OAuthState {
    /// A fresh opaque value: base64 of SHA-512 over a counter, `bytes` long before encoding.
    fn fresh(&mut self, what: &str, bytes: usize) -> String {
        self.issued += 1;
        let digest = Sha512::digest(format!("kraken-mock {what} {}", self.issued));
        BASE64.encode(&digest[..bytes.min(64)])
    }

    /// Whether `token` is an access token this sandbox issued.
    pub fn accepts(&self, token: &str) -> bool {
        self.access.iter().any(|t| t == token)
    }

    /// Accepts `token` as Bearer from now on (a token some answer of
    /// `/oauth/token` handed out).
    pub fn accept(&mut self, token: &str) {
        if !self.accepts(token) {
            self.access.push(token.to_owned());
        }
    }

    /// `POST /oauth/token`: `authorization_code` (any non-empty `code`) or
    /// `refresh_token` (one this sandbox issued, used once).
    pub fn token(&mut self, p: &Params) -> Result<Value, OAuthError> {
        match p.get("grant_type").as_deref() {
            Some("authorization_code") => {
                if p.get("code").is_none_or(|c| c.is_empty()) {
                    return Err(oauth_error(400, "invalid_request"));
                }
            }
            Some("refresh_token") => {
                let token = p.get("refresh_token").unwrap_or_default();
                let Some(i) = self.refresh.iter().position(|t| *t == token) else {
                    return Err(oauth_error(400, "invalid_grant"));
                };
                self.refresh.remove(i);
            }
            _ => return Err(oauth_error(400, "unsupported_grant_type")),
        }
        let access = self.fresh("access", 16).replace(['+', '/', '='], "");
        let refresh = self.fresh("refresh", 16).replace(['+', '/', '='], "");
        self.access.push(access.clone());
        self.refresh.push(refresh.clone());
        Ok(json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": 14400,
            "refresh_token": refresh,
        }))
    }

    /// The `/oauth/fast-api-key` calls: POST creates, GET lists, PUT updates,
    /// DELETE removes. Keys go into (and out of) `keys` for `account`.
    pub fn fast_api_key(
        &mut self,
        method: &str,
        p: &Params,
        keys: &mut KeyRing,
        account: &str,
        now: &str,
    ) -> Result<Value, OAuthError> {
        let name = p.get("api_key_name");
        let find = |state: &Self, name: &Option<String>| {
            state
                .fast_keys
                .iter()
                .position(|k| Some(&k.name) == name.as_ref())
        };
        match method {
            "GET" => {
                let list: Vec<Value> = self.fast_keys.iter().map(|k| view(k, keys)).collect();
                Ok(json!({ "result": list }))
            }
            "POST" => {
                let name = name
                    .filter(|n| (1..=32).contains(&n.len()))
                    .ok_or_else(|| oauth_error(400, "invalid_request"))?;
                if find(self, &Some(name.clone())).is_some() {
                    return Err(oauth_error(409, "conflict"));
                }
                let secret = self.fresh("secret", 64);
                let api_key = self.fresh("key", 42);
                let mut key = FastKey {
                    name: name.clone(),
                    api_key: api_key.clone(),
                    created: now.to_owned(),
                    modified: now.to_owned(),
                    ip_allowlist: json!([]),
                    nonce_window: 0,
                    permissions: PERMISSIONS
                        .iter()
                        .map(|(n, _)| ((*n).to_owned(), false))
                        .collect(),
                    query_from: 0,
                    query_to: 0,
                    valid_until: 0,
                };
                apply_fields(&mut key, p);
                register(keys, &key, &secret, account);
                self.fast_keys.push(key.clone());
                let mut out = view(&key, keys);
                out["secret"] = json!(secret);
                Ok(json!({ "result": out }))
            }
            "PUT" => {
                let i = find(self, &name).ok_or_else(|| oauth_error(404, "not_found"))?;
                let key = &mut self.fast_keys[i];
                apply_fields(key, p);
                if let Some(new_name) = p.get("new_api_key_name") {
                    key.name = new_name;
                }
                key.modified = now.to_owned();
                let secret = keys
                    .keys
                    .get(&key.api_key)
                    .map(|e| e.secret.clone())
                    .unwrap_or_default();
                register(keys, key, &secret, account);
                Ok(json!({ "result": true }))
            }
            "DELETE" => {
                let i = find(self, &name).ok_or_else(|| oauth_error(404, "not_found"))?;
                let key = self.fast_keys.remove(i);
                keys.keys.remove(&key.api_key);
                Ok(json!({ "result": true }))
            }
            _ => Err(oauth_error(405, "method_not_allowed")),
        }
    }
}

/// Sets the fields of a create or update request on `key`.
fn apply_fields(key: &mut FastKey, p: &Params) {
    if let Some(list) = p.list("ip_allowlist") {
        key.ip_allowlist = Value::Array(list.clone());
    }
    if let Some(w) = p.get("nonce_window").and_then(|w| w.parse().ok()) {
        key.nonce_window = w;
    }
    if let Some(Value::Object(perms)) = p.value("permissions") {
        for (name, on) in perms {
            if let (Some(slot), Some(on)) = (key.permissions.get_mut(name), on.as_bool()) {
                *slot = on;
            }
        }
    }
    let int = |name: &str| p.get(name).and_then(|v| v.parse().ok());
    key.query_from = int("query_from").unwrap_or(key.query_from);
    key.query_to = int("query_to").unwrap_or(key.query_to);
    key.valid_until = int("valid_until").unwrap_or(key.valid_until);
}

/// Makes `key` a key of the sandbox (or updates it).
fn register(keys: &mut KeyRing, key: &FastKey, secret: &str, account: &str) {
    let permissions = PERMISSIONS
        .iter()
        .filter(|(name, _)| key.permissions.get(*name) == Some(&true))
        .map(|(_, granted)| (*granted).to_owned())
        .collect();
    keys.keys.insert(
        key.api_key.clone(),
        KeyEntry {
            secret: secret.to_owned(),
            account: account.to_owned(),
            permissions: Some(permissions),
            nonce_window: Some(key.nonce_window),
        },
    );
}

/// A Fast API key as Kraken lists it (no secret).
fn view(key: &FastKey, keys: &KeyRing) -> Value {
    let (nonce, last_used) = keys.usage(&key.api_key);
    json!({
        "api_key": key.api_key,
        "api_key_name": key.name,
        "created_time": key.created,
        "id": BASE64.encode(key.name.as_bytes()).replace(['+', '/', '='], "-"),
        "ip_allowlist": key.ip_allowlist,
        "last_used": last_used.map_or(json!(0), |t: Decimal| crate::exchange::accounts::unix_number(t)),
        "modified_time": key.modified,
        "nonce": nonce,
        "nonce_window": key.nonce_window,
        "oauth_client": crate::OAUTH_CLIENT_ID,
        "permissions": key.permissions,
        "purpose": "standard",
        "query_from": key.query_from,
        "query_to": key.query_to,
        "valid_until": key.valid_until,
    })
}
