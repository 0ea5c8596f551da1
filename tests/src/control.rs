//! Control of a running mock: [`Action`]s, applied from Rust
//! ([`MockKraken::apply`](crate::MockKraken::apply)), over HTTP under
//! `/_mock/` (a path Kraken never uses), or at set times from a scenario
//! (see [`SandboxConfig`](crate::SandboxConfig)).
//!
//! # HTTP
//!
//! * `POST /_mock/<action>` with the action's fields as a JSON object, e.g.
//!   `POST /_mock/price {"pair":"XBTUSD","price":"31000.0"}` or
//!   `POST /_mock/fault {"path":"/0/private/AddOrder","kind":"drop","process":true,"calls":1}`;
//!   answers `{"ok":true}` or 400 `{"error":"…"}`.
//! * `GET /_mock/orders`: every order the sandbox accepted (JSON list).
//! * `GET /_mock/requests`: method, path and authentication outcome of every request so far.
//!
//! The control API needs no credentials: the mock only listens on 127.0.0.1.

use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;

use std::sync::Arc;

use crate::{Fault, MockKraken, MockResponse, RateTier, Shared, lock};

/// A fault as data (config files, the HTTP control API).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The exact request path, e.g. `/0/private/AddOrder`.
    pub path: String,
    /// `drop`, `delay`, `html`, `kraken` or `redirect`.
    pub kind: String,
    /// Apply the request to the state before the fault (default `false`).
    #[serde(default)]
    pub process: bool,
    /// HTTP status for `html` (default 502) and `redirect` (default 307).
    pub status: Option<u16>,
    /// Kraken error code for `kraken`, e.g. `EService:Unavailable`.
    pub code: Option<String>,
    /// `Location` for `redirect`.
    pub location: Option<String>,
    /// Delay in milliseconds for `delay`.
    pub delay_ms: Option<u64>,
    /// Apply to the next this many calls (default 1, unless `fraction` is set).
    pub calls: Option<usize>,
    /// Apply to about this fraction (0 to 1) of calls instead.
    pub fraction: Option<f64>,
}

impl FaultSpec {
    /// The [`Fault`] this spec describes.
    pub fn fault(&self) -> Result<Fault, String> {
        let process = self.process;
        Ok(match self.kind.as_str() {
            "drop" => Fault::Drop { process },
            "delay" => Fault::Delay {
                by: Duration::from_millis(self.delay_ms.ok_or("delay needs delay_ms")?),
                process,
            },
            "html" => Fault::Html {
                status: self.status.unwrap_or(502),
                process,
            },
            "kraken" => Fault::Kraken {
                code: self.code.clone().ok_or("kraken needs code")?,
                process,
            },
            "redirect" => Fault::Redirect {
                status: self.status.unwrap_or(307),
                location: self.location.clone().ok_or("redirect needs location")?,
            },
            other => return Err(format!("unknown fault kind {other:?}")),
        })
    }
}

/// One thing to do to a running mock.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// Inject a fault ([`MockKraken::inject`] / [`MockKraken::inject_fraction`]).
    Fault(FaultSpec),
    /// Remove every fault.
    ClearFaults,
    /// Set the system status ([`MockKraken::set_system_status`]).
    SystemStatus {
        /// `online`, `maintenance`, `cancel_only` or `post_only`.
        status: String,
    },
    /// Set a pair's last price ([`MockKraken::set_price`]).
    Price {
        /// e.g. `XBTUSD`.
        pair: String,
        /// e.g. `"31000.0"`.
        price: Decimal,
    },
    /// Replace a pair's book ([`MockKraken::set_book`]).
    Book {
        /// e.g. `XBTUSD`.
        pair: String,
        /// `[price, volume]` levels.
        bids: Vec<(Decimal, Decimal)>,
        /// `[price, volume]` levels.
        asks: Vec<(Decimal, Decimal)>,
    },
    /// Replay trades: set the price to each in turn, as if they printed.
    Trades {
        /// e.g. `XBTUSD`.
        pair: String,
        /// The prices, in order.
        prices: Vec<Decimal>,
    },
    /// Set a balance ([`MockKraken::set_balance`]).
    Balance {
        /// Account name (`default` is the default key's).
        #[serde(default = "default_account")]
        account: String,
        /// Kraken's asset name, e.g. `ZUSD`.
        asset: String,
        /// The new balance.
        amount: Decimal,
    },
    /// Credit a deposit ([`MockKraken::deposit`]).
    Deposit {
        /// Account name.
        #[serde(default = "default_account")]
        account: String,
        /// Kraken's asset name.
        asset: String,
        /// The amount.
        amount: Decimal,
    },
    /// Pause matching ([`MockKraken::pause_matching`]).
    PauseMatching,
    /// Resume matching ([`MockKraken::resume_matching`]).
    ResumeMatching,
    /// Advance the clock ([`MockKraken::advance`]).
    Advance {
        /// Seconds (may have a fraction).
        seconds: f64,
    },
    /// Enforce the rate counters for a tier, or stop (`tier` absent).
    RateLimits {
        /// `starter`, `intermediate` or `pro`.
        tier: Option<String>,
    },
    /// Switch the lockout on or off ([`MockKraken::set_lockout`]).
    Lockout {
        /// On or off.
        on: bool,
    },
    /// Set the nonce window ([`MockKraken::set_nonce_window`]).
    NonceWindow {
        /// 0 for strict order.
        window: u64,
    },
}

fn default_account() -> String {
    crate::exchange::DEFAULT_ACCOUNT.to_owned()
}

/// Applies `action` to `mock`.
pub(crate) fn apply(mock: &MockKraken, action: Action) -> Result<(), String> {
    match action {
        Action::Fault(spec) => {
            let fault = spec.fault()?;
            match spec.fraction {
                Some(f) => mock.inject_fraction(&spec.path, fault, f),
                None => mock.inject(&spec.path, fault, spec.calls.unwrap_or(1)),
            }
        }
        Action::ClearFaults => mock.clear_faults(),
        Action::SystemStatus { status } => {
            let known = ["online", "maintenance", "cancel_only", "post_only"];
            if !known.contains(&status.as_str()) {
                return Err(format!("unknown system status {status:?}"));
            }
            mock.set_system_status(&status);
        }
        Action::Price { pair, price } => {
            if !mock.set_price(&pair, price) {
                return Err(format!("unknown pair {pair:?}"));
            }
        }
        Action::Book { pair, bids, asks } => {
            if !mock.set_book(&pair, &bids, &asks) {
                return Err(format!("unknown pair {pair:?}"));
            }
        }
        Action::Trades { pair, prices } => {
            for price in prices {
                if !mock.set_price(&pair, price) {
                    return Err(format!("unknown pair {pair:?}"));
                }
            }
        }
        Action::Balance {
            account,
            asset,
            amount,
        } => mock.set_balance(&account, &asset, amount),
        Action::Deposit {
            account,
            asset,
            amount,
        } => mock.deposit(&account, &asset, amount),
        Action::PauseMatching => mock.pause_matching(),
        Action::ResumeMatching => mock.resume_matching(),
        Action::Advance { seconds } => {
            let by = Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())?;
            mock.advance(by);
        }
        Action::RateLimits { tier: None } => mock.disable_rate_limits(),
        Action::RateLimits { tier: Some(name) } => {
            let tier = RateTier::parse(&name).ok_or_else(|| format!("unknown tier {name:?}"))?;
            mock.enforce_rate_limits(tier);
        }
        Action::Lockout { on } => mock.set_lockout(on),
        Action::NonceWindow { window } => mock.set_nonce_window(window),
    }
    Ok(())
}

/// Parses the body of `POST /_mock/<name>` into an action.
pub(crate) fn parse(name: &str, body: &[u8]) -> Result<Action, String> {
    let mut value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?
    };
    let object = value.as_object_mut().ok_or("body must be a JSON object")?;
    object.insert("action".into(), name.replace('-', "_").into());
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A handle on `shared` that does not own the server (dropping it does not
/// shut anything down): how the server applies actions to itself.
pub(crate) fn view(shared: &Arc<Shared>) -> MockKraken {
    MockKraken {
        addr: shared.addr,
        shared: shared.clone(),
        shutdown: None,
    }
}

/// Applies the scheduled actions that are due, oldest due first.
pub(crate) fn run_due_events(shared: &Arc<Shared>) {
    let now = shared.clock.unix();
    let mut due: Vec<(Decimal, Action)> = {
        let mut events = lock(&shared.events);
        let (ready, later) = events.drain(..).partition(|(at, _)| *at <= now);
        *events = later;
        ready
    };
    due.sort_by_key(|(at, _)| *at);
    let mock = view(shared);
    for (_, action) in due {
        if let Err(e) = mock.apply(action.clone()) {
            eprintln!("kraken-mock: scheduled {action:?} failed: {e}");
        }
    }
}

/// Answers the HTTP control API (see the module docs).
pub(crate) fn control_answer(
    shared: &Arc<Shared>,
    method: &str,
    name: &str,
    body: &[u8],
) -> MockResponse {
    let json = |status: u16, v: serde_json::Value| MockResponse::json(v.to_string()).status(status);
    match (method, name) {
        ("GET", "orders") => {
            let orders = view(shared).orders();
            json(200, serde_json::to_value(orders).unwrap_or_default())
        }
        ("GET", "requests") => {
            let list: Vec<serde_json::Value> = lock(&shared.requests)
                .iter()
                .map(|r| {
                    let auth = match &r.auth {
                        Ok(a) => format!("{a:?}"),
                        Err(e) => e.clone(),
                    };
                    serde_json::json!({"method": r.method, "path": r.path, "auth": auth})
                })
                .collect();
            json(200, serde_json::Value::Array(list))
        }
        ("POST", name) => match parse(name, body).and_then(|a| view(shared).apply(a)) {
            Ok(()) => json(200, serde_json::json!({"ok": true})),
            Err(e) => json(400, serde_json::json!({ "error": e })),
        },
        _ => json(404, serde_json::json!({"error": "unknown control call"})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_actions() {
        assert_eq!(
            parse("price", br#"{"pair":"XBTUSD","price":"31000.5"}"#),
            Ok(Action::Price {
                pair: "XBTUSD".into(),
                price: Decimal::new(310005, 1)
            })
        );
        assert_eq!(parse("pause-matching", b""), Ok(Action::PauseMatching));
        let fault = parse(
            "fault",
            br#"{"path":"/0/private/AddOrder","kind":"html","status":520}"#,
        )
        .unwrap();
        let Action::Fault(spec) = fault else { panic!() };
        assert_eq!(
            spec.fault(),
            Ok(Fault::Html {
                status: 520,
                process: false
            })
        );
        assert!(parse("price", br#"{"pair":"XBTUSD"}"#).is_err());
        assert!(parse("nonsense", b"{}").is_err());
    }
}
