//! Milestones and streaks in connected orgs (v3.1): enroll
//! (`POST /v3.1/targetGroups/{g}/targets/{t}/enroll`) and unenroll (`.../unEnroll`).

use serde::{Deserialize, Serialize};

use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint, Engine};
use crate::error::Error;
use crate::model::{
    deserialize_messages, ApiMessage, CustomerId, DataScope, OrgId, ResponseMeta, TargetGroupId,
    TargetId,
};
use crate::response::{salvage_error_codes, RawResponse};

/// The target calls; get one from [`Client::targets`](crate::Client::targets).
#[derive(Debug, Clone)]
pub struct Targets {
    engine: Engine,
}

impl Targets {
    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine }
    }

    /// Enrolls (or re-enrolls) a customer into a milestone or a streak.
    ///
    /// For a milestone, name the period with [`period`](EnrollRequest::period) (one call per
    /// period) and optionally an [`initial_balance`](EnrollRequest::initial_balance); for a
    /// streak, name no period and optionally [`reset_streak`](EnrollRequest::reset_streak).
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerId, DataScope, OrgId, TargetGroupId, TargetId};
    ///
    /// let enrolled = client
    ///     .targets()
    ///     .enroll(TargetGroupId(7), TargetId(12), CustomerId(345651201))
    ///     .period("PERIOD_G_29463_1")
    ///     .initial_balance(100)
    ///     .data_scope(DataScope::Other, [OrgId(50123)])
    ///     .send()
    ///     .await?;
    /// assert_eq!(enrolled.customer_id, CustomerId(345651201));
    /// # Ok(()) }
    /// ```
    pub fn enroll(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> EnrollRequest {
        EnrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
            period: None,
            initial_balance: None,
            reset_streak: None,
        }
    }

    /// Unenrolls a customer from a milestone or streak; a later
    /// [`enroll`](Self::enroll) re-enrolls them.
    pub fn unenroll(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> UnenrollRequest {
        UnenrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
        }
    }
}

/// What enroll and unenroll share: the path ids, the customer and the data scope.
#[derive(Debug, Clone)]
struct TargetCall {
    options: CallOptions,
    group: TargetGroupId,
    target: TargetId,
    customer: CustomerId,
    scope: Option<(DataScope, Vec<OrgId>)>,
}

impl TargetCall {
    fn new(engine: Engine, group: TargetGroupId, target: TargetId, customer: CustomerId) -> Self {
        Self {
            options: CallOptions::new(engine),
            group,
            target,
            customer,
            scope: None,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        match &self.scope {
            Some((DataScope::All, _)) => Err(Error::invalid(
                "DATA-SCOPE",
                "ALL is not supported by the target endpoints (server code 310141); use SELF or OTHER",
            )),
            Some((DataScope::Other, orgs)) if orgs.is_empty() => Err(Error::invalid(
                "DATA-SCOPE-ORG",
                "scope OTHER needs at least one connected org id",
            )),
            _ => Ok(()),
        }
    }

    fn request(&self, operation: &str, body: &impl Serialize) -> Result<ApiRequest, Error> {
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

    fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
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
/// let outcome = client.targets().enroll(TargetGroupId(7), TargetId(13), CustomerId(345651201)).send().await?;
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

/// A `POST /v3.1/targetGroups/{g}/targets/{t}/enroll` call; see [`Targets::enroll`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct EnrollRequest {
    call: TargetCall,
    period: Option<String>,
    initial_balance: Option<i64>,
    reset_streak: Option<bool>,
}

impl EnrollRequest {
    /// The milestone period (`periodName`) to enroll into; required for milestones, not used
    /// by streaks.
    pub fn period(mut self, name: impl Into<String>) -> Self {
        self.period = Some(name.into());
        self
    }

    /// Starts the milestone period with this achieved value (`initialBalance`); without it a
    /// re-enroll resumes from the value at unenrollment. Milestones only.
    pub fn initial_balance(mut self, balance: i64) -> Self {
        self.initial_balance = Some(balance);
        self
    }

    /// On re-enroll into a streak, `true` starts the streak afresh and `false` continues it
    /// (`resetStreakStatus`). Streaks only.
    pub fn reset_streak(mut self, reset: bool) -> Self {
        self.reset_streak = Some(reset);
        self
    }

    /// The connected-org scope (`DATA-SCOPE` and `DATA-SCOPE-ORG` headers).
    pub fn data_scope(mut self, scope: DataScope, orgs: impl IntoIterator<Item = OrgId>) -> Self {
        self.call.scope = Some((scope, orgs.into_iter().collect()));
        self
    }

    request_methods!(TargetOutcome);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnrollRecord<'a> {
    customer_id: CustomerId,
    #[serde(skip_serializing_if = "Option::is_none")]
    period_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_balance: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reset_streak_status: Option<bool>,
}

impl Endpoint for EnrollRequest {
    type Output = TargetOutcome;
    const OPERATION: &'static str = "targets.enroll";
    const PATH_TEMPLATE: &'static str = "/v3.1/targetGroups/{group}/targets/{target}/enroll";

    fn validate(&self) -> Result<(), Error> {
        if matches!(&self.period, Some(p) if p.trim().is_empty()) {
            return Err(Error::invalid("periodName", "must not be empty when given"));
        }
        if let Some(balance) = self.initial_balance {
            if self.period.is_none() {
                return Err(Error::invalid(
                    "initialBalance",
                    "applies to milestones only, which need a periodName",
                ));
            }
            if balance < 0 {
                return Err(Error::invalid("initialBalance", "must not be negative"));
            }
        }
        if self.reset_streak == Some(true) && self.period.is_some() {
            return Err(Error::invalid(
                "resetStreakStatus",
                "applies to streaks only, which take no periodName",
            ));
        }
        self.call.validate()
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        // The endpoint takes a list, of exactly one record.
        let record = [EnrollRecord {
            customer_id: self.call.customer,
            period_name: self.period.as_deref(),
            initial_balance: self.initial_balance,
            reset_streak_status: self.reset_streak,
        }];
        self.call.request("enroll", &record)
    }

    fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
        self.call.decode(response)
    }

    fn options(&self) -> &CallOptions {
        &self.call.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.call.options
    }
}

/// A `POST /v3.1/targetGroups/{g}/targets/{t}/unEnroll` call; see [`Targets::unenroll`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct UnenrollRequest {
    call: TargetCall,
}

impl UnenrollRequest {
    /// The connected-org scope (`DATA-SCOPE` and `DATA-SCOPE-ORG` headers).
    pub fn data_scope(mut self, scope: DataScope, orgs: impl IntoIterator<Item = OrgId>) -> Self {
        self.call.scope = Some((scope, orgs.into_iter().collect()));
        self
    }

    request_methods!(TargetOutcome);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UnenrollRecord {
    customer_id: CustomerId,
}

impl Endpoint for UnenrollRequest {
    type Output = TargetOutcome;
    const OPERATION: &'static str = "targets.unenroll";
    const PATH_TEMPLATE: &'static str = "/v3.1/targetGroups/{group}/targets/{target}/unEnroll";

    fn validate(&self) -> Result<(), Error> {
        self.call.validate()
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        self.call.request(
            "unEnroll",
            &[UnenrollRecord {
                customer_id: self.call.customer,
            }],
        )
    }

    fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
        self.call.decode(response)
    }

    fn options(&self) -> &CallOptions {
        &self.call.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.call.options
    }
}
