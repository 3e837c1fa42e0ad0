//! The 0.1 names that 0.2 renamed or moved, kept for one minor release as deprecated aliases
//! so that the compiler names the replacement instead of a look-alike. Each note says what to
//! write instead; the CHANGELOG's "Upgrading from 0.1" lists every change, with the ones no
//! alias can cover (enum variants, changed signatures).

use url::Url;

use crate::error::Error;
use crate::model::RevokeIdentifierKind;
use crate::transport::TransportError;
use crate::verdict::Verdict;

/// The identifier kinds bulk revoke accepts, under their 0.1 name.
#[deprecated(
    since = "0.2.0",
    note = "renamed RevokeIdentifierKind (bulk revoke's identifier kinds); IdentifierKind is the issue call's, a different type"
)]
pub type IdentifierName = RevokeIdentifierKind;

/// Checks a base URL as [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) does.
#[deprecated(
    since = "0.2.0",
    note = "give the URL to ClientBuilder::base_url, which checks it (plain http only to loopback, no user info) when the client is built"
)]
pub fn parse_base_url(raw: &str) -> Result<Url, Error> {
    crate::base_url::parse_base_url(raw)
}

impl TransportError {
    /// Whether the request may have reached the server, under its 0.1 name.
    #[deprecated(
        since = "0.2.0",
        note = "use Verdict::of_transport(error.kind()).maybe_applied(), or Error::maybe_applied() on the call's error"
    )]
    pub fn maybe_applied(&self) -> bool {
        Verdict::of_transport(self.kind()).maybe_applied()
    }
}
