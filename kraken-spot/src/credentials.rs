//! API credentials, and what keeps a bad key from getting the account locked
//! out.
//!
//! Kraken locks an account out (`EGeneral:Temporary lockout`, for several
//! minutes) after a burst of failed authenticated calls. So after
//! `EAPI:Invalid key` or `EAPI:Invalid signature`, the client refuses further
//! signed calls with that key for a cool-down instead of sending them, and
//! never retries those errors. Once [`crate::SpotClient::verify_credentials`]
//! has read the key's permissions, a call the key may not make is refused
//! locally too.

use crate::endpoint::{Permission, Permissions};
use crate::{Error, error::PermissionsText};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The default cool-down after Kraken refuses the key or its signature.
pub(crate) const DEFAULT_COOLDOWN: Duration = Duration::from_secs(180);

pub(crate) struct ApiCredentials {
    pub(crate) key: SecretString,
    /// HMAC-SHA512 keyed with the secret once, when the client is built (the
    /// decoded secret is wiped right after); its keyed state is wiped on drop.
    pub(crate) signer: crate::signing::Signer,
    cooldown: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// When Kraken last refused the key or signature, and with which code.
    refused: Option<(Instant, String)>,
    /// The key's permissions, once verified.
    permissions: Option<HashSet<Permission>>,
}

impl ApiCredentials {
    /// Checks and decodes what the caller pasted. Surrounding whitespace and
    /// a trailing newline are ignored; nothing of the secret reaches an error.
    pub(crate) fn new(
        key: SecretString,
        secret: SecretString,
        cooldown: Duration,
    ) -> Result<Self, Error> {
        let trimmed_key = key.expose_secret().trim();
        if trimmed_key.is_empty() {
            return Err(Error::InvalidConfig("the API key is empty".into()));
        }
        let key = SecretString::from(trimmed_key.to_owned());
        let encoded = secret.expose_secret().trim();
        if encoded.is_empty() {
            return Err(Error::InvalidSecret("it is empty".into()));
        }
        // The decode error names the offending byte, so it is not passed on.
        let decoded = zeroize::Zeroizing::new(STANDARD.decode(encoded).map_err(|_| {
            Error::InvalidSecret(format!(
                "a {}-character value that does not decode; copy the whole private key from Kraken",
                encoded.len()
            ))
        })?);
        let signer = crate::signing::Signer::new(&decoded);
        Ok(ApiCredentials {
            key,
            signer,
            cooldown,
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // No code panics while holding this lock, so a poisoned one is still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Refuses a signed call during a cool-down, or one the key's known
    /// permissions do not allow.
    pub(crate) fn check(&self, endpoint: &'static str, needed: Permissions) -> Result<(), Error> {
        let state = self.lock();
        if let Some((at, code)) = &state.refused {
            let ago = at.elapsed();
            if ago < self.cooldown {
                return Err(Error::CredentialsCoolingDown {
                    endpoint,
                    cause: code.clone(),
                    ago,
                    remaining: self.cooldown - ago,
                });
            }
        }
        if let Some(have) = &state.permissions {
            let ok = match needed {
                Permissions::None => true,
                Permissions::AnyOf(ps) => ps.iter().any(|p| have.contains(p)),
                Permissions::AllOf(ps) => ps.iter().all(|p| have.contains(p)),
            };
            if !ok {
                return Err(Error::MissingPermission {
                    endpoint,
                    needed: PermissionsText(needed),
                });
            }
        }
        Ok(())
    }

    /// Learns from an answer: starts a cool-down after a refused key or
    /// signature, and ends one after a success.
    pub(crate) fn observe(&self, result: Result<(), &Error>) {
        let mut state = self.lock();
        match result {
            Ok(()) => state.refused = None,
            Err(e) => {
                if let Some(k) = e.kraken().filter(|k| k.is_bad_credentials()) {
                    state.refused = Some((Instant::now(), k.code().to_owned()));
                }
            }
        }
    }

    /// Records the key's permissions, by Kraken's names.
    pub(crate) fn set_permissions<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Permission> {
        let known: HashSet<Permission> = names
            .into_iter()
            .filter_map(Permission::from_kraken)
            .collect();
        let mut list: Vec<Permission> = known.iter().copied().collect();
        list.sort_by_key(|p| p.as_str());
        self.lock().permissions = Some(known);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(cooldown: Duration) -> ApiCredentials {
        ApiCredentials::new("KEY".into(), "c2VjcmV0".into(), cooldown).unwrap()
    }

    #[test]
    fn pasted_whitespace_is_ignored() {
        let c = ApiCredentials::new("  KEY\n".into(), " c2VjcmV0\r\n".into(), DEFAULT_COOLDOWN)
            .unwrap();
        assert_eq!(c.key.expose_secret(), "KEY");
        // Keyed with the decoded secret `secret`.
        assert_eq!(
            c.signer.sign("/0/private/Balance", 1, b"nonce=1"),
            crate::signing::sign("/0/private/Balance", 1, b"nonce=1", b"secret")
        );
    }

    #[test]
    fn a_refused_key_pauses_signed_calls_until_the_cooldown_ends() {
        let c = creds(Duration::from_millis(100));
        let refused = Error::Kraken {
            endpoint: "x",
            error: crate::KrakenError::new(vec!["EAPI:Invalid key".into()]),
        };
        c.observe(Err(&refused));
        let err = c
            .check("get_account_balance", Permissions::None)
            .unwrap_err();
        assert!(matches!(err, Error::CredentialsCoolingDown { .. }), "{err}");
        assert!(err.to_string().contains("EAPI:Invalid key"), "{err}");
        std::thread::sleep(Duration::from_millis(120));
        c.check("get_account_balance", Permissions::None).unwrap();
    }

    #[test]
    fn known_permissions_refuse_calls_the_key_cannot_make() {
        let c = creds(DEFAULT_COOLDOWN);
        let need = Permissions::AllOf(&[Permission::ModifyTrades, Permission::CloseTrades]);
        c.check("submit_batch_orders", need).unwrap();
        c.set_permissions(["query-funds", "modify-trades", "something-new"]);
        let err = c.check("submit_batch_orders", need).unwrap_err();
        assert_eq!(
            err.to_string(),
            "submit_batch_orders needs the API key permission modify-trades and close-trades, which this key does not have"
        );
        c.check(
            "submit_order",
            Permissions::AnyOf(&[Permission::ModifyTrades]),
        )
        .unwrap();
    }
}
