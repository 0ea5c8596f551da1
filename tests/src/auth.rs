//! API-key authentication as Kraken does it: `API-Sign` verification, nonces
//! per key (strict order or a nonce window) and the temporary lockout after
//! repeated invalid keys or signatures.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::Clock;

/// `EGeneral:Temporary lockout`, verbatim.
pub const TEMPORARY_LOCKOUT: &str = "EGeneral:Temporary lockout";

/// When the mock locks a key out, see [`MockKraken::set_lockout`](crate::MockKraken::set_lockout).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LockoutPolicy {
    /// Consecutive `EAPI:Invalid key` / `EAPI:Invalid signature` answers for
    /// one `API-Key` value that trigger the lockout.
    pub failures: u32,
    /// The failures must fall within this span of mock time (from the first
    /// failure of the streak); an older streak starts over.
    pub window: Duration,
    /// How long every call with the key answers `EGeneral:Temporary lockout`.
    pub cool_down: Duration,
}

impl Default for LockoutPolicy {
    /// 5 failures within 60 s lock the key out for 60 s of mock time.
    fn default() -> Self {
        LockoutPolicy {
            failures: 5,
            window: Duration::from_secs(60),
            cool_down: Duration::from_secs(60),
        }
    }
}

/// One API key the mock accepts.
#[derive(Clone, Debug)]
pub(crate) struct KeyEntry {
    pub secret: String,
    /// The account the key acts on.
    pub account: String,
    /// Permission names (kraken-rest.md §3); `None` allows everything.
    pub permissions: Option<Vec<String>>,
    /// This key's nonce window; `None` uses the mock-wide one.
    pub nonce_window: Option<u64>,
}

#[derive(Default, Debug)]
struct Streak {
    failures: u32,
    first_at: f64,
    locked_until: f64,
}

/// How many accepted nonces per key the mock remembers to refuse repeats.
const NONCE_HISTORY: usize = 4096;

#[derive(Default, Debug)]
struct Nonces {
    /// Mock Unix time of the last accepted call.
    last_used: Option<rust_decimal::Decimal>,
    highest: u64,
    /// The last accepted nonces (at most [`NONCE_HISTORY`]), to refuse repeats.
    recent: BTreeSet<u64>,
}

/// Keys, nonces and lockout state; the mock keeps it under one lock so a
/// nonce is checked and recorded atomically.
#[derive(Debug, Default)]
pub(crate) struct KeyRing {
    pub keys: HashMap<String, KeyEntry>,
    nonces: HashMap<String, Nonces>,
    /// 0 = strict: each nonce must exceed the highest accepted one.
    pub nonce_window: u64,
    pub lockout: Option<LockoutPolicy>,
    streaks: HashMap<String, Streak>,
}

impl KeyRing {
    /// Authenticates a private request at the time of `clock`; on success
    /// returns the nonce, which is then consumed.
    pub fn check(
        &mut self,
        path: &str,
        api_key: Option<&str>,
        api_sign: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
        clock: &Clock,
    ) -> Result<u64, String> {
        let nonce = body_nonce(content_type, body);
        self.verify(path, api_key, api_sign, nonce, body, clock)
    }

    /// Authenticates a Funding (Beta) request: the nonce is the `API-Nonce`
    /// header and the signature covers the path with its query as received.
    pub fn check_funding(
        &mut self,
        path_and_query: &str,
        api_key: Option<&str>,
        api_sign: Option<&str>,
        api_nonce: Option<&str>,
        body: &[u8],
        clock: &Clock,
    ) -> Result<u64, String> {
        let nonce = api_nonce.and_then(|n| n.trim().parse().ok());
        self.verify(path_and_query, api_key, api_sign, nonce, body, clock)
    }

    fn verify(
        &mut self,
        path: &str,
        api_key: Option<&str>,
        api_sign: Option<&str>,
        nonce: Option<u64>,
        body: &[u8],
        clock: &Clock,
    ) -> Result<u64, String> {
        let now = clock.secs();
        let key = api_key.unwrap_or("");
        if self.lockout.is_some() && self.streaks.get(key).is_some_and(|s| now < s.locked_until) {
            return Err(TEMPORARY_LOCKOUT.to_owned());
        }
        let Some(entry) = self.keys.get(key) else {
            self.failed(key, now);
            return Err("EAPI:Invalid key".to_owned());
        };
        let nonce = nonce.ok_or_else(|| "EAPI:Invalid nonce".to_owned())?;
        let expected = sign(&entry.secret, path, nonce, body);
        if expected.is_none() || api_sign.map(str::trim) != expected.as_deref() {
            self.failed(key, now);
            return Err("EAPI:Invalid signature".to_owned());
        }
        let window = entry.nonce_window.unwrap_or(self.nonce_window);
        self.streaks.remove(key);
        self.take_nonce(key, nonce, window)?;
        if let Some(seen) = self.nonces.get_mut(key) {
            seen.last_used = Some(clock.unix());
        }
        Ok(nonce)
    }

    /// The highest nonce `key` used and when it was last used.
    pub fn usage(&self, key: &str) -> (u64, Option<rust_decimal::Decimal>) {
        self.nonces
            .get(key)
            .map_or((0, None), |n| (n.highest, n.last_used))
    }

    /// Accepts `nonce` for `key` if it is fresh: strictly above the highest
    /// accepted one, or, with a window `w`, not a repeat and above `highest - w`.
    ///
    /// Repeats are recognised among the last [`NONCE_HISTORY`] accepted
    /// nonces that are still inside the window.
    fn take_nonce(&mut self, key: &str, nonce: u64, window: u64) -> Result<(), String> {
        let seen = self.nonces.entry(key.to_owned()).or_default();
        let fresh = if window == 0 {
            nonce > seen.highest
        } else {
            nonce > seen.highest.saturating_sub(window) && !seen.recent.contains(&nonce)
        };
        if !fresh {
            return Err("EAPI:Invalid nonce".to_owned());
        }
        seen.highest = seen.highest.max(nonce);
        seen.recent.insert(nonce);
        while seen.recent.len() > NONCE_HISTORY {
            seen.recent.pop_first();
        }
        Ok(())
    }

    fn failed(&mut self, key: &str, now: f64) {
        let Some(policy) = self.lockout else { return };
        let streak = self.streaks.entry(key.to_owned()).or_default();
        if streak.failures == 0 || now - streak.first_at > policy.window.as_secs_f64() {
            streak.failures = 0;
            streak.first_at = now;
        }
        streak.failures += 1;
        if streak.failures >= policy.failures {
            streak.failures = 0;
            streak.locked_until = now + policy.cool_down.as_secs_f64();
        }
    }
}

/// The key permissions (kraken-rest.md §3 names) a private path needs: the
/// key must hold every permission of at least one of the returned sets.
/// Paths not listed need none.
pub(crate) fn required_permissions(path: &str) -> &'static [&'static [&'static str]] {
    const FUNDS: &[&[&str]] = &[&["query-funds"]];
    const OPEN: &[&[&str]] = &[&["query-open-trades"]];
    const CLOSED: &[&[&str]] = &[&["query-closed-trades"]];
    const OPEN_OR_CLOSED: &[&[&str]] = &[&["query-open-trades"], &["query-closed-trades"]];
    const LEDGER: &[&[&str]] = &[&["query-ledger"]];
    const EXPORT: &[&[&str]] = &[&["export-data"]];
    const MODIFY: &[&[&str]] = &[&["modify-trades"]];
    const MODIFY_OR_CLOSE: &[&[&str]] = &[&["modify-trades"], &["close-trades"]];
    const MODIFY_AND_CLOSE: &[&[&str]] = &[&["modify-trades", "close-trades"]];
    const DEPOSIT: &[&[&str]] = &[&["add-funds"]];
    const WITHDRAW: &[&[&str]] = &[&["withdraw-funds"]];
    const EARN: &[&[&str]] = &[&["earn-funds"]];
    const WS: &[&[&str]] = &[&["create-ws-token"]];
    let Some(name) = path.strip_prefix("/0/private/") else {
        return &[];
    };
    match name {
        "Balance" | "BalanceEx" | "CreditLines" | "TradeVolume" => FUNDS,
        "TradeBalance" | "OpenOrders" | "OpenPositions" => OPEN,
        "ClosedOrders" | "TradesHistory" | "QueryTrades" => CLOSED,
        "QueryOrders" | "OrderAmends" => OPEN_OR_CLOSED,
        "Ledgers" | "QueryLedgers" => LEDGER,
        "AddExport" | "ExportStatus" | "RetrieveExport" | "RemoveExport" => EXPORT,
        "AddOrder" => MODIFY,
        "AmendOrder"
        | "CancelOrder"
        | "CancelAll"
        | "CancelAllOrdersAfter"
        | "CancelOrderBatch" => MODIFY_OR_CLOSE,
        "AddOrderBatch" | "EditOrder" => MODIFY_AND_CLOSE,
        "DepositMethods" | "DepositAddresses" | "DepositStatus" => DEPOSIT,
        "WithdrawMethods" | "WithdrawAddresses" | "WithdrawInfo" | "Withdraw"
        | "WithdrawStatus" | "WithdrawCancel" => WITHDRAW,
        "GetWebSocketsToken" => WS,
        n if n.starts_with("Earn/") => EARN,
        _ => &[],
    }
}

impl KeyRing {
    /// `Err("EGeneral:Permission denied")` if `key` may not call `path`.
    pub fn permit(&self, key: &str, path: &str) -> Result<(), &'static str> {
        let Some(held) = self.keys.get(key).and_then(|k| k.permissions.as_ref()) else {
            return Ok(());
        };
        let needed = required_permissions(path);
        let ok = needed.is_empty()
            || needed
                .iter()
                .any(|set| set.iter().all(|p| held.iter().any(|h| h == p)));
        if ok { Ok(()) } else { Err(PERMISSION_DENIED) }
    }
}

/// `EGeneral:Permission denied`, verbatim.
pub const PERMISSION_DENIED: &str = "EGeneral:Permission denied";

/// Extracts the `nonce` from a form or JSON body.
pub(crate) fn body_nonce(content_type: Option<&str>, body: &[u8]) -> Option<u64> {
    let media_type = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase());
    // Without a Content-Type, guess from the first byte rather than reject.
    let is_json = match media_type.as_deref() {
        Some("application/json") => true,
        Some("application/x-www-form-urlencoded") => false,
        Some(_) => return None,
        None => body.first() == Some(&b'{'),
    };
    if is_json {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        match value.get("nonce")? {
            serde_json::Value::String(s) => s.parse().ok(),
            n => n.as_u64(),
        }
    } else {
        url::form_urlencoded::parse(body)
            .find(|(k, _)| k == "nonce")
            .and_then(|(_, v)| v.parse().ok())
    }
}

/// Kraken's `API-Sign`: base64(HMAC-SHA512(base64decode(secret), path || SHA256(nonce || body))).
/// `None` if the secret is not valid base64.
pub fn sign(secret_b64: &str, path: &str, nonce: u64, body: &[u8]) -> Option<String> {
    let secret = BASE64.decode(secret_b64).ok()?;
    let mut sha = Sha256::new();
    sha.update(nonce.to_string().as_bytes());
    sha.update(body);
    let mut mac = Hmac::<Sha512>::new_from_slice(&secret).ok()?;
    mac.update(path.as_bytes());
    mac.update(&sha.finalize());
    Some(BASE64.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(window: u64) -> KeyRing {
        KeyRing {
            nonce_window: window,
            ..KeyRing::default()
        }
    }

    #[test]
    fn strict_nonces() {
        let mut r = ring(0);
        assert!(r.take_nonce("k", 10, r.nonce_window).is_ok());
        assert!(r.take_nonce("k", 10, r.nonce_window).is_err());
        assert!(r.take_nonce("k", 9, r.nonce_window).is_err());
        assert!(r.take_nonce("k", 11, r.nonce_window).is_ok());
        assert!(r.take_nonce("other", 1, r.nonce_window).is_ok());
    }

    #[test]
    fn windowed_nonces() {
        let mut r = ring(5);
        assert!(r.take_nonce("k", 100, r.nonce_window).is_ok());
        assert!(r.take_nonce("k", 98, r.nonce_window).is_ok()); // late but inside the window
        assert!(r.take_nonce("k", 98, r.nonce_window).is_err()); // repeat
        assert!(r.take_nonce("k", 95, r.nonce_window).is_err()); // 95 = highest - window: outside
        assert!(r.take_nonce("k", 96, r.nonce_window).is_ok());
        assert!(r.take_nonce("k", 110, r.nonce_window).is_ok());
        assert!(r.take_nonce("k", 105, r.nonce_window).is_err()); // 110 - 5: outside
        assert!(r.take_nonce("k", 106, r.nonce_window).is_ok());
        assert!(r.take_nonce("k", 100, r.nonce_window).is_err()); // repeat, and now outside
    }

    /// A call with an unknown key at the time of `clock`.
    fn unknown_key(r: &mut KeyRing, clock: &Clock) -> Result<u64, String> {
        r.check(
            "/0/private/Balance",
            Some("bad"),
            None,
            None,
            b"nonce=1",
            clock,
        )
    }

    #[test]
    fn lockout_after_five_failures_then_cool_down() {
        let mut r = ring(0);
        r.lockout = Some(LockoutPolicy::default());
        let clock = Clock::default();
        let second = Duration::from_secs(1);
        for i in 0..5 {
            let e = unknown_key(&mut r, &clock);
            assert_eq!(e, Err("EAPI:Invalid key".to_owned()), "failure {i}");
            clock.advance(second);
        }
        assert_eq!(
            unknown_key(&mut r, &clock),
            Err(TEMPORARY_LOCKOUT.to_owned())
        );
        // The fifth failure came at about 4 s: locked until about 64 s.
        clock.advance(Duration::from_secs(58));
        assert_eq!(
            unknown_key(&mut r, &clock),
            Err(TEMPORARY_LOCKOUT.to_owned())
        );
        clock.advance(Duration::from_secs(2));
        assert_eq!(
            unknown_key(&mut r, &clock),
            Err("EAPI:Invalid key".to_owned())
        );
    }
}
