//! What a bulk revoke takes: the action, the customers, and the check every customer passes
//! before it is sent.

use serde::Serialize;

use super::bulk_customer::check_identifier;
use crate::model::{EarnId, ParseError, RevokeIdentifierKind, Source};

/// What bulk revoke undoes (`bulkAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RevokeAction {
    /// `REVOKE_ENROL`: un-enrol customers (revokes their issual). Enrol & Issue promotions
    /// only, and only once their earns are revoked.
    #[serde(rename = "REVOKE_ENROL")]
    Enrol,
    /// `REVOKE_EARN`: revoke earns (all of them, or the `earnIds` given).
    #[serde(rename = "REVOKE_EARN")]
    Earn,
}

impl RevokeAction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrol => "REVOKE_ENROL",
            Self::Earn => "REVOKE_EARN",
        }
    }
}

impl std::str::FromStr for RevokeAction {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.to_ascii_lowercase().as_str() {
            "enrol" | "enroll" | "revoke_enrol" => Ok(Self::Enrol),
            "earn" | "revoke_earn" => Ok(Self::Earn),
            _ => Err(ParseError::new("revoke action", s, "enrol or earn")),
        }
    }
}

/// One customer of a bulk revoke.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeCustomer {
    /// The identifier's value, of the kind the request's `identifierName` names.
    pub identifier_value: String,
    /// The customer's registration source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The earns to revoke (REVOKE_EARN); `None` revokes all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earn_ids: Option<Vec<EarnId>>,
}

impl RevokeCustomer {
    /// A customer named by an identifier value.
    pub fn new(identifier_value: impl Into<String>) -> Self {
        Self {
            identifier_value: identifier_value.into(),
            source: None,
            earn_ids: None,
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

    /// Revokes only these earns (REVOKE_EARN); without it, all earns are revoked.
    pub fn earn_ids(mut self, earn_ids: impl IntoIterator<Item = EarnId>) -> Self {
        self.earn_ids = Some(earn_ids.into_iter().collect());
        self
    }

    /// The same as [`earn_ids`](Self::earn_ids), or none (every earn).
    pub fn set_earn_ids(mut self, earn_ids: Option<Vec<EarnId>>) -> Self {
        self.earn_ids = earn_ids;
        self
    }
}

/// Checks one customer of a revoke; shared with the streaming helper so that a bad row is
/// refused with its position before any request goes out.
pub(crate) fn validate_revoke_customer(
    action: RevokeAction,
    identifier_name: RevokeIdentifierKind,
    customer: &RevokeCustomer,
) -> Result<(), String> {
    check_identifier(
        identifier_name,
        &customer.identifier_value,
        customer.source.as_ref(),
    )?;
    match (&customer.earn_ids, action) {
        (Some(_), RevokeAction::Enrol) => {
            Err("earnIds apply to REVOKE_EARN only; REVOKE_ENROL revokes the one issual".into())
        }
        (Some(ids), RevokeAction::Earn) if ids.is_empty() => {
            Err("earnIds is empty; leave it out to revoke every earn".into())
        }
        _ => Ok(()),
    }
}
