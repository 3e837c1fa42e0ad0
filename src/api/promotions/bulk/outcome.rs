//! [`BulkOutcome`]: what happened to one customer of a bulk run ([`RevokeOutcome`],
//! [`EnrolOutcome`], [`EnrolmentRevokeOutcome`]).

use std::sync::Arc;

use serde::ser::{Serialize, Serializer};

use crate::api::promotions::{
    EnrolCustomer, EnrolItem, EnrolmentRevokeItem, RevokeCustomer, RevokeItem,
};
use crate::error::Error;
use crate::model::ResponseMeta;

/// What the server said about one customer of a bulk request.
pub trait BulkItem {
    /// The customer type of the request.
    type Customer;
    /// The customer, as sent.
    fn customer(&self) -> &Self::Customer;
    /// Whether the server did what was asked for this customer.
    fn succeeded(&self) -> bool;
}

/// What happened to one customer of a [`RevokeAll`](super::RevokeAll) run.
pub type RevokeOutcome = BulkOutcome<RevokeItem, RevokeCustomer>;

/// What happened to one customer of an [`EnrolAll`](super::EnrolAll) run: `Answered` with the server's
/// [`EnrolItem`], `NotApplied` (safe to send again), or `MaybeApplied` (look it up before
/// sending again; for `EARN`, a resend may give the customer a second earn).
pub type EnrolOutcome = BulkOutcome<EnrolItem, EnrolCustomer>;

/// What happened to one customer of a
/// [`RevokeEnrolmentsAll`](super::RevokeEnrolmentsAll) run: `Answered` with both steps
/// ([`EnrolmentRevokeItem`]), or the first request's failure.
pub type EnrolmentRevokeOutcome = BulkOutcome<EnrolmentRevokeItem, RevokeCustomer>;

/// What happened to one customer of a bulk run: [`RevokeOutcome`] for
/// [`RevokeAll`](super::RevokeAll), [`EnrolOutcome`](super::EnrolOutcome) for
/// [`EnrolAll`](super::EnrolAll). `I` is what the server answered for a customer, `C` the
/// customer as given.
///
/// The three cases answer the question an operator has after a run: *was this customer
/// revoked?* `Answered` is a definite answer from the server; `NotApplied` is a definite "no,
/// nothing happened" (safe to send again); `MaybeApplied` means the request may have reached
/// the server and been applied, but no answer could be read, so look before sending it again.
///
/// ```
/// use capillary_sdk::RevokeOutcome;
///
/// /// One line for an operator.
/// fn line(outcome: &RevokeOutcome) -> String {
///     let who = &outcome.customer().identifier_value;
///     match outcome {
///         RevokeOutcome::Answered { item, .. } if item.result.is_ok() => format!("{who}: revoked"),
///         RevokeOutcome::Answered { item, .. } => format!("{who}: refused {:?}", item.result),
///         RevokeOutcome::NotApplied { error, .. } => format!("{who}: not applied, safe to resend: {error}"),
///         RevokeOutcome::MaybeApplied { error, .. } => format!("{who}: MAY HAVE BEEN APPLIED: {error}"),
///     }
/// }
/// # let _ = line;
/// ```
///
/// Serialised with the customer's `position`, a `status` and the API's field names.
// Outcomes are made and consumed one customer at a time; boxing the answered item would cost
// an allocation per customer to save a few bytes on the failure arms.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum BulkOutcome<I, C> {
    /// The server answered for this customer: revoked, or refused with API errors
    /// (`item.result`). The outcome is known.
    Answered {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer and what the server said about it.
        item: I,
        /// Status and request id of the answer to this customer's request.
        meta: ResponseMeta,
    },
    /// Nothing was applied for this customer: it was refused before sending (invalid input),
    /// its connection was never made, or the server refused its whole request (e.g.
    /// credentials, 8892 inactive promotion, a 4xx with errors). Sending it again is safe
    /// once the cause is fixed.
    NotApplied {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer.
        customer: C,
        /// Why; shared by every customer of the same request.
        error: Arc<Error>,
    },
    /// The request carrying this customer may have reached the server, and the revoke may
    /// have been applied, but no readable answer came back ([`Error::maybe_applied`]).
    MaybeApplied {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer.
        customer: C,
        /// Why; shared by every customer of the same request.
        error: Arc<Error>,
    },
}

impl<I: BulkItem<Customer = C>, C> BulkOutcome<I, C> {
    /// The customer's 0-based position in the input.
    pub fn position(&self) -> usize {
        match self {
            Self::Answered { position, .. }
            | Self::NotApplied { position, .. }
            | Self::MaybeApplied { position, .. } => *position,
        }
    }

    /// The customer, as given.
    pub fn customer(&self) -> &C {
        match self {
            Self::Answered { item, .. } => item.customer(),
            Self::NotApplied { customer, .. } | Self::MaybeApplied { customer, .. } => customer,
        }
    }

    /// `true` when the server answered for this customer (revoked or refused).
    pub fn is_known(&self) -> bool {
        matches!(self, Self::Answered { .. })
    }

    /// `true` when the server did what was asked for this customer.
    pub fn succeeded(&self) -> bool {
        matches!(self, Self::Answered { item, .. } if item.succeeded())
    }

    /// The request-level error, for `NotApplied` and `MaybeApplied`. The customers of one
    /// request share it (an `Arc`); [`Error`] is `Clone` for when an owned one is needed.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Self::Answered { .. } => None,
            Self::NotApplied { error, .. } | Self::MaybeApplied { error, .. } => Some(error),
        }
    }

    /// The same error, shared: every customer of a failed request holds the same one.
    pub fn shared_error(&self) -> Option<&Arc<Error>> {
        match self {
            Self::Answered { .. } => None,
            Self::NotApplied { error, .. } | Self::MaybeApplied { error, .. } => Some(error),
        }
    }

    /// Every customer of a failed request, with the request's error: `MaybeApplied` when the
    /// server may have acted on it, `NotApplied` otherwise.
    pub(super) fn failed(positions: Vec<usize>, customers: Vec<C>, error: Error) -> Vec<Self> {
        let maybe_applied = error.maybe_applied();
        let error = Arc::new(error);
        positions
            .into_iter()
            .zip(customers)
            .map(|(position, customer)| {
                let error = Arc::clone(&error);
                if maybe_applied {
                    Self::MaybeApplied {
                        position,
                        customer,
                        error,
                    }
                } else {
                    Self::NotApplied {
                        position,
                        customer,
                        error,
                    }
                }
            })
            .collect()
    }
}

impl BulkOutcome<RevokeItem, RevokeCustomer> {
    /// `true` when the customer was revoked.
    pub fn is_revoked(&self) -> bool {
        self.succeeded()
    }
}

/// Merges two lists already sorted by position.
pub(super) fn merge_by_position<I: BulkItem<Customer = C>, C>(
    a: Vec<BulkOutcome<I, C>>,
    b: Vec<BulkOutcome<I, C>>,
) -> Vec<BulkOutcome<I, C>> {
    if b.is_empty() {
        return a;
    }
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.position() <= y.position() => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        merged.extend(next);
    }
    merged
}

/// Serialised as the item the server answered (see [`RevokeItem`]) with the customer's
/// `position`, or, for a customer whose request failed, the customer as sent with a `status` of
/// `not_applied` or `maybe_applied` and the request's `error` in words, its HTTP status and
/// request id when there was an answer, and the server's `errors`.
impl<I: Serialize, C: Serialize> Serialize for BulkOutcome<I, C> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Answered<'a, I> {
            position: usize,
            #[serde(flatten)]
            item: &'a I,
            http: &'a ResponseMeta,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Failed<'a, C> {
            position: usize,
            #[serde(flatten)]
            customer: &'a C,
            status: &'static str,
            error: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            http: Option<&'a ResponseMeta>,
            errors: &'a [crate::model::ApiMessage],
        }
        fn failed<'a, C>(
            status: &'static str,
            position: usize,
            customer: &'a C,
            error: &'a Error,
        ) -> Failed<'a, C> {
            Failed {
                position,
                customer,
                status,
                error: error.to_string(),
                http: error.meta(),
                errors: error.errors(),
            }
        }
        match self {
            Self::Answered {
                position,
                item,
                meta,
            } => Answered {
                position: *position,
                item,
                http: meta,
            }
            .serialize(serializer),
            Self::NotApplied {
                position,
                customer,
                error,
            } => failed("not_applied", *position, customer, error).serialize(serializer),
            Self::MaybeApplied {
                position,
                customer,
                error,
            } => failed("maybe_applied", *position, customer, error).serialize(serializer),
        }
    }
}
