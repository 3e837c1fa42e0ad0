//! [`PromotionRef`]: the promotion a bulk request applies to, by id or by external
//! identifier, and how it is written in `promotionDetails`.

use serde::Serialize;

use crate::model::{ProgramId, PromotionId};

/// The promotion a bulk request applies to: by id or by external identifier, never both.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PromotionRef {
    /// `promotionId`
    Id(PromotionId),
    /// `promoIdentifier`
    Identifier(String),
}

impl PromotionRef {
    /// By promotion id.
    pub fn id(id: PromotionId) -> Self {
        Self::Id(id)
    }
    /// By the promotion's external identifier (`promoIdentifier`).
    pub fn identifier(identifier: impl Into<String>) -> Self {
        Self::Identifier(identifier.into())
    }
}

/// `promotionDetails`, as both bulk endpoints take it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PromotionDetails<'a> {
    program_id: ProgramId,
    #[serde(skip_serializing_if = "Option::is_none")]
    promotion_id: Option<PromotionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    promo_identifier: Option<&'a str>,
}

impl<'a> PromotionDetails<'a> {
    pub(crate) fn new(program: ProgramId, promotion: &'a PromotionRef) -> Self {
        let (promotion_id, promo_identifier) = match promotion {
            PromotionRef::Id(id) => (Some(*id), None),
            PromotionRef::Identifier(s) => (None, Some(s.as_str())),
        };
        Self {
            program_id: program,
            promotion_id,
            promo_identifier,
        }
    }
}

/// Refuses an empty external identifier before anything is sent.
pub(crate) fn check_promotion(promotion: &PromotionRef) -> Result<(), crate::error::Error> {
    match promotion {
        PromotionRef::Identifier(s) if s.trim().is_empty() => Err(crate::error::Error::invalid(
            "promotionDetails.promoIdentifier",
            "must not be empty",
        )),
        _ => Ok(()),
    }
}
