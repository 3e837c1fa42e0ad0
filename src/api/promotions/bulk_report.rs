//! [`BulkReport`]: a bulk answer paired with the customers sent, one item per customer.

use serde::Serialize;

use crate::model::ResponseMeta;

/// What a bulk request did, one item per customer sent, in the order sent:
/// [`RevokeReport`](crate::RevokeReport) for bulk revoke, [`EnrolReport`](crate::EnrolReport)
/// for bulk enrol & earn.
///
/// Serialised with the API's names: `{"response":[...],"totalCount":2,"failureCount":0,
/// "http":{"status":200,"requestId":"..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport<I> {
    /// One item per customer, in request order.
    #[serde(rename = "response")]
    pub items: Vec<I>,
    /// The server's `totalCount`.
    pub total_count: Option<u64>,
    /// The server's `failureCount`.
    pub failure_count: Option<u64>,
    /// Status (200, or 207 for a partial success) and request id.
    #[serde(rename = "http")]
    pub meta: ResponseMeta,
}
