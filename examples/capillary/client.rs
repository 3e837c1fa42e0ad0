//! Which server a run talks to, and with which credentials.
//!
//! The embedded sandbox answers only when asked (`--sandbox`) or on the demo path (neither
//! credentials nor a server): credentials without a server are a forgotten `--cluster`, and
//! running them against demo data would report work as done that was never done.

use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::sandbox::Sandbox;
use capillary_sdk::Client;

use crate::args::Cli;
use crate::terminal::note;

const KEY: &str = "CAPILLARY_OAUTH_KEY";
const SECRET: &str = "CAPILLARY_OAUTH_SECRET";
const USER: &str = "CAPILLARY_USERNAME";
const PASSWORD: &str = "CAPILLARY_PASSWORD";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The client the flags and environment describe, or why there is none (exit 2).
pub fn build(cli: &Cli) -> Result<Client, String> {
    let credentials = [KEY, SECRET, USER, PASSWORD]
        .into_iter()
        .any(|n| env(n).is_some());
    let base_url = match (&cli.base_url, cli.cluster) {
        (Some(url), _) => url.clone(),
        (None, Some(cluster)) => cluster.base_url(),
        (None, None) if cli.sandbox => return sandbox(),
        (None, None) if credentials => {
            return Err(format!(
                "credentials are set ({}) but no server: name a server with --base-url, --cluster or CAPILLARY_BASE_URL, or pass --sandbox for the embedded sandbox",
                [KEY, SECRET, USER, PASSWORD]
                    .into_iter()
                    .filter(|n| env(n).is_some())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
        (None, None) => {
            note("no credentials and no --base-url, --cluster or CAPILLARY_BASE_URL: using the embedded sandbox (demo data, in process; nothing leaves this machine)");
            return sandbox();
        }
    };
    let builder = Client::builder().base_url(base_url);
    let builder = match (env(KEY), env(SECRET), env(USER), env(PASSWORD)) {
        (Some(key), Some(secret), _, _) => builder.auth(OAuth::new(key, secret)),
        (_, _, Some(user), Some(password)) => builder.auth(Basic::new(user, password)),
        _ => {
            return Err(format!(
                "missing credentials: set {KEY} and {SECRET}, or {USER} and {PASSWORD}"
            ))
        }
    };
    builder.build().map_err(|e| e.to_string())
}

fn sandbox() -> Result<Client, String> {
    Sandbox::demo().client().map_err(|e| e.to_string())
}
