//! `GET /v2/customers/lookup/promotionData` (and `/v2.1/...` in connected orgs): one page of
//! a customer's loyalty promotions.

use super::filters::{CustomerPromotionStatus, PromotionSourceType, PromotionType};
use super::page::{decode_page, CustomerPromotionsPage};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint, Engine};
use crate::error::Error;
use crate::model::{LookupCustomer, LookupScope, OrgId, ProgramId, Source};
use crate::response::RawResponse;

/// The largest page the lookup serves (`limit`).
pub const MAX_LOOKUP_LIMIT: u32 = 100;

/// A customer promotion lookup; see [`Customers::promotions`](super::Customers::promotions).
///
/// [`send`](Self::send) gets one page; [`stream`](Self::stream) and [`all`](Self::all) follow
/// `limit`/`offset` through every page.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct CustomerPromotionsRequest {
    pub(super) options: CallOptions,
    pub(super) customer: LookupCustomer,
    pub(super) source: Source,
    pub(super) status: Option<CustomerPromotionStatus>,
    pub(super) programs: Option<Vec<ProgramId>>,
    pub(super) promotion_type: Option<PromotionType>,
    pub(super) source_type: Option<PromotionSourceType>,
    pub(super) fetch_all_usage: Option<bool>,
    pub(super) limit: Option<u32>,
    pub(super) offset: Option<u32>,
    pub(super) scope: Option<(LookupScope, Vec<OrgId>)>,
}

impl CustomerPromotionsRequest {
    pub(super) fn new(engine: Engine, customer: LookupCustomer, source: Source) -> Self {
        Self {
            options: CallOptions::new(engine),
            customer,
            source,
            status: None,
            programs: None,
            promotion_type: None,
            source_type: None,
            fetch_all_usage: None,
            limit: None,
            offset: None,
            scope: None,
        }
    }

    /// Lists only the promotions in this state for the customer
    /// (`promotionStatusForCustomer`).
    pub fn status_for_customer(mut self, status: CustomerPromotionStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Lists only the promotions of these programs (`programs`, sent comma-separated; at
    /// least one).
    pub fn programs(mut self, programs: impl IntoIterator<Item = ProgramId>) -> Self {
        self.programs = Some(programs.into_iter().collect());
        self
    }

    /// Lists only promotions of this type (`promotionType`).
    pub fn promotion_type(mut self, promotion_type: PromotionType) -> Self {
        self.promotion_type = Some(promotion_type);
        self
    }

    /// Lists only promotions created this way (`sourceType`).
    pub fn source_type(mut self, source_type: PromotionSourceType) -> Self {
        self.source_type = Some(source_type);
        self
    }

    /// Also lists disabled restrictions, whose `maxLimit` is `-1` (`fetchAllUsage`).
    pub fn fetch_all_usage(mut self, fetch_all_usage: bool) -> Self {
        self.fetch_all_usage = Some(fetch_all_usage);
        self
    }

    /// The page size (`limit`), 0 to [`MAX_LOOKUP_LIMIT`]. With [`stream`](Self::stream) it
    /// is the size of each page asked for (default 100), and must be at least 1.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skips this many promotions (`offset`); where [`stream`](Self::stream) starts.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Looks up in connected orgs: sends the request to
    /// `/v2.1/customers/lookup/promotionData` with the `DATA-SCOPE` and `DATA-SCOPE-ORG`
    /// headers. [`LookupScope::Other`] needs at least one org.
    pub fn data_scope(
        mut self,
        scope: impl Into<LookupScope>,
        orgs: impl IntoIterator<Item = OrgId>,
    ) -> Self {
        self.scope = Some((scope.into(), orgs.into_iter().collect()));
        self
    }

    request_methods!(CustomerPromotionsPage);

    /// The path: v2.1 in connected orgs, v2 otherwise.
    fn path(&self) -> &'static str {
        if self.scope.is_some() {
            "/v2.1/customers/lookup/promotionData"
        } else {
            "/v2/customers/lookup/promotionData"
        }
    }
}

/// An invalid-input error naming the lookup's own setter, so that a service can name its
/// field.
fn invalid(field: &'static str, method: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidRequest {
        field,
        method,
        reason: reason.into(),
    }
}

impl Endpoint for CustomerPromotionsRequest {
    type Output = CustomerPromotionsPage;
    const OPERATION: &'static str = "customers.promotions";
    const PATH_TEMPLATE: &'static str = "/v2/customers/lookup/promotionData";

    fn validate(&self) -> Result<(), Error> {
        const CUSTOMER: &str = "Customers::promotions (customer)";
        let value = self.customer.value.trim();
        if value.is_empty() {
            return Err(invalid("identifierValue", CUSTOMER, "must not be empty"));
        }
        if self.customer.kind == crate::model::LookupIdentifierKind::Id
            && !value.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid(
                "identifierValue",
                CUSTOMER,
                format!("{value:?} is not a customer id (identifierName is id)"),
            ));
        }
        if matches!(&self.source, Source::Other(s) if s.trim().is_empty()) {
            return Err(invalid(
                "source",
                "Customers::promotions (source)",
                "must not be empty",
            ));
        }
        if matches!(&self.programs, Some(p) if p.is_empty()) {
            return Err(invalid(
                "programs",
                "CustomerPromotionsRequest::programs",
                "at least one program id; leave it out to list every program",
            ));
        }
        if let Some(limit) = self.limit.filter(|l| *l > MAX_LOOKUP_LIMIT) {
            return Err(invalid(
                "limit",
                "CustomerPromotionsRequest::limit",
                format!("{limit} is over the lookup's largest page, {MAX_LOOKUP_LIMIT}"),
            ));
        }
        if matches!(&self.scope, Some((LookupScope::Other, orgs)) if orgs.is_empty()) {
            return Err(invalid(
                "DATA-SCOPE-ORG",
                "CustomerPromotionsRequest::data_scope",
                "scope OTHER needs at least one connected org id",
            ));
        }
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        let mut query = vec![
            ("identifierName", self.customer.kind.as_str().to_string()),
            ("identifierValue", self.customer.value.clone()),
            ("source", self.source.as_str().to_string()),
        ];
        if let Some(status) = self.status {
            query.push(("promotionStatusForCustomer", status.as_str().to_string()));
        }
        if let Some(programs) = &self.programs {
            query.push(("programs", join(programs)));
        }
        if let Some(t) = self.promotion_type {
            query.push(("promotionType", t.as_str().to_string()));
        }
        if let Some(t) = self.source_type {
            query.push(("sourceType", t.as_str().to_string()));
        }
        if let Some(all) = self.fetch_all_usage {
            query.push(("fetchAllUsage", all.to_string()));
        }
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(offset) = self.offset {
            query.push(("offset", offset.to_string()));
        }
        let mut request = ApiRequest::get(self.path().to_string(), query);
        if let Some((scope, orgs)) = &self.scope {
            request.headers.push((
                http::HeaderName::from_static("data-scope"),
                http::HeaderValue::from_static(scope.as_str()),
            ));
            if !orgs.is_empty() {
                let value = http::HeaderValue::from_str(&join(orgs)).map_err(|_| {
                    invalid(
                        "DATA-SCOPE-ORG",
                        "CustomerPromotionsRequest::data_scope",
                        "not a valid header value",
                    )
                })?;
                request
                    .headers
                    .push((http::HeaderName::from_static("data-scope-org"), value));
            }
        }
        Ok(request)
    }

    fn decode(&self, response: &RawResponse) -> Result<CustomerPromotionsPage, Error> {
        decode_page(response)
    }

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
