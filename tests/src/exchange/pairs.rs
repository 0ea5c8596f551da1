//! Pairs from the recorded AssetPairs fixtures.

use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// What the sandbox needs to know about a pair.
#[derive(Clone, Debug)]
pub(crate) struct Pair {
    /// Kraken's key, e.g. `XXBTZUSD`.
    pub key: String,
    /// e.g. `XBTUSD`.
    pub altname: String,
    /// e.g. `XBT/USD`.
    pub wsname: String,
    /// The base asset, e.g. `XXBT`.
    pub base: String,
    /// The quote asset, e.g. `ZUSD`.
    pub quote: String,
    pub pair_decimals: u32,
    pub lot_decimals: u32,
    pub cost_decimals: u32,
    pub ordermin: Option<Decimal>,
    pub costmin: Option<Decimal>,
    pub tick_size: Option<Decimal>,
    /// First tier of `fees` (percent).
    pub taker_fee: Decimal,
    /// First tier of `fees_maker` (percent).
    pub maker_fee: Decimal,
    /// Taker fee tiers: (30-day USD volume from which it applies, percent).
    pub fees: Vec<(Decimal, Decimal)>,
    /// Maker fee tiers.
    pub fees_maker: Vec<(Decimal, Decimal)>,
}

impl Pair {
    /// The fee tiers for a taker or a maker.
    pub fn tiers(&self, maker: bool) -> &[(Decimal, Decimal)] {
        if maker { &self.fees_maker } else { &self.fees }
    }

    /// The index of the tier that `volume` (30-day USD) reaches.
    pub fn tier_index(&self, volume: Decimal, maker: bool) -> Option<usize> {
        self.tiers(maker)
            .iter()
            .rposition(|(from, _)| volume >= *from)
    }

    /// The fee (percent) at 30-day USD `volume`.
    pub fn fee_at(&self, volume: Decimal, maker: bool) -> Decimal {
        let fallback = if maker {
            self.maker_fee
        } else {
            self.taker_fee
        };
        self.tier_index(volume, maker)
            .map_or(fallback, |i| self.tiers(maker)[i].1)
    }
}

fn dec(v: Option<&Value>) -> Option<Decimal> {
    match v? {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn first_tier(v: Option<&Value>) -> Option<Decimal> {
    dec(v?.as_array()?.first()?.as_array()?.get(1))
}

fn tiers(v: Option<&Value>) -> Vec<(Decimal, Decimal)> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| {
            let t = t.as_array()?;
            Some((dec(t.first())?, dec(t.get(1))?))
        })
        .collect()
}

fn read(dir: &Path, name: &str) -> Option<Value> {
    let body: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).ok()?).ok()?;
    body.get("result").cloned()
}

/// Every pair of `AssetPairs.json` and `AssetPairs.many.json` (first wins).
pub(crate) fn load(dir: &Path) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    for name in ["AssetPairs.json", "AssetPairs.many.json"] {
        let Some(Value::Object(map)) = read(dir, name) else {
            continue;
        };
        for (key, p) in map {
            if pairs.iter().any(|q| q.key == key) {
                continue;
            }
            let text = |f: &str| p.get(f).and_then(Value::as_str).unwrap_or("").to_owned();
            let int = |f: &str, d: u32| {
                p.get(f)
                    .and_then(Value::as_u64)
                    .map_or(d, |n| n.min(28) as u32)
            };
            let pair_decimals = int("pair_decimals", 5);
            pairs.push(Pair {
                altname: text("altname"),
                wsname: text("wsname"),
                base: text("base"),
                quote: text("quote"),
                pair_decimals,
                lot_decimals: int("lot_decimals", 8),
                cost_decimals: int("cost_decimals", pair_decimals),
                ordermin: dec(p.get("ordermin")),
                costmin: dec(p.get("costmin")),
                tick_size: dec(p.get("tick_size")),
                taker_fee: first_tier(p.get("fees")).unwrap_or(Decimal::new(26, 2)),
                maker_fee: first_tier(p.get("fees_maker")).unwrap_or(Decimal::new(16, 2)),
                fees: tiers(p.get("fees")),
                fees_maker: tiers(p.get("fees_maker")),
                key,
            });
        }
    }
    pairs
}
