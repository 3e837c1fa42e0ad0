//! The answers the sandbox gives, in the envelopes the pages document.

use http::StatusCode;
use serde_json::{json, Value};

/// An answer before the router adds the request id and content type.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn new(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }

    pub fn ok(body: Value) -> Self {
        Self::new(StatusCode::OK, body)
    }

    /// An error outside the endpoint envelopes (auth, routing): `{"errors": [...]}` is what
    /// every decoder of the SDK reads.
    pub fn plain_error(status: StatusCode, code: i64, message: &str) -> Self {
        Self::new(
            status,
            json!({ "data": null, "errors": [{ "code": code, "message": message }], "warnings": null }),
        )
    }
}

/// One entry of a v2 `errors`/`warnings` list, as the pages show it.
pub(crate) fn v2_message(code: i64, message: &str) -> Value {
    json!({ "status": false, "code": code, "message": message })
}

/// A v2 single answer that refuses: `{warnings: [], errors: [...]}` (no `sideEffects`, as in
/// the issue page's error examples).
pub(crate) fn v2_error(code: i64, message: &str) -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        json!({ "warnings": [], "errors": [v2_message(code, message)] }),
    )
}

/// A v3.1 answer: `{data, errors, warnings}` with `null` for absent lists.
pub(crate) fn v31_data(data: Value) -> Reply {
    Reply::ok(json!({ "data": data, "errors": null, "warnings": null }))
}

/// A v3.1 refusal.
pub(crate) fn v31_error(code: i64, message: &str) -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        json!({ "data": null, "errors": [{ "code": code, "message": message }], "warnings": null }),
    )
}

/// The messages the pages print for the codes the sandbox answers.
pub(crate) mod msg {
    pub const NOT_ISSUED: &str =
        "promotion not issued due to config issues or customer exhausted limits";
    pub const INVALID_PROGRAM: &str = "invalid programId passed";
    pub const INVALID_PROMOTION: &str = "promotion id passed is invalid";
    pub const MISSING_IDENTIFIER: &str = "identifierName, identifierValue, source can not be empty";
    pub const CUSTOMER_NOT_FOUND: &str = "Customer not found for the given identifiers";
    pub const ENTITY_TYPE_INVALID: &str = "Entity type invalid";
    pub const INACTIVE: &str = "promotion is inactive";
    pub const ACTION_NOT_SUPPORTED: &str =
        "revoke bulk action passed not supported for loyalty/generic promotion type";
    pub const INVALID_ENTITY_TYPE: &str = "invalid entity type passed";
    pub const INSUFFICIENT: &str =
        "Insufficient parameters passed; program ID and one of the promotion ID/identifiers are required";
    pub const USER_GROUP: &str = "Cannot enrol/issue to the user group";
    pub const ENROL_NOT_SUPPORTED: &str =
        "bulk action passed not supported for loyalty/generic promotion type";
    pub const ISSUE_FAILED: &str = "Error occurred while issuing promotion to the customer";
    pub const NOT_ENROLLED: &str = "Error occurred while issuing promotion to the customer: \
         the customer is not enrolled in this Enrol & Issue promotion (ENROL first)";
    pub const ALREADY_ENROLLED_PROMOTION: &str =
        "promotion not issued: the customer is already enrolled in this promotion";
    pub const INVALID_IDENTIFIER_NAME: &str = "Invalid identifierName";
    pub const INVALID_SOURCE: &str = "Invalid source";
    pub const EARNS_INVALID: &str = "Earn IDs passed are either invalid or already revoked";
    pub const ALREADY_ENROLLED: &str = "User already enrolled for the target";
    pub const INVALID_USER: &str = "Invalid userId";
    pub const PERIOD_NOT_FOUND: &str = "Target period not found";
    pub const GROUP_NOT_FOUND: &str = "Target group not found or deactivated";
    pub const RULE_NOT_FOUND: &str = "Target rule not found";
    pub const DATA_SCOPE_ALL: &str = "Datascope 'ALL' is not supported for this 'API'";
    pub const CONNECTED_ORGS: &str = "Connected Orgs not set properly in Headers";
}
