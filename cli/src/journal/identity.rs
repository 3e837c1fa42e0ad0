//! The first line of a journal: which server and which request its entries belong to.
//!
//! A journal applied to another run would skip customers that run never revoked (revoking
//! earn 1003 skipped because earn 1001 was revoked, or production skipped because the sandbox
//! answered), so a rerun whose server or request differs is refused, naming what differs.

use capillary_sdk::{ProgramId, PromotionRef, RevokeIdentifierKind};
use serde::{Deserialize, Serialize};

/// The format of the lines this CLI writes; a journal of another version is refused.
const VERSION: u32 = 3;

/// The server and request a journal belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    capillary_journal: u32,
    base_url: String,
    bulk_action: String,
    program_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    promotion_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    promo_identifier: Option<String>,
    identifier_name: String,
}

impl Identity {
    /// The identity of a bulk run of `action` (its wire name) against `base_url`.
    pub fn new(
        base_url: &str,
        action: &str,
        program: ProgramId,
        promotion: &PromotionRef,
        identifier_name: RevokeIdentifierKind,
    ) -> Self {
        let (promotion_id, promo_identifier) = match promotion {
            PromotionRef::Id(id) => (Some(id.0), None),
            PromotionRef::Identifier(s) => (None, Some(s.clone())),
        };
        Self {
            capillary_journal: VERSION,
            base_url: base_url.to_owned(),
            bulk_action: action.to_owned(),
            program_id: program.0,
            promotion_id,
            promo_identifier,
            identifier_name: identifier_name.as_str().to_owned(),
        }
    }

    /// The journal format it names.
    pub fn version(&self) -> u32 {
        self.capillary_journal
    }

    /// The header line, without its newline.
    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a header line; `None` if the line is not one.
    pub fn parse(line: &[u8]) -> Option<Self> {
        serde_json::from_slice(line).ok()
    }

    /// What differs between the journal's identity (`self`) and this run's, one
    /// `name: journal X, this run Y` per field; empty when they match.
    pub fn differences(&self, run: &Self) -> Vec<String> {
        let show = |v: Option<String>| v.unwrap_or_else(|| "none".into());
        let id = |v: Option<u64>| v.map(|v| v.to_string());
        let fields = [
            (
                "journal version",
                Some(self.capillary_journal.to_string()),
                Some(run.capillary_journal.to_string()),
            ),
            (
                "server (base URL)",
                Some(self.base_url.clone()),
                Some(run.base_url.clone()),
            ),
            (
                "action",
                Some(self.bulk_action.clone()),
                Some(run.bulk_action.clone()),
            ),
            (
                "program",
                Some(self.program_id.to_string()),
                Some(run.program_id.to_string()),
            ),
            ("promotion", id(self.promotion_id), id(run.promotion_id)),
            (
                "promo identifier",
                self.promo_identifier.clone(),
                run.promo_identifier.clone(),
            ),
            (
                "identifier name",
                Some(self.identifier_name.clone()),
                Some(run.identifier_name.clone()),
            ),
        ];
        fields
            .into_iter()
            .filter(|(_, journal, run)| journal != run)
            .map(|(name, journal, run)| {
                format!("{name}: journal {}, this run {}", show(journal), show(run))
            })
            .collect()
    }
}
