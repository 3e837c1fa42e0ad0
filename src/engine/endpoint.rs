//! The endpoint contract: what an operation must say for the engine to send it.

use bytes::Bytes;

use super::Engine;
use crate::error::Error;
use crate::response::RawResponse;
use crate::retry::RetryPolicy;

/// One endpoint call: validated, described, decoded.
pub(crate) trait Endpoint {
    type Output;
    /// The name of the operation, for tracing spans (e.g. `promotions.issue`).
    const OPERATION: &'static str;
    /// The path with its parameters as placeholders, for spans whose cardinality must stay
    /// bounded (e.g. `/v3.1/targetGroups/{group}/targets/{target}/enroll`).
    const PATH_TEMPLATE: &'static str;
    /// Refuses bad input before anything is sent.
    fn validate(&self) -> Result<(), Error>;
    /// Method, path, query, headers and body.
    fn request(&self) -> Result<ApiRequest, Error>;
    /// The typed outcome of an answer whose status is a success or a refusal (the engine
    /// handles every other status itself, whatever the body says).
    fn decode(&self, response: &RawResponse) -> Result<Self::Output, Error>;
    /// The engine that sends it and the retry policy that overrides the client's.
    fn options(&self) -> &CallOptions;
    /// The same, to set the retry policy.
    fn options_mut(&mut self) -> &mut CallOptions;
}

/// What every request builder carries besides its own fields.
#[derive(Debug, Clone)]
pub(crate) struct CallOptions {
    pub engine: Engine,
    pub retry: Option<RetryPolicy>,
}

impl CallOptions {
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            retry: None,
        }
    }
}

/// The methods every request builder has, so that they read the same on every endpoint:
/// a per-request retry policy, `validate` and `send`.
macro_rules! request_methods {
    ($output:ty) => {
        /// Overrides the client's [`RetryPolicy`](crate::RetryPolicy) for this request.
        pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
            crate::engine::Endpoint::options_mut(&mut self).retry = Some(policy);
            self
        }

        /// Checks the request as [`send`](Self::send) would, without sending it.
        pub fn validate(&self) -> Result<(), crate::Error> {
            crate::engine::Endpoint::validate(self)
        }

        /// Sends the request, retrying as the [`RetryPolicy`](crate::RetryPolicy) allows.
        ///
        /// Dropping the returned future cancels the call cleanly (nothing is corrupted), but
        /// if the request had already been written the server may still apply it: treat a
        /// dropped call like an error whose [`maybe_applied`](crate::Error::maybe_applied)
        /// is `true`.
        pub async fn send(self) -> Result<$output, crate::Error> {
            let engine = crate::engine::Endpoint::options(&self).engine.clone();
            engine.execute(&self).await
        }
    };
}
pub(crate) use request_methods;

/// What an endpoint sends: the engine adds the base URL, user agent and credentials.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub method: http::Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub body: Bytes,
}

impl ApiRequest {
    /// A read: a GET with its query (percent-encoded into the URL by the engine) and no body,
    /// which the engine may send again after a timeout, a lost answer or a 5xx (a read changes
    /// nothing).
    pub fn get(path: String, query: Vec<(&'static str, String)>) -> Self {
        Self {
            method: http::Method::GET,
            path,
            query,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn post_json(path: String, body: &impl serde::Serialize) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("could not encode the request body: {e}")))?;
        Ok(Self {
            method: http::Method::POST,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::from(body),
        })
    }
}
