//! The revoke journal: a header line naming the server and the request (see [`Identity`]),
//! then one JSON line per customer whose outcome is known, appended as it finishes, so that a
//! rerun skips them.
//!
//! An entry is `{"identifierValue": V, "source": S, "earnIds": [..], "status": ..}` with what
//! was sent for that customer: a customer only ever skips a rerun that would send it the same
//! source and earn ids. `status` is `revoked` or `failed` (known: skipped on a rerun) or
//! `maybeApplied` (recorded for the operator, sent again on a rerun). A line that does not
//! parse (the torn tail of a crashed run) is ignored, so the file is always usable; a line
//! longer than any this CLI writes is refused rather than read into memory.
//!
//! The file is locked while a run uses it (a second run on it is refused, so no customer is
//! sent twice), it is never the input file, and it is created readable by its owner only.

mod identity;

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use capillary_sdk::RevokeCustomer;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

pub use self::identity::Identity;

/// No line this CLI writes is longer (customers whose entry would be are refused up front).
pub const MAX_LINE: usize = 64 * 1024;

/// What a journal entry says about its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Revoked: known, skipped on a rerun.
    Revoked,
    /// Refused by the server with API errors: known, skipped on a rerun.
    Failed,
    /// Sent without an answer: sent again on a rerun.
    MaybeApplied,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    customer: &'a RevokeCustomer,
    status: Status,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadEntry {
    identifier_value: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    earn_ids: Option<Vec<u64>>,
    status: Status,
}

/// An upper bound of the length of a customer's entry, so that a customer too long for the
/// journal is refused before anything is sent.
pub fn entry_len_bound(customer: &RevokeCustomer) -> usize {
    // JSON escaping writes at most 6 bytes per input byte (`\u00XX`).
    let source = customer.source.as_ref().map_or(0, |s| s.as_str().len());
    let earns = customer.earn_ids.as_ref().map_or(0, Vec::len);
    6 * (customer.identifier_value.len() + source) + 21 * earns + 96
}

/// The customers a journal records as known, as a sorted list of 128-bit digests of what was
/// sent for them: a journal of a million customers costs 16 MB, not a hash table of strings.
#[derive(Debug, Default)]
pub struct Done {
    digests: Vec<u128>,
}

impl Done {
    /// Whether this customer, sent exactly so, already has a known outcome.
    pub fn contains(&self, customer: &RevokeCustomer) -> bool {
        if self.digests.is_empty() {
            return false;
        }
        let source = customer.source.as_ref().map(|s| s.as_str());
        let earns = customer.earn_ids.as_deref().unwrap_or_default();
        let digest = digest(
            &customer.identifier_value,
            source,
            earns.iter().map(|e| e.0),
        );
        self.digests.binary_search(&digest).is_ok()
    }
}

fn digest(value: &str, source: Option<&str>, earn_ids: impl Iterator<Item = u64>) -> u128 {
    let mut md5 = Md5::new();
    md5.update(value.as_bytes());
    md5.update([0]);
    if let Some(source) = source {
        // Sources are sent upper-case whatever the input said.
        md5.update(source.to_ascii_uppercase().as_bytes());
    }
    md5.update([0]);
    for id in earn_ids {
        md5.update(id.to_le_bytes());
    }
    u128::from_le_bytes(md5.finalize().into())
}

/// An open, locked journal.
#[derive(Debug)]
pub struct Journal {
    file: File,
}

/// A journal as a run finds it.
#[derive(Debug)]
pub struct Opened {
    /// The journal to append to; `None` for a dry run on a journal that does not exist.
    pub journal: Option<Journal>,
    /// The customers it records as known.
    pub done: Done,
    /// Lines that could not be read (a torn tail), ignored.
    pub unreadable: usize,
}

/// Opens and locks the journal at `path` for a run of `identity`, reading what it records.
/// `input` is the CSV file of the run, which the journal must not be. A dry run does not
/// create the journal. Errors are messages for an exit 2.
pub fn open(
    path: &Path,
    identity: &Identity,
    input: Option<&Path>,
    dry_run: bool,
) -> Result<Opened, String> {
    if let Some(input) = input {
        if same_file(path, input) {
            return Err("the journal is the input file: name another file for --journal".into());
        }
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(!dry_run);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if dry_run && e.kind() == io::ErrorKind::NotFound => {
            return Ok(Opened {
                journal: None,
                done: Done::default(),
                unreadable: 0,
            })
        }
        Err(e) => return Err(format!("cannot open: {e}")),
    };
    // Not `file.try_lock()`: newer toolchains have an inherent method of that name.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            return Err("is in use by another run (it is locked); wait for that run to end".into())
        }
        Err(fs4::TryLockError::Error(e)) => return Err(format!("cannot lock: {e}")),
    }
    let mut journal = Journal { file };
    let (done, unreadable) = journal.read(identity)?;
    Ok(Opened {
        journal: Some(journal),
        done,
        unreadable,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    matches!(
        (std::fs::canonicalize(a), std::fs::canonicalize(b)),
        (Ok(a), Ok(b)) if a == b
    )
}

/// Reads one line of at most [`MAX_LINE`] bytes into `raw`; `false` at the end of the file.
fn read_line(reader: &mut impl BufRead, raw: &mut Vec<u8>, number: u64) -> Result<bool, String> {
    raw.clear();
    let limit = MAX_LINE as u64 + 1;
    let n = reader
        .take(limit)
        .read_until(b'\n', raw)
        .map_err(|e| format!("cannot read: {e}"))?;
    if n > MAX_LINE && raw.last() != Some(&b'\n') {
        return Err(format!(
            "line {number} is longer than {MAX_LINE} bytes: not a journal this CLI wrote"
        ));
    }
    Ok(n > 0)
}

impl Journal {
    /// Checks the header against `identity` (writing it into an empty journal) and collects
    /// the known customers.
    fn read(&mut self, identity: &Identity) -> Result<(Done, usize), String> {
        let mut reader = BufReader::new(&self.file);
        // Bytes, not a String: a torn line may end inside a UTF-8 sequence.
        let mut raw = Vec::new();
        if !read_line(&mut reader, &mut raw, 1)? {
            drop(reader);
            self.append(format!("{}\n", identity.line()).as_bytes())
                .map_err(|e| format!("cannot write: {e}"))?;
            return Ok((Done::default(), 0));
        }
        let Some(header) = Identity::parse(&raw) else {
            return Err(
                "line 1 is not a journal header of this CLI (a journal from an older version, or another file): name a new file for --journal".into(),
            );
        };
        let differences = header.differences(identity);
        if !differences.is_empty() {
            return Err(format!(
                "belongs to another run ({}): name a new file for --journal",
                differences.join("; ")
            ));
        }
        let mut done = Done::default();
        let mut unreadable = 0;
        let mut number = 1;
        loop {
            number += 1;
            if !read_line(&mut reader, &mut raw, number)? {
                break;
            }
            match serde_json::from_slice::<ReadEntry>(&raw) {
                Ok(e) if matches!(e.status, Status::Revoked | Status::Failed) => {
                    let earns = e.earn_ids.unwrap_or_default();
                    done.digests.push(digest(
                        &e.identifier_value,
                        e.source.as_deref(),
                        earns.into_iter(),
                    ));
                }
                Ok(_) => {}
                Err(_) if raw.iter().all(u8::is_ascii_whitespace) => {}
                Err(_) => unreadable += 1,
            }
        }
        drop(reader);
        // A torn last line has no newline: start the next entry on a line of its own.
        if self
            .ends_without_newline()
            .map_err(|e| format!("cannot read: {e}"))?
        {
            self.append(b"\n")
                .map_err(|e| format!("cannot write: {e}"))?;
        }
        done.digests.sort_unstable();
        done.digests.dedup();
        Ok((done, unreadable))
    }

    /// Appends the entries of `customers` in one write.
    pub fn record<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a RevokeCustomer, Status)>,
    ) -> io::Result<()> {
        let mut lines = Vec::new();
        for (customer, status) in entries {
            serde_json::to_writer(&mut lines, &Entry { customer, status })
                .map_err(io::Error::other)?;
            lines.push(b'\n');
        }
        if lines.is_empty() {
            return Ok(());
        }
        self.append(&lines)
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.file.flush()
    }

    fn ends_without_newline(&mut self) -> io::Result<bool> {
        let len = self.file.seek(SeekFrom::End(0))?;
        if len == 0 {
            return Ok(false);
        }
        self.file.seek(SeekFrom::End(-1))?;
        let mut last = [0u8; 1];
        self.file.read_exact(&mut last)?;
        Ok(last[0] != b'\n')
    }
}
