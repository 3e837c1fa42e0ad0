//! [`Client`] and [`ClientBuilder`]: configuration, and the one execute path every call takes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument as _;
use url::Url;

use crate::api::promotions::Promotions;
use crate::api::targets::Targets;
use crate::api::{ApiRequest, Endpoint, RawResponse};
use crate::auth::{Auth, AuthContext};
use crate::base_url::parse_base_url;
use crate::error::Error;
use crate::model::deserialize_messages;
use crate::retry::{self, Attempts, Decision, Fault, GiveUp, RetryBudget, RetryPolicy};
use crate::transport::{
    ReqwestTransport, Transport, TransportError, TransportErrorKind, MAX_BODY_BYTES,
};

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("capillary-sdk/", env!("CARGO_PKG_VERSION"));

/// Default time allowed to open a connection (used by the default transport).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Default time allowed for one attempt, from sending to the whole answer. The overall
/// deadline of a call, across attempts and delays, is the retry policy's
/// ([`DEFAULT_DEADLINE`](crate::retry::DEFAULT_DEADLINE)).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Capillary's API clusters. v2 and v3.1 share the host; only the path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cluster {
    /// Europe: `eu.api.capillarytech.com`
    Eu,
    /// India: `apac.api.capillarytech.com`
    India,
    /// Asia-Pacific 2 (Singapore): `apac2.api.capillarytech.com`
    Apac2,
    /// United States: `us.api.capillarytech.com`
    Us,
    /// China: `api.capillarytech.cn.com`
    China,
}

impl Cluster {
    /// Every known cluster.
    pub const ALL: [Cluster; 5] = [Self::Eu, Self::India, Self::Apac2, Self::Us, Self::China];

    /// The cluster's host name.
    pub fn host(self) -> &'static str {
        match self {
            Self::Eu => "eu.api.capillarytech.com",
            Self::India => "apac.api.capillarytech.com",
            Self::Apac2 => "apac2.api.capillarytech.com",
            Self::Us => "us.api.capillarytech.com",
            Self::China => "api.capillarytech.cn.com",
        }
    }

    /// The short name used by the CLI (`eu`, `india`, `apac2`, `us`, `china`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Eu => "eu",
            Self::India => "india",
            Self::Apac2 => "apac2",
            Self::Us => "us",
            Self::China => "china",
        }
    }

    /// The cluster's base URL.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
    }
}

impl std::str::FromStr for Cluster {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| {
                c.name() == s
                    || (s == "apac" && *c == Self::India)
                    || (s == "cn" && *c == Self::China)
            })
            .ok_or_else(|| {
                format!("unknown cluster {s:?} (expected eu, india, apac2, us or china)")
            })
    }
}

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
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    auth: Arc<dyn Auth>,
    transport: Arc<dyn Transport>,
    user_agent: http::HeaderValue,
    request_timeout: Duration,
    retry_policy: RetryPolicy,
    retry_budget: RetryBudget,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("transport", &self.inner.transport)
            .field("request_timeout", &self.inner.request_timeout)
            .field("retry_policy", &self.inner.retry_policy)
            .field("retry_budget", &self.inner.retry_budget)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The promotion calls: issue and bulk revoke.
    pub fn promotions(&self) -> Promotions {
        Promotions::new(self.clone())
    }

    /// The target calls (milestones, streaks): enroll and unenroll.
    pub fn targets(&self) -> Targets {
        Targets::new(self.clone())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The retry budget this client and its clones share.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.retry_budget
    }

    /// The one path every call takes: validate, describe, then attempts (authorise, send,
    /// decode) until an outcome or an error the retry policy does not retry.
    pub(crate) async fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        endpoint.validate()?;
        let request = endpoint.request()?;
        let policy = endpoint
            .common()
            .retry
            .as_ref()
            .unwrap_or(&self.inner.retry_policy);
        policy.check()?;
        let span = tracing::info_span!(
            "capillary.call",
            operation = E::OPERATION,
            method = %request.method,
            path = %request.path,
            attempts = tracing::field::Empty,
        );
        async move {
            let (result, attempts) = self.attempts(endpoint, &request, policy).await;
            tracing::Span::current().record("attempts", attempts);
            result
        }
        .instrument(span)
        .await
    }

    async fn attempts<E: Endpoint>(
        &self,
        endpoint: &E,
        request: &ApiRequest,
        policy: &RetryPolicy,
    ) -> (Result<E::Output, Error>, u32) {
        let mut attempts = Attempts::new(policy, &self.inner.retry_budget);
        let mut renewed_credentials = false;
        loop {
            let attempt = attempts.begin();
            let span = tracing::info_span!(
                "capillary.attempt",
                method = %request.method,
                path = %request.path,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                decision = tracing::field::Empty,
            );
            let timeout = attempts.attempt_timeout(self.inner.request_timeout);
            let (error, retry_after) = match self
                .attempt(request, timeout)
                .instrument(span.clone())
                .await
            {
                Err(error) => (error, None),
                Ok(answer) => {
                    let meta = &answer.response.meta;
                    span.record("status", meta.status.as_u16());
                    if let Some(id) = &meta.request_id {
                        span.record("request_id", id.as_str());
                    }
                    if matches!(meta.status.as_u16(), 401 | 498) {
                        if !renewed_credentials
                            && attempts.may_replay()
                            && self.inner.auth.reject(&answer.sent_headers)
                        {
                            renewed_credentials = true;
                            span.record("decision", "replay with renewed credentials");
                            continue;
                        }
                        span.record("decision", GiveUp::NotRetryable.as_str());
                        return (Err(auth_refused(answer.response)), attempt);
                    }
                    match decode(endpoint, answer.response) {
                        Ok(output) => {
                            self.inner.retry_budget.refill();
                            span.record("decision", "done");
                            return (Ok(output), attempt);
                        }
                        Err(error) => (error, answer.retry_after),
                    }
                }
            };
            let Some(fault) = Fault::of(&error) else {
                if error.meta().is_some() {
                    // An answer that no retry can change still shows a server at work.
                    self.inner.retry_budget.refill();
                }
                span.record("decision", GiveUp::NotRetryable.as_str());
                return (Err(error), attempt);
            };
            match attempts.decide(fault, retry_after) {
                Decision::GiveUp(why) => {
                    span.record("decision", why.as_str());
                    return (Err(error), attempt);
                }
                Decision::Retry(delay) => {
                    let delay_text = retry::human(delay);
                    span.record("decision", format!("retry in {delay_text}").as_str());
                    tracing::warn!(
                        target: "capillary_sdk::retry",
                        parent: &span,
                        "{}: attempt {attempt} of {} failed ({}); retrying in {delay_text}",
                        E::OPERATION,
                        attempts.max(),
                        retry::describe(&error),
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One attempt: credentials, then the request, within `timeout`.
    async fn attempt(&self, request: &ApiRequest, timeout: Duration) -> Result<Answer, Error> {
        let url = join_url(&self.inner.base_url, &request.path, &request.query)?;
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        for (name, value) in &request.headers {
            headers.insert(name.clone(), value.clone());
        }
        let ctx = AuthContext {
            base_url: self.inner.base_url.clone(),
            transport: Arc::clone(&self.inner.transport),
            user_agent: self.inner.user_agent.clone(),
            request_timeout: timeout,
            deadline: tokio::time::Instant::now() + timeout,
        };
        // Nothing of the call has been sent while credentials are obtained.
        self.inner
            .auth
            .authorize(&ctx, &mut headers)
            .await
            .map_err(Error::never_sent)?;
        let mut http_request = http::Request::builder()
            .method(request.method.clone())
            .uri(url.as_str())
            .body(request.body.clone())
            .map_err(|e| Error::config(format!("could not build the request: {e}")))?;
        *http_request.headers_mut() = headers.clone();
        let sent = tokio::time::timeout(timeout, self.inner.transport.send(http_request)).await;
        let response = match sent {
            Ok(result) => result?,
            Err(_) => {
                return Err(Error::from(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no answer within {timeout:?}"),
                )))
            }
        };
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        Ok(Answer {
            response: RawResponse::from_http(response),
            retry_after,
            sent_headers: headers,
        })
    }
}

/// What one attempt got back.
struct Answer {
    response: RawResponse,
    retry_after: Option<Duration>,
    sent_headers: http::HeaderMap,
}

/// Decodes an answer, refusing bodies over the cap before any parsing.
fn decode<E: Endpoint>(endpoint: &E, response: RawResponse) -> Result<E::Output, Error> {
    if response.body.len() > MAX_BODY_BYTES {
        return Err(
            response.unexpected(format!("body longer than {MAX_BODY_BYTES} bytes; not read"))
        );
    }
    endpoint.decode(response)
}

fn auth_refused(response: RawResponse) -> Error {
    #[derive(serde::Deserialize)]
    struct Errors {
        #[serde(default, deserialize_with = "deserialize_messages")]
        errors: Vec<crate::model::ApiMessage>,
    }
    let errors = serde_json::from_slice::<Errors>(&response.body)
        .map(|e| e.errors)
        .unwrap_or_default();
    let reason = if response.meta.status.as_u16() == 498 {
        "the access token expired and a new one was refused too"
    } else {
        "the server refused the credentials"
    };
    Error::Auth {
        meta: Some(response.meta),
        errors,
        reason: reason.into(),
    }
}

/// Joins a base URL (which may carry a path prefix) with an API path and query.
pub(crate) fn join_url(base: &Url, path: &str, query: &[(&str, String)]) -> Result<Url, Error> {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    Ok(url)
}

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

    /// The transport; the default is [`ReqwestTransport`].
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
            None => Arc::new(
                ReqwestTransport::new(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .map_err(|e| {
                        Error::config(format!("could not build the HTTP transport: {e}"))
                    })?,
            ),
        };
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        if request_timeout.is_zero() {
            return Err(Error::config(
                "the request timeout must be greater than zero",
            ));
        }
        let retry_policy = self.retry_policy.unwrap_or_default();
        retry_policy.check()?;
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                auth,
                transport,
                user_agent: http::HeaderValue::from_static(USER_AGENT),
                request_timeout,
                retry_policy,
                retry_budget: self.retry_budget.unwrap_or_default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_under_a_prefix() {
        let base = Url::parse("https://h.example/prefix/").unwrap();
        let url = join_url(&base, "/v2/promotion/issue", &[("a", "b c".into())]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://h.example/prefix/v2/promotion/issue?a=b+c"
        );
    }

    #[test]
    fn clusters_parse() {
        assert_eq!("eu".parse::<Cluster>().unwrap(), Cluster::Eu);
        assert_eq!("apac".parse::<Cluster>().unwrap(), Cluster::India);
        assert!("mars".parse::<Cluster>().is_err());
    }
}
