//! Loyalty promotions: enrol & issue (`POST /v2/promotion/issue`) and bulk revoke
//! (`POST /v2/promotion/bulk/revokeEnrolAndEarn`).

use serde::{Deserialize, Deserializer, Serialize};

use super::bulk::RevokeAll;
use super::{request_methods, ApiRequest, Common, Endpoint, RawResponse};
use crate::client::Client;
use crate::error::Error;
use crate::model::{
    deserialize_messages, ApiMessage, CustomerId, CustomerRef, EarnId, EntityType, IdentifierName,
    IssualId, ProgramId, PromotionId, ResponseMeta, Source,
};

/// The most customers one bulk revoke request may carry.
pub const MAX_REVOKE_CUSTOMERS: usize = 100;

/// The promotion calls; get one from [`Client::promotions`].
#[derive(Debug, Clone)]
pub struct Promotions {
    client: Client,
}

impl Promotions {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Enrols a customer into an Enrol & Issue promotion (`POST /v2/promotion/issue`).
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerRef, IssueOutcome, ProgramId, PromotionId, Source};
    ///
    /// let outcome = client
    ///     .promotions()
    ///     .issue(CustomerRef::mobile("18767431754"), Source::Instore, ProgramId(469), PromotionId(65777))
    ///     .send()
    ///     .await?;
    /// match outcome {
    ///     IssueOutcome::Issued(issual) => println!("issual {}", issual.issual_id),
    ///     IssueOutcome::NotIssued { warnings, .. } => println!("not issued: {warnings:?}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn issue(
        &self,
        customer: CustomerRef,
        source: Source,
        program: ProgramId,
        promotion: PromotionId,
    ) -> IssueRequest {
        IssueRequest {
            common: Common::new(self.client.clone()),
            customer,
            source,
            program,
            promotion,
            account_id: None,
            entity_type: None,
        }
    }

    /// Revokes enrolments or earns of up to 100 customers
    /// (`POST /v2/promotion/bulk/revokeEnrolAndEarn`).
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{IdentifierName, ProgramId, PromotionRef, RevokeAction, RevokeCustomer, Source, EarnId};
    ///
    /// let report = client
    ///     .promotions()
    ///     .revoke(RevokeAction::Earn, ProgramId(2714), PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"))
    ///     .identifier_name(IdentifierName::Id)
    ///     .customer(RevokeCustomer::new("423927848").source(Source::Instore).earn_ids([EarnId(959)]))
    ///     .send()
    ///     .await?;
    /// for (customer, result) in report.iter() {
    ///     println!("{}: {result:?}", customer.identifier_value);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revoke(
        &self,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
    ) -> RevokeRequest {
        RevokeRequest {
            common: Common::new(self.client.clone()),
            action,
            program,
            promotion,
            identifier_name: None,
            customers: Vec::new(),
        }
    }

    /// Revokes any number of customers: chunks of at most 100 per request, at most
    /// `concurrency` requests at once (default 4), one [`RevokeOutcome`] per customer in input
    /// order. The input is pulled lazily, so memory stays bounded whatever its size.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{IdentifierName, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer};
    /// use futures_util::StreamExt as _;
    ///
    /// let customers = ["423927867", "423927868"].map(RevokeCustomer::new);
    /// let revoked = client
    ///     .promotions()
    ///     .revoke_all(RevokeAction::Enrol, ProgramId(2714), PromotionRef::id(PromotionId(202779)), IdentifierName::Id, customers)
    ///     .concurrency(8)
    ///     .stream()
    ///     .filter(|outcome| std::future::ready(outcome.is_revoked()))
    ///     .count()
    ///     .await;
    /// # let _ = revoked; }
    /// ```
    ///
    /// [`RevokeOutcome`]: crate::RevokeOutcome
    pub fn revoke_all<I>(
        &self,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: IdentifierName,
        customers: I,
    ) -> RevokeAll<futures_util::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item = RevokeCustomer>,
        I::IntoIter: Send + 'static,
    {
        self.revoke_all_stream(
            action,
            program,
            promotion,
            identifier_name,
            futures_util::stream::iter(customers),
        )
    }

    /// Like [`revoke_all`](Self::revoke_all), with the customers coming from a
    /// [`Stream`](futures_util::Stream).
    pub fn revoke_all_stream<S>(
        &self,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: IdentifierName,
        customers: S,
    ) -> RevokeAll<S>
    where
        S: futures_util::Stream<Item = RevokeCustomer> + Send + 'static,
    {
        RevokeAll::new(
            self.client.clone(),
            action,
            program,
            promotion,
            identifier_name,
            customers,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Issue

/// A `POST /v2/promotion/issue` call; see [`Promotions::issue`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct IssueRequest {
    common: Common,
    customer: CustomerRef,
    source: Source,
    program: ProgramId,
    promotion: PromotionId,
    account_id: Option<String>,
    entity_type: Option<EntityType>,
}

impl IssueRequest {
    /// The customer's account id (`accountId`), for sources with several accounts.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Sends the entity type (`type`) explicitly; the server assumes `CUSTOMER` without it.
    pub fn entity_type(mut self, entity_type: EntityType) -> Self {
        self.entity_type = Some(entity_type);
        self
    }

    request_methods!(IssueOutcome);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IssueBody {
    program_id: ProgramId,
    promotion_id: PromotionId,
}

impl Endpoint for IssueRequest {
    type Output = IssueOutcome;
    const OPERATION: &'static str = "promotions.issue";

    fn validate(&self) -> Result<(), Error> {
        if self.customer.value.trim().is_empty() {
            return Err(Error::invalid("identifierValue", "must not be empty"));
        }
        match &self.source {
            Source::All => Err(Error::invalid(
                "source",
                "ALL is not a registration source for issue; name the customer's source",
            )),
            Source::Other(s) if s.trim().is_empty() => {
                Err(Error::invalid("source", "must not be empty"))
            }
            _ => Ok(()),
        }?;
        if matches!(&self.account_id, Some(a) if a.trim().is_empty()) {
            return Err(Error::invalid("accountId", "must not be empty when given"));
        }
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        let mut request = ApiRequest::post_json(
            "/v2/promotion/issue".into(),
            &IssueBody {
                program_id: self.program,
                promotion_id: self.promotion,
            },
        )?;
        request.query = vec![
            ("identifierName", self.customer.kind.as_str().to_string()),
            ("identifierValue", self.customer.value.clone()),
            ("source", self.source.as_str().to_string()),
        ];
        if let Some(t) = self.entity_type {
            request.query.push(("type", t.as_str().to_string()));
        }
        if let Some(a) = &self.account_id {
            request.query.push(("accountId", a.clone()));
        }
        Ok(request)
    }

    fn decode(&self, response: RawResponse) -> Result<IssueOutcome, Error> {
        let envelope: IssueEnvelope = response.json()?;
        let meta = response.meta.clone();
        if !envelope.errors.is_empty() {
            return Err(Error::Api {
                meta,
                errors: envelope.errors,
                warnings: envelope.warnings,
            });
        }
        if !meta.status.is_success() {
            return Err(response.unexpected("an error status without errors in the body"));
        }
        let issued = envelope
            .side_effects
            .iter()
            .find_map(|s| s.issual_id.map(|id| (s, id)));
        match issued {
            Some((effect, issual_id)) => Ok(IssueOutcome::Issued(Issual {
                issual_id,
                program_id: effect.program_id.unwrap_or(self.program),
                promotion_id: effect.promotion_id.unwrap_or(self.promotion),
                effect_type: effect.kind.clone(),
                warnings: envelope.warnings,
                meta,
            })),
            None if envelope.side_effects.is_empty() => Ok(IssueOutcome::NotIssued {
                warnings: envelope.warnings,
                meta,
            }),
            None => Err(response.unexpected("sideEffects without an issualId")),
        }
    }

    fn common(&self) -> &Common {
        &self.common
    }

    fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssueEnvelope {
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "nullable_vec")]
    side_effects: Vec<SideEffect>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SideEffect {
    #[serde(default)]
    program_id: Option<ProgramId>,
    #[serde(default)]
    issual_id: Option<IssualId>,
    #[serde(default)]
    promotion_id: Option<PromotionId>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

fn nullable_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The outcome of an issue call the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOutcome {
    /// The customer was enrolled: the server reported an issual.
    Issued(Issual),
    /// The server accepted the call but issued nothing (e.g. warning 8890: the customer is
    /// already enrolled or exhausted the promotion's limits). Never a success.
    NotIssued {
        /// Why, as the server said it (typically [`ErrorCode::PromotionNotIssued`](crate::ErrorCode::PromotionNotIssued)).
        warnings: Vec<ApiMessage>,
        /// Status and request id.
        meta: ResponseMeta,
    },
}

impl IssueOutcome {
    /// Status and request id of the answer.
    pub fn meta(&self) -> &ResponseMeta {
        match self {
            Self::Issued(issual) => &issual.meta,
            Self::NotIssued { meta, .. } => meta,
        }
    }

    /// Whether the customer was enrolled.
    pub fn is_issued(&self) -> bool {
        matches!(self, Self::Issued(_))
    }
}

/// An enrolment the server created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issual {
    /// The enrolment's id (`issualId`).
    pub issual_id: IssualId,
    /// The program (`programId`).
    pub program_id: ProgramId,
    /// The promotion (`promotionId`).
    pub promotion_id: PromotionId,
    /// The side effect's `type` (documented as not meaningful, e.g. "Points promotion").
    pub effect_type: Option<String>,
    /// Warnings that came with it.
    pub warnings: Vec<ApiMessage>,
    /// Status and request id.
    pub meta: ResponseMeta,
}

// ---------------------------------------------------------------------------------------------
// Bulk revoke

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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "enrol" | "enroll" | "revoke_enrol" => Ok(Self::Enrol),
            "earn" | "revoke_earn" => Ok(Self::Earn),
            _ => Err(format!(
                "unknown revoke action {s:?} (expected enrol or earn)"
            )),
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

/// A `POST /v2/promotion/bulk/revokeEnrolAndEarn` call; see [`Promotions::revoke`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RevokeRequest {
    common: Common,
    action: RevokeAction,
    program: ProgramId,
    promotion: PromotionRef,
    identifier_name: Option<IdentifierName>,
    customers: Vec<RevokeCustomer>,
}

impl RevokeRequest {
    /// The kind of the customers' identifier values (`identifierName`).
    pub fn identifier_name(mut self, name: IdentifierName) -> Self {
        self.identifier_name = Some(name);
        self
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
    identifier_name: Option<IdentifierName>,
    customer: &RevokeCustomer,
) -> Result<(), String> {
    let value = customer.identifier_value.trim();
    if value.is_empty() {
        return Err("identifierValue must not be empty".into());
    }
    if identifier_name == Some(IdentifierName::Id) && !value.bytes().all(|b| b.is_ascii_digit()) {
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
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier_name: Option<IdentifierName>,
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

    fn decode(&self, response: RawResponse) -> Result<RevokeReport, Error> {
        decode_revoke(&self.customers, response)
    }

    fn common(&self) -> &Common {
        &self.common
    }

    fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevokeEnvelope {
    #[serde(default)]
    response: Option<Vec<RevokeItemWire>>,
    #[serde(default)]
    total_count: Option<u64>,
    #[serde(default)]
    failure_count: Option<u64>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

#[derive(Deserialize)]
struct RevokeItemWire {
    #[serde(default)]
    result: Option<RevokeResultWire>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

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

/// Decodes a bulk answer and pairs it with the customers sent, by position.
pub(crate) fn decode_revoke(
    customers: &[RevokeCustomer],
    response: RawResponse,
) -> Result<RevokeReport, Error> {
    let envelope: RevokeEnvelope = response.json()?;
    let meta = response.meta.clone();
    let Some(items) = envelope.response else {
        if !envelope.errors.is_empty() {
            return Err(Error::Api {
                meta,
                errors: envelope.errors,
                warnings: envelope.warnings,
            });
        }
        return Err(response.unexpected("no `response` list in the bulk answer"));
    };
    // A request-level refusal (bad program, inactive promotion, wrong action for the
    // promotion type) comes back as one errors-only item whatever the number of customers.
    let request_level = items.len() == 1
        && customers.len() > 1
        && items[0].result.is_none()
        && !items[0].errors.is_empty();
    if items.len() != customers.len() && !request_level {
        return Err(response.unexpected(format!(
            "{} customers sent but {} results received; results cannot be paired with customers",
            customers.len(),
            items.len()
        )));
    }
    // An error status with results contradicts itself; trusting either half could report a
    // revoke that did not happen, or hide one that did.
    if !meta.status.is_success() && items.iter().any(|i| i.result.is_some()) {
        return Err(response.unexpected("results in an answer with an error status"));
    }
    let mut paired = Vec::with_capacity(customers.len());
    for (i, customer) in customers.iter().enumerate() {
        let item = if request_level { &items[0] } else { &items[i] };
        let result = match (&item.result, item.errors.is_empty()) {
            (Some(r), true) => Ok(Revoked {
                entity_type: r.entity_type.clone(),
                customer_id: r.entity_id,
                program_id: r.program_id,
                promotion_id: r.promotion_id,
                promo_identifier: r.promo_identifier.clone(),
                revoked_issual_id: r.revoked_issual_id.or(r.issual_id),
                revoked_earn_ids: r.revoked_earn_ids.clone(),
            }),
            (_, false) => Err(item.errors.clone()),
            (None, true) => {
                return Err(
                    response.unexpected(format!("result {i} has neither a result nor errors"))
                )
            }
        };
        paired.push(RevokeItem {
            customer: customer.clone(),
            result,
            warnings: item.warnings.clone(),
            request_level,
        });
    }
    Ok(RevokeReport {
        items: paired,
        total_count: envelope.total_count,
        failure_count: envelope.failure_count,
        meta,
    })
}

/// What a bulk revoke did, one item per customer sent, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeReport {
    /// One item per customer, in request order.
    pub items: Vec<RevokeItem>,
    /// The server's `totalCount`.
    pub total_count: Option<u64>,
    /// The server's `failureCount`.
    pub failure_count: Option<u64>,
    /// Status (200, or 207 for a partial success) and request id.
    pub meta: ResponseMeta,
}

impl RevokeReport {
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

    /// How many customers failed.
    pub fn failed(&self) -> usize {
        self.items.len() - self.revoked()
    }
}

/// One customer's result in a [`RevokeReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeItem {
    /// The customer as sent.
    pub customer: RevokeCustomer,
    /// What was revoked, or the server's errors for this customer.
    pub result: Result<Revoked, Vec<ApiMessage>>,
    /// Warnings for this customer.
    pub warnings: Vec<ApiMessage>,
    /// `true` when the errors concern the whole request (e.g. 1101 invalid program), which
    /// the server reports once for all customers.
    pub request_level: bool,
}

/// What was revoked for one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// `entityType` (`CUSTOMER`).
    pub entity_type: Option<String>,
    /// `entityId`: the customer id.
    pub customer_id: Option<CustomerId>,
    /// `programId`
    pub program_id: Option<ProgramId>,
    /// `promotionId`, when the promotion has no external identifier.
    pub promotion_id: Option<PromotionId>,
    /// `promoIdentifier`, when the promotion has one.
    pub promo_identifier: Option<String>,
    /// The revoked enrolment (REVOKE_ENROL), read from `revokedIssualId` or `issualId`.
    pub revoked_issual_id: Option<IssualId>,
    /// The revoked earns (REVOKE_EARN).
    pub revoked_earn_ids: Vec<EarnId>,
}
