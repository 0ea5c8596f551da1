//! Credentials and the base URL: environment variables or a config file that
//! only its owner can read (never flags, which leak into shell history).

use super::{CliError, Connection};
use crate::SpotClient;
use clap::ArgMatches;
use std::path::{Path, PathBuf};

/// The config file's keys (TOML): all optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    api_key: Option<String>,
    api_secret: Option<String>,
    oauth_client_id: Option<String>,
    oauth_client_secret: Option<String>,
    oauth_access_token: Option<String>,
    base_url: Option<String>,
}

fn default_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("kraken-spot/config.toml"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/kraken-spot/config.toml"))
}

fn read_config(path: &Path, explicit: bool) -> Result<ConfigFile, CliError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ConfigFile::default());
        }
        Err(e) => {
            return Err(CliError::config(format!(
                "cannot read config file {}: {e}",
                path.display()
            )));
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let mut e = CliError::config(format!(
                "config file {} has mode {mode:04o}: it holds credentials, so only its owner may read it",
                path.display()
            ));
            e.hint = Some(format!("chmod 600 {}", path.display()));
            return Err(e);
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::config(format!("cannot read config file {}: {e}", path.display()))
    })?;
    toml::from_str(&text)
        .map_err(|e| CliError::config(format!("config file {}: {e}", path.display())))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The client for this run: the sandbox's, or from the environment and config.
pub(super) async fn connect(matches: &ArgMatches) -> Result<Connection, CliError> {
    if matches.get_flag("sandbox") {
        let mock = kraken_mock::MockKraken::sandbox().await;
        let client = SpotClient::builder()
            .base_url(mock.base_url())
            .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
            .oauth_client_credentials(
                kraken_mock::OAUTH_CLIENT_ID,
                kraken_mock::OAUTH_CLIENT_SECRET,
            )
            .oauth_access_token(kraken_mock::OAUTH_ACCESS_TOKEN)
            .build()
            .map_err(CliError::from)?;
        return Ok(Connection {
            client,
            sandbox: Some(mock),
        });
    }
    let (path, explicit) = match matches.get_one::<String>("config") {
        Some(p) => (Some(PathBuf::from(p)), true),
        None => match env("KRAKEN_SPOT_CONFIG") {
            Some(p) => (Some(PathBuf::from(p)), true),
            None => (default_path(), false),
        },
    };
    let file = match path {
        Some(p) => read_config(&p, explicit)?,
        None => ConfigFile::default(),
    };
    let mut builder = SpotClient::builder();
    if let Some(url) = matches
        .get_one::<String>("base_url")
        .cloned()
        .or(env("KRAKEN_BASE_URL"))
        .or(file.base_url)
    {
        builder = builder.base_url(url);
    }
    let key = env("KRAKEN_API_KEY").or(file.api_key);
    let secret = env("KRAKEN_API_SECRET").or(file.api_secret);
    match (key, secret) {
        (Some(k), Some(s)) => builder = builder.credentials(k, s),
        (None, None) => {}
        _ => {
            return Err(CliError::config(
                "set both KRAKEN_API_KEY and KRAKEN_API_SECRET (or api_key and api_secret in the config file)",
            ));
        }
    }
    let id = env("KRAKEN_OAUTH_CLIENT_ID").or(file.oauth_client_id);
    let oauth_secret = env("KRAKEN_OAUTH_CLIENT_SECRET").or(file.oauth_client_secret);
    if let (Some(id), Some(s)) = (id, oauth_secret) {
        builder = builder.oauth_client_credentials(id, s);
    }
    if let Some(token) = env("KRAKEN_OAUTH_ACCESS_TOKEN").or(file.oauth_access_token) {
        builder = builder.oauth_access_token(token);
    }
    Ok(Connection {
        client: builder.build().map_err(CliError::from)?,
        sandbox: None,
    })
}
