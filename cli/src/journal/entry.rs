//! One journal line about one customer: what was sent for it, and what is known of it.

use capillary_sdk::RevokeCustomer;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// What a journal entry says about its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// About to be sent: written, flushed and fsynced before its request is sent. With no
    /// later entry, the customer was in flight when the run stopped.
    Sending,
    /// Revoked: known, skipped on a rerun.
    Revoked,
    /// Enrolled: known, skipped on a rerun.
    Enrolled,
    /// Earned: known, skipped on a rerun.
    Earned,
    /// Refused by the server with API errors for this customer: known, skipped on a rerun.
    Failed,
    /// Sent without an answer: resolved on a rerun, never sent blindly.
    MaybeApplied,
    /// Its request was refused as a whole or never sent: nothing was applied, sent on a
    /// rerun as if never tried.
    NotApplied,
}

/// What the last entry of a customer means for a rerun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prior {
    /// Its outcome is known: skipped.
    Done,
    /// It may have been applied (in flight when the run stopped, or unanswered): the rerun
    /// resolves it. `since` is when it was journaled as being sent (Unix milliseconds; 0 if
    /// the journal did not say).
    Unknown {
        /// Unix milliseconds of its last `sending` entry.
        since: u64,
    },
}

impl Status {
    /// Its meaning for a rerun; `None`: send as if never tried.
    pub fn prior(self, since: u64) -> Option<Prior> {
        match self {
            Self::Revoked | Self::Enrolled | Self::Earned | Self::Failed => Some(Prior::Done),
            Self::Sending | Self::MaybeApplied => Some(Prior::Unknown { since }),
            Self::NotApplied => None,
        }
    }
}

/// What identifies a customer in a journal: what was sent for it.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Key<'a> {
    /// The identifier value.
    pub identifier_value: &'a str,
    /// Its source, if one was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
    /// Its earn ids (revoke of earns only).
    #[serde(skip_serializing_if = "<[u64]>::is_empty")]
    pub earn_ids: &'a [u64],
}

impl Key<'_> {
    /// A 128-bit digest of what was sent, so that a journal of a million customers is kept
    /// as 16-byte digests, not a table of strings.
    pub fn digest(&self) -> u128 {
        let mut md5 = Md5::new();
        md5.update(self.identifier_value.as_bytes());
        md5.update([0]);
        if let Some(source) = self.source {
            // Sources are sent upper-case whatever the input said.
            md5.update(source.to_ascii_uppercase().as_bytes());
        }
        md5.update([0]);
        for id in self.earn_ids {
            md5.update(id.to_le_bytes());
        }
        u128::from_le_bytes(md5.finalize().into())
    }
}

/// A customer as a journal names it.
pub trait Journaled {
    /// Calls `f` with the customer's key.
    fn with_key<R>(&self, f: impl FnOnce(Key<'_>) -> R) -> R;
}

impl Journaled for RevokeCustomer {
    fn with_key<R>(&self, f: impl FnOnce(Key<'_>) -> R) -> R {
        let earn_ids: Vec<u64> = self.earn_ids.iter().flatten().map(|e| e.0).collect();
        f(Key {
            identifier_value: &self.identifier_value,
            source: self.source.as_ref().map(|s| s.as_str()),
            earn_ids: &earn_ids,
        })
    }
}

/// A line as written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<'a> {
    #[serde(flatten)]
    pub key: Key<'a>,
    pub status: Status,
    /// Unix milliseconds, on `sending` entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<u64>,
}

/// A line as read back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadEntry {
    pub identifier_value: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub earn_ids: Vec<u64>,
    pub status: Status,
    #[serde(default)]
    pub at: Option<u64>,
}

impl ReadEntry {
    /// The digest of its key.
    pub fn digest(&self) -> u128 {
        Key {
            identifier_value: &self.identifier_value,
            source: self.source.as_deref(),
            earn_ids: &self.earn_ids,
        }
        .digest()
    }
}

/// An upper bound of the length of a customer's entry, so that a customer too long for the
/// journal is refused before anything is sent.
pub fn entry_len_bound(key: Key<'_>) -> usize {
    // JSON escaping writes at most 6 bytes per input byte (`\u00XX`).
    let source = key.source.map_or(0, str::len);
    6 * (key.identifier_value.len() + source) + 21 * key.earn_ids.len() + 128
}
