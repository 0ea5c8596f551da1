//! The `kraken-spot` command line and MCP server (feature `cli`). The commands
//! come from the generated table ([`crate::generated::cli::COMMANDS`]) and
//! are sent by the generated `dispatch` through the library's public methods;
//! this module is the glue: arguments, credentials, confirmation, output and
//! exit statuses.
//!
//! Exit statuses: 0 success; 2 usage (bad arguments); 3 validation; 4 auth;
//! 5 rate limit; 6 network; 7 api (Kraken refused for a business reason);
//! 8 service; 9 config (credentials, config file); 10 parse; 11 refused
//! (confirmation declined or missing `--yes`); 12 outcome unknown (a write
//! may have reached Kraken: check before sending again).

mod config;
pub mod mcp;
mod output;

pub use crate::generated::cli::{COMMANDS, dispatch};
use crate::{Error, ErrorKind, SpotClient};
use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_core::Stream;
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};

/// How a command-line value is read.
#[derive(Debug, Clone, Copy)]
pub enum ArgKind {
    /// Text.
    Text,
    /// A secret (never logged).
    Secret,
    /// An integer.
    Int,
    /// `true` or `false`.
    Bool,
    /// A decimal amount, kept as text.
    Amount,
    /// One of these values.
    Enum(&'static [&'static str]),
    /// A comma-separated list (of these values, when not empty).
    List(&'static [&'static str]),
    /// A JSON value (objects, lists of objects).
    Json,
}

/// One parameter of a command.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// The Rust name: the argument key, `--flag` in kebab-case.
    pub name: &'static str,
    /// Kraken's wire name.
    pub wire: &'static str,
    /// How its value is read.
    pub kind: ArgKind,
    /// Its type in the spec.
    pub type_name: &'static str,
    /// Required: positional.
    pub required: bool,
    /// The spec's doc.
    pub doc: &'static str,
}

/// What a write moves (spec key `moves`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moves {
    /// Orders.
    Trading,
    /// Funds or account access.
    Funds,
}

/// One endpoint as a command.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    /// The Rust method name.
    pub name: &'static str,
    /// Kraken's name.
    pub kraken: &'static str,
    /// The spec's doc.
    pub doc: &'static str,
    /// Needs no credentials.
    pub public: bool,
    /// Changes state.
    pub write: bool,
    /// What it moves, if anything.
    pub moves: Option<Moves>,
    /// Has a stream of pages (`--all`).
    pub paged: bool,
    /// Its parameters, in wire order.
    pub params: &'static [ParamSpec],
    /// Optional parameters (Rust names) of which at least one must be set.
    pub require_one_of: &'static [&'static str],
}

impl CommandSpec {
    /// The command by Rust method name.
    pub fn find(name: &str) -> Option<&'static CommandSpec> {
        COMMANDS.iter().find(|c| c.name == name)
    }

    /// The subcommand name (`get-ticker`).
    pub fn command_name(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// A command's arguments, keyed by Rust parameter name, as JSON values.
#[derive(Debug, Clone, Default)]
pub struct Args(pub Map<String, Value>);

impl Args {
    fn bad(key: &str, what: &str, v: &Value) -> CliError {
        CliError::usage(format!("`{key}`: expected {what}, got {v}"))
    }

    /// Text (numbers and booleans are taken as their text).
    pub fn text(&self, key: &str) -> Result<Option<String>, CliError> {
        Ok(match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
            Some(v) => return Err(Self::bad(key, "text", v)),
        })
    }

    /// An integer (or its text).
    pub fn int(&self, key: &str) -> Result<Option<i64>, CliError> {
        Ok(match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .ok_or_else(|| Self::bad(key, "an integer", v))?,
            ),
        })
    }

    /// A boolean (or `"true"` / `"false"`).
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, CliError> {
        Ok(match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_bool()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .ok_or_else(|| Self::bad(key, "true or false", v))?,
            ),
        })
    }

    /// A list of texts: a JSON list, or comma-separated text.
    pub fn texts(&self, key: &str) -> Result<Option<Vec<String>>, CliError> {
        Ok(match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.split(',').map(|x| x.trim().to_owned()).collect()),
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|x| match x {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(_) | Value::Bool(_) => Ok(x.to_string()),
                        other => Err(Self::bad(key, "a list of texts", other)),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Some(v) => return Err(Self::bad(key, "a list", v)),
        })
    }

    /// A JSON value (given as JSON, or as JSON text on the command line).
    fn json(&self, key: &str) -> Result<Option<Value>, CliError> {
        Ok(match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                serde_json::from_str(s)
                    .map_err(|e| CliError::usage(format!("`{key}`: not JSON: {e}")))?,
            ),
            Some(v) => Some(v.clone()),
        })
    }

    /// A JSON object, as the arguments of an input struct.
    pub fn object(&self, key: &str) -> Result<Option<Args>, CliError> {
        match self.json(key)? {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Args(map))),
            Some(v) => Err(Self::bad(key, "a JSON object", &v)),
        }
    }

    /// A JSON list of objects.
    pub fn objects(&self, key: &str) -> Result<Option<Vec<Args>>, CliError> {
        match self.json(key)? {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::Object(map) => Ok(Args(map)),
                    other => Err(Self::bad(key, "a JSON object", &other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(Self::bad(key, "a JSON list of objects", &v)),
        }
    }
}

/// A required argument's value, or a usage error.
pub fn required<T>(value: Option<T>, key: &str) -> Result<T, CliError> {
    value.ok_or_else(|| CliError::usage(format!("`{key}` is required")))
}

/// Emits a response as JSON.
pub fn emit_value<T: serde::Serialize>(
    result: Result<T, Error>,
    emit: &mut (dyn FnMut(Value) + Send),
) -> Result<(), CliError> {
    let value = result.map_err(CliError::from)?;
    emit(serde_json::to_value(&value).map_err(|e| CliError::usage(e.to_string()))?);
    Ok(())
}

/// Emits every item of a stream of pages as it arrives.
pub async fn emit_stream<T: serde::Serialize>(
    stream: impl Stream<Item = Result<T, Error>>,
    emit: &mut (dyn FnMut(Value) + Send),
) -> Result<(), CliError> {
    use futures_util::StreamExt as _;
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        emit_value(item, emit)?;
    }
    Ok(())
}

/// A failure, as the CLI prints it and exits with it.
#[derive(Debug, Clone)]
pub struct CliError {
    /// Kraken's error code, if Kraken sent one.
    pub code: Option<String>,
    /// The kind (`auth`, `validation`, …, or `usage`, `refused`).
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
    /// The exit status.
    pub exit: i32,
}

impl CliError {
    /// A bad argument.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: None,
            kind: "usage",
            message: message.into(),
            hint: None,
            exit: 2,
        }
    }

    /// A call refused before sending (confirmation).
    pub fn refused(message: impl Into<String>, hint: &str) -> Self {
        CliError {
            code: None,
            kind: "refused",
            message: message.into(),
            hint: Some(hint.to_owned()),
            exit: 11,
        }
    }

    fn config(message: impl Into<String>) -> Self {
        CliError {
            code: None,
            kind: "config",
            message: message.into(),
            hint: None,
            exit: 9,
        }
    }

    /// `{"error": {"code", "kind", "message", "hint"}}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({"error": {
            "code": self.code,
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
        }})
    }
}

/// The exit status and name of an error kind.
pub fn kind_exit(kind: ErrorKind) -> (&'static str, i32) {
    match kind {
        ErrorKind::Validation => ("validation", 3),
        ErrorKind::Auth => ("auth", 4),
        ErrorKind::RateLimit => ("rate_limit", 5),
        ErrorKind::Network => ("network", 6),
        ErrorKind::Api => ("api", 7),
        ErrorKind::Service => ("service", 8),
        ErrorKind::Config => ("config", 9),
        ErrorKind::Parse => ("parse", 10),
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let (mut kind, mut exit) = kind_exit(e.kind());
        let (code, hint) = match &e {
            Error::Kraken { error, .. } => (
                Some(error.code().to_owned()),
                error.hint().map(str::to_owned),
            ),
            _ => (None, None),
        };
        let mut hint = hint;
        if matches!(e, Error::OutcomeUnknown { .. }) {
            (kind, exit) = ("outcome_unknown", 12);
            hint = Some(
                "the request may have reached Kraken: check open and closed orders (or the ledger) before sending it again"
                    .into(),
            );
        }
        CliError {
            code,
            kind,
            message: e.to_string(),
            hint,
            exit,
        }
    }
}

/// Where a run writes, and whether a person is there to answer.
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut (dyn Write + Send),
    /// Standard error.
    pub err: &'a mut (dyn Write + Send),
    /// Stdout is a terminal: tables by default.
    pub out_terminal: bool,
    /// Asks a yes/no question, when a person can answer (`None`: nobody can).
    pub confirm: Option<&'a mut (dyn FnMut(&str) -> bool + Send)>,
}

/// The top-level command: global options, `auth check`, `mcp`, and one
/// subcommand per endpoint.
pub fn command() -> Command {
    let mut cmd = Command::new("kraken-spot")
        .about("Kraken Spot REST API from the command line: one subcommand per endpoint, generated from the spec")
        .after_help(
            "Credentials come from KRAKEN_API_KEY / KRAKEN_API_SECRET (and KRAKEN_OAUTH_CLIENT_ID, \
             KRAKEN_OAUTH_CLIENT_SECRET, KRAKEN_OAUTH_ACCESS_TOKEN) or from the config file \
             (~/.config/kraken-spot/config.toml, mode 0600), never from flags.",
        )
        .after_long_help(
            "Credentials come from KRAKEN_API_KEY / KRAKEN_API_SECRET (and KRAKEN_OAUTH_CLIENT_ID, \
             KRAKEN_OAUTH_CLIENT_SECRET, KRAKEN_OAUTH_ACCESS_TOKEN) or from the config file \
             (~/.config/kraken-spot/config.toml, mode 0600), never from flags.\n\n\
             Errors are one JSON object on stderr, {\"error\": {\"code\", \"kind\", \"message\", \"hint\"}}, \
             and the exit status says the kind: 2 usage, 3 validation, 4 auth, 5 rate_limit, \
             6 network, 7 api, 8 service, 9 config, 10 parse, 11 refused (not confirmed), \
             12 outcome_unknown (a write may have reached Kraken).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .global(true)
                .help_heading("Global options")
                .value_parser(["table", "json"])
                .help("Output format (default: table on a terminal, json otherwise)"),
        )
        .arg(
            Arg::new("sandbox")
                .long("sandbox")
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .conflicts_with("base_url")
                .help("Run against an in-process local Kraken sandbox (kraken-mock) with its test credentials"),
        )
        .arg(
            Arg::new("base_url")
                .long("base-url")
                .global(true)
                .help_heading("Global options")
                .value_name("URL")
                .help("Kraken's base URL (default: https://api.kraken.com)"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .global(true)
                .help_heading("Global options")
                .value_name("PATH")
                .help("Config file with credentials (must be mode 0600)"),
        )
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Send calls that move orders or funds without asking"),
        )
        .subcommand(
            Command::new("auth")
                .about("Credentials")
                .subcommand_required(true)
                .subcommand(Command::new("check").about(
                    "Checks the API key (verify_credentials) and prints its permissions",
                )),
        )
        .subcommand(
            Command::new("mcp")
                .about("Serves every endpoint as an MCP tool over stdio (read-only unless allowed)")
                .arg(
                    Arg::new("allow_trading")
                        .long("allow-trading")
                        .action(ArgAction::SetTrue)
                        .help("Also serve tools that place, amend or cancel orders (each needs confirm: true)"),
                )
                .arg(
                    Arg::new("allow_funds")
                        .long("allow-funds")
                        .action(ArgAction::SetTrue)
                        .help("Also serve tools that move funds or manage keys (each needs confirm: true)"),
                ),
        );
    for spec in COMMANDS {
        cmd = cmd.subcommand(endpoint_command(spec));
    }
    cmd
}

/// A spec doc's first sentence, its lines joined: the one-line summary in
/// lists (the full doc is `--help`).
fn summary(doc: &str) -> String {
    let paragraph = doc.trim().split("\n\n").next().unwrap_or_default();
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

fn endpoint_command(spec: &CommandSpec) -> Command {
    let first = summary(spec.doc);
    let mut long = format!("{}\n\nKraken `{}`", spec.doc, spec.kraken);
    if spec.public {
        long.push_str(", public.");
    } else {
        long.push_str(", needs credentials.");
    }
    match spec.moves {
        Some(Moves::Trading) => {
            long.push_str(" Places, changes or cancels orders: asks for confirmation (or --yes).")
        }
        Some(Moves::Funds) => long
            .push_str(" Moves funds or changes account access: asks for confirmation (or --yes)."),
        None => {}
    }
    if !spec.require_one_of.is_empty() {
        let flags: Vec<String> = spec
            .require_one_of
            .iter()
            .map(|p| format!("--{}", p.replace('_', "-")))
            .collect();
        long.push_str(&format!(" Set at least one of {}.", flags.join(", ")));
    }
    let mut cmd = Command::new(spec.command_name())
        .about(first)
        .long_about(long);
    for p in spec.params {
        let mut arg = Arg::new(p.name)
            .help(summary(p.doc))
            .long_help(p.doc.to_owned());
        if p.required {
            arg = arg.required(true).value_name(p.name.to_uppercase());
        } else {
            arg = arg.long(p.name.replace('_', "-")).value_name(value_name(p));
        }
        arg = match p.kind {
            ArgKind::Int => arg
                .value_parser(clap::value_parser!(i64))
                .allow_negative_numbers(true),
            ArgKind::Bool if p.required => arg.value_parser(["true", "false"]),
            ArgKind::Bool => arg
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true")
                .value_parser(["true", "false"]),
            ArgKind::Enum(values) => arg.value_parser(values.to_vec()),
            ArgKind::List(values) if !values.is_empty() => {
                arg.value_delimiter(',').value_parser(values.to_vec())
            }
            ArgKind::List(_) => arg.value_delimiter(','),
            _ => arg,
        };
        cmd = cmd.arg(arg);
    }
    if spec.paged {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Fetch every page; with -o json, one JSON item per line (NDJSON)"),
        );
    }
    cmd
}

fn value_name(p: &ParamSpec) -> String {
    match p.kind {
        ArgKind::Int => "INT".into(),
        ArgKind::Bool => "BOOL".into(),
        ArgKind::Amount => "DECIMAL".into(),
        ArgKind::Json => "JSON".into(),
        ArgKind::List(_) => "LIST".into(),
        _ => p.name.to_uppercase(),
    }
}

/// The arguments of an endpoint subcommand, as JSON values.
fn args_from(spec: &CommandSpec, m: &ArgMatches) -> Args {
    let mut map = Map::new();
    for p in spec.params {
        let value = match p.kind {
            ArgKind::Int => m.get_one::<i64>(p.name).map(|i| Value::from(*i)),
            ArgKind::List(_) => m
                .get_many::<String>(p.name)
                .map(|vs| Value::Array(vs.map(|v| Value::from(v.as_str())).collect())),
            ArgKind::Bool => m
                .get_one::<String>(p.name)
                .map(|v| Value::Bool(v == "true")),
            _ => m.get_one::<String>(p.name).map(|v| Value::from(v.as_str())),
        };
        if let Some(v) = value {
            map.insert(p.name.to_owned(), v);
        }
    }
    Args(map)
}

/// Runs one command line; returns the exit status.
pub async fn run(argv: Vec<String>, io: Io<'_>) -> i32 {
    let matches = match command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => {
            let text = e.render().to_string();
            let status = e.exit_code();
            if e.use_stderr() {
                let _ = write!(io.err, "{text}");
            } else {
                let _ = write!(io.out, "{text}");
            }
            return status;
        }
    };
    let json_out = match matches.get_one::<String>("output").map(String::as_str) {
        Some("json") => true,
        Some(_) => false,
        None => !io.out_terminal,
    };
    match run_matches(&matches, json_out, io.out, io.confirm).await {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(io.err, "{}", e.to_json());
            e.exit
        }
    }
}

async fn run_matches(
    matches: &ArgMatches,
    json_out: bool,
    out: &mut (dyn Write + Send),
    confirm: Option<&mut (dyn FnMut(&str) -> bool + Send)>,
) -> Result<(), CliError> {
    let (sub, m) = matches
        .subcommand()
        .ok_or_else(|| CliError::usage("a subcommand is required"))?;
    let conn = config::connect(matches).await?;
    let client = &conn.client;
    match sub {
        "auth" => {
            let perms = client.verify_credentials().await.map_err(CliError::from)?;
            let names: Vec<&str> = perms.iter().map(|p| p.as_str()).collect();
            let value = serde_json::json!({"permissions": names});
            output::write_value(out, &value, json_out)
        }
        "mcp" => mcp::serve(conn, m.get_flag("allow_trading"), m.get_flag("allow_funds")).await,
        name => {
            let snake = name.replace('-', "_");
            let spec = CommandSpec::find(&snake)
                .ok_or_else(|| CliError::usage(format!("unknown command `{name}`")))?;
            let args = args_from(spec, m);
            let all = spec.paged && m.get_flag("all");
            if let Some(moves) = spec.moves {
                let yes = matches.get_flag("yes");
                confirm_call(spec, moves, &args, yes, confirm)?;
            }
            let mut items = Vec::new();
            let mut failed_write = None;
            {
                let mut emit = |v: Value| {
                    if all && json_out {
                        if let Err(e) = writeln!(out, "{v}") {
                            failed_write = Some(e);
                        }
                    } else {
                        items.push(v);
                    }
                };
                dispatch(client, &snake, &args, all, &mut emit).await?;
            }
            if let Some(e) = failed_write {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(());
                }
                return Err(CliError::usage(format!("cannot write output: {e}")));
            }
            if all {
                if json_out {
                    return Ok(());
                }
                return output::write_value(out, &Value::Array(items), false);
            }
            match items.pop() {
                Some(v) => output::write_value(out, &v, json_out),
                None => Ok(()),
            }
        }
    }
}

fn confirm_call(
    spec: &CommandSpec,
    moves: Moves,
    args: &Args,
    yes: bool,
    confirm: Option<&mut (dyn FnMut(&str) -> bool + Send)>,
) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let what = match moves {
        Moves::Trading => "places, changes or cancels orders",
        Moves::Funds => "moves funds or changes account access",
    };
    let Some(ask) = confirm else {
        return Err(CliError::refused(
            format!(
                "`{}` {what}; not run from a terminal and no --yes given",
                spec.command_name()
            ),
            "pass --yes to send it without asking",
        ));
    };
    let question = format!(
        "`{}` {what}, with {}. Send it? [y/N] ",
        spec.command_name(),
        Value::Object(redacted(spec, args))
    );
    if ask(&question) {
        Ok(())
    } else {
        Err(CliError::refused(
            format!("`{}` not sent: not confirmed", spec.command_name()),
            "answer y to send it, or pass --yes",
        ))
    }
}

/// The arguments with secret parameters replaced, for logs and prompts.
pub fn redacted(spec: &CommandSpec, args: &Args) -> Map<String, Value> {
    args.0
        .iter()
        .map(|(k, v)| {
            let secret = spec
                .params
                .iter()
                .any(|p| p.name == k && matches!(p.kind, ArgKind::Secret));
            let v = if secret {
                Value::from("[REDACTED]")
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// Runs `argv` in-process with captured output, no terminal and nobody to
/// confirm: `(exit status, stdout, stderr)`. For tests and embedding.
pub async fn run_captured(argv: Vec<String>) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run(
        argv,
        Io {
            out: &mut out,
            err: &mut err,
            out_terminal: false,
            confirm: None,
        },
    )
    .await;
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The binary's entry point.
pub fn main() -> ! {
    let argv: Vec<String> = std::env::args().collect();
    // `kraken-spot [global options] mcp …` logs every tool call to stderr.
    if argv.iter().skip(1).any(|a| a == "mcp") {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::INFO)
            .try_init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!(
                "{}",
                CliError::config(format!("cannot start tokio: {e}")).to_json()
            );
            std::process::exit(9);
        }
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut ask = |question: &str| {
        eprint!("{question}");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        matches!(line.trim(), "y" | "Y" | "yes")
    };
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let out_terminal = out.is_terminal();
    let status = runtime.block_on(run(
        argv,
        Io {
            out: &mut out,
            err: &mut err,
            out_terminal,
            confirm: if interactive { Some(&mut ask) } else { None },
        },
    ));
    let _ = std::io::stdout().flush();
    std::process::exit(status)
}

/// The client a run uses, and the sandbox it talks to (kept alive).
pub struct Connection {
    /// The client.
    pub client: SpotClient,
    /// The in-process sandbox, with `--sandbox`.
    pub sandbox: Option<kraken_mock::MockKraken>,
}
