//! The revoke journal: one JSON line per customer whose outcome is known, appended and
//! flushed as it finishes, so that a rerun skips them.
//!
//! A line is `{"op": OPERATION, "identifierValue": V, "status": "revoked"|"failed"}`, where the
//! operation names action, program, promotion and identifier name: one file may serve several
//! operations, and an entry only ever skips the same customer of the same operation. A line
//! that does not parse (the torn tail of a crashed run) is ignored, so the file is always
//! usable.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use capillary_sdk::{IdentifierName, ProgramId, PromotionRef, RevokeAction};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// The key of a revoke operation in the journal.
pub fn operation(
    action: RevokeAction,
    program: ProgramId,
    promotion: &PromotionRef,
    identifier_name: IdentifierName,
) -> String {
    let promotion = match promotion {
        PromotionRef::Id(id) => format!("promotionId={id}"),
        PromotionRef::Identifier(s) => format!("promoIdentifier={s}"),
    };
    format!(
        "{} programId={program} {promotion} identifierName={identifier_name}",
        action.as_str()
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    op: &'a str,
    identifier_value: &'a str,
    status: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadEntry {
    op: String,
    identifier_value: String,
}

/// The customers a journal already records for one operation, as a sorted list of 128-bit
/// digests: a journal of a million customers costs 16 MB, not a hash table of strings.
#[derive(Debug, Default)]
pub struct Done {
    digests: Vec<u128>,
}

impl Done {
    /// Whether the customer's outcome is already known.
    pub fn contains(&self, identifier_value: &str) -> bool {
        self.digests
            .binary_search(&digest(identifier_value))
            .is_ok()
    }
}

fn digest(value: &str) -> u128 {
    u128::from_le_bytes(Md5::digest(value.as_bytes()).into())
}

/// Appends entries; each one is written in a single call and flushed.
#[derive(Debug)]
pub struct Writer {
    file: File,
    op: String,
}

impl Writer {
    /// Records a customer whose outcome is known.
    pub fn record(&mut self, identifier_value: &str, status: &str) -> io::Result<()> {
        let entry = Entry {
            op: &self.op,
            identifier_value,
            status,
        };
        let mut line = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()
    }
}

/// Reads the customers a journal records for an operation; a missing file records none.
/// Returns them and the number of lines that could not be read (a torn tail), which are
/// ignored.
pub fn load(path: &Path, op: &str) -> io::Result<(Done, usize)> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Done::default(), 0)),
        Err(e) => return Err(e),
    };
    let mut done = Done::default();
    let mut unreadable = 0;
    let mut reader = BufReader::new(file);
    // Bytes, not a String: a torn line may end inside a UTF-8 sequence.
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if reader.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        match serde_json::from_slice::<ReadEntry>(&raw) {
            Ok(entry) if entry.op == op => {
                done.digests.push(digest(&entry.identifier_value));
            }
            Ok(_) => {}
            Err(_) if raw.iter().all(u8::is_ascii_whitespace) => {}
            Err(_) => unreadable += 1,
        }
    }
    done.digests.sort_unstable();
    done.digests.dedup();
    Ok((done, unreadable))
}

impl Writer {
    /// Opens (or creates) a journal to append entries of an operation.
    pub fn open(path: &Path, op: String) -> io::Result<Self> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        // A torn last line has no newline: start the next entry on a line of its own.
        if ends_without_newline(&mut file)? {
            file.write_all(b"\n")?;
        }
        Ok(Self { file, op })
    }
}

fn ends_without_newline(file: &mut File) -> io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}
