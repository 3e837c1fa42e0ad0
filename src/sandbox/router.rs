//! Routing: every request goes through [`Sandbox::handle`] (latency, faults, auth, the
//! endpoint, the log), whether it came in process or over HTTP.

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use serde_json::json;

use super::faults::{self, Fault};
use super::incoming::Incoming;
use super::log::LoggedRequest;
use super::reply::Reply;
use super::{auth, enrol, issue, lookup, revoke, targets, Sandbox};

/// The token endpoint's path.
pub(crate) const TOKEN_PATH: &str = "/v3/oauth/token/generate";
const ISSUE_PATH: &str = "/v2/promotion/issue";
const REVOKE_PATH: &str = "/v2/promotion/bulk/revokeEnrolAndEarn";
const ENROL_PATH: &str = "/v2/promotion/bulk/enrolAndEarn";
const LOOKUP_PATH: &str = "/v2/customers/lookup/promotionData";
const LOOKUP_CONNECTED_PATH: &str = "/v2.1/customers/lookup/promotionData";

/// What became of a request.
pub(crate) enum Handled {
    /// A whole answer.
    Answer(http::Response<Bytes>),
    /// Close the connection without answering.
    Drop,
    /// Send this answer's head and half its body, then close.
    Truncate(http::Response<Bytes>),
}

/// The API path inside a request path, so that a base URL with a path prefix works too.
pub(crate) fn api_path(path: &str) -> &str {
    ["/v2/", "/v2.1/", "/v3/", "/v3.1/"]
        .iter()
        .filter_map(|marker| path.find(marker))
        .min()
        .and_then(|at| path.get(at..))
        .unwrap_or(path)
}

impl Sandbox {
    /// Answers a request whose body the HTTP server would not read: 413, logged, with its
    /// request id like every answer.
    pub(crate) fn too_large(&self, parts: &http::request::Parts) -> http::Response<Bytes> {
        let request_id = self.control().new_request_id(self.inner.id);
        let mut entry = LoggedRequest::new(request_id.clone(), parts, &Bytes::new(), false);
        let response = respond(
            &request_id,
            Reply::plain_error(StatusCode::PAYLOAD_TOO_LARGE, 413, "request body too large"),
        );
        entry.status = Some(response.status().as_u16());
        self.log(entry);
        response
    }

    /// Answers one request as Capillary would, or fails on purpose as told.
    pub(crate) async fn handle(&self, request: http::Request<Bytes>) -> Handled {
        let (parts, body) = request.into_parts();
        let path = api_path(parts.uri.path()).to_string();
        let is_token_call = path == TOKEN_PATH;
        let (request_id, fault, latency) = {
            let mut control = self.control();
            let id = control.new_request_id(self.inner.id);
            let fault = faults::take(&mut control.faults, &path, is_token_call);
            (id, fault, control.latency)
        };
        let delay = match &fault {
            Some(Fault::Delay(extra)) => latency.saturating_add(*extra),
            _ => latency,
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mut entry = LoggedRequest::new(request_id.clone(), &parts, &body, !is_token_call);
        let handled = match fault {
            Some(Fault::Drop) => Handled::Drop,
            Some(Fault::Status(status)) => {
                Handled::Answer(respond(&request_id, fault_reply(status)))
            }
            Some(Fault::Respond { status, body }) => {
                let mut response = http::Response::new(body);
                *response.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                set_request_id(&mut response, &request_id);
                Handled::Answer(response)
            }
            Some(Fault::Truncate) => {
                Handled::Truncate(respond(&request_id, self.route(&parts, &path, &body)))
            }
            None | Some(Fault::Delay(_)) => {
                Handled::Answer(respond(&request_id, self.route(&parts, &path, &body)))
            }
        };
        entry.status = match &handled {
            Handled::Answer(r) | Handled::Truncate(r) => Some(r.status().as_u16()),
            Handled::Drop => None,
        };
        self.log(entry);
        handled
    }

    fn log(&self, entry: LoggedRequest) {
        let mut control = self.control();
        if control.log.len() >= super::MAX_LOGGED_REQUESTS {
            control.log.pop_front();
        }
        control.log.push_back(entry);
    }

    fn route(&self, parts: &http::request::Parts, path: &str, body: &Bytes) -> Reply {
        let targets_call = targets::parse_path(path);
        let read = matches!(path, LOOKUP_PATH | LOOKUP_CONNECTED_PATH);
        let known = read
            || matches!(path, TOKEN_PATH | ISSUE_PATH | REVOKE_PATH | ENROL_PATH)
            || targets_call.is_some();
        if !known {
            return Reply::plain_error(
                StatusCode::NOT_FOUND,
                404,
                "no such endpoint in the sandbox",
            );
        }
        let (method, allowed) = if read {
            (Method::GET, "only GET is supported")
        } else {
            (Method::POST, "only POST is supported")
        };
        if parts.method != method {
            return Reply::plain_error(StatusCode::METHOD_NOT_ALLOWED, 405, allowed);
        }
        let incoming = Incoming {
            headers: &parts.headers,
            query: parts
                .uri
                .query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
            body,
        };
        let json_body = incoming
            .header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("application/json"));
        let ttl = self.control().token_ttl;
        let mut state = self.state();
        if path == TOKEN_PATH {
            if !json_body {
                return unsupported_media_type();
            }
            return auth::generate(&mut state, &incoming, ttl, self.inner.id);
        }
        if let Err(refusal) = auth::check(&state, &parts.headers) {
            return refusal;
        }
        // A read has no body, so no content type to check.
        if read {
            return lookup::handle(&state, &incoming, path == LOOKUP_CONNECTED_PATH);
        }
        if !json_body {
            return unsupported_media_type();
        }
        match (path, targets_call) {
            (ISSUE_PATH, _) => issue::handle(&mut state, &incoming),
            (REVOKE_PATH, _) => revoke::handle(&mut state, &incoming),
            (ENROL_PATH, _) => enrol::handle(&mut state, &incoming),
            (_, Some(call)) => targets::handle(&mut state, &incoming, call),
            _ => Reply::plain_error(
                StatusCode::NOT_FOUND,
                404,
                "no such endpoint in the sandbox",
            ),
        }
    }
}

fn unsupported_media_type() -> Reply {
    Reply::plain_error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        415,
        "Content-Type must be application/json",
    )
}

/// The answer of an injected status: the error codes Capillary uses for those statuses.
fn fault_reply(status: u16) -> Reply {
    let code = match status {
        503 => 4001,
        403 => 4000,
        other => i64::from(other),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut reply = Reply::new(
        status,
        json!({ "data": null, "warnings": [], "errors": [{ "status": false, "code": code,
            "message": format!("sandbox fault: injected HTTP {}", status.as_u16()) }] }),
    );
    if status == StatusCode::TOO_MANY_REQUESTS {
        reply.headers.push(("retry-after", "0".into()));
    }
    reply
}

fn respond(request_id: &str, reply: Reply) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(reply.body.to_string()));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    set_request_id(&mut response, request_id);
    response
}

fn set_request_id(response: &mut http::Response<Bytes>, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-cap-requestid", value);
    }
}
