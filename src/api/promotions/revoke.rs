//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: revoke enrolments or earns of up to 100
//! customers, and the check every customer passes before it is sent.

use crate::model::ParseError;
use serde::Serialize;

use super::revoke_report::{decode_revoke, RevokeReport};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint, Engine};
use crate::error::Error;
use crate::model::{EarnId, EntityType, ProgramId, PromotionId, RevokeIdentifierKind, Source};
use crate::response::RawResponse;

/// The most customers one bulk revoke request may carry.
pub const MAX_REVOKE_CUSTOMERS: usize = 100;

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

/// The promotion a revoke applies to: by id or by external identifier, never both.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PromotionRef {
    /// `promotionId`
    Id(PromotionId),
    /// `promoIdentifier`
    Identifier(String),
}

impl PromotionRef {
    /// By promotion id.
    pub fn id(id: PromotionId) -> Self {
        Self::Id(id)
    }
    /// By the promotion's external identifier (`promoIdentifier`).
    pub fn identifier(identifier: impl Into<String>) -> Self {
        Self::Identifier(identifier.into())
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

    /// Revokes only these earns (REVOKE_EARN); without it, all earns are revoked.
    pub fn earn_ids(mut self, earn_ids: impl IntoIterator<Item = EarnId>) -> Self {
        self.earn_ids = Some(earn_ids.into_iter().collect());
        self
    }
}

/// A `POST /v2/promotion/bulk/revokeEnrolAndEarn` call; see
/// [`Promotions::revoke`](super::Promotions::revoke).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RevokeRequest {
    pub(super) options: CallOptions,
    pub(super) action: RevokeAction,
    pub(super) program: ProgramId,
    pub(super) promotion: PromotionRef,
    pub(super) identifier_name: RevokeIdentifierKind,
    pub(super) customers: Vec<RevokeCustomer>,
}

impl RevokeRequest {
    pub(crate) fn new(
        engine: Engine,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
    ) -> Self {
        Self {
            options: CallOptions::new(engine),
            action,
            program,
            promotion,
            identifier_name,
            customers: Vec::new(),
        }
    }

    /// Adds one customer.
    pub fn customer(mut self, customer: RevokeCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds customers.
    pub fn customers(mut self, customers: impl IntoIterator<Item = RevokeCustomer>) -> Self {
        self.customers.extend(customers);
        self
    }

    request_methods!(RevokeReport);
}

/// Checks one customer of a revoke; shared with the streaming helper so that a bad row is
/// refused with its position before any request goes out.
pub(crate) fn validate_revoke_customer(
    action: RevokeAction,
    identifier_name: RevokeIdentifierKind,
    customer: &RevokeCustomer,
) -> Result<(), String> {
    let value = customer.identifier_value.trim();
    if value.is_empty() {
        return Err("identifierValue must not be empty".into());
    }
    if identifier_name == RevokeIdentifierKind::Id && !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "identifierValue {value:?} is not a customer id (identifierName is id)"
        ));
    }
    if let Some(Source::Other(s)) = &customer.source {
        if s.trim().is_empty() {
            return Err("source must not be empty when given".into());
        }
    }
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RevokeBody<'a> {
    #[serde(rename = "type")]
    entity_type: EntityType,
    bulk_action: RevokeAction,
    promotion_details: PromotionDetails<'a>,
    identifier_name: RevokeIdentifierKind,
    customers: &'a [RevokeCustomer],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PromotionDetails<'a> {
    program_id: ProgramId,
    #[serde(skip_serializing_if = "Option::is_none")]
    promotion_id: Option<PromotionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    promo_identifier: Option<&'a str>,
}

impl Endpoint for RevokeRequest {
    type Output = RevokeReport;
    const OPERATION: &'static str = "promotions.revoke";
    const PATH_TEMPLATE: &'static str = "/v2/promotion/bulk/revokeEnrolAndEarn";

    fn validate(&self) -> Result<(), Error> {
        if let PromotionRef::Identifier(s) = &self.promotion {
            if s.trim().is_empty() {
                return Err(Error::invalid(
                    "promotionDetails.promoIdentifier",
                    "must not be empty",
                ));
            }
        }
        if self.customers.is_empty() {
            return Err(Error::invalid(
                "customers",
                "at least one customer is required",
            ));
        }
        if self.customers.len() > MAX_REVOKE_CUSTOMERS {
            return Err(Error::invalid(
                "customers",
                format!(
                    "{} customers in one request; the limit is {MAX_REVOKE_CUSTOMERS} (use revoke_all to chunk)",
                    self.customers.len()
                ),
            ));
        }
        for (i, customer) in self.customers.iter().enumerate() {
            validate_revoke_customer(self.action, self.identifier_name, customer)
                .map_err(|reason| Error::invalid("customers", format!("customer {i}: {reason}")))?;
        }
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        let (promotion_id, promo_identifier) = match &self.promotion {
            PromotionRef::Id(id) => (Some(*id), None),
            PromotionRef::Identifier(s) => (None, Some(s.as_str())),
        };
        ApiRequest::post_json(
            "/v2/promotion/bulk/revokeEnrolAndEarn".into(),
            &RevokeBody {
                entity_type: EntityType::Customer,
                bulk_action: self.action,
                promotion_details: PromotionDetails {
                    program_id: self.program,
                    promotion_id,
                    promo_identifier,
                },
                identifier_name: self.identifier_name,
                customers: &self.customers,
            },
        )
    }

    fn decode(&self, response: &RawResponse) -> Result<RevokeReport, Error> {
        decode_revoke(&self.customers, self.identifier_name, response)
    }

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}
