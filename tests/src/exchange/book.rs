//! Order books: the outside liquidity a taker order trades against.

use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// One pair's book: bids best (highest) first, asks best (lowest) first.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Book {
    pub bids: Vec<(Decimal, Decimal)>,
    pub asks: Vec<(Decimal, Decimal)>,
}

impl Book {
    /// A book from levels in any order (sorted here, empty levels dropped).
    pub fn new(mut bids: Vec<(Decimal, Decimal)>, mut asks: Vec<(Decimal, Decimal)>) -> Book {
        bids.retain(|(_, v)| *v > Decimal::ZERO);
        asks.retain(|(_, v)| *v > Decimal::ZERO);
        bids.sort_by_key(|(price, _)| std::cmp::Reverse(*price));
        asks.sort_by_key(|(price, _)| *price);
        Book { bids, asks }
    }

    /// The mid price, if both sides have a level.
    pub fn mid(&self) -> Option<Decimal> {
        Some((self.bids.first()?.0 + self.asks.first()?.0) / Decimal::from(2))
    }

    /// Moves every level so the mid becomes `price` (levels rounded to `dp`).
    pub fn recenter(&mut self, price: Decimal, dp: u32) {
        let Some(mid) = self.mid() else { return };
        let shift = price - mid;
        for level in self.bids.iter_mut().chain(self.asks.iter_mut()) {
            level.0 = (level.0 + shift).round_dp(dp);
        }
    }

    /// What a taker `side` order for `volume` up to `limit` would trade:
    /// (price, volume) per level, best first; the book is not changed.
    pub fn takeable(
        &self,
        side: &str,
        limit: Option<Decimal>,
        volume: Decimal,
    ) -> Vec<(Decimal, Decimal)> {
        let levels = if side == "buy" {
            &self.asks
        } else {
            &self.bids
        };
        let within = |p: Decimal| match (side, limit) {
            (_, None) => true,
            ("buy", Some(l)) => p <= l,
            (_, Some(l)) => p >= l,
        };
        let mut left = volume;
        let mut out = Vec::new();
        for &(price, size) in levels {
            if left.is_zero() || !within(price) {
                break;
            }
            let take = size.min(left);
            out.push((price, take));
            left -= take;
        }
        out
    }

    /// Removes traded volume from the side a taker `side` order takes from.
    pub fn consume(&mut self, side: &str, fills: &[(Decimal, Decimal)]) {
        let levels = if side == "buy" {
            &mut self.asks
        } else {
            &mut self.bids
        };
        for (price, volume) in fills {
            if let Some(level) = levels.iter_mut().find(|(p, _)| p == price) {
                level.1 -= *volume;
            }
        }
        levels.retain(|(_, v)| *v > Decimal::ZERO);
    }

    /// Kraken's Depth entry: `{"asks": [[price, volume, time]], "bids": …}`,
    /// at most `count` levels a side, prices and volumes with the pair's decimals.
    pub fn depth(&self, count: usize, pair_dp: u32, lot_dp: u32, time: i64) -> Value {
        let side = |levels: &[(Decimal, Decimal)]| -> Value {
            levels
                .iter()
                .take(count)
                .map(|(p, v)| {
                    serde_json::json!([
                        super::accounts::fixed(*p, pair_dp),
                        super::accounts::fixed(*v, lot_dp),
                        time
                    ])
                })
                .collect()
        };
        serde_json::json!({"asks": side(&self.asks), "bids": side(&self.bids)})
    }
}

/// The recorded XBT/USD book (`Depth.json`), keyed by Kraken's pair key.
pub(crate) fn recorded(dir: &Path) -> Option<(String, Book)> {
    let body: Value = serde_json::from_slice(&std::fs::read(dir.join("Depth.json")).ok()?).ok()?;
    let (key, book) = body.get("result")?.as_object()?.iter().next()?;
    let levels = |side: &str| -> Option<Vec<(Decimal, Decimal)>> {
        book.get(side)?
            .as_array()?
            .iter()
            .map(|l| {
                let price = Decimal::from_str(l.get(0)?.as_str()?).ok()?;
                let volume = Decimal::from_str(l.get(1)?.as_str()?).ok()?;
                Some((price, volume))
            })
            .collect()
    };
    Some((key.clone(), Book::new(levels("bids")?, levels("asks")?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn walks_levels_within_the_limit() {
        let book = Book::new(
            vec![(d("99"), d("1")), (d("100"), d("2"))],
            vec![(d("102"), d("1")), (d("101"), d("0.5"))],
        );
        assert_eq!(book.mid(), Some(d("100.5")));
        assert_eq!(
            book.takeable("buy", None, d("1")),
            [(d("101"), d("0.5")), (d("102"), d("0.5"))]
        );
        assert_eq!(
            book.takeable("buy", Some(d("101")), d("1")),
            [(d("101"), d("0.5"))]
        );
        assert_eq!(
            book.takeable("sell", Some(d("100")), d("5")),
            [(d("100"), d("2"))]
        );
        let mut book = book;
        book.consume("buy", &[(d("101"), d("0.5")), (d("102"), d("0.25"))]);
        assert_eq!(book.asks, [(d("102"), d("0.75"))]);
        book.recenter(d("200.5"), 1);
        assert_eq!(book.mid(), Some(d("200.5")));
        assert_eq!(book.bids[0].0, d("199.5"));
    }
}
