//! Every page of a lookup: `limit`/`offset` followed until the answer says it is done, and
//! never more than [`MAX_LOOKUP_PAGES`] requests, whatever the server claims.

use futures_util::stream::{self, BoxStream, StreamExt as _};
use serde::Serialize;

use super::lookup::{CustomerPromotionsRequest, MAX_LOOKUP_LIMIT};
use super::page::CustomerPromotionsPage;
use super::promotion::CustomerPromotion;
use crate::error::Error;
use crate::model::{ApiMessage, CustomerId, ResponseMeta};

/// The most pages [`CustomerPromotionsRequest::stream`] asks for (10,000 promotions at the
/// default page size). A server that keeps answering full pages past it ends the stream with
/// an error rather than a loop, so a partial list never passes for the whole one.
pub const MAX_LOOKUP_PAGES: u32 = 100;

/// Every promotion of a customer, from [`CustomerPromotionsRequest::all`]; ask its
/// [`promotions`](Self::promotions) through [`CustomerPromotionList`](super::CustomerPromotionList).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomerPromotions {
    /// `customerId`, as the first page that named it said.
    pub customer_id: Option<CustomerId>,
    /// Every page's promotions, in order.
    pub promotions: Vec<CustomerPromotion>,
    /// Every page's warnings.
    pub warnings: Vec<ApiMessage>,
    /// The last page's status and request id.
    #[serde(rename = "http")]
    pub meta: Option<ResponseMeta>,
}

struct Cursor {
    request: CustomerPromotionsRequest,
    page_size: u32,
    offset: u64,
    pages: u32,
    done: bool,
}

impl CustomerPromotionsRequest {
    /// Every promotion, page after page from [`offset`](Self::offset) (default 0), each page
    /// of [`limit`](Self::limit) promotions (default 100). Each page is one lookup, sent and
    /// retried like [`send`](Self::send).
    ///
    /// The stream ends after an empty page, once `totalEntries` promotions were listed, or,
    /// when the server gives no `totalEntries`, after a short page. An error ends it after
    /// being yielded, and so does reaching [`MAX_LOOKUP_PAGES`].
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerPromotionStatus, CustomerRef, Source};
    /// use futures_util::TryStreamExt as _;
    ///
    /// let mut promotions = client
    ///     .customers()
    ///     .promotions(CustomerRef::mobile("000003873354"), Source::Instore)
    ///     .status_for_customer(CustomerPromotionStatus::AvailableToEnrol)
    ///     .stream();
    /// while let Some(promotion) = promotions.try_next().await? {
    ///     println!("{} can enrol in {}", "000003873354", promotion.promotion_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<CustomerPromotion, Error>> {
        let page_size = self.limit.unwrap_or(MAX_LOOKUP_LIMIT);
        let offset = u64::from(self.offset.unwrap_or(0));
        let cursor = Cursor {
            request: self,
            page_size,
            offset,
            pages: 0,
            done: false,
        };
        stream::unfold(cursor, |mut cursor| async move {
            if cursor.done {
                return None;
            }
            let items = cursor.next_page().await;
            Some((stream::iter(items), cursor))
        })
        .flatten()
        .boxed()
    }

    /// Every promotion, collected (at most [`MAX_LOOKUP_PAGES`] pages); see
    /// [`stream`](Self::stream).
    pub async fn all(self) -> Result<CustomerPromotions, Error> {
        let mut all = CustomerPromotions {
            customer_id: None,
            promotions: Vec::new(),
            warnings: Vec::new(),
            meta: None,
        };
        let page_size = self.limit.unwrap_or(MAX_LOOKUP_LIMIT);
        let mut cursor = Cursor {
            offset: u64::from(self.offset.unwrap_or(0)),
            request: self,
            page_size,
            pages: 0,
            done: false,
        };
        while !cursor.done {
            let page = cursor.fetch().await?;
            all.customer_id = all.customer_id.or(page.customer_id);
            all.warnings.extend(page.warnings);
            all.meta = Some(page.meta);
            all.promotions.extend(page.promotions);
        }
        Ok(all)
    }
}

impl Cursor {
    async fn next_page(&mut self) -> Vec<Result<CustomerPromotion, Error>> {
        match self.fetch().await {
            Ok(page) => page.promotions.into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        }
    }

    /// The next page; marks the cursor done when it is the last, or on an error.
    async fn fetch(&mut self) -> Result<CustomerPromotionsPage, Error> {
        self.done = true;
        if self.page_size == 0 {
            return Err(Error::InvalidRequest {
                field: "limit",
                method: "CustomerPromotionsRequest::limit",
                reason: "a page size of 0 lists nothing: give 1 to 100 to read every page".into(),
            });
        }
        let offset = u32::try_from(self.offset).map_err(|_| offset_overflow(self.offset))?;
        let page = self
            .request
            .clone()
            .limit(self.page_size)
            .offset(offset)
            .send()
            .await?;
        self.pages += 1;
        let received = page.promotions.len() as u64;
        self.offset = self.offset.saturating_add(received);
        let last = received == 0
            || match page.page_details.total_entries {
                Some(total) => self.offset >= total,
                None => received < u64::from(self.page_size),
            };
        if last {
            return Ok(page);
        }
        if self.pages >= MAX_LOOKUP_PAGES {
            return Err(Error::UnexpectedResponse {
                meta: page.meta.clone(),
                content_type: None,
                snippet: String::new(),
                reason: format!(
                    "the lookup still had pages after {MAX_LOOKUP_PAGES} requests ({} promotions): \
                     the list is incomplete; narrow it with filters",
                    self.offset
                ),
                maybe_applied: false,
            });
        }
        self.done = false;
        Ok(page)
    }
}

fn offset_overflow(offset: u64) -> Error {
    Error::InvalidRequest {
        field: "offset",
        method: "CustomerPromotionsRequest::offset",
        reason: format!("offset {offset} is past the largest the lookup takes"),
    }
}
