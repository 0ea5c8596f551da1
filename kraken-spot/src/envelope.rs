//! Turns a response body into a typed result or a typed error.

use crate::json::{self, FromJson, Reader};
use crate::{Error, KrakenError};
use serde::Deserialize;
use serde_json::value::RawValue;

const EXCERPT_CHARS: usize = 200;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    error: Vec<String>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
}

fn excerpt(body: &[u8], sensitive: bool) -> String {
    if sensitive {
        return format!(
            "[{} bytes, not shown: this endpoint's responses carry secrets]",
            body.len()
        );
    }
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Splits Kraken's `error` array into errors (`E…`) and warnings (`W…`).
/// Warnings are logged and do not fail the call.
fn check_errors(endpoint: &'static str, codes: Vec<String>) -> Result<(), Error> {
    if codes.is_empty() {
        return Ok(());
    }
    let (warnings, errors): (Vec<_>, Vec<_>) = codes.into_iter().partition(|c| c.starts_with('W'));
    for warning in &warnings {
        tracing::warn!(endpoint, warning = %warning, "Kraken returned a warning");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Kraken {
            endpoint,
            error: KrakenError::new(errors),
        })
    }
}

/// The envelope read in one pass: `error` collected, `result` read straight
/// into the response type, in whichever order they come; other keys skipped.
fn one_pass<T: FromJson>(text: &str) -> json::Result<(Vec<String>, Option<T>)> {
    let mut r = Reader::new(text);
    let mut error = None;
    let mut result = None;
    r.object(|r, key| {
        match key {
            "error" if error.is_none() => {
                error = Some(if r.empty_array() {
                    Vec::new()
                } else {
                    r.read::<Vec<String>>()?
                });
            }
            // `null` counts as absent.
            "result" if result.is_none() => result = Some(r.read::<Option<T>>()?),
            "error" | "result" => return Err(r.error(format!("duplicate field `{key}`"))),
            _ => {
                r.skip()?;
            }
        }
        Ok(())
    })?;
    r.end()?;
    Ok((error.unwrap_or_default(), result.flatten()))
}

/// Decodes Kraken's `{"error": [...], "result": ...}` envelope. A missing
/// `error` key (OAuth endpoints) counts as no error.
///
/// The body is read once, the result straight into `T`. When that pass fails
/// (a body that is not Kraken's, an error with a result of another shape),
/// the body is read again the careful way, envelope first, so the error
/// names exactly what did not fit.
pub fn kraken<T: FromJson>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    sensitive: bool,
) -> Result<T, Error> {
    // UTF-8 is checked once for the whole body, so neither strings nor the
    // exact text of each number is checked again.
    let one_pass = std::str::from_utf8(body)
        .ok()
        .and_then(|text| one_pass::<T>(text).ok());
    if let Some((error, result)) = one_pass {
        check_errors(endpoint, error)?;
        if !success(status) {
            return Err(Error::Http {
                endpoint,
                status,
                body_start: excerpt(body, sensitive),
            });
        }
        return result.ok_or_else(|| Error::Decode {
            endpoint,
            status,
            message: "the envelope has no `result`".into(),
            body_start: excerpt(body, sensitive),
        });
    }
    kraken_careful(endpoint, status, body, sensitive)
}

/// The envelope first, then the result text: slower, and exact about what failed.
#[cold]
fn kraken_careful<T: FromJson>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    sensitive: bool,
) -> Result<T, Error> {
    let envelope: Envelope<'_> = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(e) if success(status) => {
            return Err(Error::Decode {
                endpoint,
                status,
                message: format!("not a Kraken response envelope: {e}"),
                body_start: excerpt(body, sensitive),
            });
        }
        Err(_) => {
            return Err(Error::Http {
                endpoint,
                status,
                body_start: excerpt(body, sensitive),
            });
        }
    };
    check_errors(endpoint, envelope.error)?;
    if !success(status) {
        return Err(Error::Http {
            endpoint,
            status,
            body_start: excerpt(body, sensitive),
        });
    }
    let result = envelope.result.ok_or_else(|| Error::Decode {
        endpoint,
        status,
        message: "the envelope has no `result`".into(),
        body_start: excerpt(body, sensitive),
    })?;
    json::from_str::<T>(result.get()).map_err(|e| Error::Decode {
        endpoint,
        status,
        message: e.to_string(),
        body_start: excerpt(body, sensitive),
    })
}

/// Decodes a body that has no envelope (the OAuth token endpoint).
pub fn bare<T: FromJson>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    sensitive: bool,
) -> Result<T, Error> {
    if !success(status) {
        return Err(Error::Http {
            endpoint,
            status,
            body_start: excerpt(body, sensitive),
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| Error::Decode {
        endpoint,
        status,
        message: e.to_string(),
        body_start: excerpt(body, sensitive),
    })?;
    json::from_str::<T>(text).map_err(|e| Error::Decode {
        endpoint,
        status,
        message: e.to_string(),
        body_start: excerpt(body, sensitive),
    })
}

/// Returns a file body unchanged; a JSON body here is Kraken reporting an error.
pub fn bytes(
    endpoint: &'static str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<u8>, Error> {
    let is_json = content_type.is_some_and(|c| c.trim_start().starts_with("application/json"));
    if is_json {
        if let Ok(envelope) = serde_json::from_slice::<Envelope<'_>>(body) {
            check_errors(endpoint, envelope.error)?;
        }
        return Err(Error::Decode {
            endpoint,
            status,
            message: "expected a file but got JSON without an error".into(),
            body_start: excerpt(body, false),
        });
    }
    if !success(status) {
        return Err(Error::Http {
            endpoint,
            status,
            body_start: excerpt(body, false),
        });
    }
    Ok(body.to_vec())
}

/// The largest error body kept whole in [`Error::Api`].
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Decodes an answer of an API without Kraken's envelope that reports errors
/// as HTTP statuses (Funding (Beta)): a success body is the result; any other
/// status is [`Error::Api`] with the body kept.
pub fn funding<T: FromJson>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    sensitive: bool,
) -> Result<T, Error> {
    if success(status) {
        return bare(endpoint, status, body, sensitive);
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_ERROR_BODY)]).into_owned();
    let error = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            ["error", "message", "errors"]
                .iter()
                .find_map(|k| match v.get(k)? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    other @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                        Some(other.to_string())
                    }
                    _ => None,
                })
        });
    Err(Error::Api {
        endpoint,
        status,
        error,
        body: if sensitive { excerpt(body, true) } else { text },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_krakens_code_verbatim() {
        let err = kraken::<bool>(
            "x",
            200,
            br#"{"error":["EOrder:Insufficient funds"]}"#,
            false,
        )
        .unwrap_err();
        let k = err.kraken().unwrap();
        assert_eq!(k.code(), "EOrder:Insufficient funds");
        assert_eq!(k.category(), "Order");
    }

    #[test]
    fn warnings_do_not_fail_a_call() {
        let ok: bool = kraken(
            "x",
            200,
            br#"{"error":["WGeneral:Deprecated"],"result":true}"#,
            false,
        )
        .unwrap();
        assert!(ok);
    }

    #[test]
    fn one_pass_reads_error_after_result_and_ignores_other_keys() {
        let ok: Vec<u32> = kraken(
            "x",
            200,
            br#"{"result":[1,2],"extra":{"a":[1]},"error":["WGeneral:Deprecated"]}"#,
            false,
        )
        .unwrap();
        assert_eq!(ok, [1, 2]);
        // An error after a result of another shape is still Kraken's error.
        let err = kraken::<Vec<u32>>(
            "x",
            200,
            br#"{"result":{},"error":["EQuery:Unknown asset pair"]}"#,
            false,
        )
        .unwrap_err();
        assert_eq!(err.kraken().unwrap().code(), "EQuery:Unknown asset pair");
        // A result that does not fit names what did not fit.
        let err =
            kraken::<Vec<u32>>("x", 200, br#"{"error":[],"result":[1,"a"]}"#, false).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let err =
            kraken::<Vec<u32>>("x", 200, br#"{"error":[],"result":null}"#, false).unwrap_err();
        assert!(err.to_string().contains("no `result`"), "{err}");
    }

    #[test]
    fn an_empty_error_array_in_any_spelling_is_no_error() {
        for body in [
            r#"{"error":[],"result":[7]}"#,
            r#"{"error": [ ], "result": [7]}"#,
            "{\"error\":\n  [\n  ],\n\"result\":[7]}",
            r#"{"result":[7],"error":[]}"#,
        ] {
            let ok: Vec<u32> = kraken("x", 200, body.as_bytes(), false).unwrap();
            assert_eq!(ok, [7], "{body}");
        }
        // A second `error`, even empty, is still a duplicate.
        assert!(one_pass::<u32>(r#"{"error":[],"error":[],"result":1}"#).is_err());
        assert!(one_pass::<u32>(r#"{"error":[]]}"#).is_err());
        assert!(one_pass::<u32>(r#"{"error":[],}"#).is_err());
    }

    #[test]
    fn http_errors_keep_status_and_body_start() {
        let err = kraken::<bool>("x", 502, b"<html>Bad gateway</html>", false).unwrap_err();
        match err {
            Error::Http {
                status, body_start, ..
            } => {
                assert_eq!(status, 502);
                assert_eq!(body_start, "<html>Bad gateway</html>");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sensitive_bodies_are_never_quoted() {
        let err = bare::<u32>("t", 200, br#"{"access_token":"s3cr3t"}"#, true).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }

    #[test]
    fn a_json_body_where_a_file_is_expected_is_an_error() {
        let err = bytes(
            "x",
            200,
            Some("application/json"),
            br#"{"error":["EGeneral:Invalid arguments"]}"#,
        )
        .unwrap_err();
        assert_eq!(err.kraken().unwrap().code(), "EGeneral:Invalid arguments");
        assert_eq!(
            bytes("x", 200, Some("application/octet-stream"), b"PK\x03\x04").unwrap(),
            b"PK\x03\x04"
        );
    }
}
