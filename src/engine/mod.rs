//! The engine below every operation: the endpoint contract, the attempt loop (authorize, send,
//! classify, decide) and the one deadline that covers a call.
//!
//! Operations in [`api`](crate::api) describe themselves through [`Endpoint`]; the engine
//! depends on none of them.

mod attempt;
mod call;
mod endpoint;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::auth::Auth;
use crate::rate_limit::Gate;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::Transport;

pub(crate) use self::endpoint::{request_methods, ApiRequest, CallOptions, Endpoint};

/// Everything a call needs from the client's configuration. Clones share it.
#[derive(Clone)]
pub(crate) struct Engine {
    config: Arc<Config>,
}

/// A client's configuration, fixed when it is built.
pub(crate) struct Config {
    pub base_url: Url,
    pub auth: Arc<dyn Auth>,
    pub transport: Arc<dyn Transport>,
    pub user_agent: http::HeaderValue,
    pub request_timeout: Duration,
    pub retry_policy: RetryPolicy,
    pub retry_budget: RetryBudget,
    /// The pause after a push-back and the rate limiter; shared by clones and token requests.
    pub rate: Arc<Gate>,
}

impl Engine {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Client")
            .field("base_url", &c.base_url.as_str())
            .field("auth", &c.auth)
            .field("transport", &c.transport)
            .field("request_timeout", &c.request_timeout)
            .field("retry_policy", &c.retry_policy)
            .field("retry_budget", &c.retry_budget)
            .field("rate", &c.rate)
            .finish()
    }
}

#[cfg(test)]
mod read_tests;
