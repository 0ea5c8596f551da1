//! Request parameters from a form or JSON body, read the same way.

use serde_json::{Map, Value};

/// The parameters of one request (body, or query string for GET).
#[derive(Clone, Debug, Default)]
pub(crate) struct Params(Map<String, Value>);

impl Params {
    /// Parses a JSON object body, or `application/x-www-form-urlencoded`
    /// pairs (the last value of a repeated name wins).
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Params {
        let json = content_type.is_some_and(|ct| ct.contains("json"))
            || (content_type.is_none() && body.first() == Some(&b'{'));
        if json {
            match serde_json::from_slice(body) {
                Ok(Value::Object(map)) => return Params(map),
                _ => return Params::default(),
            }
        }
        Params(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        )
    }

    /// Wraps one object of a batch (`orders[i]`).
    pub fn from_value(value: &Value) -> Params {
        Params(value.as_object().cloned().unwrap_or_default())
    }

    /// A parameter as text: strings as they are, numbers and booleans printed.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean flag: `true` (string or JSON boolean) or `1`.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name).as_deref(), Some("true" | "1"))
    }

    /// A parameter as JSON (objects in JSON bodies).
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A JSON array parameter (batch calls).
    pub fn list(&self, name: &str) -> Option<&Vec<Value>> {
        self.0.get(name)?.as_array()
    }
}
