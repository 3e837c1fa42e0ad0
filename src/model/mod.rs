//! Types shared by the endpoints: ids, customer identifiers, sources, data scope, error codes,
//! and the metadata every answer carries.

mod amount;
mod code;
mod customer;
mod ids;
mod lookup_customer;
mod message;
mod parse_error;
mod signals;
mod source;

pub(crate) use self::amount::lenient_u64;
pub use self::amount::Amount;
pub use self::code::ErrorCode;
pub use self::customer::{CustomerRef, IdentifierKind, RevokeIdentifierKind};
pub use self::ids::{
    CustomerId, EarnId, IssualId, OrgId, ProgramId, PromotionId, TargetGroupId, TargetId,
};
pub use self::lookup_customer::{LookupCustomer, LookupIdentifierKind, LookupScope};
pub(crate) use self::message::{deserialize_messages, prefix};
pub use self::message::{ApiMessage, ApiMessages, ResponseMeta};
pub use self::parse_error::ParseError;
pub use self::signals::AnswerSignals;
pub use self::source::{DataScope, EntityType, Source};
