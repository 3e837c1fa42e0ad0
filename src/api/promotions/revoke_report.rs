//! What a bulk revoke did: the answer decoded and paired with the customers sent.

use serde::{Deserialize, Serialize, Serializer};

use super::bulk_report::BulkReport;
use super::issue::nullable_vec;
use super::pairing::{pair, NamesCustomer, SentCustomer};
use super::revoke_input::RevokeCustomer;
use crate::error::Error;
use crate::model::{
    ApiMessage, CustomerId, EarnId, IssualId, ProgramId, PromotionId, RevokeIdentifierKind,
};
use crate::response::RawResponse;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevokeResultWire {
    #[serde(default)]
    entity_type: Option<String>,
    #[serde(default)]
    entity_id: Option<CustomerId>,
    #[serde(default)]
    promotion_id: Option<PromotionId>,
    #[serde(default)]
    promo_identifier: Option<String>,
    #[serde(default)]
    program_id: Option<ProgramId>,
    // The page's table says revokedIssualId; its REVOKE_ENROL example says issualId.
    #[serde(default)]
    revoked_issual_id: Option<IssualId>,
    #[serde(default)]
    issual_id: Option<IssualId>,
    #[serde(default, deserialize_with = "nullable_vec")]
    revoked_earn_ids: Vec<EarnId>,
}

impl SentCustomer for RevokeCustomer {
    fn identifier_value(&self) -> &str {
        &self.identifier_value
    }
}

impl NamesCustomer for RevokeResultWire {
    fn entity_id(&self) -> Option<CustomerId> {
        self.entity_id
    }
}

/// Decodes a bulk revoke answer and pairs it with the customers sent, by position; see
/// [`pair`] for what is refused whole and what cannot be paired.
pub(crate) fn decode_revoke(
    customers: &[RevokeCustomer],
    identifier_name: RevokeIdentifierKind,
    response: &RawResponse,
) -> Result<RevokeReport, Error> {
    let by_id = identifier_name == RevokeIdentifierKind::Id;
    pair(customers, by_id, response, |customer, result, warnings| {
        RevokeItem {
            customer: customer.clone(),
            result: result.map(|r: RevokeResultWire| Revoked {
                entity_type: r.entity_type,
                customer_id: r.entity_id,
                program_id: r.program_id,
                promotion_id: r.promotion_id,
                promo_identifier: r.promo_identifier,
                revoked_issual_id: r.revoked_issual_id.or(r.issual_id),
                revoked_earn_ids: r.revoked_earn_ids,
            }),
            warnings,
        }
    })
}

/// What a bulk revoke did, one item per customer sent, in the order sent; serialised with the
/// API's names (see [`BulkReport`]).
///
/// ```
/// # fn show(report: capillary_sdk::RevokeReport) {
/// use capillary_sdk::{ApiMessages, ErrorCode};
/// for (customer, result) in report.iter() {
///     match result {
///         Ok(revoked) => println!("{}: earns {:?}", customer.identifier_value, revoked.revoked_earn_ids),
///         Err(errors) if errors.has_code(ErrorCode::CustomerNotFound) => println!("no such customer"),
///         Err(errors) => println!("{}: {errors:?}", customer.identifier_value),
///     }
/// }
/// # }
/// ```
pub type RevokeReport = BulkReport<RevokeItem>;

impl BulkReport<RevokeItem> {
    /// The customers and their results, in request order.
    pub fn iter(
        &self,
    ) -> impl Iterator<Item = (&RevokeCustomer, &Result<Revoked, Vec<ApiMessage>>)> {
        self.items.iter().map(|i| (&i.customer, &i.result))
    }

    /// How many customers were revoked.
    pub fn revoked(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_ok()).count()
    }

    /// How many customers the server refused (their errors).
    pub fn refused(&self) -> usize {
        self.items.len() - self.revoked()
    }

    /// How many customers the server refused, under its 0.1 name.
    #[deprecated(since = "0.2.0", note = "renamed refused(): the server refused them")]
    pub fn failed(&self) -> usize {
        self.refused()
    }
}

/// One customer's result in a [`RevokeReport`].
///
/// Serialised as the customer sent (`identifierValue`, `source`, `earnIds`), a `status` of
/// `revoked` or `refused`, what was revoked (the API's names) or `errors`, and `warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeItem {
    /// The customer as sent.
    pub customer: RevokeCustomer,
    /// What was revoked, or the server's errors for this customer.
    pub result: Result<Revoked, Vec<ApiMessage>>,
    /// Warnings for this customer.
    pub warnings: Vec<ApiMessage>,
}

/// What was revoked for one customer; serialised with the API's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revoked {
    /// `entityType` (`CUSTOMER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// `entityId`: the customer id.
    #[serde(rename = "entityId", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// `programId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_id: Option<ProgramId>,
    /// `promotionId`, when the promotion has no external identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<PromotionId>,
    /// `promoIdentifier`, when the promotion has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo_identifier: Option<String>,
    /// The revoked enrolment (REVOKE_ENROL), read from `revokedIssualId` or `issualId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_issual_id: Option<IssualId>,
    /// The revoked earns (REVOKE_EARN).
    pub revoked_earn_ids: Vec<EarnId>,
}

impl Serialize for RevokeItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Item<'a> {
            #[serde(flatten)]
            customer: &'a RevokeCustomer,
            status: &'static str,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            revoked: Option<&'a Revoked>,
            #[serde(skip_serializing_if = "Option::is_none")]
            errors: Option<&'a [ApiMessage]>,
            warnings: &'a [ApiMessage],
        }
        let (status, revoked, errors) = match &self.result {
            Ok(revoked) => ("revoked", Some(revoked), None),
            Err(errors) => ("refused", None, Some(errors.as_slice())),
        };
        Item {
            customer: &self.customer,
            status,
            revoked,
            errors,
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}
