//! [`Incoming`]: a request as the endpoint handlers see it.

use bytes::Bytes;
use http::HeaderMap;

use crate::model::OrgId;

/// A request as the endpoint handlers see it.
pub(crate) struct Incoming<'a> {
    pub headers: &'a HeaderMap,
    pub query: Vec<(String, String)>,
    pub body: &'a Bytes,
}

impl Incoming<'_> {
    /// The first non-empty value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The org ids of `DATA-SCOPE-ORG` (comma-separated); those that are not numbers are
    /// left out.
    pub fn scope_orgs(&self) -> Vec<OrgId> {
        self.header("data-scope-org")
            .unwrap_or_default()
            .split(',')
            .filter_map(|o| o.trim().parse().ok().map(OrgId))
            .collect()
    }

    /// A header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
