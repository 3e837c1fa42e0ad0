//! The id newtypes: numbers on the wire, read from numbers or numeric strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::parse_error::ParseError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Serialised as a JSON number; read from a number or a numeric string, since the
        /// server sends some ids as strings. Parsed from text (a CSV cell, a path segment, an
        /// environment variable) with [`FromStr`](std::str::FromStr): digits only, surrounding
        /// white space ignored.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<u64> for $name {
            fn from(value: u64) -> Self {
                Self(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                parse_id(s)
                    .map(Self)
                    .ok_or_else(|| ParseError::new($what, s, "a non-negative whole number"))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_flexible_u64(deserializer).map(Self)
            }
        }
    };
}

id_type!(
    /// A loyalty program id (`programId`).
    ProgramId,
    "program id"
);
id_type!(
    /// A promotion id (`promotionId`).
    PromotionId,
    "promotion id"
);
id_type!(
    /// The id of a customer's enrolment into a promotion (`issualId`, `revokedIssualId`).
    IssualId,
    "issual id"
);
id_type!(
    /// The id of one earn of a promotion (`earnIds`, `revokedEarnIds`).
    EarnId,
    "earn id"
);
id_type!(
    /// A Capillary customer id (`customerId`, `entityId`, identifier name `id`).
    CustomerId,
    "customer id"
);
id_type!(
    /// A target group id (milestones and streaks live in target groups).
    TargetGroupId,
    "target group id"
);
id_type!(
    /// A target id inside a target group (one milestone or one streak).
    TargetId,
    "target id"
);
id_type!(
    /// An organisation id, for the `DATA-SCOPE-ORG` header of connected-org calls.
    OrgId,
    "org id"
);

/// Digits only (no sign, no `+`, no decimal point), white space around them ignored.
fn parse_id(s: &str) -> Option<u64> {
    let digits = s.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Reads a u64 from a JSON number or a string holding one.
fn deserialize_flexible_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer, as a number or a string")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("negative id {v}")))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            if v.fract() == 0.0 && v >= 0.0 && v < u64::MAX as f64 {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("not an integer id: {v}")))
            }
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u64, E> {
            parse_id(v).ok_or_else(|| E::custom(format!("not a numeric id: {v:?}")))
        }
    }
    d.deserialize_any(Visitor)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_numbers_and_strings() {
        let a: IssualId = serde_json::from_str("847").unwrap();
        let b: IssualId = serde_json::from_str("\"847\"").unwrap();
        assert_eq!(a, b);
        assert!(serde_json::from_str::<IssualId>("\"x\"").is_err());
        assert!(serde_json::from_str::<IssualId>("-1").is_err());
        assert_eq!(serde_json::to_string(&a).unwrap(), "847");
    }

    #[test]
    fn ids_parse_from_text_digits_only() {
        assert_eq!(" 2714 ".parse::<ProgramId>(), Ok(ProgramId(2714)));
        for bad in ["", "+1", "-1", "1.0", "1e3", "18446744073709551616", "12a"] {
            let err = bad.parse::<ProgramId>().unwrap_err();
            assert_eq!(err.what(), "program id", "{bad:?}");
        }
        assert!(serde_json::from_str::<EarnId>("\"+5\"").is_err());
    }
}
