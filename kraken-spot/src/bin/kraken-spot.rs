//! `kraken-spot`: the Kraken Spot REST API from the command line, and as an
//! MCP server (`kraken-spot mcp`). See the README's CLI and MCP sections.

fn main() {
    kraken_spot::cli::main()
}
