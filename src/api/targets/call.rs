//! What enroll and unenroll share: the path, the data-scope headers, and the v3.1 answer.

use serde::{Deserialize, Serialize};

use crate::engine::{ApiRequest, CallOptions, Engine};
use crate::error::Error;
use crate::model::{
    deserialize_messages, ApiMessage, CustomerId, DataScope, OrgId, ResponseMeta, TargetGroupId,
    TargetId,
};
use crate::response::{salvage_error_codes, RawResponse};

/// The `data_scope` method every target request has, on its `call`.
macro_rules! data_scope_method {
    () => {
        /// The connected-org scope (`DATA-SCOPE` and `DATA-SCOPE-ORG` headers).
        pub fn data_scope(
            mut self,
            scope: crate::model::DataScope,
            orgs: impl IntoIterator<Item = crate::model::OrgId>,
        ) -> Self {
            self.call.scope = Some((scope, orgs.into_iter().collect()));
            self
        }
    };
}
pub(super) use data_scope_method;

/// What enroll and unenroll share: the path ids, the customer and the data scope.
#[derive(Debug, Clone)]
pub(super) struct TargetCall {
    pub(super) options: CallOptions,
    pub(super) group: TargetGroupId,
    pub(super) target: TargetId,
    pub(super) customer: CustomerId,
    pub(super) scope: Option<(DataScope, Vec<OrgId>)>,
}

impl TargetCall {
    pub(super) fn new(
        engine: Engine,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> Self {
        Self {
            options: CallOptions::new(engine),
            group,
            target,
            customer,
            scope: None,
        }
    }

    pub(super) fn validate(&self) -> Result<(), Error> {
        match &self.scope {
            Some((DataScope::Other, orgs)) if orgs.is_empty() => Err(Error::invalid(
                "DATA-SCOPE-ORG",
                "scope OTHER needs at least one connected org id",
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn request(
        &self,
        operation: &str,
        body: &impl Serialize,
    ) -> Result<ApiRequest, Error> {
        let mut request = ApiRequest::post_json(
            format!(
                "/v3.1/targetGroups/{}/targets/{}/{operation}",
                self.group, self.target
            ),
            body,
        )?;
        if let Some((scope, orgs)) = &self.scope {
            request.headers.push((
                http::HeaderName::from_static("data-scope"),
                http::HeaderValue::from_static(scope.as_str()),
            ));
            if !orgs.is_empty() {
                let list = orgs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                let value = http::HeaderValue::from_str(&list)
                    .map_err(|_| Error::invalid("DATA-SCOPE-ORG", "not a valid header value"))?;
                request
                    .headers
                    .push((http::HeaderName::from_static("data-scope-org"), value));
            }
        }
        Ok(request)
    }

    pub(super) fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
        let envelope: V31Envelope = match response.json() {
            Ok(envelope) => envelope,
            Err(error) => {
                // The enroll page's own 310141 example is not valid JSON (single quotes); keep
                // the typed code of such an error answer rather than losing it.
                let errors = salvage_error_codes(&response.body);
                if errors.is_empty() {
                    return Err(error);
                }
                return Err(Error::Api {
                    meta: response.meta.clone(),
                    errors,
                    warnings: Vec::new(),
                });
            }
        };
        if !envelope.errors.is_empty() {
            return Err(Error::Api {
                meta: response.meta.clone(),
                errors: envelope.errors,
                warnings: envelope.warnings,
            });
        }
        match envelope.data {
            Some(customer_id) if response.meta.status.is_success() => Ok(TargetOutcome {
                customer_id,
                warnings: envelope.warnings,
                meta: response.meta.clone(),
            }),
            _ => Err(response.unexpected("no customer id in `data` and no errors")),
        }
    }
}

#[derive(Deserialize)]
struct V31Envelope {
    #[serde(default)]
    data: Option<CustomerId>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

/// The outcome of an enroll or unenroll the server accepted.
///
/// Serialised as `{"customerId":345651201,"warnings":[],"http":{"status":200,"requestId":"..."}}`.
///
/// ```no_run
/// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
/// use capillary_sdk::{CustomerId, TargetGroupId, TargetId};
/// let outcome = client.targets().enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201)).send().await?;
/// println!("enrolled {} (request {:?})", outcome.customer_id, outcome.meta.request_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetOutcome {
    /// The customer (`data`).
    pub customer_id: CustomerId,
    /// Warnings, if any.
    pub warnings: Vec<ApiMessage>,
    /// Status and request id.
    #[serde(rename = "http")]
    pub meta: ResponseMeta,
}
