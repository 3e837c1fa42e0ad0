//! Registration sources, the data scope of connected-org calls, and the entity type.

use super::parse_error::ParseError;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The source a customer registered through (`source`).
///
/// Sent upper-case; read case-insensitively (the pages show `instore` too). Values the SDK
/// does not know are kept in [`Other`](Self::Other).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// `FACEBOOK`
    Facebook,
    /// `WEB_ENGAGE`
    WebEngage,
    /// `INSTORE`
    Instore,
    /// `MARTJACK`
    Martjack,
    /// `TMALL`
    Tmall,
    /// `TAOBAO`
    Taobao,
    /// `JD`
    Jd,
    /// `ECOMMERCE`
    Ecommerce,
    /// `WEBSITE`
    Website,
    /// `LINE`
    Line,
    /// `MOBILE_APP` (issue only)
    MobileApp,
    /// `ALL` (bulk revoke only: every source)
    All,
    /// A source this version of the SDK does not know, sent as given.
    Other(String),
}

impl Source {
    /// The wire name, e.g. `INSTORE`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Facebook => "FACEBOOK",
            Self::WebEngage => "WEB_ENGAGE",
            Self::Instore => "INSTORE",
            Self::Martjack => "MARTJACK",
            Self::Tmall => "TMALL",
            Self::Taobao => "TAOBAO",
            Self::Jd => "JD",
            Self::Ecommerce => "ECOMMERCE",
            Self::Website => "WEBSITE",
            Self::Line => "LINE",
            Self::MobileApp => "MOBILE_APP",
            Self::All => "ALL",
            Self::Other(s) => s,
        }
    }

    /// Parses a source case-insensitively; never fails (unknown values become `Other`).
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "FACEBOOK" => Self::Facebook,
            "WEB_ENGAGE" => Self::WebEngage,
            "INSTORE" => Self::Instore,
            "MARTJACK" => Self::Martjack,
            "TMALL" => Self::Tmall,
            "TAOBAO" => Self::Taobao,
            "JD" => Self::Jd,
            "ECOMMERCE" => Self::Ecommerce,
            "WEBSITE" => Self::Website,
            "LINE" => Self::Line,
            "MOBILE_APP" => Self::MobileApp,
            "ALL" => Self::All,
            _ => Self::Other(s.to_string()),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Source {
    type Err = ParseError;
    /// Like [`Source::parse`], but refuses names the SDK does not know (for user input).
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match Self::parse(s) {
            Self::Other(o) => Err(ParseError::new("source", &o, "one of FACEBOOK, WEB_ENGAGE, INSTORE, MARTJACK, TMALL, TAOBAO, JD, ECOMMERCE, WEBSITE, LINE, MOBILE_APP, ALL")),
            known => Ok(known),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Self::parse(&s))
    }
}

/// The `DATA-SCOPE` of a target call in connected orgs (milestone and streak enroll,
/// unenroll).
///
/// The target endpoints refuse `ALL` (server code 310141), so this type cannot say it, and
/// parsing `"ALL"` fails with a message that names [`LookupScope`](crate::LookupScope), the
/// scope of the promotion lookup, which does take `ALL`.
///
/// ```
/// use capillary_sdk::{DataScope, LookupScope};
///
/// assert_eq!("other".parse::<DataScope>(), Ok(DataScope::Other));
/// assert!("ALL".parse::<DataScope>().is_err());
/// assert_eq!("ALL".parse::<LookupScope>(), Ok(LookupScope::All));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataScope {
    /// `SELF`: the calling org's own data.
    SelfOrg,
    /// `OTHER`: the connected orgs named in `DATA-SCOPE-ORG`.
    Other,
}

impl DataScope {
    /// The header value: `SELF` or `OTHER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfOrg => "SELF",
            Self::Other => "OTHER",
        }
    }
}

impl fmt::Display for DataScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DataScope {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.to_ascii_uppercase().as_str() {
            "SELF" => Ok(Self::SelfOrg),
            "OTHER" => Ok(Self::Other),
            "ALL" => Err(ParseError::new(
                "target data scope",
                s,
                "SELF or OTHER: the target calls refuse ALL (310141); the promotion lookup takes it as LookupScope::All",
            )),
            _ => Err(ParseError::new("data scope", s, "SELF or OTHER")),
        }
    }
}

/// The entity type of a promotion call (`type`); Capillary documents only `CUSTOMER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EntityType {
    /// `CUSTOMER`
    #[default]
    Customer,
}

impl EntityType {
    /// The wire name, `CUSTOMER`.
    pub fn as_str(self) -> &'static str {
        "CUSTOMER"
    }
}

impl Serialize for EntityType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_case_insensitively() {
        assert_eq!(Source::parse("instore"), Source::Instore);
        assert_eq!(Source::parse("MOBILE_APP"), Source::MobileApp);
        assert_eq!(Source::parse("KIOSK"), Source::Other("KIOSK".into()));
        assert!("KIOSK".parse::<Source>().is_err());
    }
}
