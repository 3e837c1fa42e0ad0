//! The 0.1 paths under `api` that 0.2 moved, kept for one minor release as deprecated
//! aliases; see the CHANGELOG's "Upgrading from 0.1".

/// The header that carries Capillary's request id, under its 0.1 path.
#[deprecated(
    since = "0.2.0",
    note = "read the request id with Error::request_id() or ResponseMeta::request_id"
)]
pub const REQUEST_ID_HEADER: &str = "x-cap-requestid";

/// The 0.1 path of the bulk revoke types, `capillary_sdk::api::bulk`: each item is a
/// deprecated alias of the one at the crate root.
pub mod bulk {
    #![allow(deprecated)]

    use crate::api::promotions::bulk as moved;
    use crate::api::promotions::RevokeAction;
    use crate::error::Error;
    use crate::model::RevokeIdentifierKind;

    /// [`crate::RevokeAll`] under its 0.1 path.
    #[deprecated(since = "0.2.0", note = "use capillary_sdk::RevokeAll")]
    pub type RevokeAll<S> = moved::RevokeAll<S>;

    /// [`crate::RevokeOutcome`] under its 0.1 path (its 0.1 `Unknown` arm is `MaybeApplied`).
    #[deprecated(
        since = "0.2.0",
        note = "use capillary_sdk::RevokeOutcome; its Unknown arm is now MaybeApplied"
    )]
    pub type RevokeOutcome = moved::RevokeOutcome;

    /// [`crate::DEFAULT_REVOKE_CONCURRENCY`] under its 0.1 path.
    #[deprecated(
        since = "0.2.0",
        note = "use capillary_sdk::DEFAULT_REVOKE_CONCURRENCY"
    )]
    pub const DEFAULT_REVOKE_CONCURRENCY: usize = moved::DEFAULT_REVOKE_CONCURRENCY;

    /// [`crate::check_revoke_customer`] under its 0.1 path.
    #[deprecated(since = "0.2.0", note = "use capillary_sdk::check_revoke_customer")]
    pub fn check_revoke_customer(
        action: RevokeAction,
        identifier_kind: RevokeIdentifierKind,
        customer: &crate::api::promotions::RevokeCustomer,
    ) -> Result<(), Error> {
        moved::check_revoke_customer(action, identifier_kind, customer)
    }
}
