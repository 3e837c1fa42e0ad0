//! One attempt: credentials, then the request, within what is left of the call's deadline.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::{ApiRequest, Engine};
use crate::auth::AuthContext;
use crate::base_url::join_url;
use crate::error::Error;
use crate::response::RawResponse;
use crate::transport::{AttemptDeadline, TransportError, TransportErrorKind};

/// Why an attempt got no answer, and when another one could go if that is known (a rate
/// limit's next permit), so that the retry decision does not retry in vain.
pub(super) struct Failed {
    pub error: Error,
    pub retry_after: Option<Duration>,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// What one attempt got back from the server.
pub(super) struct Answer {
    pub response: RawResponse,
    /// The headers sent, credentials included, so that a refused token can be dropped.
    pub sent_headers: http::HeaderMap,
}

impl Engine {
    /// Credentials, then the request. Credentials may take until `deadline`; the request
    /// until the attempt timeout or the deadline, whichever is first.
    pub(super) async fn attempt(
        &self,
        request: &ApiRequest,
        deadline: Instant,
    ) -> Result<Answer, Failed> {
        let config = self.config();
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::USER_AGENT, config.user_agent.clone());
        // A read carries no body, so it says nothing of a body's type.
        if request.method != http::Method::GET {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
        }
        headers.insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        for (name, value) in &request.headers {
            headers.insert(name.clone(), value.clone());
        }
        let ctx = AuthContext {
            base_url: config.base_url.clone(),
            transport: Arc::clone(&config.transport),
            user_agent: config.user_agent.clone(),
            request_timeout: config.request_timeout,
            deadline,
            rate: Some(Arc::clone(&config.rate)),
        };
        // Nothing of the call is sent while credentials are obtained, so whatever fails here
        // is reported as the credentials' failure, never as the action's.
        match tokio::time::timeout_at(deadline, config.auth.authorize(&ctx, &mut headers)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(credentials_failure(error).into()),
            Err(_) => {
                return Err(Error::TokenEndpoint {
                    status: None,
                    request_id: None,
                    reason: "no credentials before the call's deadline".into(),
                    source: None,
                }
                .into())
            }
        }
        // After the credentials (a token request takes a permit of its own), before the send.
        if let Err(not_sent) = config.rate.permit(deadline).await {
            return Err(Failed {
                error: not_sent.error,
                retry_after: not_sent.retry_in,
            });
        }
        let url = join_url(&config.base_url, &request.path, &request.query);
        let mut http_request = http::Request::builder()
            .method(request.method.clone())
            .uri(url.as_str())
            .body(request.body.clone())
            .map_err(|e| Error::config(format!("could not build the request: {e}")))?;
        *http_request.headers_mut() = headers.clone();
        let timeout = config
            .request_timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        let read = request.method.is_safe();
        if timeout.is_zero() {
            return Err(Error::transport(
                TransportError::new(
                    TransportErrorKind::Connect,
                    "the call's deadline passed before the request was sent",
                ),
                read,
            )
            .into());
        }
        http_request
            .extensions_mut()
            .insert(AttemptDeadline(Instant::now() + timeout));
        let response =
            match tokio::time::timeout(timeout, config.transport.send(http_request)).await {
                Ok(result) => result.map_err(|e| Error::transport(e, read))?,
                Err(_) => {
                    return Err(Error::transport(
                        TransportError::new(
                            TransportErrorKind::Timeout,
                            format!("no answer within {timeout:?}"),
                        ),
                        read,
                    )
                    .into())
                }
            };
        Ok(Answer {
            response: RawResponse::answering(&request.method, response),
            sent_headers: headers,
        })
    }
}

/// A transport failure while obtaining credentials is the token endpoint's (or whatever an
/// [`Auth`](crate::auth::Auth) talks to), not the call's: it says nothing was applied.
fn credentials_failure(error: Error) -> Error {
    match error {
        Error::Transport { source, .. } => Error::TokenEndpoint {
            status: None,
            request_id: None,
            reason: source.to_string(),
            source: Some(source),
        },
        other => other,
    }
}
