//! What a bulk enrol & earn did: the answer decoded and paired with the customers sent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::bulk_report::BulkReport;
use super::enrol_input::{EnrolAction, EnrolCustomer};
use super::pairing::{pair, NamesCustomer, SentCustomer};
use crate::error::Error;
use crate::model::{
    ApiMessage, ApiMessages, CustomerId, EarnId, ErrorCode, IssualId, ProgramId, PromotionId,
    RevokeIdentifierKind,
};
use crate::response::RawResponse;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnrolResultWire {
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
    #[serde(default, deserialize_with = "id_or_placeholder")]
    issual_id: Option<IssualId>,
    #[serde(default)]
    earned_id: Option<EarnId>,
}

impl SentCustomer for EnrolCustomer {
    fn identifier_value(&self) -> &str {
        &self.identifier_value
    }
}

impl NamesCustomer for EnrolResultWire {
    fn entity_id(&self) -> Option<CustomerId> {
        self.entity_id
    }
}

/// An issual id (a number, or digits in a string), or `None` for anything else: after an
/// `EARN` on a Direct Issue promotion the server puts a placeholder there, not an id. Zero is
/// no id Capillary hands out, so `0` (or `"0"`) is read as that placeholder too.
fn id_or_placeholder<'de, D: Deserializer<'de>>(d: D) -> Result<Option<IssualId>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    let id = match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    Ok(id.filter(|&id| id != 0).map(IssualId))
}

/// Decodes a bulk enrol & earn answer and pairs it with the customers sent, by position,
/// with the same checks as a bulk revoke (entity ids, count mismatch, request-level codes).
pub(crate) fn decode_enrol(
    customers: &[EnrolCustomer],
    action: EnrolAction,
    identifier_name: RevokeIdentifierKind,
    response: &RawResponse,
) -> Result<EnrolReport, Error> {
    let by_id = identifier_name == RevokeIdentifierKind::Id;
    pair(customers, by_id, response, |customer, result, warnings| {
        let result = result.map(|r: EnrolResultWire| {
            let enrolment = Enrolment {
                entity_type: r.entity_type,
                customer_id: r.entity_id,
                program_id: r.program_id,
                promotion_id: r.promotion_id,
                promo_identifier: r.promo_identifier,
                issual_id: r.issual_id,
                earned_id: r.earned_id,
            };
            // Warning 8890 with a result: nothing was created, as on the issue endpoint.
            match (warnings.has_code(ErrorCode::PromotionNotIssued), action) {
                (false, _) => Enrolled::Created(enrolment),
                (true, EnrolAction::Enrol) => Enrolled::AlreadyEnrolled(enrolment),
                (true, EnrolAction::Earn) => Enrolled::NotEarned(enrolment),
            }
        });
        EnrolItem {
            customer: customer.clone(),
            result,
            warnings,
        }
    })
}

/// What a bulk enrol & earn did, one item per customer sent, in the order sent; serialised
/// with the API's names (see [`BulkReport`]).
///
/// ```
/// # fn show(report: capillary_sdk::EnrolReport) {
/// use capillary_sdk::Enrolled;
/// for item in &report.items {
///     match &item.result {
///         Ok(Enrolled::Created(e)) => println!("{}: issual {:?}, earn {:?}", item.customer.identifier_value, e.issual_id, e.earned_id),
///         Ok(Enrolled::AlreadyEnrolled(_)) => println!("{}: already enrolled", item.customer.identifier_value),
///         Ok(Enrolled::NotEarned(_)) => println!("{}: nothing earned: {:?}", item.customer.identifier_value, item.warnings),
///         Err(errors) => println!("{}: {errors:?}", item.customer.identifier_value),
///     }
/// }
/// # }
/// ```
pub type EnrolReport = BulkReport<EnrolItem>;

impl BulkReport<EnrolItem> {
    /// How many customers got what was asked: a new enrolment (`ENROL`) or a new earn
    /// (`EARN`).
    pub fn created(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.result, Ok(Enrolled::Created(_))))
            .count()
    }

    /// How many customers the server refused (their errors).
    pub fn refused(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_err()).count()
    }
}

/// One customer's result in an [`EnrolReport`].
///
/// Serialised as the customer sent (`identifierValue`, `source`), a `status` (`created`,
/// `already_enrolled`, `not_earned` or `refused`), the result with the API's names or
/// `errors`, and `warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolItem {
    /// The customer as sent.
    pub customer: EnrolCustomer,
    /// What the server did, or its errors for this customer.
    pub result: Result<Enrolled, Vec<ApiMessage>>,
    /// Warnings for this customer (8890 for an already enrolled customer).
    pub warnings: Vec<ApiMessage>,
}

/// What the server did for one customer it answered with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enrolled {
    /// `ENROL` created the enrolment, or `EARN` created the earn.
    Created(Enrolment),
    /// `ENROL` of a customer already enrolled: nothing was created (warning 8890, as
    /// `/v2/promotion/issue` answers a second issue). Not a failure: sending it again
    /// changes nothing.
    AlreadyEnrolled(Enrolment),
    /// `EARN` answered with warning 8890: nothing was earned (the promotion's limits or
    /// configuration). Not a failure of the request; sending it again earns nothing more
    /// until the cause changes.
    NotEarned(Enrolment),
}

impl Enrolled {
    /// The result the server gave, whatever the case.
    pub fn enrolment(&self) -> &Enrolment {
        match self {
            Self::Created(e) | Self::AlreadyEnrolled(e) | Self::NotEarned(e) => e,
        }
    }

    fn status(&self) -> &'static str {
        match self {
            Self::Created(_) => "created",
            Self::AlreadyEnrolled(_) => "already_enrolled",
            Self::NotEarned(_) => "not_earned",
        }
    }
}

/// The result of one customer's enrol or earn; serialised with the API's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolment {
    /// `entityType` (`CUSTOMER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// `entityId`: the customer id.
    #[serde(rename = "entityId", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// `programId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_id: Option<ProgramId>,
    /// `promotionId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<PromotionId>,
    /// `promoIdentifier`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo_identifier: Option<String>,
    /// `issualId`: the enrolment's id (sent as a string, read from a string or a number).
    /// `None` when absent or a placeholder, as after an `EARN` on a Direct Issue promotion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issual_id: Option<IssualId>,
    /// `earnedId`: the earn's id, after `EARN` (read from a string or a number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earned_id: Option<EarnId>,
}

impl Serialize for EnrolItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Item<'a> {
            #[serde(flatten)]
            customer: &'a EnrolCustomer,
            status: &'static str,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            result: Option<&'a Enrolment>,
            #[serde(skip_serializing_if = "Option::is_none")]
            errors: Option<&'a [ApiMessage]>,
            warnings: &'a [ApiMessage],
        }
        let (status, result, errors) = match &self.result {
            Ok(done) => (done.status(), Some(done.enrolment()), None),
            Err(errors) => ("refused", None, Some(errors.as_slice())),
        };
        Item {
            customer: &self.customer,
            status,
            result,
            errors,
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}
