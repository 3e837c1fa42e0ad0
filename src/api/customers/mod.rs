//! Customers: the promotion lookup (`GET /v2/customers/lookup/promotionData`, and
//! `/v2.1/...` in connected orgs), the read that says whether an enrol, earn or revoke
//! happened. One file per concept: the request, its filters, the page, one promotion, and
//! the paging over every page.

mod filters;
mod lookup;
mod page;
mod pages;
mod promotion;

use crate::engine::Engine;
use crate::model::{LookupCustomer, Source};

pub use self::filters::{CustomerPromotionStatus, PromotionSourceType, PromotionType};
pub use self::lookup::{CustomerPromotionsRequest, MAX_LOOKUP_LIMIT};
pub use self::page::{CustomerPromotionList, CustomerPromotionsPage, PageDetails};
pub use self::pages::{CustomerPromotions, MAX_LOOKUP_PAGES};
pub use self::promotion::{
    CustomerPromotion, CustomerUsage, IssuedDetail, PointsOfferType, PromotionLimits,
    PromotionMetadata, PromotionRestrictions, PromotionTimeline, Restriction,
};

/// The customer calls; get one from [`Client::customers`](crate::Client::customers).
#[derive(Debug, Clone)]
pub struct Customers {
    engine: Engine,
}

impl Customers {
    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine }
    }

    /// Looks up a customer's loyalty promotions, with each one's enrolment and issue
    /// timeline (`GET /v2/customers/lookup/promotionData`). The customer is any
    /// [`LookupCustomer`] (a [`CustomerRef`](crate::CustomerRef) converts); `source` is where
    /// they registered.
    ///
    /// A lookup is a read: a timeout, a lost answer or a 5xx can be sent again without
    /// changing anything. It is how to settle an enrol, earn or revoke whose outcome is
    /// unknown ([`Error::maybe_applied`](crate::Error::maybe_applied)).
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerPromotionList as _, LookupCustomer, PromotionId, PromotionRef, Source};
    ///
    /// let page = client
    ///     .customers()
    ///     .promotions(LookupCustomer::cuid("c-42"), Source::Instore)
    ///     .limit(20)
    ///     .send()
    ///     .await?;
    /// let earns = page.promotions.active_earn_ids(&PromotionRef::id(PromotionId(1119990)));
    /// println!("{} promotions, live earns {earns:?}", page.promotions.len());
    /// # Ok(()) }
    /// ```
    pub fn promotions(
        &self,
        customer: impl Into<LookupCustomer>,
        source: Source,
    ) -> CustomerPromotionsRequest {
        CustomerPromotionsRequest::new(self.engine.clone(), customer.into(), source)
    }
}
