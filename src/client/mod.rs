//! [`Client`], [`ClientBuilder`] and [`Cluster`]: a thin facade over the engine.

mod builder;
mod cluster;
mod env;

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::api::customers::Customers;
use crate::api::promotions::Promotions;
use crate::api::targets::Targets;
use crate::engine::Engine;
use crate::retry::RetryBudget;

pub use self::builder::ClientBuilder;
pub use self::cluster::Cluster;

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("capillary-sdk/", env!("CARGO_PKG_VERSION"));

pub use crate::transport::DEFAULT_CONNECT_TIMEOUT;

/// Default time allowed for one attempt, from sending to the whole answer. The overall
/// deadline of a call, across attempts and delays, is the retry policy's
/// ([`DEFAULT_DEADLINE`](crate::retry::DEFAULT_DEADLINE)).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A Capillary API client. Cheap to clone: clones share configuration, connections and the
/// OAuth token cache.
///
/// ```no_run
/// use capillary_sdk::{auth::OAuth, Client, Cluster};
///
/// # fn run() -> Result<(), capillary_sdk::Error> {
/// let client = Client::builder()
///     .cluster(Cluster::Eu)
///     .auth(OAuth::new("my-key", "my-secret"))
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    engine: Engine,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.engine, f)
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The customer calls: the promotion lookup.
    pub fn customers(&self) -> Customers {
        Customers::new(self.engine.clone())
    }

    /// The promotion calls: issue and bulk revoke.
    pub fn promotions(&self) -> Promotions {
        Promotions::new(self.engine.clone())
    }

    /// The target calls (milestones, streaks): enroll and unenroll.
    pub fn targets(&self) -> Targets {
        Targets::new(self.engine.clone())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.engine.config().base_url
    }

    /// The retry budget this client and its clones share.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.engine.config().retry_budget
    }
}
