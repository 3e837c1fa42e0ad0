//! `POST /v3.1/targetGroups/{g}/targets/{t}/unEnroll`.

use serde::Serialize;

use super::call::{data_scope_method, TargetCall, TargetOutcome};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint};
use crate::error::Error;
use crate::model::CustomerId;
use crate::response::RawResponse;

/// A `POST /v3.1/targetGroups/{g}/targets/{t}/unEnroll` call; see
/// [`Targets::unenroll`](super::Targets::unenroll).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct UnenrollRequest {
    pub(super) call: TargetCall,
}

impl UnenrollRequest {
    data_scope_method!();

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
