//! The one error type every call returns.

use std::fmt;

/// Everything that can go wrong with a call, from bad input caught before
/// sending to an error Kraken answered with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Kraken answered with a non-empty `error` array.
    #[error("Kraken error on {endpoint}: {error}")]
    Kraken {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// The errors, verbatim.
        error: KrakenError,
    },
    /// A call needs credentials the client was not built with.
    #[error("{endpoint} needs {needed}, but the client was built without it")]
    MissingCredentials {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// Which credential is missing, in words.
        needed: &'static str,
    },
    /// The API secret is not valid base64 (the secret itself is never shown).
    #[error("the API secret is not valid base64: {0}")]
    InvalidSecret(String),
    /// Some part of the client configuration is unusable.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
    /// A parameter was rejected before anything was sent.
    #[error("invalid parameter `{param}` for {endpoint}: {reason}")]
    InvalidParam {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// The parameter's wire name.
        param: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The server answered with a non-success HTTP status and no Kraken error.
    #[error("HTTP {status} from {endpoint}: {body_start}")]
    Http {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The start of the body, for diagnosis (omitted for endpoints whose
        /// responses carry secrets).
        body_start: String,
    },
    /// The body was not the shape Kraken documents for this endpoint.
    #[error(
        "unexpected response from {endpoint} (HTTP {status}): {message}; body starts: {body_start}"
    )]
    Decode {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// What did not fit.
        message: String,
        /// The start of the body (omitted for endpoints whose responses carry secrets).
        body_start: String,
    },
    /// The request could not be sent or the response could not be read.
    #[error("transport error on {endpoint}: {source}")]
    Transport {
        /// The endpoint's Rust method name.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
}

impl Error {
    /// The Kraken error, if Kraken answered with one.
    pub fn kraken(&self) -> Option<&KrakenError> {
        match self {
            Error::Kraken { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The `error` array of a Kraken response, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KrakenError {
    codes: Vec<String>,
}

impl KrakenError {
    pub(crate) fn new(codes: Vec<String>) -> Self {
        Self { codes }
    }

    /// The first error, verbatim (for example `EOrder:Insufficient funds`).
    pub fn code(&self) -> &str {
        self.codes.first().map(String::as_str).unwrap_or("")
    }

    /// Every entry Kraken sent, verbatim.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// The category of the first error: `General`, `API`, `Order`, … (the
    /// part between the severity letter and the first `:`).
    pub fn category(&self) -> &str {
        let code = self.code();
        let head = code.split(':').next().unwrap_or("");
        head.get(1..).unwrap_or("")
    }

    /// Whether any entry is exactly, or starts with, `code` followed by `:`.
    pub fn has(&self, code: &str) -> bool {
        self.codes.iter().any(|c| {
            c == code || (c.starts_with(code) && c.as_bytes().get(code.len()) == Some(&b':'))
        })
    }

    /// Whether this is one of Kraken's rate-limit or throttling errors.
    pub fn is_rate_limited(&self) -> bool {
        self.has("EAPI:Rate limit exceeded")
            || self.has("EOrder:Rate limit exceeded")
            || self.has("EGeneral:Too many requests")
            || self.codes.iter().any(|c| {
                c.starts_with("EService: Throttled") || c.starts_with("EService:Throttled")
            })
    }

    /// Whether Kraken rejected the nonce (`EAPI:Invalid nonce`).
    pub fn is_invalid_nonce(&self) -> bool {
        self.has("EAPI:Invalid nonce")
    }
}

impl fmt::Display for KrakenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.codes.join(", "))
    }
}

impl std::error::Error for KrakenError {}

/// What kind of failure an error is, in the categories Kraken's CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The key, signature, nonce, permission or OAuth token was refused.
    Auth,
    /// A rate limit or throttle.
    RateLimit,
    /// The request did not get an answer: connection, timeout, transport.
    Network,
    /// The input was refused, locally or by Kraken.
    Validation,
    /// Kraken refused the request for a business reason (funds, margin, …).
    Api,
    /// Kraken's service is unavailable, busy or in a restricted mode.
    Service,
    /// The client configuration is unusable.
    Config,
    /// The answer was not the shape Kraken documents.
    Parse,
}

/// One entry of Kraken's error catalogue (`spec/errors.yaml`, generated into
/// [`crate::generated::errors::ERROR_CATALOGUE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorInfo {
    /// The code, verbatim (`EOrder:Insufficient funds`).
    pub code: &'static str,
    /// Kraken's category: `General`, `API`, `Order`, …
    pub category: &'static str,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// Whether a read may be retried after it (writes never are, except
    /// after `EAPI:Invalid nonce`, which Kraken refuses unread).
    pub retryable: bool,
    /// What it means, from Kraken's docs.
    pub meaning: &'static str,
}

impl ErrorInfo {
    /// A catalogue entry (used by generated code).
    pub const fn new(
        code: &'static str,
        category: &'static str,
        kind: ErrorKind,
        retryable: bool,
        meaning: &'static str,
    ) -> Self {
        ErrorInfo {
            code,
            category,
            kind,
            retryable,
            meaning,
        }
    }
}
