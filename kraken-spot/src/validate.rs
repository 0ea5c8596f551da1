//! Parameter checks that run before anything is sent. Generated code calls
//! these; each returns a typed [`Error::InvalidParam`].

use crate::{Amount, Error};

/// At most this many characters of a reason (which may quote the input) go
/// into an error, so a huge parameter never comes back in the error text.
const MAX_REASON_CHARS: usize = 200;

pub(crate) fn invalid(endpoint: &'static str, param: &'static str, reason: String) -> Error {
    let reason = match reason.char_indices().nth(MAX_REASON_CHARS) {
        Some((cut, _)) => format!(
            "{}… ({} characters in all)",
            &reason[..cut],
            reason.chars().count()
        ),
        None => reason,
    };
    Error::InvalidParam {
        endpoint,
        param,
        reason,
    }
}

pub(crate) fn non_empty(
    endpoint: &'static str,
    param: &'static str,
    value: &str,
) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(invalid(endpoint, param, "must not be empty".into()));
    }
    Ok(())
}

pub(crate) fn int(
    endpoint: &'static str,
    param: &'static str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
    allowed: &[i64],
) -> Result<(), Error> {
    if min.is_some_and(|m| value < m) || max.is_some_and(|m| value > m) {
        let range = format!(
            "{}..={}",
            min.map_or(String::new(), |m| m.to_string()),
            max.map_or(String::new(), |m| m.to_string())
        );
        return Err(invalid(
            endpoint,
            param,
            format!("{value} is outside {range}"),
        ));
    }
    if !allowed.is_empty() && !allowed.contains(&value) {
        return Err(invalid(
            endpoint,
            param,
            format!("{value} is not one of {allowed:?}"),
        ));
    }
    Ok(())
}

pub(crate) fn amount(
    endpoint: &'static str,
    param: &'static str,
    value: &Amount,
) -> Result<(), Error> {
    value
        .check()
        .map_err(|reason| invalid(endpoint, param, reason))
}

/// Joins list values with commas, rejecting empty items and items that contain a comma.
pub(crate) fn csv<'a>(
    endpoint: &'static str,
    param: &'static str,
    values: impl Iterator<Item = &'a str>,
) -> Result<String, Error> {
    let mut out = String::new();
    for v in values {
        if v.trim().is_empty() || v.contains(',') {
            return Err(invalid(
                endpoint,
                param,
                format!("`{v}` cannot be an item of a comma-separated list"),
            ));
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(v);
    }
    if out.is_empty() {
        return Err(invalid(endpoint, param, "the list is empty".into()));
    }
    Ok(out)
}

/// Checks a request-side object (an input struct) before it is sent.
pub trait Check {
    /// Checks every field; `endpoint` names the call in errors.
    fn check(&self, endpoint: &'static str) -> Result<(), Error>;
}

pub(crate) fn not_empty_list<T>(
    endpoint: &'static str,
    param: &'static str,
    values: &[T],
) -> Result<(), Error> {
    if values.is_empty() {
        return Err(invalid(endpoint, param, "the list is empty".into()));
    }
    Ok(())
}

/// A nested value sent as JSON, as the exact text serde writes (struct field
/// order kept; a `serde_json::Value` would sort the keys).
pub(crate) fn json<T: serde::Serialize + ?Sized>(
    endpoint: &'static str,
    param: &'static str,
    value: &T,
) -> Result<Box<serde_json::value::RawValue>, Error> {
    serde_json::value::to_raw_value(value).map_err(|e| invalid(endpoint, param, e.to_string()))
}

/// Serializes a list as one comma-separated string (order flags inside a batch order).
pub(crate) fn ser_csv<T: AsRef<str>, S: serde::Serializer>(
    values: &[T],
    s: S,
) -> Result<S::Ok, S::Error> {
    let joined: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
    s.serialize_str(&joined.join(","))
}

/// [`ser_csv`] for an optional list (only called when it is set).
pub(crate) fn ser_opt_csv<T: AsRef<str>, S: serde::Serializer>(
    values: &Option<Vec<T>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    ser_csv(values.as_deref().unwrap_or_default(), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_are_checked_against_range_and_allowed_values() {
        assert!(int("e", "count", 500, Some(1), Some(500), &[]).is_ok());
        assert!(int("e", "count", 0, Some(1), Some(500), &[]).is_err());
        assert!(int("e", "count", 501, Some(1), Some(500), &[]).is_err());
        assert!(int("e", "interval", 60, None, None, &[1, 5, 60]).is_ok());
        let err = int("e", "interval", 2, None, None, &[1, 5, 60]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid parameter `interval` for e: 2 is not one of [1, 5, 60]"
        );
    }

    #[test]
    fn a_huge_input_never_comes_back_whole_in_the_error() {
        let huge = "x,".repeat(5_000_000);
        let err = csv("e", "oflags", [huge.as_str()].into_iter()).unwrap_err();
        let text = err.to_string();
        assert!(text.len() < 400, "{} bytes", text.len());
        assert!(text.contains("characters in all"), "{text}");
    }

    #[test]
    fn csv_joins_and_rejects_bad_items() {
        assert_eq!(
            csv("e", "oflags", ["post", "fciq"].into_iter()).unwrap(),
            "post,fciq"
        );
        assert!(csv("e", "oflags", ["a,b"].into_iter()).is_err());
        assert!(csv("e", "oflags", std::iter::empty()).is_err());
    }
}
