//! How a customer is named: an identifier kind and its value.

use super::parse_error::ParseError;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::CustomerId;

/// The kind of identifier that names a customer.
///
/// `/v2/promotion/issue` takes all four; bulk revoke takes [`Id`](Self::Id),
/// [`Mobile`](Self::Mobile) and [`Email`](Self::Email) only (see [`RevokeIdentifierKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// `email`
    Email,
    /// `mobile`
    Mobile,
    /// `externalId`
    ExternalId,
    /// `id` (the Capillary customer id)
    Id,
}

impl IdentifierKind {
    /// The wire name (`email`, `mobile`, `externalId`, `id`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Mobile => "mobile",
            Self::ExternalId => "externalId",
            Self::Id => "id",
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IdentifierKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "email" => Ok(Self::Email),
            "mobile" => Ok(Self::Mobile),
            "externalId" => Ok(Self::ExternalId),
            "id" => Ok(Self::Id),
            other => Err(ParseError::new(
                "identifier name",
                other,
                "email, mobile, externalId or id",
            )),
        }
    }
}

/// The identifier kinds bulk revoke accepts (`identifierName`): there is no `externalId` there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RevokeIdentifierKind {
    /// `id`: the customer id.
    #[serde(rename = "id")]
    Id,
    /// `mobile`
    #[serde(rename = "mobile")]
    Mobile,
    /// `email`
    #[serde(rename = "email")]
    Email,
}

impl RevokeIdentifierKind {
    /// The wire name (`id`, `mobile`, `email`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Mobile => "mobile",
            Self::Email => "email",
        }
    }
}

impl fmt::Display for RevokeIdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RevokeIdentifierKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "id" => Ok(Self::Id),
            "mobile" => Ok(Self::Mobile),
            "email" => Ok(Self::Email),
            other => Err(ParseError::new(
                "identifier name",
                other,
                "id, mobile or email",
            )),
        }
    }
}

/// One customer, named by an identifier kind and its value.
///
/// ```
/// use capillary_sdk::{CustomerId, CustomerRef, IdentifierKind};
///
/// let by_mobile = CustomerRef::mobile("18767431754");
/// assert_eq!(by_mobile.kind, IdentifierKind::Mobile);
/// let by_id = CustomerRef::id(CustomerId(345651201));
/// assert_eq!((by_id.kind.as_str(), by_id.value.as_str()), ("id", "345651201"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerRef {
    /// Which identifier `value` is.
    pub kind: IdentifierKind,
    /// The identifier's value (must not be empty).
    pub value: String,
}

impl CustomerRef {
    /// A customer named by any identifier kind.
    pub fn new(kind: IdentifierKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }
    /// A customer named by mobile number, e.g. `"18767431754"`.
    pub fn mobile(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::Mobile, value)
    }
    /// A customer named by email address.
    pub fn email(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::Email, value)
    }
    /// A customer named by the brand's external id.
    pub fn external_id(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::ExternalId, value)
    }
    /// A customer named by Capillary customer id.
    pub fn id(id: CustomerId) -> Self {
        Self::new(IdentifierKind::Id, id.0.to_string())
    }
}
