//! The attempt loop of one call: authorize, send, classify, decide, under one deadline.

use tracing::field::Empty;
use tracing::Instrument as _;

use super::{ApiRequest, Endpoint, Engine};
use crate::error::Error;
use crate::model::{deserialize_messages, ApiMessage};
use crate::response::RawResponse;
use crate::retry::{self, Attempts, Decision, GiveUp, RetryPolicy};
use crate::transport::MAX_BODY_BYTES;
use crate::verdict::Verdict;

impl Engine {
    /// The one path every call takes: validate, describe, then attempts until an outcome or
    /// an error the retry policy does not retry.
    pub(crate) async fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        endpoint.validate()?;
        let request = endpoint.request()?;
        let policy = endpoint
            .options()
            .retry
            .as_ref()
            .unwrap_or(&self.config().retry_policy);
        policy.check()?;
        require_runtime()?;
        let span = tracing::info_span!(
            "capillary.call",
            operation = E::OPERATION,
            method = %request.method,
            path = %request.path,
            attempts = Empty,
            "http.request.method" = %request.method,
            "url.path" = E::PATH_TEMPLATE,
            "server.address" = self.config().base_url.host_str().unwrap_or(""),
            "http.response.status_code" = Empty,
            "error.type" = Empty,
            "http.request.resend_count" = Empty,
        );
        async move {
            let (result, attempts) = self.attempts(endpoint, &request, policy).await;
            let span = tracing::Span::current();
            span.record("attempts", attempts);
            if attempts > 1 {
                span.record("http.request.resend_count", attempts - 1);
            }
            match &result {
                Ok(_) => {}
                Err(error) => {
                    span.record("error.type", error_type(error));
                    if let Some(status) = error.status() {
                        span.record("http.response.status_code", status.as_u16());
                    }
                }
            }
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
        let budget = &self.config().retry_budget;
        let mut attempts = Attempts::new(policy, budget);
        let mut renewed_credentials = false;
        // With `replay_maybe_applied`, an attempt that may have been applied is sent again;
        // whatever a later attempt says, the call as a whole may then have been applied.
        let mut maybe_applied: Option<Error> = None;
        loop {
            let attempt = attempts.begin();
            let span = tracing::info_span!(
                "capillary.attempt",
                method = %request.method,
                path = %request.path,
                attempt,
                "http.request.method" = %request.method,
                "url.path" = E::PATH_TEMPLATE,
                "http.request.resend_count" = attempt - 1,
                "http.response.status_code" = Empty,
                "error.type" = Empty,
                status = Empty,
                request_id = Empty,
                decision = Empty,
            );
            let answer = self
                .attempt(request, attempts.deadline())
                .instrument(span.clone())
                .await;
            let (error, retry_after) = match answer {
                Err(failed) => (failed.error, failed.retry_after),
                Ok(answer) => {
                    let response = &answer.response;
                    self.config()
                        .rate
                        .observe(response.meta.status, response.retry_after);
                    span.record("status", response.meta.status.as_u16());
                    span.record("http.response.status_code", response.meta.status.as_u16());
                    if let Some(id) = &response.meta.request_id {
                        span.record("request_id", id.as_str());
                    }
                    if response.body.len() > MAX_BODY_BYTES {
                        let reason = format!("body longer than {MAX_BODY_BYTES} bytes; not read");
                        (response.unexpected(reason), response.retry_after)
                    } else {
                        match response.verdict() {
                            Verdict::CredentialsRejected => {
                                if !renewed_credentials
                                    && attempts.may_replay()
                                    && self.config().auth.reject(&answer.sent_headers)
                                {
                                    renewed_credentials = true;
                                    span.record("decision", "replay with renewed credentials");
                                    continue;
                                }
                                span.record("decision", GiveUp::NotRetryable.as_str());
                                return (Err(credentials_refused(response)), attempt);
                            }
                            Verdict::Success | Verdict::Refused => {
                                match endpoint.decode(response) {
                                    Ok(output) => {
                                        budget.refill();
                                        span.record("decision", "done");
                                        return (Ok(output), attempt);
                                    }
                                    Err(error) => (error, response.retry_after),
                                }
                            }
                            // Whatever the body of these says, it is not the action's result.
                            _ => (response.refusal(), response.retry_after),
                        }
                    }
                }
            };
            span.record("error.type", error_type(&error));
            let verdict = error.verdict();
            match attempts.decide(verdict, retry_after) {
                Decision::GiveUp(why) => {
                    if error.meta().is_some() && !matches!(verdict, Verdict::RetrySafe) {
                        // An answer that no retry can change still shows a server at work.
                        budget.refill();
                    }
                    span.record("decision", why.as_str());
                    return (Err(keep_maybe_applied(error, maybe_applied)), attempt);
                }
                Decision::Retry(delay) => {
                    if verdict == Verdict::MaybeApplied {
                        maybe_applied = Some(error.clone());
                    }
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
                    if !attempts.charge() {
                        span.record("decision", GiveUp::BudgetExhausted.as_str());
                        return (Err(keep_maybe_applied(error, maybe_applied)), attempt);
                    }
                }
            }
        }
    }
}

/// The error a call ends with: its last one, unless an earlier attempt may have been applied
/// and the last one says nothing was (a refusal, a request never sent): then the earlier one,
/// so that `maybe_applied()` does not hide an action the server may have taken.
fn keep_maybe_applied(last: Error, earlier: Option<Error>) -> Error {
    match earlier {
        Some(earlier) if !last.maybe_applied() => earlier,
        _ => last,
    }
}

/// The `error.type` of a span: the verdict for answers, the variant otherwise.
fn error_type(error: &Error) -> &'static str {
    match error {
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Config { .. } => "config",
        Error::Auth { .. } => "auth",
        Error::TokenEndpoint { .. } => "token_endpoint",
        Error::Transport { .. } => "transport",
        Error::Api { .. } => "api",
        Error::UnexpectedResponse { .. } => "unexpected_response",
    }
}

/// Timers and I/O come from tokio; without a runtime the first timer would panic inside it.
fn require_runtime() -> Result<(), Error> {
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|_| {
            Error::config(
                "no tokio runtime is running: capillary-sdk needs one with time and I/O enabled \
             (#[tokio::main], #[tokio::test], or a runtime built with enable_all())",
            )
        })
}

/// A 401 or 498 that one renewal did not cure.
fn credentials_refused(response: &RawResponse) -> Error {
    #[derive(serde::Deserialize)]
    struct Errors {
        #[serde(default, deserialize_with = "deserialize_messages")]
        errors: Vec<ApiMessage>,
    }
    let status = i64::from(response.meta.status.as_u16());
    // A gateway that repeats the HTTP status as an error code says nothing new: statuses stay
    // in `Error::status()`, codes in `Error::codes()`.
    let errors = serde_json::from_slice::<Errors>(&response.body)
        .map(|e| e.errors)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.code.as_i64() != status)
        .collect();
    let reason = if response.meta.status.as_u16() == 498 {
        "the access token expired and a new one was refused too"
    } else {
        "the server refused the credentials"
    };
    Error::Auth {
        meta: Some(response.meta.clone()),
        errors,
        reason: reason.into(),
    }
}
