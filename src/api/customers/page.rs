//! The lookup's answer: one page of a customer's promotions, how it is decoded, and the
//! questions it answers (is the customer enrolled, which earns are live).

use serde::{Deserialize, Serialize};

use super::promotion::{lenient, CustomerPromotion};
use crate::api::promotions::PromotionRef;
use crate::error::Error;
use crate::model::{
    deserialize_messages, lenient_u64, ApiMessage, CustomerId, EarnId, IssualId, ResponseMeta,
};
use crate::response::RawResponse;

/// `pageDetails`: where this page sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageDetails {
    /// `pageNumber`, from 0.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page_number: Option<u64>,
    /// `pageSize`
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page_size: Option<u64>,
    /// `totalEntries`: the customer's promotions matching the filters, on every page.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub total_entries: Option<u64>,
    /// `pageCount`
    #[serde(default, deserialize_with = "lenient_u64")]
    pub page_count: Option<u64>,
}

/// One page of a customer's promotions.
///
/// Serialised with the API's field names and `http` for the status and request id.
///
/// ```no_run
/// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
/// use capillary_sdk::{CustomerPromotionList as _, CustomerRef, ProgramId, PromotionId, PromotionRef, Source};
///
/// let page = client
///     .customers()
///     .promotions(CustomerRef::mobile("000003873354"), Source::Instore)
///     .programs([ProgramId(1085)])
///     .send()
///     .await?;
/// let promotion = PromotionRef::id(PromotionId(1119990));
/// if page.promotions.is_enrolled(&promotion) {
///     let promotions = &page.promotions;
///     println!("enrolment {:?}, earns {:?}", promotions.enrolment_id(&promotion), promotions.active_earn_ids(&promotion));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerPromotionsPage {
    /// `pageDetails` (all `None` when the server sent none).
    pub page_details: PageDetails,
    /// `customerId`
    pub customer_id: Option<CustomerId>,
    /// `promotions`
    pub promotions: Vec<CustomerPromotion>,
    /// `warnings`
    pub warnings: Vec<ApiMessage>,
    /// Status and request id.
    #[serde(rename = "http")]
    pub meta: ResponseMeta,
}

/// The questions a customer's promotions answer, asked of a page's
/// [`promotions`](CustomerPromotionsPage::promotions) or of every page's
/// ([`CustomerPromotions::promotions`](super::CustomerPromotions::promotions)).
///
/// The id mapping they rely on (the enrolment's `enrollmentId` is the bulk ENROL's
/// `issualId`; `issuedDetails[].issualId` is the bulk EARN's `earnedId` and what bulk
/// revoke's `earnIds` name) is how Capillary's examples read; Capillary does not state it.
///
/// ```
/// use capillary_sdk::{CustomerPromotion, CustomerPromotionList, EarnId, IssualId, PromotionId, PromotionRef};
///
/// let promotions: Vec<CustomerPromotion> = serde_json::from_str(
///     r#"[{"promotionId": 1119990, "customerPromotionTimelines": [
///         {"enrollmentId": 1580, "issuedDetails": [{"issualId": 1583}]}]}]"#,
/// ).unwrap();
/// let promotion = PromotionRef::id(PromotionId(1119990));
/// assert!(promotions.is_enrolled(&promotion));
/// assert_eq!(promotions.enrolment_id(&promotion), Some(IssualId(1580)));
/// assert_eq!(promotions.active_earn_ids(&promotion), [EarnId(1583)]);
/// ```
pub trait CustomerPromotionList {
    /// The promotion, by id or by external identifier (`identifier`), if listed.
    fn promotion(&self, promotion: &PromotionRef) -> Option<&CustomerPromotion>;

    /// Whether the customer has a live enrolment in the promotion; see
    /// [`CustomerPromotion::is_enrolled`]. `false` also when it is not listed.
    fn is_enrolled(&self, promotion: &PromotionRef) -> bool {
        self.promotion(promotion)
            .is_some_and(CustomerPromotion::is_enrolled)
    }

    /// The customer's enrolment in the promotion; see [`CustomerPromotion::enrolment_id`].
    fn enrolment_id(&self, promotion: &PromotionRef) -> Option<IssualId> {
        self.promotion(promotion)
            .and_then(CustomerPromotion::enrolment_id)
    }

    /// The customer's earns of the promotion; see [`CustomerPromotion::active_earn_ids`].
    fn active_earn_ids(&self, promotion: &PromotionRef) -> Vec<EarnId> {
        self.promotion(promotion)
            .map(CustomerPromotion::active_earn_ids)
            .unwrap_or_default()
    }
}

impl CustomerPromotionList for [CustomerPromotion] {
    fn promotion(&self, promotion: &PromotionRef) -> Option<&CustomerPromotion> {
        self.iter().find(|p| match promotion {
            PromotionRef::Id(id) => p.promotion_id == *id,
            PromotionRef::Identifier(s) => p.identifier.as_deref() == Some(s.as_str()),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LookupEnvelope {
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "lenient")]
    page_details: Option<PageDetails>,
    #[serde(default, deserialize_with = "lenient")]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    promotions: Option<Vec<CustomerPromotion>>,
}

/// Decodes an answer the engine hands over (a success or a refusal). Errors in the body win
/// whatever the status (the reference does not state the status of its errors); a success
/// must carry a `promotions` list, since an answer without one says nothing about the
/// customer and must not read as "no promotions".
pub(super) fn decode_page(response: &RawResponse) -> Result<CustomerPromotionsPage, Error> {
    let envelope: LookupEnvelope = response.json()?;
    let promotions = match (envelope.errors.is_empty(), envelope.promotions) {
        (false, _) => {
            return Err(Error::Api {
                meta: response.meta.clone(),
                errors: envelope.errors,
                warnings: envelope.warnings,
            })
        }
        (true, _) if !response.meta.status.is_success() => {
            return Err(response.unexpected("an error status without errors in the body"))
        }
        (true, None) => {
            return Err(response.unexpected("no `promotions` list in the lookup's answer"))
        }
        (true, Some(promotions)) => promotions,
    };
    Ok(CustomerPromotionsPage {
        page_details: envelope.page_details.unwrap_or_default(),
        customer_id: envelope.customer_id,
        promotions,
        warnings: envelope.warnings,
        meta: response.meta.clone(),
    })
}
