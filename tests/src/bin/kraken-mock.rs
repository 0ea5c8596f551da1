//! `kraken-mock [--port N] [--sandbox] [--config FILE]`: serve the mock
//! Kraken Spot REST API until Ctrl-C.
//!
//! Without `--sandbox` or `--config` it replays the recorded responses;
//! with either it is a stateful sandbox (orders, balances, fills), set up by
//! the config file if one is given (see `kraken_mock::config`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use kraken_mock::{MockConfig, MockKraken, SandboxConfig};

const USAGE: &str = "usage: kraken-mock [--port N] [--sandbox] [--config FILE]
  --port N       port on 127.0.0.1 (default 8080, or the config's; 0 picks a free port)
  --sandbox      stateful sandbox instead of replaying recordings
  --config FILE  sandbox set up by a TOML file (implies --sandbox)";

/// What the command line asks for.
#[derive(Debug, Default, PartialEq)]
struct Args {
    port: Option<u16>,
    sandbox: bool,
    config: Option<PathBuf>,
}

/// Parses the arguments; `Err` carries the message to print.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args::default();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        match name.as_str() {
            "-h" | "--help" => return Err(USAGE.to_owned()),
            "--sandbox" => out.sandbox = true,
            "--port" => {
                let value = inline.or_else(|| args.next());
                out.port =
                    Some(value.and_then(|v| v.parse().ok()).ok_or_else(|| {
                        format!("--port needs a number from 0 to 65535\n{USAGE}")
                    })?);
            }
            "--config" => {
                let value = inline.or_else(|| args.next());
                out.config = Some(PathBuf::from(
                    value.ok_or_else(|| format!("--config needs a file\n{USAGE}"))?,
                ));
                out.sandbox = true;
            }
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let config = match &args.config {
        Some(path) => match SandboxConfig::read(path) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("kraken-mock: {e}");
                return ExitCode::from(2);
            }
        },
        None => SandboxConfig::default(),
    };
    let port = args.port.or(config.port).unwrap_or(8080);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let defaults = MockConfig::default();
    let started = if args.sandbox {
        MockKraken::from_config(&config, addr).await
    } else {
        MockKraken::start_with(defaults.clone(), addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))
    };
    let mock = match started {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("kraken-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    // These are public test credentials, safe to print.
    let mode = if args.sandbox {
        "stateful sandbox"
    } else {
        "replaying recordings"
    };
    println!("kraken-mock ({mode}) listening on {}", mock.base_url());
    println!("base URL:            {}", mock.base_url());
    println!("API key:             {}", defaults.api_key);
    println!("API secret:          {}", defaults.api_secret);
    println!("OAuth client id:     {}", defaults.oauth_client_id);
    println!("OAuth client secret: {}", defaults.oauth_client_secret);
    println!("OAuth access token:  {}", defaults.oauth_access_token);
    for account in &config.accounts {
        for key in &account.keys {
            println!("API key of {:<8} {}", format!("{}:", account.name), key.key);
        }
    }
    if args.sandbox {
        println!(
            "control API:         {}/_mock/<action> (see kraken_mock::control)",
            mock.base_url()
        );
    } else {
        println!("fixtures:            {}", defaults.fixtures_dir.display());
    }
    println!("Press Ctrl-C to stop.");
    mock.run_until_ctrl_c().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse_args(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn arguments() {
        assert_eq!(args(&[]), Ok(Args::default()));
        assert_eq!(
            args(&["--port", "0", "--config=sandbox.toml"]),
            Ok(Args {
                port: Some(0),
                sandbox: true,
                config: Some("sandbox.toml".into())
            })
        );
        assert!(args(&["--sandbox"]).unwrap().sandbox);
        assert!(args(&["--port", "99999"]).is_err());
        assert!(args(&["--config"]).is_err());
        assert!(args(&["--nope"]).is_err());
    }
}
