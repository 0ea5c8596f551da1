//! A way out for calls the spec does not know yet: signed, paced, retried and
//! decoded like any call, with Kraken's `result` kept as exact JSON.

use crate::endpoint::{Auth, Effect, Encoding, HttpMethod, ParamValue, Params, Permissions};
use crate::send::Route;
use crate::{Error, RawJson, SpotClient};
use std::collections::HashSet;
use std::sync::Mutex;

/// At most this many distinct paths and parameter names are remembered for
/// raw calls (they live as long as the program); more is refused.
const MAX_NAMES: usize = 4096;

/// Keeps one copy of each path or parameter name a raw call used.
fn intern(name: &str) -> Result<&'static str, Error> {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(found) = names.get(name) {
        return Ok(found);
    }
    if names.len() >= MAX_NAMES {
        return Err(Error::InvalidConfig(format!(
            "raw calls used more than {MAX_NAMES} distinct paths and parameter names"
        )));
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    Ok(leaked)
}

fn decode_kraken(status: u16, _: Option<&str>, body: &[u8]) -> Result<RawJson, Error> {
    crate::envelope::kraken("raw", status, body, false)
}

fn decode_status(status: u16, _: Option<&str>, body: &[u8]) -> Result<RawJson, Error> {
    crate::envelope::funding("raw", status, body, false)
}

impl SpotClient {
    /// Calls an endpoint the spec does not know yet, and returns Kraken's
    /// `result` as exact JSON (for [`Auth::Funding`], the whole body).
    ///
    /// The call goes through the same path as every other: credentials
    /// checked, paced (cost 1 for key-signed calls, the safe side), signed
    /// with a fresh nonce, sent in nonce order, retried like a read if it is a
    /// `GET` and otherwise only where it cannot have acted, and "outcome
    /// unknown" when a non-`GET` may have been carried out. `GET` parameters
    /// go in the query; `/0/private` calls send a form, Funding (Beta) calls a
    /// JSON body. Values are sent as given: strings as text, numbers and
    /// booleans as such, objects and arrays as JSON.
    ///
    /// ```no_run
    /// # async fn run(client: kraken_spot::SpotClient) -> Result<(), kraken_spot::Error> {
    /// use kraken_spot::{Auth, HttpMethod};
    /// let result = client
    ///     .raw(HttpMethod::Post, "/0/private/Balance", Auth::ApiKey, [])
    ///     .await?;
    /// println!("{}", result.get());
    /// # Ok(()) }
    /// ```
    pub async fn raw<'a>(
        &self,
        method: HttpMethod,
        path: &str,
        auth: Auth,
        params: impl IntoIterator<Item = (&'a str, serde_json::Value)>,
    ) -> Result<RawJson, Error> {
        if !path.starts_with('/') || path.contains(['?', '#']) {
            return Err(crate::validate::invalid(
                "raw",
                "path",
                "must start with `/` and carry no query (pass parameters instead)".into(),
            ));
        }
        let mut wire = Params::new();
        for (name, value) in params {
            let name = intern(name)?;
            match value {
                serde_json::Value::String(s) => wire.push(name, s),
                serde_json::Value::Bool(b) => wire.push(name, b),
                serde_json::Value::Number(n) if n.is_i64() => {
                    wire.push(name, n.as_i64().unwrap_or_default())
                }
                other => {
                    let raw = serde_json::value::to_raw_value(&other)
                        .map_err(|e| crate::validate::invalid("raw", "params", e.to_string()))?;
                    wire.push(name, ParamValue::Json(raw));
                }
            }
        }
        let encoding = match (method, auth) {
            (HttpMethod::Get | HttpMethod::Delete, _) => Encoding::Query,
            (_, Auth::Funding) => Encoding::Json,
            _ => Encoding::Form,
        };
        let route = Route {
            name: "raw",
            method,
            path: intern(path)?,
            auth,
            encoding,
            cost: u32::from(matches!(auth, Auth::ApiKey | Auth::Funding)),
            effect: if method == HttpMethod::Get {
                Effect::Read
            } else {
                Effect::Write
            },
            permissions: Permissions::None,
            trading: None,
            client_order_id: None,
        };
        let decode = if auth == Auth::Funding {
            decode_status
        } else {
            decode_kraken
        };
        self.execute_route(&route, decode, wire, None, None).await
    }
}
