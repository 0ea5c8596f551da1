//! `kraken-mock [--port N]`: serve the mock Kraken Spot REST API until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use kraken_mock::{MockConfig, MockKraken};

const USAGE: &str = "usage: kraken-mock [--port N]   (default 8080; 0 picks a free port)";

/// Parses `--port N` / `--port=N`; `Err` carries the message to print.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<u16, String> {
    let mut port = 8080;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Err(USAGE.to_owned()),
            "--port" => args.next(),
            _ => match arg.strip_prefix("--port=") {
                Some(v) => Some(v.to_owned()),
                None => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
            },
        };
        port = value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("--port needs a number from 0 to 65535\n{USAGE}"))?;
    }
    Ok(port)
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let config = MockConfig::default();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mock = match MockKraken::start_with(config.clone(), addr).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("kraken-mock: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // These are public test credentials, safe to print.
    println!("kraken-mock listening on {}", mock.base_url());
    println!("fixtures:            {}", config.fixtures_dir.display());
    println!("API key:             {}", config.api_key);
    println!("API secret:          {}", config.api_secret);
    println!("OAuth client id:     {}", config.oauth_client_id);
    println!("OAuth client secret: {}", config.oauth_client_secret);
    println!("OAuth access token:  {}", config.oauth_access_token);
    println!("Press Ctrl-C to stop.");
    mock.run_until_ctrl_c().await;
    ExitCode::SUCCESS
}
