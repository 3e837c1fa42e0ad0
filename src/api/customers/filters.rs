//! The lookup's filters: status for the customer, promotion type, source type.

use std::fmt;

use crate::model::ParseError;

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, $expected:literal { $( $(#[$vdoc:meta])* $variant:ident = $wire:literal, )* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
        }

        impl $name {
            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Reads the wire name, case-insensitively.
        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                $( if s.eq_ignore_ascii_case($wire) { return Ok(Self::$variant); } )*
                Err(ParseError::new($what, s, $expected))
            }
        }
    };
}

wire_enum! {
    /// Which of a customer's promotions to list (`promotionStatusForCustomer`).
    CustomerPromotionStatus, "promotion status for customer",
    "AVAILABLE_TO_ENROL, AVAILABLE_TO_EARN, AVAILABLE_TO_REDEEM or EXPIRED" {
        /// `AVAILABLE_TO_ENROL`: Enrol & Issue promotions the customer is not enrolled in.
        AvailableToEnrol = "AVAILABLE_TO_ENROL",
        /// `AVAILABLE_TO_EARN`: Direct Issue promotions, and Enrol & Issue ones the customer
        /// is enrolled in.
        AvailableToEarn = "AVAILABLE_TO_EARN",
        /// `AVAILABLE_TO_REDEEM`: promotions the customer has earned.
        AvailableToRedeem = "AVAILABLE_TO_REDEEM",
        /// `EXPIRED`
        Expired = "EXPIRED",
    }
}

wire_enum! {
    /// The kind of promotion to list (`promotionType`).
    PromotionType, "promotion type", "GENERIC, DIRECT_ISSUE or ENROL_AND_ISSUE" {
        /// `GENERIC`
        Generic = "GENERIC",
        /// `DIRECT_ISSUE`: customers earn without enrolling.
        DirectIssue = "DIRECT_ISSUE",
        /// `ENROL_AND_ISSUE`: customers enrol, then earn.
        EnrolAndIssue = "ENROL_AND_ISSUE",
    }
}

wire_enum! {
    /// Where the promotions to list were created (`sourceType`).
    PromotionSourceType, "promotion source type", "UI, API or CAMPAIGN" {
        /// `UI`
        Ui = "UI",
        /// `API`
        Api = "API",
        /// `CAMPAIGN`
        Campaign = "CAMPAIGN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_their_wire_names_in_any_case() {
        assert_eq!(
            "available_to_earn"
                .parse::<CustomerPromotionStatus>()
                .unwrap(),
            CustomerPromotionStatus::AvailableToEarn
        );
        assert_eq!(PromotionType::EnrolAndIssue.as_str(), "ENROL_AND_ISSUE");
        assert_eq!(
            "ui".parse::<PromotionSourceType>().unwrap(),
            PromotionSourceType::Ui
        );
        assert!("SOON".parse::<PromotionType>().is_err());
    }
}
