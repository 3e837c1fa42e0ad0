//! What a rerun makes of an answer to a customer whose earlier attempt may have been applied
//! (journaled as being sent, or maybe applied, with no outcome).
//!
//! A revoke of earns is answered 8903 (earn ids invalid or already revoked) once they are
//! revoked, so that answer to a resend after an unknown attempt means the earlier attempt
//! revoked them: the customer is revoked, and its line says how that was concluded.

use capillary_sdk::{ErrorCode, RevokeItem};

use crate::journal::{Known, Prior};

/// The `resolvedBy` of a revoke whose earlier attempt did it.
pub const REVOKED_EARLIER: &str = "8903 after an unknown attempt";

/// Whether `item` is the answer to a resend whose earlier attempt revoked the customer.
pub fn revoked_earlier(item: &RevokeItem, known: &Known) -> bool {
    let already = matches!(&item.result, Err(errors)
        if errors.iter().any(|e| e.code == ErrorCode::EarnIdsInvalidOrRevoked));
    already && matches!(known.prior(&item.customer), Some(Prior::Unknown { .. }))
}
