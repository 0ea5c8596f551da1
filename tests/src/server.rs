//! Serving one request: record it, authenticate it, apply a due fault,
//! then answer from the overrides, the sandbox's state or the recordings.

use std::sync::Arc;

use axum::extract::Request;
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::control::{control_answer, run_due_events};
use crate::net::Conn;
use crate::params::Params;
use crate::{Auth, Fault, MockResponse, RecordedRequest, Sandbox, Shared, exchange, faults, lock};

/// Largest request body the mock reads; bigger bodies are rejected with 413.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// Rejection reason for bodies over [`MAX_BODY`] or broken mid-transfer.
const BODY_UNREADABLE: &str = "EGeneral:Request body too large or unreadable";

/// The single handler: record, authenticate, apply a fault if one is due,
/// then answer.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let conn = request
        .extensions()
        .get::<ConnectInfo<Conn>>()
        .map(|c| c.0.clone());
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    run_due_events(&shared);
    if let Some(name) = path.strip_prefix("/_mock/") {
        let body = axum::body::to_bytes(body, MAX_BODY)
            .await
            .unwrap_or_default();
        return control_answer(&shared, &method, name, &body).into_response();
    }
    let query = parts.uri.query().map(str::to_owned);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (n.as_str().to_owned(), value)
        })
        .collect();

    let (body, auth) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => {
            let body = body.to_vec();
            let auth = authenticate(&shared, &path, query.as_deref(), &headers, &body);
            (body, auth)
        }
        Err(_) => (Vec::new(), Err(BODY_UNREADABLE.to_owned())),
    };

    let recorded = RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
        auth,
    };
    let fault = match &recorded.auth {
        Ok(_) => lock(&shared.faults).next(&recorded.path),
        Err(_) => None,
    };
    let response = match (&recorded.auth, &fault) {
        (Err(reason), _) => Some(rejection(&recorded.path, reason)),
        (Ok(_), Some(f)) if !f.processes() => None,
        (Ok(_), _) => Some(serve(&shared, &recorded)),
    };
    let response_path = recorded.path.clone();
    // Record before the response goes out so tests see it once the reply arrives.
    lock(&shared.requests).push(recorded);
    let response = match fault {
        None => response,
        Some(Fault::Drop { .. }) => {
            if let Some(conn) = conn {
                conn.kill();
            }
            None
        }
        Some(Fault::Delay { by, .. }) => {
            tokio::time::sleep(by).await;
            // Not processed: answer as Kraken does when the engine is offline.
            response.or_else(|| Some(kraken_error(200, "EService:Unavailable")))
        }
        Some(Fault::Html { status, .. }) => Some(
            MockResponse::bytes("text/html; charset=UTF-8", faults::html_page(status).into())
                .status(status),
        ),
        Some(Fault::Kraken { code, .. }) => Some(kraken_error(200, &code)),
        Some(Fault::Redirect { status, location }) => {
            let mut r = MockResponse::bytes("text/html", Vec::new())
                .status(status)
                .into_response();
            if let Ok(value) = HeaderValue::try_from(location) {
                r.headers_mut().insert(header::LOCATION, value);
            }
            return r;
        }
    };
    if let Some(r) = &response {
        note_errors(&shared, r);
        if response_path == "/oauth/token" {
            note_issued_token(&shared, r);
        }
    }
    // A killed connection fails the write of whatever is returned here.
    response
        .unwrap_or_else(|| MockResponse::bytes("text/plain", Vec::new()))
        .into_response()
}

/// A token `/oauth/token` hands out, whatever answered it (the sandbox's
/// state, a recording, a queued or override response), is one the other
/// `/oauth/*` paths accept as Bearer.
fn note_issued_token(shared: &Shared, response: &MockResponse) {
    if response.status != 200 {
        return;
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&response.body) else {
        return;
    };
    let token = body
        .get("access_token")
        .or_else(|| body.get("result").and_then(|r| r.get("access_token")))
        .and_then(|t| t.as_str());
    if let Some(token) = token {
        lock(&shared.oauth).accept(token);
    }
}

/// Remembers the Kraken error codes an answer carries.
fn note_errors(shared: &Shared, response: &MockResponse) {
    if !response.content_type.contains("json") {
        return;
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&response.body) else {
        return;
    };
    if let Some(codes) = body.get("error").and_then(|e| e.as_array()) {
        lock(&shared.answered_errors)
            .extend(codes.iter().filter_map(|c| c.as_str().map(str::to_owned)));
    }
}

fn kraken_error(status: u16, code: &str) -> MockResponse {
    MockResponse::error(status, serde_json::json!({ "error": [code] }))
}

/// The response for a request that passed authentication: the REST counter,
/// then queued and override responses, the sandbox's state, the recording.
fn serve(shared: &Shared, request: &RecordedRequest) -> MockResponse {
    let path = request.path.as_str();
    let key = match request.auth {
        Ok(Auth::ApiKey { .. }) => request.header("api-key"),
        _ => None,
    };
    if let Some(key) = key {
        if let Err(e) = lock(&shared.keys).permit(key, path) {
            return kraken_error(200, e);
        }
        let now = shared.clock.secs();
        if let Err(e) = lock(&shared.sandbox).counters.charge_rest(key, path, now) {
            return kraken_error(200, e);
        }
    }
    if let Some(response) = lock(&shared.queued)
        .get_mut(path)
        .and_then(|q| q.pop_front())
    {
        return response;
    }
    if let Some(response) = lock(&shared.overrides).get(path) {
        return response.clone();
    }
    let book = (shared.stateful && path == "/0/public/Depth")
        .then(|| depth(shared, request))
        .flatten();
    if let Some(answer) = book {
        return answer;
    }
    if shared.stateful && path == "/0/public/SystemStatus" {
        let status = lock(&shared.sandbox).exchange.system_status.clone();
        let timestamp = exchange::rfc3339(shared.clock.unix());
        let result = serde_json::json!({"status": status, "timestamp": timestamp});
        return MockResponse::json(serde_json::json!({"error": [], "result": result}).to_string());
    }
    if shared.stateful && (path == "/oauth/token" || path == "/oauth/fast-api-key") {
        return oauth_answer(shared, request);
    }
    if let (true, Some(key)) = (shared.stateful, key) {
        let params = Params::parse(request.header("content-type"), &request.body);
        let account = lock(&shared.keys)
            .keys
            .get(key)
            .map(|k| k.account.clone())
            .unwrap_or_default();
        if path.starts_with("/funding/") {
            let query = request.query_pairs();
            let r = exchange::funding_beta::Request {
                method: &request.method,
                path,
                query: &query,
                body: &params,
            };
            let now = shared.clock.unix();
            let exchange = &mut lock(&shared.sandbox).exchange;
            exchange.run_timers(now);
            // Funding (Beta) answers have no envelope; errors are statuses.
            match exchange::funding_beta::handle(exchange, &account, &r, now) {
                Some(Ok(body)) => return MockResponse::json(body.to_string()),
                Some(Err((status, code))) => {
                    return MockResponse::error(status, serde_json::json!({ "error": code }));
                }
                None => return kraken_error(404, "EGeneral:Unknown method"),
            }
        }
        if path == "/0/private/RetrieveExport" {
            let exchange = &lock(&shared.sandbox).exchange;
            return match exchange::exports::retrieve(exchange, &account, &params) {
                Ok(zip) => MockResponse::bytes("application/octet-stream", zip),
                Err(e) => kraken_error(200, &e),
            };
        }
        let ctx = exchange::Ctx {
            key,
            account: &account,
            secs: shared.clock.secs(),
            unix: shared.clock.unix(),
        };
        let mut sandbox = lock(&shared.sandbox);
        let Sandbox { exchange, counters } = &mut *sandbox;
        if let Some(answer) = exchange::handle(exchange, counters, &ctx, path, &params) {
            return match answer {
                Ok(result) => MockResponse::json(exchange::to_json(
                    &serde_json::json!({"error": [], "result": result}),
                )),
                Err(e) => kraken_error(200, &e),
            };
        }
    }
    // A recorded response first; for endpoints nobody has recorded, the
    // fixture built from Kraken's documented example (`*.docs.json`) or
    // schema (`*.schema-derived.json`).
    fixture_name(&request.method, path)
        .and_then(|name| {
            let dir = &shared.config.fixtures_dir;
            [".json", ".docs.json", ".schema-derived.json"]
                .iter()
                .find_map(|ending| std::fs::read(dir.join(name.replace(".json", ending))).ok())
        })
        .map(MockResponse::json)
        .unwrap_or_else(|| kraken_error(404, "EGeneral:Unknown method"))
}

/// `/oauth/token` and `/oauth/fast-api-key` from the sandbox's state.
/// OAuth answers have no `{error, result}` envelope; errors are statuses.
fn oauth_answer(shared: &Shared, request: &RecordedRequest) -> MockResponse {
    let params = Params::parse(request.header("content-type"), &request.body);
    let mut oauth = lock(&shared.oauth);
    let answer = if request.path == "/oauth/token" {
        oauth.token(&params)
    } else {
        let now = exchange::rfc3339(shared.clock.unix());
        let mut keys = lock(&shared.keys);
        oauth.fast_api_key(
            &request.method,
            &params,
            &mut keys,
            exchange::DEFAULT_ACCOUNT,
            &now,
        )
    };
    match answer {
        Ok(body) => MockResponse::json(body.to_string()),
        Err((status, body)) => MockResponse::json(body.to_string()).status(status),
    }
}

/// Depth from the sandbox's book of the `pair` in the query (`count`
/// levels a side, default 100); `None` if that pair has no book.
fn depth(shared: &Shared, request: &RecordedRequest) -> Option<MockResponse> {
    let query = request.query_pairs();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let sandbox = lock(&shared.sandbox);
    let pair = sandbox.exchange.pair(&param("pair")?)?;
    let book = sandbox.exchange.books.get(&pair.altname)?;
    let count = param("count").and_then(|c| c.parse().ok()).unwrap_or(100);
    let now = i64::try_from(shared.clock.unix().trunc()).unwrap_or_default();
    let levels = book.depth(count, pair.pair_decimals, pair.lot_decimals, now);
    let result = serde_json::json!({ pair.key.clone(): levels });
    Some(MockResponse::json(
        serde_json::json!({"error": [], "result": result}).to_string(),
    ))
}

/// The response for a rejected request, shaped like Kraken's for that area.
fn rejection(path: &str, reason: &str) -> MockResponse {
    if reason == BODY_UNREADABLE {
        MockResponse::error(413, serde_json::json!({"error": [reason]}))
    } else if path == "/oauth/token" {
        MockResponse::error(401, serde_json::json!({"error": reason}))
    } else if path.starts_with("/oauth/") {
        MockResponse::error(401, serde_json::json!({"error": [reason]}))
    } else if path.starts_with("/funding/") {
        // Kraken does not document Funding (Beta) errors: a status and a body.
        MockResponse::error(401, serde_json::json!({ "error": reason }))
    } else {
        // Kraken reports API-key problems in the envelope with HTTP 200.
        MockResponse::error(200, serde_json::json!({"error": [reason]}))
    }
}

/// Maps a request to its default fixture file name, if the path is one the
/// mock knows. Only plain method names are accepted, so no path can escape
/// the fixtures directory.
pub(crate) fn fixture_name(method: &str, path: &str) -> Option<String> {
    let plain =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let name = if let Some(rest) = path.strip_prefix("/funding/") {
        // Funding_<version>_<first segment>[.<method>]: path ids never reach a file name.
        let mut segments = rest.split('/');
        let (version, first) = (segments.next()?, segments.next()?);
        if !plain(version) || !plain(first) {
            return None;
        }
        match method {
            "GET" => format!("Funding_{version}_{first}.json"),
            other => format!(
                "Funding_{version}_{first}.{}.json",
                other.to_ascii_lowercase()
            ),
        }
    } else if let Some(rest) = path.strip_prefix("/0/private/Earn/") {
        plain(rest).then(|| format!("Earn_{rest}.json"))?
    } else if let Some(rest) = path
        .strip_prefix("/0/public/")
        .or_else(|| path.strip_prefix("/0/private/"))
    {
        plain(rest).then(|| format!("{rest}.json"))?
    } else {
        match path {
            "/oauth/token" => "OAuth_Token.json".to_owned(),
            "/oauth/userinfo" => "OAuth_UserInfo.json".to_owned(),
            // Kraken's OpenAPI file lists the keys with GET on the same path (§14).
            "/oauth/fast-api-key" => match method {
                "POST" => "OAuth_FastApiKey.create.json".to_owned(),
                "PUT" => "OAuth_FastApiKey.update.json".to_owned(),
                "DELETE" => "OAuth_FastApiKey.delete.json".to_owned(),
                _ => "OAuth_FastApiKey.list.json".to_owned(),
            },
            _ => return None,
        }
    };
    Some(name)
}

/// Decides the authentication outcome of a request from its path and headers.
/// Accepting an API-key request consumes its nonce.
fn authenticate(
    shared: &Shared,
    path: &str,
    query: Option<&str>,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Auth, String> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let config = &shared.config;
    if path.starts_with("/0/private/") {
        let nonce = lock(&shared.keys).check(
            path,
            header("api-key"),
            header("api-sign"),
            header("content-type"),
            body,
            &shared.clock,
        )?;
        Ok(Auth::ApiKey { nonce })
    } else if path.starts_with("/funding/") {
        let signed = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        let nonce = lock(&shared.keys).check_funding(
            &signed,
            header("api-key"),
            header("api-sign"),
            header("api-nonce"),
            body,
            &shared.clock,
        )?;
        Ok(Auth::ApiKey { nonce })
    } else if path == "/oauth/token" {
        let expected = format!("{}:{}", config.oauth_client_id, config.oauth_client_secret);
        let ok = header("authorization")
            .and_then(|v| strip_scheme(v, "Basic"))
            .and_then(|b64| BASE64.decode(b64.trim()).ok())
            .is_some_and(|creds| creds == expected.as_bytes());
        ok.then_some(Auth::Basic)
            .ok_or_else(|| "invalid_client".to_owned())
    } else if path.starts_with("/oauth/") {
        let ok = header("authorization")
            .and_then(|v| strip_scheme(v, "Bearer"))
            .map(str::trim)
            .is_some_and(|token| {
                token == config.oauth_access_token || lock(&shared.oauth).accepts(token)
            });
        ok.then_some(Auth::Bearer)
            .ok_or_else(|| "EAPI:Invalid key".to_owned())
    } else {
        Ok(Auth::Public)
    }
}

/// `"Basic abc"` → `Some("abc")` for scheme `Basic` (scheme is case-insensitive).
fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then_some(rest)
}
