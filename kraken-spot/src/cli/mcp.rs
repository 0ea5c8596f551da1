//! `kraken-spot mcp`: every endpoint as an MCP tool over stdio (rmcp), with
//! the generated input schemas. Read-only unless allowed; a tool that moves
//! orders or funds also needs `confirm: true`. Every call is logged to stderr.

use super::{Args, CliError, CommandSpec, Connection, Moves, redacted};
use crate::generated::cli::{COMMANDS, dispatch};
use crate::generated::mcp::TOOL_SCHEMAS;
use rmcp::model::{
    CallToolRequestParam, CallToolResult, Content, ListToolsResult, PaginatedRequestParam,
    ServerCapabilities, ServerInfo, Tool, ToolAnnotations,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, ServerHandler, ServiceExt as _};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The MCP server: a client, and what it may do beyond reading.
#[derive(Clone)]
pub struct Server {
    conn: Arc<Connection>,
    allow_trading: bool,
    allow_funds: bool,
}

impl Server {
    /// A server over `conn`, read-only unless `allow_trading` / `allow_funds`.
    pub fn new(conn: Connection, allow_trading: bool, allow_funds: bool) -> Self {
        Server {
            conn: Arc::new(conn),
            allow_trading,
            allow_funds,
        }
    }

    /// Whether a tool is served; `Err` says which flag would serve it.
    fn allowed(&self, spec: &CommandSpec) -> Result<(), String> {
        match (spec.write, spec.moves) {
            (false, _) => Ok(()),
            (true, Some(Moves::Trading)) if self.allow_trading => Ok(()),
            (true, Some(Moves::Funds)) if self.allow_funds => Ok(()),
            (true, None) if self.allow_trading || self.allow_funds => Ok(()),
            (true, Some(Moves::Trading)) => Err("start the server with --allow-trading".into()),
            (true, Some(Moves::Funds)) => Err("start the server with --allow-funds".into()),
            (true, None) => Err("start the server with --allow-trading or --allow-funds".into()),
        }
    }

    /// The tools this server serves.
    pub fn tools(&self) -> Vec<Tool> {
        COMMANDS
            .iter()
            .zip(TOOL_SCHEMAS)
            .filter(|(spec, _)| self.allowed(spec).is_ok())
            .map(|(spec, (_, schema))| tool(spec, schema))
            .collect()
    }

    /// Calls a tool: the result as JSON text, or the error as JSON.
    pub async fn call(&self, name: &str, arguments: Map<String, Value>) -> CallToolResult {
        let Some(spec) = CommandSpec::find(name) else {
            let e = CliError::usage(format!("unknown tool `{name}`"));
            return refuse(name, &Value::Object(arguments), e);
        };
        let mut args = Args(arguments);
        let logged = Value::Object(redacted(spec, &args));
        if let Err(hint) = self.allowed(spec) {
            let e = CliError::refused(format!("`{name}` is not served by this server"), &hint);
            return refuse(name, &logged, e);
        }
        let confirm = args.0.remove("confirm");
        if spec.moves.is_some() && confirm != Some(Value::Bool(true)) {
            let e = CliError::refused(
                format!("`{name}` moves orders or funds: it needs `confirm: true`"),
                "repeat the call with confirm: true once the user agreed",
            );
            return refuse(name, &logged, e);
        }
        if let Some(unknown) = args
            .0
            .keys()
            .find(|k| !spec.params.iter().any(|p| p.name == k.as_str()))
        {
            let e = CliError::usage(format!("`{name}` has no parameter `{unknown}`"));
            return refuse(name, &logged, e);
        }
        let mut result = None;
        let mut emit = |v: Value| result = Some(v);
        match dispatch(&self.conn.client, name, &args, false, &mut emit).await {
            Ok(()) => {
                tracing::info!(tool = name, arguments = %logged, outcome = "ok", "tool call");
                let text = serde_json::to_string_pretty(&result.unwrap_or(Value::Null))
                    .unwrap_or_default();
                CallToolResult::success(vec![Content::text(text)])
            }
            Err(e) => refuse(name, &logged, e),
        }
    }
}

fn refuse(name: &str, arguments: &impl std::fmt::Display, e: CliError) -> CallToolResult {
    tracing::warn!(tool = name, arguments = %DisplayJson(arguments), outcome = e.kind, error = %e.message, "tool call");
    CallToolResult::error(vec![Content::text(e.to_json().to_string())])
}

struct DisplayJson<'a, T>(&'a T);
impl<T: std::fmt::Display> std::fmt::Display for DisplayJson<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn tool(spec: &CommandSpec, schema: &str) -> Tool {
    let schema: Map<String, Value> = serde_json::from_str(schema).unwrap_or_default();
    let mut description = format!("{} (Kraken `{}`)", spec.doc.trim(), spec.kraken);
    match spec.moves {
        Some(Moves::Trading) => {
            description.push_str(" Places, changes or cancels orders: needs confirm: true.")
        }
        Some(Moves::Funds) => {
            description.push_str(" Moves funds or changes account access: needs confirm: true.")
        }
        None => {}
    }
    let annotations = ToolAnnotations {
        read_only_hint: Some(!spec.write),
        destructive_hint: Some(spec.moves.is_some()),
        ..Default::default()
    };
    Tool::new(spec.name, description, Arc::new(schema)).annotate(annotations)
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerInfo {
        let mut info = ServerInfo {
            capabilities: ServerCapabilities::builder().enable_tools().build(),
            ..Default::default()
        };
        info.server_info.name = "kraken-spot".into();
        info.server_info.version = env!("CARGO_PKG_VERSION").into();
        info.instructions = Some(
            "Kraken Spot REST API tools, generated from the kraken-spot spec. Amounts are decimal strings. \
             Tools that move orders or funds need confirm: true."
                .into(),
        );
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParam>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParam,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        Ok(self
            .call(&request.name, request.arguments.unwrap_or_default())
            .await)
    }
}

/// Serves `transport` until the client goes away.
pub async fn serve_on<T, E, A>(server: Server, transport: T) -> Result<(), CliError>
where
    T: rmcp::transport::IntoTransport<RoleServer, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let running = server
        .serve(transport)
        .await
        .map_err(|e| CliError::usage(format!("mcp: {e}")))?;
    running
        .waiting()
        .await
        .map_err(|e| CliError::usage(format!("mcp: {e}")))?;
    Ok(())
}

/// `kraken-spot mcp`: serves stdin/stdout.
pub(super) async fn serve(
    conn: Connection,
    allow_trading: bool,
    allow_funds: bool,
) -> Result<(), CliError> {
    let server = Server::new(conn, allow_trading, allow_funds);
    tracing::info!(
        tools = server.tools().len(),
        allow_trading,
        allow_funds,
        "kraken-spot MCP server on stdio"
    );
    serve_on(server, rmcp::transport::stdio()).await
}
