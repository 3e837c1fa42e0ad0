//! How the customer promotion lookup names a customer: five identifier kinds (`cuid` is
//! the lookup's own), and the data scope it accepts in connected orgs.

use std::fmt;

use super::customer::{CustomerRef, IdentifierKind};
use super::ids::CustomerId;
use super::parse_error::ParseError;
use super::source::DataScope;

/// The identifier kinds the lookup accepts (`identifierName`): those of
/// `/v2/promotion/issue` and `cuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupIdentifierKind {
    /// `mobile`
    Mobile,
    /// `email`
    Email,
    /// `externalId`
    ExternalId,
    /// `id` (the Capillary customer id)
    Id,
    /// `cuid`
    Cuid,
}

impl LookupIdentifierKind {
    /// The wire name (`mobile`, `email`, `externalId`, `id`, `cuid`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::Email => "email",
            Self::ExternalId => "externalId",
            Self::Id => "id",
            Self::Cuid => "cuid",
        }
    }
}

impl fmt::Display for LookupIdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LookupIdentifierKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "mobile" => Ok(Self::Mobile),
            "email" => Ok(Self::Email),
            "externalId" => Ok(Self::ExternalId),
            "id" => Ok(Self::Id),
            "cuid" => Ok(Self::Cuid),
            other => Err(ParseError::new(
                "identifier name",
                other,
                "mobile, email, externalId, id or cuid",
            )),
        }
    }
}

impl From<IdentifierKind> for LookupIdentifierKind {
    fn from(kind: IdentifierKind) -> Self {
        match kind {
            IdentifierKind::Email => Self::Email,
            IdentifierKind::Mobile => Self::Mobile,
            IdentifierKind::ExternalId => Self::ExternalId,
            IdentifierKind::Id => Self::Id,
        }
    }
}

/// The customer a lookup is about: an identifier kind and its value, kept as a string (the
/// reference calls it an integer, yet its example is `"000003873354"`: leading zeros count).
///
/// A [`CustomerRef`] converts into one, so the customer of an issue is looked up as given.
///
/// ```
/// use capillary_sdk::{CustomerRef, LookupCustomer, LookupIdentifierKind};
///
/// let by_cuid = LookupCustomer::cuid("c-42");
/// assert_eq!(by_cuid.kind, LookupIdentifierKind::Cuid);
/// let from_issue: LookupCustomer = CustomerRef::mobile("000003873354").into();
/// assert_eq!((from_issue.kind.as_str(), from_issue.value.as_str()), ("mobile", "000003873354"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LookupCustomer {
    /// Which identifier `value` is.
    pub kind: LookupIdentifierKind,
    /// The identifier's value (must not be empty).
    pub value: String,
}

impl LookupCustomer {
    /// A customer named by any identifier kind.
    pub fn new(kind: LookupIdentifierKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }
    /// By mobile number.
    pub fn mobile(value: impl Into<String>) -> Self {
        Self::new(LookupIdentifierKind::Mobile, value)
    }
    /// By email address.
    pub fn email(value: impl Into<String>) -> Self {
        Self::new(LookupIdentifierKind::Email, value)
    }
    /// By the brand's external id.
    pub fn external_id(value: impl Into<String>) -> Self {
        Self::new(LookupIdentifierKind::ExternalId, value)
    }
    /// By Capillary customer id.
    pub fn id(id: CustomerId) -> Self {
        Self::new(LookupIdentifierKind::Id, id.0.to_string())
    }
    /// By `cuid`.
    pub fn cuid(value: impl Into<String>) -> Self {
        Self::new(LookupIdentifierKind::Cuid, value)
    }
}

impl From<CustomerRef> for LookupCustomer {
    fn from(customer: CustomerRef) -> Self {
        Self::new(customer.kind.into(), customer.value)
    }
}

/// The `DATA-SCOPE` of a lookup in connected orgs (`/v2.1/customers/lookup/promotionData`).
///
/// Unlike the target calls, which refuse `ALL` (see [`DataScope`]), the lookup takes all
/// three, so every value of this type is one the lookup accepts. A [`DataScope`] converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupScope {
    /// `SELF`: the calling org's own data.
    SelfOrg,
    /// `OTHER`: the connected orgs named in `DATA-SCOPE-ORG`.
    Other,
    /// `ALL`: the calling org and its connected orgs.
    All,
}

impl LookupScope {
    /// The header value: `SELF`, `OTHER` or `ALL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfOrg => "SELF",
            Self::Other => "OTHER",
            Self::All => "ALL",
        }
    }
}

impl fmt::Display for LookupScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LookupScope {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.to_ascii_uppercase().as_str() {
            "SELF" => Ok(Self::SelfOrg),
            "OTHER" => Ok(Self::Other),
            "ALL" => Ok(Self::All),
            _ => Err(ParseError::new(
                "lookup data scope",
                s,
                "SELF, OTHER or ALL",
            )),
        }
    }
}

impl From<DataScope> for LookupScope {
    fn from(scope: DataScope) -> Self {
        match scope {
            DataScope::SelfOrg => Self::SelfOrg,
            DataScope::Other => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_scopes_parse_their_wire_names() {
        for kind in ["mobile", "email", "externalId", "id", "cuid"] {
            assert_eq!(kind.parse::<LookupIdentifierKind>().unwrap().as_str(), kind);
        }
        assert!("phone".parse::<LookupIdentifierKind>().is_err());
        assert_eq!("all".parse::<LookupScope>().unwrap(), LookupScope::All);
        assert_eq!(LookupScope::from(DataScope::Other), LookupScope::Other);
    }
}
