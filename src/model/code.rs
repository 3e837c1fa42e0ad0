//! [`ErrorCode`]: every code documented for the endpoints this SDK covers.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $desc:literal; )*) => {
        /// Every error and warning code documented for the endpoints this SDK covers.
        ///
        /// A code the SDK does not know decodes to [`ErrorCode::Unknown`], so a new server code
        /// never breaks parsing. Serialised as the number on the wire.
        ///
        /// ```
        /// use capillary_sdk::ErrorCode;
        ///
        /// assert_eq!(ErrorCode::from_i64(8015), ErrorCode::CustomerNotFound);
        /// assert_eq!(ErrorCode::CustomerNotFound.as_i64(), 8015);
        /// assert_eq!(ErrorCode::from_i64(99), ErrorCode::Unknown(99));
        /// println!("{}", ErrorCode::AlreadyEnrolled.description());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
            /// A code this version of the SDK does not know.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every known code, in documentation order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The typed code for a number.
            pub fn from_i64(code: i64) -> Self {
                match code {
                    $( $code => Self::$name, )*
                    other => Self::Unknown(other),
                }
            }

            /// The number on the wire.
            pub fn as_i64(self) -> i64 {
                match self {
                    $( Self::$name => $code, )*
                    Self::Unknown(code) => code,
                }
            }

            /// What Capillary's documentation says the code means.
            pub fn description(self) -> &'static str {
                match self {
                    $( Self::$name => $desc, )*
                    Self::Unknown(_) => "code not documented for these endpoints",
                }
            }
        }
    };
}

error_codes! {
    /// 8890 (a warning): promotion not issued due to config issues or customer exhausted limits.
    PromotionNotIssued = 8890, "promotion not issued due to config issues or customer exhausted limits";
    /// 11013: mandatory parameters identifierName, identifierValue or source missing.
    MissingIdentifier = 11013, "mandatory parameters identifierName, identifierValue, or source missing";
    /// 1212: entity type invalid.
    InvalidEntityType = 1212, "entity type invalid";
    /// 8874: promotion id is invalid.
    InvalidPromotionId = 8874, "promotion id is invalid";
    /// 1101: program id is invalid.
    InvalidProgramId = 1101, "program id is invalid";
    /// 8015: customer not found for the given identifiers.
    CustomerNotFound = 8015, "customer not found for the given identifiers";
    /// 8892: promotion is inactive.
    PromotionInactive = 8892, "promotion is inactive";
    /// 8899: a user group cannot be enrolled to a promotion.
    UserGroupNotAllowed = 8899, "cannot enrol/issue to the user group";
    /// 8902: the revoke action is not supported for this promotion type (REVOKE_ENROL on Direct Issue).
    RevokeActionNotSupported = 8902, "revoke bulk action not supported for loyalty/generic promotion type";
    /// 8881: program id and one of promotion id / promo identifier are required.
    InsufficientParameters = 8881, "insufficient parameters: program id and one of promotion id/identifier are required";
    /// 8903: earn ids are invalid or already revoked.
    EarnIdsInvalidOrRevoked = 8903, "earn ids passed are either invalid or already revoked";
    /// 8896: error occurred while issuing promotion to the customer.
    IssueFailed = 8896, "error occurred while issuing promotion to the customer";
    /// 8901: invalid entity type passed.
    InvalidEntityTypePassed = 8901, "invalid entity type passed";
    /// 310119: user already enrolled for the target.
    AlreadyEnrolled = 310119, "user already enrolled for the target";
    /// 310011: invalid user id.
    InvalidUserId = 310011, "invalid userId: check that the customerId is valid";
    /// 310019: target period not found.
    TargetPeriodNotFound = 310019, "target period not found";
    /// 310017: target group not found or deactivated.
    TargetGroupNotFound = 310017, "target group not found or deactivated";
    /// 310018: target rule not found.
    TargetRuleNotFound = 310018, "target rule not found";
    /// 300004: invalid input.
    InvalidInput = 300004, "invalid input";
    /// 310141: data scope ALL is not supported for this API.
    DataScopeAllNotSupported = 310141, "data scope ALL is not supported for this API";
    /// 310144: connected orgs not set properly in headers.
    ConnectedOrgsNotSet = 310144, "connected orgs not set properly in headers";
    /// 320001: invalid OAuth client key and secret.
    InvalidClientCredentials = 320001, "invalid client key and secret";
    /// 8013: the lookup's identifierName is missing or not one it accepts.
    InvalidIdentifierName = 8013, "identifierName missing or invalid";
    /// 8003: the lookup's source is missing or not one it accepts.
    InvalidSource = 8003, "invalid source";
    /// 4000: access denied.
    AccessDenied = 4000, "access denied";
    /// 4001: authorization status unavailable (retry later).
    AuthorizationUnavailable = 4001, "authorization status unavailable";
}

/// Serialised as the number on the wire.
impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.as_i64())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_i64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_i64(code.as_i64()), *code);
        }
        assert_eq!(ErrorCode::ALL.len(), 26);
        assert_eq!(ErrorCode::from_i64(42), ErrorCode::Unknown(42));
    }
}
