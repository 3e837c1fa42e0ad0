//! [`ClientBuilder`]: a client's configuration, checked when it is built.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Client, Cluster, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, USER_AGENT};
use crate::auth::Auth;
use crate::base_url::parse_base_url;
use crate::engine::{Config, Engine};
use crate::error::Error;
use crate::rate_limit::{AdaptiveRateLimiter, Gate, RateLimit, RateLimiter};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::Transport;

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: Option<Arc<dyn Auth>>,
    transport: Option<Arc<dyn Transport>>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
    retry_budget: Option<RetryBudget>,
    rate_limit: Option<RateLimitChoice>,
}

enum RateLimitChoice {
    Rate(RateLimit),
    Limiter(Arc<dyn RateLimiter>),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The server's base URL, e.g. `https://eu.api.capillarytech.com` (a path prefix is kept).
    /// Plain `http://` is accepted for loopback hosts only.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// One of Capillary's clusters, instead of a base URL.
    pub fn cluster(mut self, cluster: Cluster) -> Self {
        self.base_url = Some(cluster.base_url());
        self
    }

    /// The credentials: [`Basic`](crate::auth::Basic), [`OAuth`](crate::auth::OAuth), or
    /// your own [`Auth`].
    pub fn auth(mut self, auth: impl Auth + 'static) -> Self {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// The transport; the default is `ReqwestTransport` with a TLS feature (`rustls`,
    /// `rustls-ring`, `native-tls`). Without one, [`build`](Self::build) needs this.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Time allowed to open a connection (default 5 s). Used by the default transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, from sending to the whole answer (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// When and how often calls are sent again (default [`RetryPolicy::default`]); a request
    /// can override it with its own `retry_policy(..)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use capillary_sdk::{auth::Basic, retry::RetryPolicy, Client};
    ///
    /// # fn run() -> Result<(), capillary_sdk::Error> {
    /// let client = Client::builder()
    ///     .base_url("https://eu.api.capillarytech.com")
    ///     .auth(Basic::new("till", "password"))
    ///     .retry_policy(RetryPolicy::default().max_attempts(3).deadline(Duration::from_secs(20)))
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The retry budget (default [`RetryBudget::default`]). Clones of the client share it;
    /// pass the same budget to several clients to share it between them too.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// At most `limit` requests (attempts, retries and token requests together) from this
    /// client and its clones, lowered for a while when the server answers 429: see
    /// [`rate_limit`](crate::rate_limit).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(RateLimitChoice::Rate(limit));
        self
    }

    /// Your own [`RateLimiter`] instead of a [`RateLimit`], e.g. one shared by a fleet.
    pub fn rate_limiter(mut self, limiter: impl RateLimiter + 'static) -> Self {
        self.rate_limit = Some(RateLimitChoice::Limiter(Arc::new(limiter)));
        self
    }

    /// Builds the client, or says what is missing or wrong.
    pub fn build(self) -> Result<Client, Error> {
        let raw = self
            .base_url
            .ok_or_else(|| Error::config("no server: set .base_url(..) or .cluster(..)"))?;
        let base_url = parse_base_url(&raw)?;
        let auth = self.auth.ok_or_else(|| {
            Error::config("no credentials: set .auth(Basic::new(..)) or .auth(OAuth::new(..))")
        })?;
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        if request_timeout.is_zero() {
            return Err(Error::config(
                "the request timeout must be greater than zero",
            ));
        }
        let retry_policy = self.retry_policy.unwrap_or_default();
        retry_policy.check()?;
        let limiter: Option<Arc<dyn RateLimiter>> = match self.rate_limit {
            None => None,
            Some(RateLimitChoice::Rate(limit)) => Some(Arc::new(AdaptiveRateLimiter::new(limit)?)),
            Some(RateLimitChoice::Limiter(limiter)) => Some(limiter),
        };
        Ok(Client {
            engine: Engine::new(Config {
                base_url,
                auth,
                transport,
                user_agent: http::HeaderValue::from_static(USER_AGENT),
                request_timeout,
                rate: Arc::new(Gate::new(limiter, retry_policy.max_retry_after)),
                retry_policy,
                retry_budget: self.retry_budget.unwrap_or_default(),
            }),
        })
    }
}

// ---- TLS and transports: the default transport exists only with a TLS feature.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn default_transport(connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    crate::transport::ReqwestTransport::new(connect_timeout)
        .map(|t| Arc::new(t) as Arc<dyn Transport>)
        .map_err(|e| Error::config(format!("could not build the HTTP transport: {e}")))
}

#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
fn default_transport(_connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::config(
        "no transport: this build has no TLS feature (`rustls`, `rustls-ring`, `native-tls`), \
         so set .transport(..)",
    ))
}

#[cfg(all(
    test,
    not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))
))]
mod without_tls {
    use crate::auth::Basic;
    use crate::{Client, Error};

    #[test]
    fn a_client_without_a_transport_is_refused() {
        let result = Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(Basic::new("till", "password"))
            .build();
        match result {
            Err(Error::Config { reason }) => assert!(reason.contains("no transport"), "{reason}"),
            other => panic!("expected a Config error, got {other:?}"),
        }
    }
}
// ---- end of TLS and transports
