//! Hand-written value types that generated code builds on. Each response shape
//! that Kraken uses in more than one place is implemented here once; the spec
//! names it.

use crate::json::{self, FromJson, Reader};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// A result keyed by pair with a sibling `last` cursor, as OHLC, Trades and
/// Spread return it: `{"XXBTZUSD": [...], "last": 1688672106}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WithLast<T> {
    /// The cursor to pass as `since` on the next poll. Kraken sends it as a
    /// number or a string (a nanosecond id for Trades); it is read either way.
    pub last: u64,
    /// The entries, keyed by Kraken's pair name, in the order Kraken sent them.
    pub pairs: Map<T>,
}

impl<T> WithLast<T> {
    /// The entries of the one pair in the response, or `None` when there are
    /// none or several.
    pub fn single(&self) -> Option<(&str, &T)> {
        match self.pairs.len() {
            1 => self.pairs.first().map(|(k, v)| (k.as_str(), v)),
            _ => None,
        }
    }
}

impl<T: FromJson> FromJson for WithLast<T> {
    const KIND: Option<u8> = Some(b'{');

    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        let mut last = None;
        let mut pairs = Map::default();
        r.object(|r, key| {
            if key == "last" {
                last = Some(r.read::<u64>()?);
            } else {
                let value = T::from_json(r)?;
                pairs.insert(key.into(), value);
            }
            Ok(())
        })?;
        let last = last.ok_or_else(|| r.missing("last"))?;
        Ok(WithLast { last, pairs })
    }
}

impl<'de, T: FromJson> Deserialize<'de> for WithLast<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::via_json(d)
    }
}

impl<T: Serialize> Serialize for WithLast<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.pairs.len() + 1))?;
        for (k, v) in &self.pairs {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry("last", &self.last)?;
        map.end()
    }
}

/// One page of a cursor-paged result whose list Kraken does not name in its
/// docs (WithdrawStatus with `cursor`): `next_cursor` and one list. Whatever
/// the list's key, its entries are read as `T`, and the key is kept, so
/// nothing is guessed and nothing is lost.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListPage<T> {
    /// The entries: the first list-valued key's.
    pub items: Vec<T>,
    /// The key the entries came under (`None` when the page had no list).
    pub items_key: Option<String>,
    /// Pass as `cursor` to get the next page; `None` or empty on the last.
    pub next_cursor: Option<String>,
    /// Every other key, with its exact JSON text.
    pub extra: Extra,
}

impl<T: FromJson> FromJson for ListPage<T> {
    const KIND: Option<u8> = Some(b'{');

    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        let mut page = ListPage {
            items: Vec::new(),
            items_key: None,
            next_cursor: None,
            extra: Extra::default(),
        };
        r.object(|r, key| {
            if key == "next_cursor" {
                page.next_cursor = r.read()?;
            } else if page.items_key.is_none() && r.peek() == Some(b'[') {
                page.items = r.read()?;
                page.items_key = Some(key.to_owned());
            } else {
                page.extra.insert(key.into(), r.read()?);
            }
            Ok(())
        })?;
        Ok(page)
    }
}

impl<'de, T: FromJson> Deserialize<'de> for ListPage<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::via_json(d)
    }
}

impl<T: Serialize> Serialize for ListPage<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(key) = &self.items_key {
            map.serialize_entry(key, &self.items)?;
        }
        map.serialize_entry("next_cursor", &self.next_cursor)?;
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One of two shapes, as Kraken sends for a few results (OpenPositions is a
/// map, or a list with `consolidation=market`). Decoding tries `First`, then
/// `Second`; serializing writes the inner value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Either<A, B> {
    /// The first shape in the spec.
    First(A),
    /// The second shape in the spec.
    Second(B),
}

/// A shape that reads only one JSON kind (array or object) is the only one
/// tried for that kind: a malformed list is an error, never the other shape.
impl<A: FromJson, B: FromJson> FromJson for Either<A, B> {
    fn from_json(r: &mut Reader<'_>) -> json::Result<Self> {
        let kind = r.peek();
        if kind.is_some() && kind == A::KIND {
            return A::from_json(r).map(Either::First);
        }
        if kind.is_some() && kind == B::KIND {
            return B::from_json(r).map(Either::Second);
        }
        let mark = r.mark();
        match A::from_json(r) {
            Ok(a) => Ok(Either::First(a)),
            Err(first) => {
                r.reset(mark);
                B::from_json(r)
                    .map(Either::Second)
                    .map_err(|second| r.error(format!("matches neither shape: {first}; {second}")))
            }
        }
    }
}

impl<'de, A: FromJson, B: FromJson> Deserialize<'de> for Either<A, B> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::via_json(d)
    }
}

/// The keys of a response object that the spec does not model (yet), in
/// Kraken's order, each with its exact JSON text. Every generated response
/// struct has one, as its `extra` field; serializing writes them back.
pub type Extra = Map<RawJson>;

/// A keyed result (balances by asset, orders by id, pairs by name), in the
/// order Kraken sent it. An [`IndexMap`] keyed by [`crate::MapKey`], with a fast
/// hasher ([`foldhash`](https://docs.rs/foldhash), randomly seeded per
/// process): Kraken's keys are short, and SipHash was a large part of
/// decoding them. Look up with a `&str` (`balances.get("XXBT")`,
/// `balances["XXBT"]`).
pub type Map<V> = IndexMap<crate::MapKey, V, MapHasher>;

/// The hasher of [`Map`]: foldhash's, randomly seeded per process. Named so
/// that a `Map` can be built by hand (`Map::with_hasher(MapHasher::default())`,
/// or simply `Map::default()`).
pub type MapHasher = foldhash::fast::RandomState;

/// JSON that Kraken documents only loosely (an undocumented page shape, a
/// new field), kept as the exact text it sent: numbers keep every digit,
/// which a `serde_json::Value` would round through `f64`. Read it with
/// [`RawJson::parse`] once its shape is known.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text, exactly as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Keeps text that [`crate::json::Reader::skip`] has already checked.
    pub(crate) fn from_checked(text: &str) -> json::Result<Self> {
        RawValue::from_string(text.to_owned())
            .map(RawJson)
            .map_err(|e| json::Reader::new(text).error(e.to_string()))
    }

    /// Decodes the text as `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.0.get())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// A price or volume parameter. It takes a `&str` unchanged, so Kraken's
/// relative forms (`+1.5`, `-2%`, `#5`) pass through, or an exact
/// [`Decimal`]. It is checked before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(String);

impl Amount {
    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks the form Kraken accepts: an optional `+`, `-` or `#` prefix,
    /// a non-negative decimal, and an optional `%` suffix.
    pub(crate) fn check(&self) -> Result<(), String> {
        let s = self.0.as_str();
        let body = s.strip_prefix(['+', '-', '#']).unwrap_or(s);
        let body = body.strip_suffix('%').unwrap_or(body);
        let mut parts = body.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let ok = match frac {
            None => digits(int),
            Some(f) => (digits(int) || int.is_empty()) && digits(f),
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "`{s}` is not a decimal amount (optionally prefixed with +, - or # and suffixed with %)"
            ))
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Amount {
    fn from(s: &str) -> Self {
        Amount(s.to_owned())
    }
}

impl From<String> for Amount {
    fn from(s: String) -> Self {
        Amount(s)
    }
}

impl From<&String> for Amount {
    fn from(s: &String) -> Self {
        Amount(s.clone())
    }
}

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d.to_string())
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret value in a response (an access token, a new API secret). Its
/// `Debug` output is redacted; [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    /// Secrets that arrive in responses (tokens, keys) are wiped from memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_accept_krakens_relative_forms_and_reject_junk() {
        for ok in ["1.25", "37500", "+1.5", "-2%", "#5", "+50.0000%", ".5"] {
            assert_eq!(Amount::from(ok).check(), Ok(()), "{ok}");
        }
        for bad in ["", "abc", "1.2.3", "1e5", "--1", "1.", "%", "1,5"] {
            assert!(Amount::from(bad).check().is_err(), "{bad}");
        }
        assert_eq!(
            Amount::from(Decimal::new(3_750_010, 2)).as_str(),
            "37500.10"
        );
    }

    #[test]
    fn with_last_reads_last_as_number_or_string() {
        let w: WithLast<Vec<u32>> = serde_json::from_str(r#"{"X":[1],"last":"17"}"#).unwrap();
        assert_eq!(w.last, 17);
        assert_eq!(w.single(), Some(("X", &vec![1u32])));
        let w: WithLast<Vec<u32>> = serde_json::from_str(r#"{"last":18,"X":[],"Y":[2]}"#).unwrap();
        assert_eq!(w.last, 18);
        assert_eq!(w.pairs.len(), 2);
    }

    #[test]
    fn list_pages_take_their_list_under_any_key_and_keep_the_rest() {
        for key in ["withdrawals", "withdrawal", "items"] {
            let text = format!(r#"{{"{key}":[1,2],"next_cursor":"c2","count":2}}"#);
            let page: ListPage<u32> = crate::json::from_str(&text).unwrap();
            assert_eq!(page.items, [1, 2]);
            assert_eq!(page.items_key.as_deref(), Some(key));
            assert_eq!(page.next_cursor.as_deref(), Some("c2"));
            assert_eq!(page.extra["count"].get(), "2");
            assert_eq!(serde_json::to_string(&page).unwrap(), text);
        }
        let last: ListPage<u32> = crate::json::from_str(r#"{"next_cursor":null}"#).unwrap();
        assert!(last.items.is_empty() && last.items_key.is_none() && last.next_cursor.is_none());
        // Entries that do not fit are an error, never an empty page.
        assert!(crate::json::from_str::<ListPage<u32>>(r#"{"w":["x"]}"#).is_err());
    }

    #[test]
    fn either_tries_each_shape_in_order() {
        type MapOrList = Either<Map<Decimal>, Vec<Decimal>>;
        let read = |json: &str| -> MapOrList { crate::json::from_str(json).unwrap() };
        assert_eq!(
            read(r#"{"a":"1.50"}"#),
            Either::First(Map::from_iter([("a".into(), Decimal::new(150, 2))]))
        );
        assert_eq!(read(r#"["2"]"#), Either::Second(vec![Decimal::from(2)]));
        assert!(crate::json::from_str::<MapOrList>("true").is_err());
        let limit: Either<Decimal, bool> = crate::json::from_str("false").unwrap();
        assert_eq!(limit, Either::Second(false));
        assert_eq!(serde_json::to_string(&limit).unwrap(), "false");
        // Also an ordinary serde type, so a decoded response can be read back.
        let back: MapOrList = serde_json::from_str(r#"["2"]"#).unwrap();
        assert_eq!(back, Either::Second(vec![Decimal::from(2)]));
    }

    #[test]
    fn raw_json_keeps_every_digit_and_parses_later() {
        let text = r#"{"fee":0.12345678901234567890,"next_cursor":"abc"}"#;
        let raw: RawJson = crate::json::from_str(text).unwrap();
        assert_eq!(raw.get(), text);
        assert_eq!(serde_json::to_string(&raw).unwrap(), text);
        let cursor: IndexMap<String, serde_json::Value> = raw.parse().unwrap();
        assert_eq!(cursor["next_cursor"], "abc");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        assert_eq!(format!("{:?}", Secret::from("tok")), "Secret([REDACTED])");
    }
}
