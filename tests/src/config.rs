//! The sandbox's config file (TOML): accounts and keys, prices, switches,
//! faults, and a scenario of timed events.
//!
//! ```toml
//! port = 8080                     # for the binary; 0 picks a free port
//! rate_limits = "intermediate"    # enforce Kraken's counters for this tier
//! lockout = true                  # EGeneral:Temporary lockout after bad keys
//! nonce_window = 0                # 0 = strict nonce order
//! fault_seed = 7                  # seed of the fraction faults' RNG
//! system_status = "online"
//!
//! [prices]                        # last prices, per pair altname
//! XBTUSD = "30000.0"
//!
//! [[accounts]]
//! name = "default"                # the built-in key's account
//! balances = { ZUSD = "10000", XXBT = "0.5" }
//!
//! [[accounts]]
//! name = "bot"
//! balances = { ZUSD = "5000" }
//! volume_30d = "60000"            # USD traded in the last 30 days: fee tier
//! [[accounts.keys]]
//! key = "bot-key"
//! secret = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
//! permissions = ["query-funds", "query-open-trades", "query-closed-trades", "modify-trades", "close-trades"]
//!
//! [[faults]]                      # active from the start
//! path = "/0/private/AddOrder"
//! kind = "html"
//! status = 520
//! process = true
//! fraction = 0.05
//!
//! [[events]]                      # the scenario: actions at set times
//! after = 60                      # seconds of mock time after start
//! action = "system_status"
//! status = "cancel_only"
//!
//! [[events]]
//! at = "10:00"                    # next 10:00 UTC on the mock clock
//! action = "system_status"
//! status = "online"
//! ```
//!
//! An event takes any [`Action`] with its fields.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::control::{Action, FaultSpec};

/// A parsed config file; see the [module docs](self) for the format.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Port for the binary.
    pub port: Option<u16>,
    /// Tier whose counters to enforce.
    pub rate_limits: Option<String>,
    /// Switch the lockout on.
    #[serde(default)]
    pub lockout: bool,
    /// Nonce window.
    #[serde(default)]
    pub nonce_window: u64,
    /// Seed of the fraction faults.
    pub fault_seed: Option<u64>,
    /// Initial system status.
    pub system_status: Option<String>,
    /// Last prices per pair.
    #[serde(default)]
    pub prices: BTreeMap<String, Decimal>,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    /// Faults active from the start.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Timed events.
    #[serde(default)]
    pub events: Vec<EventConfig>,
}

/// One account of a [`SandboxConfig`].
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AccountConfig {
    /// Its name (`default` is the built-in key's account).
    pub name: String,
    /// Its balances; when given they replace the recorded starting funds.
    pub balances: Option<BTreeMap<String, Decimal>>,
    /// 30-day USD trading volume before the sandbox started (sets the fee tier).
    pub volume_30d: Option<Decimal>,
    /// Its API keys.
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
}

/// One API key of an [`AccountConfig`].
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct KeyConfig {
    /// The `API-Key` value.
    pub key: String,
    /// The base64 secret.
    pub secret: String,
    /// Permission names; absent allows everything.
    pub permissions: Option<Vec<String>>,
}

/// One timed event of a [`SandboxConfig`]'s scenario.
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct EventConfig {
    /// Seconds of mock time after start.
    pub after: Option<f64>,
    /// `HH:MM` or `HH:MM:SS`: the next such UTC time on the mock clock.
    pub at: Option<String>,
    /// What to do.
    #[serde(flatten)]
    pub action: Action,
}

impl SandboxConfig {
    /// Parses a TOML config.
    pub fn from_toml(text: &str) -> Result<SandboxConfig, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Reads and parses a TOML config file.
    pub fn read(path: &std::path::Path) -> Result<SandboxConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Seconds after midnight UTC of `HH:MM[:SS]`.
pub(crate) fn time_of_day(text: &str) -> Option<u32> {
    let parts: Vec<u32> = text
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// The next mock Unix time at `secs` after midnight UTC, after `now`.
pub(crate) fn next_at(now: Decimal, secs: u32) -> Decimal {
    let day = Decimal::from(86_400);
    let midnight = (now / day).floor() * day;
    let t = midnight + Decimal::from(secs);
    if t > now { t } else { t + day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let doc = include_str!("config.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| format!("{}\n", l.trim_start_matches("//!").trim_start()))
            .collect();
        let config = SandboxConfig::from_toml(&example).unwrap();
        assert_eq!(config.port, Some(8080));
        assert_eq!(config.accounts[1].keys[0].key, "bot-key");
        assert_eq!(config.prices["XBTUSD"], Decimal::new(300000, 1));
        assert_eq!(config.faults[0].fraction, Some(0.05));
        assert_eq!(config.events.len(), 2);
        assert_eq!(config.events[0].after, Some(60.0));
        assert_eq!(
            config.events[1].action,
            Action::SystemStatus {
                status: "online".into()
            }
        );
        assert!(SandboxConfig::from_toml("prot = 1").is_err());
    }

    #[test]
    fn times_of_day() {
        assert_eq!(time_of_day("10:00"), Some(36_000));
        assert_eq!(time_of_day("23:59:59"), Some(86_399));
        assert_eq!(time_of_day("24:00"), None);
        let now = Decimal::from(86_400 * 3 + 40_000);
        assert_eq!(next_at(now, 36_000), Decimal::from(86_400 * 4 + 36_000));
        assert_eq!(next_at(now, 50_000), Decimal::from(86_400 * 3 + 50_000));
    }
}
