//! Types shared by the endpoints: ids, customer identifiers, sources, data scope, and the
//! metadata every answer carries.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ErrorCode;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Serialised as a JSON number; read from a number or a numeric string, since the
        /// server sends some ids as strings.
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
    ProgramId
);
id_type!(
    /// A promotion id (`promotionId`).
    PromotionId
);
id_type!(
    /// The id of a customer's enrolment into a promotion (`issualId`, `revokedIssualId`).
    IssualId
);
id_type!(
    /// The id of one earn of a promotion (`earnIds`, `revokedEarnIds`).
    EarnId
);
id_type!(
    /// A Capillary customer id (`customerId`, `entityId`, identifier name `id`).
    CustomerId
);
id_type!(
    /// A target group id (milestones and streaks live in target groups).
    TargetGroupId
);
id_type!(
    /// A target id inside a target group (one milestone or one streak).
    TargetId
);
id_type!(
    /// An organisation id, for the `DATA-SCOPE-ORG` header of connected-org calls.
    OrgId
);

/// Reads a u64 from a JSON number or a string holding one.
pub(crate) fn deserialize_flexible_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
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
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("not a numeric id: {v:?}")))
        }
    }
    d.deserialize_any(Visitor)
}

/// The kind of identifier that names a customer.
///
/// `/v2/promotion/issue` takes all four; bulk revoke takes [`Id`](Self::Id),
/// [`Mobile`](Self::Mobile) and [`Email`](Self::Email) only (see [`IdentifierName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// `email`
    Email,
    /// `mobile`
    Mobile,
    /// `externalId`
    ExternalId,
    /// `id` (the Capillary customer id)
    Id,
}

impl IdentifierKind {
    /// The wire name (`email`, `mobile`, `externalId`, `id`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Mobile => "mobile",
            Self::ExternalId => "externalId",
            Self::Id => "id",
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IdentifierKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "email" => Ok(Self::Email),
            "mobile" => Ok(Self::Mobile),
            "externalId" => Ok(Self::ExternalId),
            "id" => Ok(Self::Id),
            other => Err(format!(
                "unknown identifier name {other:?} (expected email, mobile, externalId or id)"
            )),
        }
    }
}

/// The identifier kinds bulk revoke accepts (`identifierName`): there is no `externalId` there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdentifierName {
    /// `id`: the customer id.
    #[serde(rename = "id")]
    Id,
    /// `mobile`
    #[serde(rename = "mobile")]
    Mobile,
    /// `email`
    #[serde(rename = "email")]
    Email,
}

impl IdentifierName {
    /// The wire name (`id`, `mobile`, `email`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Mobile => "mobile",
            Self::Email => "email",
        }
    }
}

impl fmt::Display for IdentifierName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IdentifierName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "id" => Ok(Self::Id),
            "mobile" => Ok(Self::Mobile),
            "email" => Ok(Self::Email),
            other => Err(format!(
                "unknown identifier name {other:?} (expected id, mobile or email)"
            )),
        }
    }
}

/// One customer, named by an identifier kind and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerRef {
    /// Which identifier `value` is.
    pub kind: IdentifierKind,
    /// The identifier's value (must not be empty).
    pub value: String,
}

impl CustomerRef {
    /// A customer named by any identifier kind.
    pub fn new(kind: IdentifierKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }
    /// A customer named by mobile number, e.g. `"18767431754"`.
    pub fn mobile(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::Mobile, value)
    }
    /// A customer named by email address.
    pub fn email(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::Email, value)
    }
    /// A customer named by the brand's external id.
    pub fn external_id(value: impl Into<String>) -> Self {
        Self::new(IdentifierKind::ExternalId, value)
    }
    /// A customer named by Capillary customer id.
    pub fn id(id: CustomerId) -> Self {
        Self::new(IdentifierKind::Id, id.0.to_string())
    }
}

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
    type Err = String;
    /// Like [`Source::parse`], but refuses names the SDK does not know (for user input).
    fn from_str(s: &str) -> Result<Self, String> {
        match Self::parse(s) {
            Self::Other(o) => Err(format!("unknown source {o:?} (expected one of FACEBOOK, WEB_ENGAGE, INSTORE, MARTJACK, TMALL, TAOBAO, JD, ECOMMERCE, WEBSITE, LINE, MOBILE_APP, ALL)")),
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

/// The `DATA-SCOPE` of a connected-org call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataScope {
    /// `SELF`: the calling org's own data.
    SelfOrg,
    /// `OTHER`: the connected orgs named in `DATA-SCOPE-ORG`.
    Other,
    /// `ALL`: refused by the target endpoints (error 310141), so the SDK refuses it before
    /// sending. Kept so that a scope read from configuration gets a clear error.
    All,
}

impl DataScope {
    /// The header value: `SELF`, `OTHER` or `ALL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfOrg => "SELF",
            Self::Other => "OTHER",
            Self::All => "ALL",
        }
    }
}

impl fmt::Display for DataScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DataScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "SELF" => Ok(Self::SelfOrg),
            "OTHER" => Ok(Self::Other),
            "ALL" => Ok(Self::All),
            _ => Err(format!("unknown data scope {s:?} (expected SELF or OTHER)")),
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

/// One entry of an `errors` or `warnings` list: a typed code and the server's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    /// The code, typed; codes this SDK does not know are [`ErrorCode::Unknown`].
    pub code: ErrorCode,
    /// The server's message, verbatim.
    pub message: String,
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code.as_i64(), self.message)
    }
}

impl<'de> Deserialize<'de> for ApiMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "deserialize_code")]
            code: Option<i64>,
            #[serde(default)]
            message: Option<String>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(ApiMessage {
            code: ErrorCode::from_i64(raw.code.unwrap_or(0)),
            message: raw.message.unwrap_or_default(),
        })
    }
}

impl Serialize for ApiMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ApiMessage", 2)?;
        s.serialize_field("code", &self.code.as_i64())?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

fn deserialize_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Reads `errors`/`warnings`, which the server sends as a list, `null`, or leaves out.
pub(crate) fn deserialize_messages<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ApiMessage>, D::Error> {
    Ok(Option::<Vec<ApiMessage>>::deserialize(d)?.unwrap_or_default())
}

/// What every answer carries besides its data: the HTTP status and Capillary's request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    /// The HTTP status of the answer.
    pub status: http::StatusCode,
    /// The `X-Cap-Requestid` header, which Capillary support asks for.
    pub request_id: Option<String>,
}

impl fmt::Display for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        Ok(())
    }
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
    fn sources_parse_case_insensitively() {
        assert_eq!(Source::parse("instore"), Source::Instore);
        assert_eq!(Source::parse("MOBILE_APP"), Source::MobileApp);
        assert_eq!(Source::parse("KIOSK"), Source::Other("KIOSK".into()));
        assert!("KIOSK".parse::<Source>().is_err());
    }

    #[test]
    fn messages_accept_null_and_string_codes() {
        let m: ApiMessage = serde_json::from_str(r#"{"code":"8015","message":"x"}"#).unwrap();
        assert_eq!(m.code, ErrorCode::CustomerNotFound);
        let m: ApiMessage = serde_json::from_str(r#"{"status":false,"code":1}"#).unwrap();
        assert_eq!(m.code, ErrorCode::Unknown(1));
    }
}
