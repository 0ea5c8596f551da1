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

/// Within a signed 32-bit integer (`userref`).
pub(crate) fn int32(endpoint: &'static str, param: &'static str, value: i64) -> Result<(), Error> {
    if i32::try_from(value).is_err() {
        return Err(invalid(
            endpoint,
            param,
            format!("{value} does not fit a signed 32-bit integer"),
        ));
    }
    Ok(())
}

/// A client order id in one of Kraken's three formats: a UUID with hyphens
/// (8-4-4-4-12 hex digits), 32 hex digits, or free text of at most 18
/// printable ASCII characters.
pub(crate) fn cl_ord_id(
    endpoint: &'static str,
    param: &'static str,
    value: &str,
) -> Result<(), Error> {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let parts: Vec<&str> = value.split('-').collect();
    let uuid = parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| hex(p));
    let short_uuid = value.len() == 32 && hex(value);
    let text =
        !value.is_empty() && value.len() <= 18 && value.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if uuid || short_uuid || text {
        Ok(())
    } else {
        Err(invalid(
            endpoint,
            param,
            format!(
                "`{}` is not a UUID, 32 hex characters, or up to 18 printable ASCII characters",
                value.chars().take(40).collect::<String>()
            ),
        ))
    }
}

/// At most `max` characters.
pub(crate) fn max_length(
    endpoint: &'static str,
    param: &'static str,
    value: &str,
    max: usize,
) -> Result<(), Error> {
    let len = value.chars().count();
    if len > max {
        return Err(invalid(
            endpoint,
            param,
            format!("{len} characters, at most {max} allowed"),
        ));
    }
    Ok(())
}

/// An RFC 3339 time 2 to 60 seconds ahead of now, as Kraken requires of `deadline`.
pub(crate) fn deadline(
    endpoint: &'static str,
    param: &'static str,
    value: &str,
) -> Result<(), Error> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    deadline_at(value, now).map_err(|reason| invalid(endpoint, param, reason))
}

/// [`deadline`] against `now` (unix nanoseconds).
fn deadline_at(value: &str, now: i128) -> Result<(), String> {
    let at = rfc3339_nanos(value)
        .ok_or_else(|| format!("`{value}` is not an RFC 3339 time (2026-11-22T10:00:05Z)"))?;
    let ahead = at - now;
    const SECOND: i128 = 1_000_000_000;
    if !(2 * SECOND..=60 * SECOND).contains(&ahead) {
        return Err(format!(
            "`{value}` is {:.1} s from now; Kraken takes 2 to 60 s ahead",
            ahead as f64 / SECOND as f64
        ));
    }
    Ok(())
}

/// Unix nanoseconds of an RFC 3339 time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn rfc3339_nanos(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = s.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i128 = 0;
    if sep(i, b".") {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let frac = &s[i + 1..i + 1 + digits.min(9)];
        nanos = frac.parse::<i128>().ok()? * 10i128.pow(9 - frac.len() as u32);
        i += 1 + digits;
    }
    let offset = match &s[i..] {
        "Z" | "z" => 0,
        rest if rest.len() == 6 && sep(i, b"+-") && sep(i + 3, b":") => {
            let (h, m) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let sign = if b[i] == b'-' { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
        _ => return None,
    };
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(i128::from(secs) * 1_000_000_000 + nanos)
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
    fn userref_must_fit_int32() {
        assert!(int32("e", "userref", i64::from(i32::MAX)).is_ok());
        assert!(int32("e", "userref", i64::from(i32::MIN)).is_ok());
        let err = int32("e", "userref", i64::from(i32::MAX) + 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid parameter `userref` for e: 2147483648 does not fit a signed 32-bit integer"
        );
        assert!(int32("e", "userref", i64::from(i32::MIN) - 1).is_err());
    }

    #[test]
    fn client_order_ids_take_krakens_three_formats() {
        for ok in [
            "6d1b345e-2821-40e2-ad83-4ecb18a06876",
            "da8e4ad59b78481c93e589746b0cf91f",
            "arb-20240509-00010",
            "my order #1",
            "x",
        ] {
            assert!(cl_ord_id("e", "cl_ord_id", ok).is_ok(), "{ok}");
        }
        for bad in [
            "arb-20240509-000100",                  // 19 characters of free text
            "6d1b345e-2821-40e2-ad83-4ecb18a0687g", // not hex
            "6d1b345e2821-40e2-ad83-4ecb18a06876-", // dashes misplaced
            "da8e4ad59b78481c93e589746b0cf91",      // 31 hex: too long for text
            "caf\u{e9}",                            // not ASCII
            "tab\there",                            // not printable
            "",
        ] {
            assert!(cl_ord_id("e", "cl_ord_id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deadlines_are_rfc3339_between_2_and_60_seconds_ahead() {
        let at = |s: &str| rfc3339_nanos(s).unwrap();
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("2021-04-01T00:18:45Z"), 1_617_236_325_000_000_000);
        assert_eq!(at("2021-04-01T02:18:45.5+02:00"), 1_617_236_325_500_000_000);
        assert_eq!(
            at("2024-02-29T23:59:59.123456789z"),
            1_709_251_199_123_456_789
        );
        for bad in [
            "2021-04-01 00:18:45",
            "2021-04-01T00:18:45",
            "2021-02-30T00:00:00Z",
            "2021-04-01T24:00:00Z",
            "2021-04-01T00:18:45.Z",
            "1617236325",
            "+30",
        ] {
            assert_eq!(rfc3339_nanos(bad), None, "{bad}");
        }
        let now = at("2026-11-22T10:00:00Z");
        assert!(deadline_at("2026-11-22T10:00:02Z", now).is_ok());
        assert!(deadline_at("2026-11-22T10:01:00Z", now).is_ok());
        assert!(deadline_at("2026-11-22T11:00:30+01:00", now).is_ok());
        let err = deadline_at("2026-11-22T10:00:01.999Z", now).unwrap_err();
        assert!(err.contains("2 to 60 s ahead"), "{err}");
        assert!(deadline_at("2026-11-22T10:01:00.001Z", now).is_err());
        assert!(deadline_at("2026-11-22T09:59:30Z", now).is_err());
        assert!(
            deadline_at("tomorrow", now)
                .unwrap_err()
                .contains("RFC 3339")
        );
    }

    #[test]
    fn max_length_counts_characters() {
        assert!(max_length("e", "api_key_name", &"k".repeat(32), 32).is_ok());
        assert!(max_length("e", "api_key_name", &"é".repeat(32), 32).is_ok());
        assert!(max_length("e", "api_key_name", &"k".repeat(33), 32).is_err());
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
