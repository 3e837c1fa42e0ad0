//! What a bulk enrol & earn takes: the action, the customers, and the check every customer
//! passes before it is sent.

use serde::Serialize;

use super::bulk_customer::check_identifier;
use crate::model::{ParseError, RevokeIdentifierKind, Source};

/// What bulk enrol & earn does (`bulkAction`).
///
/// `ENROL` is idempotent: enrolling a customer already enrolled creates nothing. `EARN` is
/// not: every `EARN` the server applies creates an earn, so the SDK never sends a `EARN` that
/// may have been applied a second time, whatever
/// [`replay_maybe_applied`](crate::RetryPolicy::replay_maybe_applied) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EnrolAction {
    /// `ENROL` (the UI's "Enrol"): creates the customer's enrolment (an issual) in an Enrol &
    /// Issue promotion. A Direct Issue promotion refuses it (8902).
    #[serde(rename = "ENROL")]
    Enrol,
    /// `EARN` (the UI's "Issue"): creates an earn; on an Enrol & Issue promotion the customer
    /// must be enrolled first, on a Direct Issue promotion the customer earns directly.
    #[serde(rename = "EARN")]
    Earn,
}

impl EnrolAction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrol => "ENROL",
            Self::Earn => "EARN",
        }
    }
}

impl std::str::FromStr for EnrolAction {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.to_ascii_lowercase().as_str() {
            "enrol" | "enroll" => Ok(Self::Enrol),
            "earn" | "issue" => Ok(Self::Earn),
            _ => Err(ParseError::new("enrol action", s, "enrol or earn")),
        }
    }
}

/// One customer of a bulk enrol & earn.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolCustomer {
    /// The identifier's value, of the kind the request's `identifierName` names.
    pub identifier_value: String,
    /// The customer's registration source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl EnrolCustomer {
    /// A customer named by an identifier value.
    pub fn new(identifier_value: impl Into<String>) -> Self {
        Self {
            identifier_value: identifier_value.into(),
            source: None,
        }
    }

    /// The customer's registration source.
    pub fn source(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    /// The same as [`source`](Self::source), or none, for a value optional in the caller's
    /// own data (a CSV column that may be empty).
    pub fn set_source(mut self, source: Option<Source>) -> Self {
        self.source = source;
        self
    }
}

/// Checks one customer of an enrol & earn (the same identifier rules as a revoke).
pub(crate) fn validate_enrol_customer(
    identifier_name: RevokeIdentifierKind,
    customer: &EnrolCustomer,
) -> Result<(), String> {
    check_identifier(
        identifier_name,
        &customer.identifier_value,
        customer.source.as_ref(),
    )
}
