//! Loyalty promotions: enrol & issue (`POST /v2/promotion/issue`), bulk enrol & earn
//! (`POST /v2/promotion/bulk/enrolAndEarn`) and bulk revoke
//! (`POST /v2/promotion/bulk/revokeEnrolAndEarn`), one file per request.

pub mod bulk;
mod bulk_customer;
mod bulk_report;
mod bulk_request;
pub(crate) mod enrol;
pub(crate) mod enrol_input;
mod enrol_report;
mod issue;
mod pairing;
mod promotion_ref;
mod revoke;
mod revoke_enrolment;
pub(crate) mod revoke_input;
mod revoke_report;

use self::bulk::{
    BulkRun, EnrolAll, EnrolOp, RevokeAll, RevokeEnrolmentsAll, RevokeEnrolmentsOp, RevokeOp,
};
use crate::engine::{CallOptions, Engine};
use crate::model::{CustomerRef, ProgramId, PromotionId, RevokeIdentifierKind, Source};

pub use self::bulk_report::BulkReport;
pub use self::bulk_request::BulkRequest;
pub use self::enrol::{EnrolRequest, MAX_ENROL_CUSTOMERS};
pub use self::enrol_input::{EnrolAction, EnrolCustomer};
pub use self::enrol_report::{EnrolItem, EnrolReport, Enrolled, Enrolment};
pub use self::issue::{Issual, IssueOutcome, IssueRequest};
pub use self::promotion_ref::PromotionRef;
pub use self::revoke::{RevokeRequest, MAX_REVOKE_CUSTOMERS};
pub use self::revoke_enrolment::{
    EnrolmentRevokeItem, EnrolmentRevokeReport, EnrolmentStep, RevokeEnrolmentsRequest,
};
pub use self::revoke_input::{RevokeAction, RevokeCustomer};
pub use self::revoke_report::{RevokeItem, RevokeReport, Revoked};

/// The promotion calls; get one from [`Client::promotions`](crate::Client::promotions).
#[derive(Debug, Clone)]
pub struct Promotions {
    engine: Engine,
}

impl Promotions {
    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine }
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
            options: CallOptions::new(self.engine.clone()),
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
    /// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionRef, RevokeAction, RevokeCustomer, Source, EarnId};
    ///
    /// let report = client
    ///     .promotions()
    ///     .revoke(RevokeAction::Earn, ProgramId(2714), PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"), RevokeIdentifierKind::Id)
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
        identifier_name: RevokeIdentifierKind,
    ) -> RevokeRequest {
        RevokeRequest::new(
            self.engine.clone(),
            action,
            program,
            promotion,
            identifier_name,
        )
    }

    /// Revokes the enrolments of up to 100 customers of an Enrol & Issue promotion, revoking
    /// their earns first (the server refuses `REVOKE_ENROL` while earns are live): one
    /// `REVOKE_EARN` request, then one `REVOKE_ENROL` request for the customers whose earns
    /// are gone, and both results per customer.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{EnrolmentStep, RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeCustomer};
    ///
    /// let report = client
    ///     .promotions()
    ///     .revoke_enrolments_with_earns(ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id)
    ///     .customer(RevokeCustomer::new("423927867"))
    ///     .send()
    ///     .await?;
    /// for item in &report.items {
    ///     match &item.enrolment {
    ///         EnrolmentStep::Revoked(r) => println!("{}: issual {:?} revoked", item.customer.identifier_value, r.revoked_issual_id),
    ///         other => println!("{}: {other:?}", item.customer.identifier_value),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revoke_enrolments_with_earns(
        &self,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
    ) -> RevokeEnrolmentsRequest {
        RevokeEnrolmentsRequest {
            engine: self.engine.clone(),
            program,
            promotion,
            identifier_name,
            customers: Vec::new(),
            retry: None,
        }
    }

    /// Like [`revoke_enrolments_with_earns`](Self::revoke_enrolments_with_earns), for any
    /// number of customers, streamed in input order on the bulk driver (see
    /// [`revoke_all`](Self::revoke_all) for what it guarantees): each batch of at most 100 is
    /// one `REVOKE_EARN` then one `REVOKE_ENROL`.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{ProgramId, PromotionId, PromotionRef, RevokeCustomer, RevokeIdentifierKind};
    ///
    /// let customers = ["423927867", "423927868"].map(RevokeCustomer::new);
    /// let summary = client
    ///     .promotions()
    ///     .revoke_enrolments_with_earns_all(ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
    ///     .summary()
    ///     .await;
    /// println!("{} enrolments revoked", summary.revoked);
    /// # }
    /// ```
    pub fn revoke_enrolments_with_earns_all<I>(
        &self,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
        customers: I,
    ) -> RevokeEnrolmentsAll<futures_util::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item = RevokeCustomer>,
        I::IntoIter: Send + 'static,
    {
        let template = self.revoke_enrolments_with_earns(program, promotion, identifier_name);
        BulkRun::with_op(
            RevokeEnrolmentsOp(template),
            futures_util::stream::iter(customers),
        )
    }

    /// Revokes any number of customers: chunks of at most 100 per request, at most
    /// `concurrency` requests at once (default 4), one [`RevokeOutcome`] per customer in input
    /// order. The input is pulled lazily, so memory stays bounded whatever its size.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer};
    /// use futures_util::StreamExt as _;
    ///
    /// let customers = ["423927867", "423927868"].map(RevokeCustomer::new);
    /// let revoked = client
    ///     .promotions()
    ///     .revoke_all(RevokeAction::Enrol, ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
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
        identifier_name: RevokeIdentifierKind,
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
        identifier_name: RevokeIdentifierKind,
        customers: S,
    ) -> RevokeAll<S>
    where
        S: futures_util::Stream<Item = RevokeCustomer> + Send + 'static,
    {
        let template = self.revoke(action, program, promotion, identifier_name);
        BulkRun::with_op(RevokeOp(template), customers)
    }

    /// Enrols up to 100 customers into a promotion (`ENROL`) or issues them an earn (`EARN`)
    /// (`POST /v2/promotion/bulk/enrolAndEarn`). Results are paired with the customers sent,
    /// by position, with the same checks as [`revoke`](Self::revoke).
    ///
    /// An `EARN` that may have been applied is never sent again by the SDK (see
    /// [`EnrolRequest::send`]); an `ENROL` of a customer already enrolled is
    /// [`Enrolled::AlreadyEnrolled`], not a failure.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{EnrolAction, EnrolCustomer, Enrolled, ProgramId, PromotionId, PromotionRef, RevokeIdentifierKind, Source};
    ///
    /// let report = client
    ///     .promotions()
    ///     .enrol(EnrolAction::Enrol, ProgramId(2714), PromotionRef::id(PromotionId(202188)), RevokeIdentifierKind::Id)
    ///     .customer(EnrolCustomer::new("423926198").source(Source::Instore))
    ///     .customer(EnrolCustomer::new("423926199").source(Source::Instore))
    ///     .send()
    ///     .await?;
    /// for item in &report.items {
    ///     match &item.result {
    ///         Ok(Enrolled::Created(e)) => println!("{}: issual {:?}", item.customer.identifier_value, e.issual_id),
    ///         Ok(other) => println!("{}: {other:?}", item.customer.identifier_value),
    ///         Err(errors) => println!("{}: failed {errors:?}", item.customer.identifier_value),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn enrol(
        &self,
        action: EnrolAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
    ) -> EnrolRequest {
        EnrolRequest::new(
            self.engine.clone(),
            action,
            program,
            promotion,
            identifier_name,
        )
    }

    /// Enrols or issues any number of customers on the same driver as
    /// [`revoke_all`](Self::revoke_all): requests of at most 100, at most `concurrency` at
    /// once, one [`EnrolOutcome`](crate::EnrolOutcome) per customer in input order, with
    /// `on_sending`, `on_settled`, `stop_when`, `summary` and `settled_handle`.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{EnrolAction, EnrolCustomer, ProgramId, PromotionRef, RevokeIdentifierKind};
    ///
    /// let customers = (423_926_198..423_936_198u64).map(|id| EnrolCustomer::new(id.to_string()));
    /// let summary = client
    ///     .promotions()
    ///     .enrol_all(EnrolAction::Earn, ProgramId(2714), PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"), RevokeIdentifierKind::Id, customers)
    ///     .concurrency(8)
    ///     .summary()
    ///     .await;
    /// if summary.maybe_applied > 0 {
    ///     eprintln!("{} earns may have been created: look them up before sending again", summary.maybe_applied);
    /// }
    /// # }
    /// ```
    pub fn enrol_all<I>(
        &self,
        action: EnrolAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
        customers: I,
    ) -> EnrolAll<futures_util::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item = EnrolCustomer>,
        I::IntoIter: Send + 'static,
    {
        self.enrol_all_stream(
            action,
            program,
            promotion,
            identifier_name,
            futures_util::stream::iter(customers),
        )
    }

    /// Like [`enrol_all`](Self::enrol_all), with the customers coming from a
    /// [`Stream`](futures_util::Stream).
    pub fn enrol_all_stream<S>(
        &self,
        action: EnrolAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
        customers: S,
    ) -> EnrolAll<S>
    where
        S: futures_util::Stream<Item = EnrolCustomer> + Send + 'static,
    {
        let template = self.enrol(action, program, promotion, identifier_name);
        BulkRun::with_op(EnrolOp(template), customers)
    }
}
