//! Lenient decoding of Kraken's scalars.
//!
//! Kraken sends the same field as a string in one response and a number in
//! another (`count`, `opentm`, `userref`, `BalanceEx` values, …). Every scalar
//! is read from the raw JSON text, so a decimal keeps every digit Kraken sent
//! and never passes through `f64`.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// A value decoded from the raw JSON text of one scalar (or container of them).
pub trait Lenient<'de>: Sized {
    /// The first byte of every JSON text this type reads, when it reads only
    /// one kind (`b'['` arrays, `b'{'` objects); `None` when it reads several.
    /// [`crate::Either`] uses it to pick the shape without guessing.
    const JSON_KIND: Option<u8> = None;

    /// Reads the value.
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Reads the value from the exact text of one JSON value. The default runs
    /// [`Lenient::lenient`] over the text; scalars read it directly, with no
    /// second parse.
    fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
        Self::lenient(raw).map_err(|e| e.to_string())
    }
}

/// `#[serde(deserialize_with = "crate::de::lenient")]` for any [`Lenient`] type.
#[allow(
    dead_code,
    reason = "de is crate-private since issue 9 §5 and today's generated code does not call it"
)]
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient<'de>>(d: D) -> Result<T, D::Error> {
    T::lenient(d)
}

/// A [`DeserializeSeed`] for reading a [`Lenient`] value from a sequence or map.
pub struct LenientSeed<T>(PhantomData<T>);

impl<T> LenientSeed<T> {
    /// A new seed.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for LenientSeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Lenient<'de>> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::lenient(d)
    }
}

/// The text of a JSON scalar: a string's contents, or a number/bool literal.
enum Scalar<'a> {
    Str(std::borrow::Cow<'a, str>),
    Literal(&'a str),
    Null,
}

/// The scalar in the exact text of one JSON value (as a `RawValue` holds it).
fn scalar(text: &str) -> Result<Scalar<'_>, String> {
    match text.as_bytes().first() {
        Some(b'"') => {
            // Kraken's numeric strings carry no escapes; fall back to a full parse if one does.
            let inner = &text[1..text.len() - 1];
            if !inner.as_bytes().contains(&b'\\') {
                return Ok(Scalar::Str(inner.into()));
            }
            let owned: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(Scalar::Str(owned.into()))
        }
        Some(b'{' | b'[') => Err(format!("expected a scalar, found {}", excerpt(text))),
        _ if text == "null" => Ok(Scalar::Null),
        _ => Ok(Scalar::Literal(text)),
    }
}

/// Captures one value's exact text, then reads it as a scalar type.
fn via_raw<'de, D: Deserializer<'de>, T: Lenient<'de>>(d: D) -> Result<T, D::Error> {
    let raw: &'de RawValue = serde::Deserialize::deserialize(d)?;
    T::from_raw(raw).map_err(de::Error::custom)
}

/// The common shape of Kraken's amounts, `-?digits(.digits)?` with at most
/// 18 digits, read straight into a `Decimal` (same value and scale as
/// `Decimal::from_str`). Anything else is left to the full parser.
fn plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale = None;
    let mut count = 0;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' if count < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                count += 1;
            }
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => {
                scale = Some((digits.len() - i - 1) as u32);
            }
            _ => return None,
        }
    }
    if negative && mantissa == 0 {
        return None;
    }
    let mantissa = if negative { -mantissa } else { mantissa };
    Some(Decimal::new(mantissa, scale.unwrap_or(0)))
}

fn excerpt(text: &str) -> &str {
    let end = text.char_indices().nth(40).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Digits `Decimal` always holds exactly: at most 28 significant digits, so
/// at most 28 digits in all for a plain (not scientific) number.
const EXACT_DIGITS: usize = 28;

fn parse_decimal(text: &str) -> Result<Decimal, String> {
    if let Some(d) = plain_decimal(text) {
        return Ok(d);
    }
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

impl<'de> Lenient<'de> for Decimal {
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_raw(d)
    }
    fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
        match scalar(raw.get())? {
            Scalar::Str(s) => parse_decimal(&s),
            Scalar::Literal(l) => parse_decimal(l),
            Scalar::Null => Err("expected a decimal, found null".into()),
        }
    }
}

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl<'de> Lenient<'de> for $t {
            fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                via_raw(d)
            }
            fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
                match scalar(raw.get())? {
                    Scalar::Str(s) => s.trim().parse::<$t>().map_err(|e| format!("`{}`: {e}", excerpt(&s))),
                    Scalar::Literal(l) => l.parse::<$t>().map_err(|e| format!("`{}`: {e}", excerpt(l))),
                    Scalar::Null => Err("expected an integer, found null".into()),
                }
            }
        }
    )*};
}
lenient_int!(i32, i64, u32, u64);

impl<'de> Lenient<'de> for String {
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_raw(d)
    }
    fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
        match scalar(raw.get())? {
            Scalar::Str(s) => Ok(s.into_owned()),
            Scalar::Literal(l) => Ok(l.to_owned()),
            Scalar::Null => Err("expected a string, found null".into()),
        }
    }
}

impl<'de> Lenient<'de> for bool {
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_raw(d)
    }
    fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
        let text = match scalar(raw.get())? {
            Scalar::Str(s) => s,
            Scalar::Literal(l) => l.into(),
            Scalar::Null => return Err("expected a boolean, found null".into()),
        };
        match &*text {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("`{}` is not a boolean", excerpt(other))),
        }
    }
}

/// `null` reads as `None`, and so does an empty string where a number is
/// expected (Kraken sends `""` for an unset price); a string keeps `""`.
impl<'de, T: Lenient<'de>> Lenient<'de> for Option<T> {
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if T::JSON_KIND.is_some() {
            // A list or object is read in place (no text captured and read
            // again); `""` is still `None`, as it can never be one.
            return d.deserialize_option(OptionVisitor::<T>(PhantomData));
        }
        via_raw(d)
    }
    fn from_raw(raw: &'de RawValue) -> Result<Self, String> {
        match raw.get() {
            "null" => Ok(None),
            "\"\"" => Ok(T::from_raw(raw).ok()),
            _ => T::from_raw(raw).map(Some),
        }
    }
}

/// `Option<T>` for a `T` that reads only lists or only objects.
struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match T::JSON_KIND {
            Some(b'[') => "an array or null",
            _ => "an object or null",
        })
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if v.is_empty() {
            return Ok(None);
        }
        Err(de::Error::invalid_type(de::Unexpected::Str(v), &self))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        T::lenient(de::value::SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::lenient(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for Vec<T> {
    const JSON_KIND: Option<u8> = Some(b'[');

    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient<'de>> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element_seed(LenientSeed::<T>::new())? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for IndexMap<String, T> {
    const JSON_KIND: Option<u8> = Some(b'{');

    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient<'de>> Visitor<'de> for V<T> {
            type Value = IndexMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // JSON gives no count: room for a typical answer (a balance, a
                // few pairs) saves the table's first rehashes.
                let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value_seed(LenientSeed::<T>::new())?;
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Reads an object key, borrowed where the input allows (generated structs).
pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        cow_str(d)
    }
}

/// Reads a string, borrowed where the input allows.
pub fn cow_str<'de, D: Deserializer<'de>>(d: D) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(v.into())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.to_owned().into())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(v.into())
        }
    }
    d.deserialize_str(V)
}

/// How a response's `result` is read: [`ReadSerde`] with the type's own
/// `Deserialize`, [`ReadLenient`] as a [`Lenient`] type. Generated `decode()`
/// passes one to [`crate::envelope::kraken`], which reads the result straight
/// from the body, in the same pass as the envelope.
pub trait Read<T> {
    /// Reads the value.
    fn read<'de, D: Deserializer<'de>>(&self, d: D) -> Result<T, D::Error>;
    /// Reads a whole JSON text; an error names the field that did not fit.
    fn read_text(&self, text: &str) -> serde_json::Result<T>;
}

/// Reads with the type's own `Deserialize`.
#[derive(Debug, Clone, Copy)]
pub struct ReadSerde;

impl<T: serde::de::DeserializeOwned> Read<T> for ReadSerde {
    fn read<'de, D: Deserializer<'de>>(&self, d: D) -> Result<T, D::Error> {
        T::deserialize(d)
    }
    fn read_text(&self, text: &str) -> serde_json::Result<T> {
        from_json(text)
    }
}

/// Reads a [`Lenient`] type (a scalar, or lists and maps of them).
#[derive(Debug, Clone, Copy)]
pub struct ReadLenient;

impl<T: for<'de> Lenient<'de>> Read<T> for ReadLenient {
    fn read<'de, D: Deserializer<'de>>(&self, d: D) -> Result<T, D::Error> {
        T::lenient(d)
    }
    fn read_text(&self, text: &str) -> serde_json::Result<T> {
        from_json_lenient(text)
    }
}

/// Reads a whole JSON text as a serde type. An error names the field that
/// did not fit (`trades.THVRQM-33VKH-UCI7BS.price: …`).
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str(text).map_err(|error| {
        // Only failures pay for tracking the path: decode again with it.
        let mut track = serde_path_to_error::Track::new();
        let mut d = serde_json::Deserializer::from_str(text);
        let again = T::deserialize(serde_path_to_error::Deserializer::new(&mut d, &mut track));
        with_path(error, again.is_err(), track)
    })
}

/// Reads a whole JSON text as a [`Lenient`] type (a scalar, or lists and
/// maps of them). An error names the field that did not fit.
pub fn from_json_lenient<T: for<'de> Lenient<'de>>(text: &str) -> serde_json::Result<T> {
    let mut d = serde_json::Deserializer::from_str(text);
    T::lenient(&mut d)
        .and_then(|value| d.end().map(|()| value))
        .map_err(|error| {
            let mut track = serde_path_to_error::Track::new();
            let mut d = serde_json::Deserializer::from_str(text);
            let again = T::lenient(serde_path_to_error::Deserializer::new(&mut d, &mut track));
            with_path(error, again.is_err(), track)
        })
}

/// Prefixes `error` with the path where decoding failed, when there is one.
fn with_path(
    error: serde_json::Error,
    failed_again: bool,
    track: serde_path_to_error::Track,
) -> serde_json::Error {
    let path = track.path().to_string();
    if !failed_again || path.is_empty() || path == "." || path == "?" {
        return error;
    }
    <serde_json::Error as de::Error>::custom(format_args!("{path}: {error}"))
}

/// Reads a required element of a positional row leniently.
pub fn row_lenient<'de, T: Lenient<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    index: usize,
) -> Result<T, A::Error> {
    seq.next_element_seed(LenientSeed::<T>::new())?
        .ok_or_else(|| de::Error::invalid_length(index, &"more elements in the row"))
}

/// Reads an optional trailing element of a positional row leniently.
pub fn row_lenient_opt<'de, T: Lenient<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
) -> Result<Option<T>, A::Error> {
    Ok(seq
        .next_element_seed(LenientSeed::<Option<T>>::new())?
        .flatten())
}

/// Reads a required element of a positional row with its own `Deserialize`.
pub fn row_serde<'de, T: serde::Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    index: usize,
) -> Result<T, A::Error> {
    seq.next_element::<T>()?
        .ok_or_else(|| de::Error::invalid_length(index, &"more elements in the row"))
}

/// Reads an optional trailing element of a positional row with its own `Deserialize`.
#[allow(
    dead_code,
    reason = "kraken-codegen emits it for optional non-lenient row fields; today's spec has none"
)]
pub fn row_serde_opt<'de, T: serde::Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
) -> Result<Option<T>, A::Error> {
    Ok(seq.next_element::<Option<T>>()?.flatten())
}

/// Skips elements Kraken added after the ones the spec knows, so new columns never break decoding.
pub fn row_end<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<(), A::Error> {
    while seq.next_element::<de::IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Implements [`Lenient`] through a type's own `Deserialize`, so named types
/// can sit inside lenient containers such as `Either`. Crate-private: generated
/// code calls it as `crate::lenient_via_serde!`.
macro_rules! lenient_via_serde {
    ($t:ty) => {
        impl<'de> $crate::de::Lenient<'de> for $t {
            fn lenient<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$t as ::serde::Deserialize<'de>>::deserialize(d)
            }
        }
    };
    // A type that reads one JSON kind only: `b'{'` objects, `b'['` arrays.
    ($t:ty, $kind:expr) => {
        impl<'de> $crate::de::Lenient<'de> for $t {
            const JSON_KIND: Option<u8> = Some($kind);

            fn lenient<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$t as ::serde::Deserialize<'de>>::deserialize(d)
            }
        }
    };
}

pub(crate) use lenient_via_serde;

lenient_via_serde!(crate::RawJson);
lenient_via_serde!(crate::Secret);

impl<'de> Lenient<'de> for &'de RawValue {
    fn lenient<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<'a, T: Lenient<'a>>(json: &'a str) -> T {
        let mut d = serde_json::Deserializer::from_str(json);
        T::lenient(&mut d).unwrap()
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
        let mut d = serde_json::Deserializer::from_str("\"x\"");
        assert!(Option::<Vec<i64>>::lenient(&mut d).is_err());
    }

    #[test]
    fn the_plain_decimal_path_matches_the_full_parser() {
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
            "0.000000000000000001",
            "99999999999999999.9",
        ] {
            let full = Decimal::from_str(text).ok();
            if let Some(fast) = plain_decimal(text) {
                let full = full.unwrap_or_else(|| panic!("{text}: only the fast path reads it"));
                assert_eq!(fast, full, "{text}");
                assert_eq!(fast.to_string(), full.to_string(), "{text}");
                assert_eq!(fast.scale(), full.scale(), "{text}");
                assert_eq!(fast.is_sign_negative(), full.is_sign_negative(), "{text}");
            }
        }
        assert_eq!(plain_decimal("0.26"), Some(Decimal::new(26, 2)));
        assert_eq!(plain_decimal("1234567890123456789"), None);
    }

    #[test]
    fn decimals_that_cannot_be_held_exactly_are_errors_never_rounded() {
        let err = |json: &str| {
            let mut d = serde_json::Deserializer::from_str(json);
            Decimal::lenient(&mut d).unwrap_err().to_string()
        };
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
    fn rejects_what_is_not_a_number() {
        let mut d = serde_json::Deserializer::from_str("\"abc\"");
        assert!(Decimal::lenient(&mut d).is_err());
        let mut d = serde_json::Deserializer::from_str("1.5");
        assert!(i64::lenient(&mut d).is_err());
    }
}
