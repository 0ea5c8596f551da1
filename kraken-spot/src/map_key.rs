//! The key of a keyed result: Kraken's short ids, held without allocating.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// The key of a [`crate::Map`]: an asset, a pair, an order, trade or ledger
/// id. Up to 24 bytes are held inline (every key Kraken sends fits), so
/// reading a keyed result allocates nothing per key.
///
/// It reads as a `&str` (`Deref`, `AsRef<str>`, `Borrow<str>`, `Display`),
/// compares with `str`, `&str` and `String`, and goes wherever a `String` is
/// taken: `client.get_trades(txid)` with a key from `get_trades_history`.
///
/// ```
/// use kraken_spot::MapKey;
/// let key = MapKey::from("XXBT");
/// assert_eq!(key, "XXBT");
/// assert_eq!(key.len(), 4);
/// let owned: String = key.into();
/// assert_eq!(owned, "XXBT");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MapKey(compact_str::CompactString);

impl MapKey {
    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for MapKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for MapKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// `Hash` is the inner string's, which hashes as `str`: a `&str` finds its key.
impl Borrow<str> for MapKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for MapKey {
    fn from(s: &str) -> Self {
        MapKey(s.into())
    }
}

impl From<String> for MapKey {
    fn from(s: String) -> Self {
        MapKey(s.into())
    }
}

impl From<MapKey> for String {
    fn from(key: MapKey) -> Self {
        key.0.into()
    }
}

impl From<&MapKey> for String {
    fn from(key: &MapKey) -> Self {
        key.as_str().to_owned()
    }
}

// A `Map` is also indexed by `&String` (`open[&txid]`), as it was when its
// keys were `String`s.
impl indexmap::Equivalent<MapKey> for String {
    fn equivalent(&self, key: &MapKey) -> bool {
        self.as_str() == key.as_str()
    }
}

macro_rules! eq_text {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for MapKey {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<MapKey> for $t {
            fn eq(&self, other: &MapKey) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}
eq_text!(str, &str, String);

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn a_key_hashes_and_compares_as_its_text() {
        let hasher = crate::MapHasher::default();
        let key = MapKey::from("OQCLML-BW3P3-BUCMWZ");
        assert_eq!(
            hasher.hash_one(&key),
            hasher.hash_one("OQCLML-BW3P3-BUCMWZ")
        );
        assert_eq!(key, "OQCLML-BW3P3-BUCMWZ");
        assert_eq!("OQCLML-BW3P3-BUCMWZ".to_owned(), key);
        assert_eq!(
            format!("{key} {key:?}"),
            "OQCLML-BW3P3-BUCMWZ \"OQCLML-BW3P3-BUCMWZ\""
        );
        let map: crate::Map<u8> = [(key.clone(), 1)].into_iter().collect();
        assert_eq!(map["OQCLML-BW3P3-BUCMWZ"], 1);
        assert_eq!(map[&"OQCLML-BW3P3-BUCMWZ".to_owned()], 1);
        // Longer than 24 bytes is still exact, just on the heap.
        let long = "x".repeat(40);
        assert_eq!(MapKey::from(long.as_str()), long);
        assert_eq!(String::from(&key), "OQCLML-BW3P3-BUCMWZ");
        assert_eq!(
            serde_json::to_string(&key).unwrap(),
            "\"OQCLML-BW3P3-BUCMWZ\""
        );
        assert_eq!(serde_json::from_str::<MapKey>("\"ZUSD\"").unwrap(), "ZUSD");
    }
}
