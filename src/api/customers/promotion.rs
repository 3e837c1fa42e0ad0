//! One promotion as the lookup lists it for a customer, with its enrolment and issue
//! timeline. Every field is read leniently (numbers or strings, `null` or absent) except the
//! ids the SDK answers questions with.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::model::{lenient_u64, Amount, EarnId, IssualId, ProgramId, PromotionId};

/// One of a customer's promotions (`promotions[]`).
///
/// Serialised with the API's field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerPromotion {
    /// `promotionId`
    pub promotion_id: PromotionId,
    /// `promotionName`
    #[serde(default, deserialize_with = "lenient_text")]
    pub promotion_name: Option<String>,
    /// `programId`
    #[serde(default, deserialize_with = "lenient")]
    pub program_id: Option<ProgramId>,
    /// `startDate`, as sent (`YYYY-MM-DDTHH:MM:SS.000Z`).
    #[serde(default, deserialize_with = "lenient_text")]
    pub start_date: Option<String>,
    /// `endDate`, as sent.
    #[serde(default, deserialize_with = "lenient_text")]
    pub end_date: Option<String>,
    /// `identifier`: the promotion's external identifier (`promoIdentifier` elsewhere).
    #[serde(default, deserialize_with = "lenient_text")]
    pub identifier: Option<String>,
    /// `description`
    #[serde(default, deserialize_with = "lenient_text")]
    pub description: Option<String>,
    /// `active`
    #[serde(default, deserialize_with = "lenient_bool")]
    pub active: Option<bool>,
    /// `eventName` (`TransactionAdd`, `TargetCompleted`, `GenericEvent`, ...).
    #[serde(default, deserialize_with = "lenient_text")]
    pub event_name: Option<String>,
    /// `promotionMetadata`
    #[serde(default, deserialize_with = "lenient_list")]
    pub promotion_metadata: Vec<PromotionMetadata>,
    /// `limits`
    #[serde(default, deserialize_with = "lenient")]
    pub limits: Option<PromotionLimits>,
    /// `customerUsage`
    #[serde(default, deserialize_with = "lenient")]
    pub customer_usage: Option<CustomerUsage>,
    /// `pointsOfferType`
    #[serde(default, deserialize_with = "lenient")]
    pub points_offer_type: Option<PointsOfferType>,
    /// `promotionRestriction`
    #[serde(default, deserialize_with = "lenient")]
    pub promotion_restriction: Option<PromotionRestrictions>,
    /// `customerPromotionTimelines`: one per enrolment; empty when the customer never
    /// enrolled (or every enrolment was revoked).
    #[serde(
        default,
        rename = "customerPromotionTimelines",
        deserialize_with = "nullable_list"
    )]
    pub timelines: Vec<PromotionTimeline>,
}

/// One enrolment of the customer and what was issued (earned) under it
/// (`customerPromotionTimelines[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromotionTimeline {
    /// `enrollmentDate`
    #[serde(default, deserialize_with = "lenient_text")]
    pub enrollment_date: Option<String>,
    /// `enrollmentExpiryDate`
    #[serde(default, deserialize_with = "lenient_text")]
    pub enrollment_expiry_date: Option<String>,
    /// `enrollmentId`: the enrolment; in Capillary's examples it is what the bulk ENROL
    /// returns as `issualId` (Capillary does not state it).
    #[serde(default)]
    pub enrollment_id: Option<IssualId>,
    /// `enrollEventLogId`
    #[serde(default, deserialize_with = "lenient_u64")]
    pub enroll_event_log_id: Option<u64>,
    /// `issuedDetails`: the earns under this enrolment.
    #[serde(default, deserialize_with = "nullable_list")]
    pub issued_details: Vec<IssuedDetail>,
}

/// One earn (`issuedDetails[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuedDetail {
    /// `issualId`: despite the name, an earn; in Capillary's examples it is what the bulk
    /// EARN returns as `earnedId` and what bulk revoke's `earnIds` name (Capillary does not
    /// state it).
    #[serde(default, rename = "issualId")]
    pub earn_id: Option<EarnId>,
    /// `issualDate`
    #[serde(default, deserialize_with = "lenient_text")]
    pub issual_date: Option<String>,
    /// `issualExpiryDate`
    #[serde(default, deserialize_with = "lenient_text")]
    pub issual_expiry_date: Option<String>,
    /// `issualEventLogId`
    #[serde(default, deserialize_with = "lenient_u64")]
    pub issual_event_log_id: Option<u64>,
    /// `redeemedCount`
    #[serde(default, deserialize_with = "lenient_u64")]
    pub redeemed_count: Option<u64>,
}

/// `promotionMetadata[]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromotionMetadata {
    /// `key`
    #[serde(default, deserialize_with = "lenient_text")]
    pub key: Option<String>,
    /// `value`
    #[serde(default, deserialize_with = "lenient_text")]
    pub value: Option<String>,
    /// `brandDefined`
    #[serde(default, deserialize_with = "lenient_bool")]
    pub brand_defined: Option<bool>,
}

/// `limits`: the promotion's configured limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromotionLimits {
    /// `maxPointsPerEvent`
    #[serde(default, deserialize_with = "lenient")]
    pub max_points_per_event: Option<Amount>,
    /// `pointsPerCustomer`
    #[serde(default, deserialize_with = "lenient")]
    pub points_per_customer: Option<Amount>,
    /// `numberOFTimesPerCustomer` (the capital "OF" is the API's).
    #[serde(
        default,
        rename = "numberOFTimesPerCustomer",
        deserialize_with = "lenient"
    )]
    pub number_of_times_per_customer: Option<Amount>,
    /// `totalPointsInPromotion`
    #[serde(default, deserialize_with = "lenient")]
    pub total_points_in_promotion: Option<Amount>,
}

/// `customerUsage`: how much of the limits the customer used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerUsage {
    /// `currentPointsPerCustomer`
    #[serde(default, deserialize_with = "lenient")]
    pub current_points_per_customer: Option<Amount>,
    /// `currentNumberOfTimesPerCustomer`
    #[serde(default, deserialize_with = "lenient")]
    pub current_number_of_times_per_customer: Option<Amount>,
    /// `currentTotalPointsInPromotion`
    #[serde(default, deserialize_with = "lenient")]
    pub current_total_points_in_promotion: Option<Amount>,
}

/// `promotionRestriction`: issual, earn and redemption restrictions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromotionRestrictions {
    /// `issualRestrictions`
    #[serde(default, deserialize_with = "lenient_list")]
    pub issual_restrictions: Vec<Restriction>,
    /// `earnRestrictions`
    #[serde(default, deserialize_with = "lenient_list")]
    pub earn_restrictions: Vec<Restriction>,
    /// `redemptionRestrictions`
    #[serde(default, deserialize_with = "lenient_list")]
    pub redemption_restrictions: Vec<Restriction>,
}

/// One restriction: a KPI, its limit (`-1`: disabled, listed with `fetchAllUsage`) and the
/// customer's usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Restriction {
    /// `kpi`, e.g. `NUMBER_OF_ISSUALS`, kept as sent.
    #[serde(default, deserialize_with = "lenient_text")]
    pub kpi: Option<String>,
    /// `maxLimit`
    #[serde(default, deserialize_with = "lenient")]
    pub max_limit: Option<Amount>,
    /// `currentCustomerUsage`
    #[serde(default, deserialize_with = "lenient")]
    pub current_customer_usage: Option<Amount>,
    /// `limitOn`, e.g. `CUSTOMER`.
    #[serde(default, deserialize_with = "lenient_text")]
    pub limit_on: Option<String>,
    /// `type`, e.g. `NON_PERIOD_BASED`.
    #[serde(default, rename = "type", deserialize_with = "lenient_text")]
    pub restriction_type: Option<String>,
    /// `periodType`
    #[serde(default, deserialize_with = "lenient_text")]
    pub period_type: Option<String>,
    /// `periodUnit`
    #[serde(default, deserialize_with = "lenient_text")]
    pub period_unit: Option<String>,
}

/// `pointsOfferType`; values this SDK does not know are kept in [`Other`](Self::Other).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PointsOfferType {
    /// `GENERIC`
    Generic,
    /// `LOYALTY`: Direct Issue.
    Loyalty,
    /// `LOYALTY_EARNING`: Enrol & Issue.
    LoyaltyEarning,
    /// A value this version of the SDK does not know, as sent.
    Other(String),
}

impl PointsOfferType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Generic => "GENERIC",
            Self::Loyalty => "LOYALTY",
            Self::LoyaltyEarning => "LOYALTY_EARNING",
            Self::Other(s) => s,
        }
    }

    /// Reads a wire name; never fails.
    pub fn parse(s: &str) -> Self {
        match s {
            "GENERIC" => Self::Generic,
            "LOYALTY" => Self::Loyalty,
            "LOYALTY_EARNING" => Self::LoyaltyEarning,
            other => Self::Other(other.to_string()),
        }
    }
}

impl Serialize for PointsOfferType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PointsOfferType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(deserializer)?))
    }
}

impl CustomerPromotion {
    /// Whether the customer has a live enrolment in it: a timeline with an enrolment id.
    /// The lookup drops revoked enrolments from the timelines.
    pub fn is_enrolled(&self) -> bool {
        self.enrolment_id().is_some()
    }

    /// The id of the customer's latest enrolment (`enrollmentId`). In Capillary's examples
    /// it is the `issualId` the bulk ENROL (and `/v2/promotion/issue`) returned; Capillary
    /// does not state this mapping.
    pub fn enrolment_id(&self) -> Option<IssualId> {
        self.timelines.iter().rev().find_map(|t| t.enrollment_id)
    }

    /// The ids of the earns the lookup lists (`issuedDetails[].issualId`), in order: those
    /// the bulk revoke's `earnIds` can name. In Capillary's examples they are the `earnedId`s
    /// the bulk EARN returned; Capillary does not state this mapping. Expiry dates are not
    /// compared with any clock.
    pub fn active_earn_ids(&self) -> Vec<EarnId> {
        self.timelines
            .iter()
            .flat_map(|t| &t.issued_details)
            .filter_map(|d| d.earn_id)
            .collect()
    }
}

/// Any value, or `None` when it is `null`, absent or not of the expected shape.
pub(super) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// Text, from a string or any other scalar (a number becomes its digits).
fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A boolean, from `true`/`false` or their text.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list whose entries inform only: entries of the wrong shape are dropped.
fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A list the SDK answers questions with: `null` is empty, but an entry that cannot be read
/// fails the answer rather than vanishing (a lost enrolment would read "not enrolled").
pub(super) fn nullable_list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}
