//! Which server a run talks to, and with which credentials.
//!
//! The embedded sandbox answers only when asked (`--sandbox`) or on the demo path (neither
//! credentials nor a server): credentials without a server are a forgotten `--cluster`, and
//! running them against demo data would report work as done that was never done.

use capillary_sdk::sandbox::Sandbox;
use capillary_sdk::{Client, ClientBuilder};

use crate::args::Cli;
use crate::terminal::note;

const KEY: &str = "CAPILLARY_OAUTH_KEY";
const SECRET: &str = "CAPILLARY_OAUTH_SECRET";
const USER: &str = "CAPILLARY_USERNAME";
const PASSWORD: &str = "CAPILLARY_PASSWORD";
const CLUSTER: &str = "CAPILLARY_CLUSTER";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The client the flags and environment describe, or why there is none (exit 2). The
/// variables are read by the library's `ClientBuilder::from_lookup`, the one definition of
/// them; flags stand in for their variables.
pub fn build(cli: &Cli) -> Result<Client, String> {
    let credentials = [KEY, SECRET, USER, PASSWORD]
        .into_iter()
        .any(|n| env(n).is_some());
    let cluster = match (&cli.base_url, cli.cluster) {
        (Some(_), _) => None,
        (None, Some(cluster)) => Some(cluster.name().to_string()),
        (None, None) => env(CLUSTER),
    };
    let server = cli.base_url.is_some() || cluster.is_some();
    if !server {
        if cli.sandbox {
            return sandbox(cli);
        }
        if credentials {
            return Err(format!(
                "credentials are set ({}) but no server: name a server with --base-url, --cluster, CAPILLARY_BASE_URL or {CLUSTER}, or pass --sandbox for the embedded sandbox",
                [KEY, SECRET, USER, PASSWORD]
                    .into_iter()
                    .filter(|n| env(n).is_some())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        note("no credentials and no --base-url, --cluster or CAPILLARY_BASE_URL: using the embedded sandbox (demo data, in process; nothing leaves this machine)");
        return sandbox(cli);
    }
    // The flag (or its variable, which clap already read) is the rate limit.
    let builder = ClientBuilder::from_lookup(|name| match name {
        "CAPILLARY_BASE_URL" => cli.base_url.clone(),
        CLUSTER => cluster.clone(),
        "CAPILLARY_RATE_LIMIT" => None,
        other => env(other),
    })
    .map_err(|e| e.to_string())?;
    limited(builder, cli).build().map_err(|e| e.to_string())
}

fn sandbox(cli: &Cli) -> Result<Client, String> {
    limited(Sandbox::demo().client_builder(), cli)
        .build()
        .map_err(|e| e.to_string())
}

fn limited(builder: ClientBuilder, cli: &Cli) -> ClientBuilder {
    match cli.rate_limit {
        Some(limit) => builder.rate_limit(limit),
        None => builder,
    }
}
