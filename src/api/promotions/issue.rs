//! `POST /v2/promotion/issue`: enrol a customer into an Enrol & Issue promotion.

use serde::{Deserialize, Deserializer, Serialize};

use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint};
use crate::error::Error;
use crate::model::{
    deserialize_messages, ApiMessage, CustomerRef, EntityType, IssualId, ProgramId, PromotionId,
    ResponseMeta, Source,
};
use crate::response::RawResponse;

/// A `POST /v2/promotion/issue` call; see [`Promotions::issue`](super::Promotions::issue).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct IssueRequest {
    pub(super) options: CallOptions,
    pub(super) customer: CustomerRef,
    pub(super) source: Source,
    pub(super) program: ProgramId,
    pub(super) promotion: PromotionId,
    pub(super) account_id: Option<String>,
    pub(super) entity_type: Option<EntityType>,
}

impl IssueRequest {
    /// The customer's account id (`accountId`), for sources with several accounts.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The same as [`account_id`](Self::account_id), or none.
    pub fn set_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id;
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
    const PATH_TEMPLATE: &'static str = "/v2/promotion/issue";

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

    fn decode(&self, response: &RawResponse) -> Result<IssueOutcome, Error> {
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

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
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

pub(super) fn nullable_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The outcome of an issue call the server accepted.
///
/// Serialised with a `status` of `issued` or `not_issued` beside the API's own field names,
/// e.g. `{"status":"issued","issualId":847,"programId":469,"promotionId":65777,...}`.
///
/// ```
/// # fn show(outcome: capillary_sdk::IssueOutcome) {
/// use capillary_sdk::IssueOutcome;
/// match &outcome {
///     IssueOutcome::Issued(issual) => println!("enrolled, issual {}", issual.issual_id),
///     IssueOutcome::NotIssued { warnings, .. } => println!("not enrolled: {warnings:?}"),
/// }
/// let json = serde_json::to_value(&outcome).unwrap();
/// assert!(json["status"] == "issued" || json["status"] == "not_issued");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum IssueOutcome {
    /// The customer was enrolled: the server reported an issual.
    Issued(Issual),
    /// The server accepted the call but issued nothing (e.g. warning 8890: the customer is
    /// already enrolled or exhausted the promotion's limits). Never a success.
    NotIssued {
        /// Why, as the server said it (typically [`ErrorCode::PromotionNotIssued`](crate::ErrorCode::PromotionNotIssued)).
        warnings: Vec<ApiMessage>,
        /// Status and request id.
        #[serde(rename = "http")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issual {
    /// The enrolment's id (`issualId`).
    pub issual_id: IssualId,
    /// The program (`programId`).
    pub program_id: ProgramId,
    /// The promotion (`promotionId`).
    pub promotion_id: PromotionId,
    /// The side effect's `type` (documented as not meaningful, e.g. "Points promotion").
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub effect_type: Option<String>,
    /// Warnings that came with it.
    pub warnings: Vec<ApiMessage>,
    /// Status and request id.
    #[serde(rename = "http")]
    pub meta: ResponseMeta,
}
