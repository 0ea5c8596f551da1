//! Kraken's scalars, read leniently from their exact text.
//!
//! Kraken sends the same field as a string in one response and a number in
//! another (`count`, `opentm`, `userref`, `BalanceEx` values, …). Every scalar
//! is read from the text [`crate::json::Reader`] hands over, so a decimal keeps
//! every digit Kraken sent and never passes through `f64`.

use crate::json::{self, FromJson, Reader, Scalar};
use indexmap::IndexMap;
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use rust_decimal::Decimal;
use std::str::FromStr;

fn excerpt(text: &str) -> &str {
    let end = text.char_indices().nth(40).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Digits `Decimal` always holds exactly: at most 28 significant digits, so
/// at most 28 digits in all for a plain (not scientific) number.
const EXACT_DIGITS: usize = 28;

/// The general path, for what [`Reader::plain_decimal`] leaves: escapes,
/// a `+` or spaces inside quotes, exponents, more than 19 digits, `-0`.
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    let plain = text.strip_prefix('+').unwrap_or(text);
    let scientific = plain.contains(['e', 'E']);
    let parsed = if scientific {
        Decimal::from_scientific(plain)
    } else {
        Decimal::from_str(plain)
    }
    .map_err(|e| format!("`{}` is not a decimal: {e}", excerpt(text)))?;
    // The common case is exact by construction; anything longer, or in
    // scientific form, is checked digit for digit, never silently rounded.
    let digits = plain.bytes().filter(u8::is_ascii_digit).count();
    if (scientific || digits > EXACT_DIGITS)
        && significand(plain) != significand(&parsed.to_string())
    {
        return Err(format!(
            "`{}` cannot be held exactly by a decimal (28 significant digits at most)",
            excerpt(text)
        ));
    }
    Ok(parsed)
}

/// A number's significant digits (no leading or trailing zeros), its sign,
/// and the power of ten of its last digit; zero is `(false, "", 0)`. `None`
/// for text that is not a number.
fn significand(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all = format!("{int}{frac}");
    let trimmed = all.trim_start_matches('0');
    let significant = trimmed.trim_end_matches('0');
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    let trailing = (trimmed.len() - significant.len()) as i64;
    let last = exponent
        .checked_sub(frac.len() as i64)?
        .checked_add(trailing)?;
    Some((negative, significant.to_owned(), last))
}

/// Reads a scalar and converts its text, or fails naming what was expected.
#[inline]
fn scalar_with<T>(
    r: &mut Reader<'_>,
    expected: &str,
    convert: impl FnOnce(Scalar<'_>) -> Result<T, String>,
) -> json::Result<T> {
    let scalar = r.scalar(expected)?;
    convert(scalar).map_err(|message| r.error(message))
}

#[cold]
fn found(expected: &str, scalar: &Scalar<'_>) -> String {
    format!("expected {expected}, found {}", scalar.kind())
}

impl FromJson for Decimal {
    #[inline(always)]
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        // Both paths meet as plain integers, so the value is built once,
        // in registers: meeting as a `Decimal` in memory made the fast path
        // store it in parts and load it whole (a store-forwarding stall).
        let (lo_mid, hi, negative, scale) = match r.plain_decimal() {
            Some((mantissa, scale, negative)) => (mantissa, 0, negative, scale),
            None => general_decimal(r)?,
        };
        // The sign is set as read, with no zero check: the fast path never
        // reads `-0`, and the general path's value had its own.
        let mut d = Decimal::from_parts(lo_mid as u32, (lo_mid >> 32) as u32, hi, false, scale);
        d.set_sign_negative(negative);
        Ok(d)
    }
}

/// [`Decimal`]'s general path, as its parts: the low 64 bits of the
/// mantissa, the high 32, the sign and the scale.
#[inline(never)]
fn general_decimal(r: &mut Reader<'_>) -> json::Result<(u64, u32, bool, u32)> {
    let d = scalar_with(r, "a decimal", |s| match s {
        Scalar::Str(text) => parse_decimal(&text),
        Scalar::Number(text) => parse_decimal(text),
        other => Err(found("a decimal", &other)),
    })?;
    let m = d.mantissa().unsigned_abs();
    Ok((m as u64, (m >> 64) as u32, d.is_sign_negative(), d.scale()))
}

macro_rules! from_json_int {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            #[inline]
            fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
                let mark = r.mark();
                if let Some((negative, magnitude)) = r.plain_integer() {
                    let signed = if negative {
                        -i128::from(magnitude)
                    } else {
                        i128::from(magnitude)
                    };
                    match <$t>::try_from(signed) {
                        Ok(value) => return Ok(value),
                        // Out of range: the general path says so.
                        Err(_) => r.reset(mark),
                    }
                }
                if let Some(b'-' | b'0'..=b'9') = r.peek() {
                    let text = r.number()?;
                    return text
                        .parse::<$t>()
                        .map_err(|e| r.error(format!("`{}`: {e}", excerpt(text))));
                }
                scalar_with(r, "an integer", |s| match s {
                    Scalar::Str(text) => text
                        .trim()
                        .parse::<$t>()
                        .map_err(|e| format!("`{}`: {e}", excerpt(&text))),
                    Scalar::Number(text) => text
                        .parse::<$t>()
                        .map_err(|e| format!("`{}`: {e}", excerpt(text))),
                    other => Err(found("an integer", &other)),
                })
            }
        }
    )*};
}
from_json_int!(i32, i64, u32, u64);

impl FromJson for String {
    #[inline]
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        if r.peek() == Some(b'"') {
            return r.string().map(std::borrow::Cow::into_owned);
        }
        scalar_with(r, "a string", |s| match s {
            Scalar::Str(text) => Ok(text.into_owned()),
            Scalar::Number(text) => Ok(text.to_owned()),
            Scalar::Bool(b) => Ok(b.to_string()),
            Scalar::Null => Err(found("a string", &Scalar::Null)),
        })
    }
}

impl FromJson for bool {
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        scalar_with(r, "a boolean", |s| match s {
            Scalar::Bool(b) => Ok(b),
            Scalar::Str(text) => text_bool(&text),
            Scalar::Number(text) => text_bool(text),
            Scalar::Null => Err(found("a boolean", &Scalar::Null)),
        })
    }
}

fn text_bool(text: &str) -> Result<bool, String> {
    match text {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(format!("`{}` is not a boolean", excerpt(other))),
    }
}

/// `null` reads as `None`, and so does `""` where the type cannot be empty
/// (Kraken sends `""` for an unset price); a string keeps `""`.
impl<T: FromJson> FromJson for Option<T> {
    #[inline]
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        match r.peek() {
            Some(b'n') => {
                r.null()?;
                return Ok(None);
            }
            Some(b'"') => {}
            _ => return T::from_json(r).map(Some),
        }
        if r.at_empty_string() {
            let mark = r.mark();
            return match T::from_json(r) {
                Ok(value) => Ok(Some(value)),
                Err(_) => {
                    r.reset(mark);
                    r.string()?;
                    Ok(None)
                }
            };
        }
        T::from_json(r).map(Some)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    const KIND: Option<u8> = Some(b'[');

    #[inline]
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        let mut out = Vec::new();
        r.array(|r, _| {
            let value = T::from_json(r)?;
            // Kraken's lists of small rows (fee tiers, book levels) mostly
            // hold a few to a few dozen: room for 16 at the first element
            // saves two or three regrowths; an empty list allocates nothing.
            if out.capacity() == 0 && std::mem::size_of::<T>() <= 64 {
                out.reserve(16);
            }
            out.push(value);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<K, T: FromJson, S: std::hash::BuildHasher + Default> FromJson for IndexMap<K, T, S>
where
    K: for<'a> From<&'a str> + std::hash::Hash + Eq + std::borrow::Borrow<str>,
{
    const KIND: Option<u8> = Some(b'{');

    #[inline]
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        // JSON gives no count: room for a typical answer of small values (a
        // balance) saves the table's first rehashes. A result of large values
        // (a pair, an order) is sized after its first entry from the text
        // left, so AssetPairs' 86 pairs take one allocation, not six growing
        // ones whose garbage then makes glibc trim and refault its heap.
        let small = std::mem::size_of::<T>() <= 64;
        let mut out = IndexMap::with_capacity_and_hasher(if small { 16 } else { 0 }, S::default());
        let sized_later = !small && r.depth() <= 1;
        let mut first_from = None;
        r.object(|r, key| {
            let at = r.mark();
            let value = T::from_json(r)?;
            if sized_later && out.is_empty() {
                first_from = Some(at);
            } else if let Some(from) = first_from.take() {
                out.reserve(room_for_rest(
                    at - from,
                    r.remaining(),
                    std::mem::size_of::<T>(),
                ));
            }
            // As `insert`: a repeated key keeps its place and takes the
            // later value. The key is hashed from the text, and only a new
            // one is copied.
            let hash = out.hasher().hash_one(key);
            match out.raw_entry_mut_v1().from_key_hashed_nocheck(hash, key) {
                RawEntryMut::Occupied(mut entry) => {
                    entry.insert(value);
                }
                RawEntryMut::Vacant(entry) => {
                    entry.insert_hashed_nocheck(hash, K::from(key), value);
                }
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// How many more entries to make room for, the one being read included, in
/// a result whose first entry took `first_entry` bytes of text: as many as
/// the text left would hold at that size, with an eighth more for entries a
/// little longer or shorter, and never more memory than twice the text left.
fn room_for_rest(first_entry: usize, text_left: usize, entry_size: usize) -> usize {
    let by_text = text_left / first_entry.max(1);
    let by_memory = text_left.saturating_mul(2) / entry_size.max(1);
    (1 + by_text + by_text / 8).min(by_memory)
}

impl FromJson for crate::RawJson {
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        let text = r.skip()?;
        crate::RawJson::from_checked(text)
    }
}

impl FromJson for crate::Secret {
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        r.string().map(|s| crate::Secret::from(s.into_owned()))
    }
}

/// Reads a string, borrowed where the input allows (string enums' serde).
pub fn cow_str<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(v.into())
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.to_owned().into())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(v.into())
        }
    }
    d.deserialize_str(V)
}

/// serde's `Deserialize` through [`FromJson`], so a response read back with
/// serde_json (a stored answer, [`crate::RawJson::parse`]) is read exactly as
/// the client reads it. JSON only, like the lenient scalars it contains.
pub fn via_json<'de, D: serde::Deserializer<'de>, T: FromJson>(d: D) -> Result<T, D::Error> {
    let raw: Box<serde_json::value::RawValue> = serde::Deserialize::deserialize(d)?;
    json::from_str(raw.get()).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: FromJson>(json: &str) -> T {
        json::from_str(json).unwrap()
    }

    #[test]
    fn decimals_keep_every_digit_from_strings_and_numbers() {
        assert_eq!(
            read::<Decimal>("1710327959.1733468").to_string(),
            "1710327959.1733468"
        );
        assert_eq!(
            read::<Decimal>("\"30243.40000\"").to_string(),
            "30243.40000"
        );
        assert_eq!(
            read::<Decimal>("\"+154186.9728\"").to_string(),
            "154186.9728"
        );
        assert_eq!(read::<Decimal>("\"-24.5000\"").to_string(), "-24.5000");
        assert_eq!(read::<Decimal>("1e-3").to_string(), "0.001");
        // The general path hands its value over in parts: all 96 bits of the
        // mantissa, the scale and the sign arrive whole.
        for text in [
            "-0",
            "-0.000",
            "\"-0.0\"",
            "-79228162514264337593543950335",
            "-1.5e-20",
        ] {
            let got = read::<Decimal>(text);
            let want = text.trim_matches('"');
            let want = Decimal::from_str(want)
                .or_else(|_| Decimal::from_scientific(want))
                .unwrap();
            assert_eq!(got.serialize(), want.serialize(), "{text}");
        }
    }

    #[test]
    fn a_large_result_is_sized_from_its_first_entry_within_a_memory_bound() {
        // AssetPairs as Kraken sends it: about 650 bytes a pair, 55 KB left.
        assert_eq!(room_for_rest(650, 55_000, 600), 1 + 84 + 10);
        // A first entry far smaller than the rest cannot reserve more memory
        // than twice the text left.
        assert_eq!(room_for_rest(10, 1_000_000, 600), 3_333);
        assert_eq!(room_for_rest(0, 100, 0), 113);
    }

    #[test]
    fn the_plain_integer_path_matches_the_full_parser() {
        fn check<T: FromJson + FromStr + PartialEq + std::fmt::Debug>(text: &str) {
            let json_ok = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
            let want = json_ok.then(|| text.parse::<T>().ok()).flatten();
            assert_eq!(json::from_str::<T>(text).ok(), want, "{text}");
        }
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "01",
            "-01",
            "1.0",
            "1e3",
            "1E3",
            "-",
            "123456789012345678",
            "-123456789012345678",
            "1234567890123456789",
            "2147483647",
            "2147483648",
            "-2147483648",
            "4294967295",
            "4294967296",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "000000000000000000001",
        ] {
            check::<i32>(text);
            check::<i64>(text);
            check::<u32>(text);
            check::<u64>(text);
        }
        // In a row, the reader stands after each one.
        assert_eq!(
            read::<Vec<i64>>("[1,-22, 333 ,4444]"),
            vec![1, -22, 333, 4444]
        );
    }

    #[test]
    fn integers_from_strings_and_numbers() {
        assert_eq!(read::<u64>("\"1710327959173746878\""), 1710327959173746878);
        assert_eq!(read::<i64>("\"1\""), 1);
        assert_eq!(read::<i64>("36493663"), 36493663);
        assert_eq!(read::<Option<i64>>("null"), None);
        assert_eq!(read::<Option<Decimal>>("\"\""), None);
        assert_eq!(read::<Option<String>>("\"\""), Some(String::new()));
        assert_eq!(
            read::<Vec<Option<i64>>>("[null, \"0\", 5]"),
            vec![None, Some(0), Some(5)]
        );
        // Lists and objects inside `Option` are read in place.
        assert_eq!(
            read::<Option<Vec<Vec<Decimal>>>>("[[0, 0.26], [\"50000\", 0.240]]").unwrap()[1][1]
                .to_string(),
            "0.240"
        );
        assert_eq!(read::<Option<Vec<i64>>>("null"), None);
        assert_eq!(read::<Option<Vec<i64>>>("\"\""), None);
        assert!(json::from_str::<Option<Vec<i64>>>("\"x\"").is_err());
    }

    fn from_parts((mantissa, scale, negative): (u64, u32, bool)) -> Decimal {
        Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, negative, scale)
    }

    #[test]
    fn the_plain_decimal_path_matches_the_full_parser() {
        // The reader's fused fast path, quoted and bare, against `Decimal::from_str`.
        for text in [
            "0",
            "1",
            "-1",
            "0.26",
            "30243.40000",
            "-24.5000",
            "10000000",
            "0.00000001",
            "123456789012345678",
            "-12345678.9012345678",
            "1234567890123456789",
            "9999999999999999999",
            "-9999999999999999999",
            "99999999999999999.9",
            "-0",
            "-0.0",
            "00.5",
            "1.",
            ".5",
            "-",
            "",
            "1.2.3",
            "1e3",
            "+1",
            " 1",
            "12345678901234567890",
            "0.000000000000000001",
            "0.0000000000000000001",
        ] {
            for (json, quoted) in [(format!("\"{text}\""), true), (format!("{text},"), false)] {
                let mut r = Reader::new(&json);
                match r.plain_decimal().map(from_parts) {
                    Some(fast) => {
                        // JSON allows whitespace before a bare number.
                        let full = Decimal::from_str(text.trim_start())
                            .unwrap_or_else(|_| panic!("{json}: only the fast path reads it"));
                        assert_eq!(fast, full, "{json}");
                        assert_eq!(fast.to_string(), full.to_string(), "{json}");
                        assert_eq!(fast.scale(), full.scale(), "{json}");
                        assert_eq!(fast.is_sign_negative(), full.is_sign_negative(), "{json}");
                        assert_eq!(r.mark(), json.len() - usize::from(!quoted), "{json}");
                        // Bare, only what JSON allows is read this way.
                        assert!(
                            quoted || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
                            "{json}"
                        );
                        assert!(
                            !quoted || !text.starts_with(' '),
                            "{json}: quoted text is read as is"
                        );
                    }
                    None => assert_eq!(r.mark(), 0, "{json}: nothing consumed"),
                }
            }
        }
        assert_eq!(
            Reader::new("\"0.26\"").plain_decimal().map(from_parts),
            Some(Decimal::new(26, 2))
        );
    }

    #[test]
    fn decimals_that_cannot_be_held_exactly_are_errors_never_rounded() {
        let err = |json: &str| json::from_str::<Decimal>(json).unwrap_err().to_string();
        // Too small for 28 decimal places: an error, never 0.
        assert!(err("1e-29").contains("`1e-29`"), "{}", err("1e-29"));
        assert!(err("1.5e-28").contains("`1.5e-28`"));
        // Plain text that `Decimal::from_str` would round: refused instead.
        assert!(err("\"0.00000000000000000000000000001\"").contains("cannot be held exactly"));
        assert!(err("1.00000000000000000000000000001").contains("cannot be held exactly"));
        // Out of range.
        assert!(err("123456789012345678901234567890").contains("decimal"));
        assert!(err("1e40").contains("decimal"));
        // At the limits, and long forms whose value fits, stay exact.
        assert_eq!(
            read::<Decimal>("1e-28").to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            read::<Decimal>("\"1.000000000000000000000000000\"").to_string(),
            "1.000000000000000000000000000"
        );
        assert_eq!(
            read::<Decimal>("0.00000000000000000000000000000").to_string(),
            "0.0000000000000000000000000000"
        );
        assert_eq!(read::<Decimal>("-2.5E+3").to_string(), "-2500");
        assert_eq!(
            read::<Decimal>("1.0000000000000000000000000001").to_string(),
            "1.0000000000000000000000000001"
        );
        assert_eq!(
            read::<Decimal>("79228162514264337593543950335").to_string(),
            "79228162514264337593543950335"
        );
    }

    #[test]
    fn significands_compare_values_not_spellings() {
        assert_eq!(significand("12.30"), Some((false, "123".into(), -1)));
        assert_eq!(significand("1230"), Some((false, "123".into(), 1)));
        assert_eq!(significand("-0.0012e2"), Some((true, "12".into(), -2)));
        assert_eq!(significand("000"), Some((false, String::new(), 0)));
        assert_eq!(significand("1x"), None);
    }

    #[test]
    fn a_repeated_map_key_keeps_its_place_and_takes_the_later_value() {
        let map: crate::Map<Decimal> =
            read(r#"{"ZUSD": "1.5", "XXBT": "2", "ZUSD": "3.25", "e\u0301": 4}"#);
        let keys: Vec<&str> = map.keys().map(crate::MapKey::as_str).collect();
        assert_eq!(keys, ["ZUSD", "XXBT", "e\u{301}"]);
        assert_eq!(map["ZUSD"].to_string(), "3.25");
        assert_eq!(map["XXBT"].to_string(), "2");
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        assert!(json::from_str::<Decimal>("\"abc\"").is_err());
        assert!(json::from_str::<i64>("1.5").is_err());
    }
}
