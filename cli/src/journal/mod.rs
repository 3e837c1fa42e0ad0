//! The bulk journal, written ahead: a header line naming the server and the request (see
//! [`Identity`]), then one JSON line per customer and event, appended as it happens.
//!
//! Before a request is sent, one write appends a `sending` entry for each of its customers,
//! and the file is fsynced (`fdatasync`): if that fails, the request is not sent. When the
//! request settles, one write appends each customer's outcome (`revoked`, `failed`,
//! `maybeApplied`, `notApplied`, ...), flushed to the kernel (a `write(2)`) but not fsynced: a
//! crash of the process loses none of it, a crash of the machine may lose those lines, which
//! leaves their customers `sending`, i.e. resolved by the rerun, never skipped wrongly.
//!
//! An entry is `{"identifierValue": V, "source": S, "earnIds": [..], "status": .., "at": ms}`
//! with what was sent for that customer: a customer only ever counts as tried by a rerun that
//! would send it the same source and earn ids (an enrol or earn applied, or maybe applied,
//! under another source counts too: it is the customer's). The last entry of a customer says what a rerun
//! does (see [`Prior`]). A line that is not whole JSON (the torn tail of a crashed run) is
//! ignored: whatever it was writing, the customer's earlier `sending` entry stands, so it is
//! in flight, not unknown (a torn `sending` entry was never followed by its send). Whole JSON
//! that is not an entry (an edited line), or a line longer than any this CLI writes, refuses
//! the journal: no crash writes either.
//!
//! The file is locked while a run uses it (a second run on it is refused, so no customer is
//! sent twice), it is never the input file, and it is created readable by its owner only.

mod entry;
mod identity;
mod known;

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

pub use self::entry::{entry_len_bound, Journaled, Key, Prior, Status};
use self::entry::{Entry, ReadEntry};
pub use self::identity::Identity;
use self::known::Collector;
pub use self::known::Known;

/// No line this CLI writes is longer (customers whose entry would be are refused up front).
pub const MAX_LINE: usize = 64 * 1024;

/// An open, locked journal.
#[derive(Debug)]
pub struct Journal {
    file: File,
    /// The length of what was written whole: a failed write is cut back to it, so that a
    /// half-written batch never runs into the next line.
    len: u64,
}

/// A journal as a run finds it.
#[derive(Debug)]
pub struct Opened {
    /// The journal to append to; `None` for a dry run on a journal that does not exist.
    pub journal: Option<Journal>,
    /// What it records of each customer.
    pub known: Known,
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
                known: Known::default(),
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
    let mut journal = Journal { file, len: 0 };
    let (known, unreadable) = journal.read(identity)?;
    Ok(Opened {
        journal: Some(journal),
        known,
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
    fn read(&mut self, identity: &Identity) -> Result<(Known, usize), String> {
        let mut reader = BufReader::new(&self.file);
        // Bytes, not a String: a torn line may end inside a UTF-8 sequence.
        let mut raw = Vec::new();
        if !read_line(&mut reader, &mut raw, 1)? {
            drop(reader);
            self.append(format!("{}\n", identity.line()).as_bytes())
                .and_then(|()| self.file.sync_data())
                .map_err(|e| format!("cannot write: {e}"))?;
            return Ok((Known::default(), 0));
        }
        let Some(header) = Identity::parse(&raw) else {
            return Err(
                "line 1 is not a journal header of this CLI (a journal from an older version, or another file): name a new file for --journal".into(),
            );
        };
        if header.version() != identity.version() {
            return Err(format!(
                "was written by another version of capillary (journal format {}; this one reads and writes format {} only, which journals customers before sending them): finish that run with the version that started it, or name a new file for --journal",
                header.version(),
                identity.version()
            ));
        }
        let differences = header.differences(identity);
        if !differences.is_empty() {
            return Err(format!(
                "belongs to another run ({}): name a new file for --journal",
                differences.join("; ")
            ));
        }
        let mut collector = Collector::default();
        let mut unreadable = 0;
        let mut number = 1;
        loop {
            number += 1;
            if !read_line(&mut reader, &mut raw, number)? {
                break;
            }
            match serde_json::from_slice::<ReadEntry>(&raw) {
                Ok(e) => collector.add(&e, number),
                Err(_) if raw.iter().all(u8::is_ascii_whitespace) => {}
                // Whole JSON that is not an entry was not torn by a crash: ignoring it could
                // send its customer as if never tried.
                Err(e) if serde_json::from_slice::<serde::de::IgnoredAny>(&raw).is_ok() => {
                    return Err(format!(
                        "line {number} is not an entry this CLI writes ({e}): name a new file for --journal, or restore the line"
                    ))
                }
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
        self.len = self
            .file
            .seek(SeekFrom::End(0))
            .map_err(|e| format!("cannot read: {e}"))?;
        Ok((collector.finish(), unreadable))
    }

    /// Journals `customers` as about to be sent, in one write, and fsyncs it
    /// (`fdatasync`): only once this returns `Ok` may their request be sent.
    pub fn sending<'a, C: Journaled + 'a>(
        &mut self,
        customers: impl IntoIterator<Item = &'a C>,
    ) -> io::Result<()> {
        let at = Some(now_ms());
        let lines = lines(customers.into_iter().map(|c| (c, Status::Sending)), at)?;
        self.append(&lines)?;
        self.file.sync_data()
    }

    /// Appends the outcomes of `entries` in one write (not fsynced: see the module).
    pub fn record<'a, C: Journaled + 'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a C, Status)>,
    ) -> io::Result<()> {
        let lines = lines(entries, None)?;
        self.append(&lines)
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let written = self.file.write_all(bytes).and_then(|()| self.file.flush());
        match written {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                // A full disk may have taken part of it: cut it off (best effort; a reader
                // ignores a torn line anyway).
                let _ = self.file.set_len(self.len);
                Err(e)
            }
        }
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

fn lines<'a, C: Journaled + 'a>(
    entries: impl IntoIterator<Item = (&'a C, Status)>,
    at: Option<u64>,
) -> io::Result<Vec<u8>> {
    let mut lines = Vec::new();
    for (customer, status) in entries {
        customer.with_key(|key| serde_json::to_writer(&mut lines, &Entry { key, status, at }))?;
        lines.push(b'\n');
    }
    Ok(lines)
}

/// Now, in Unix milliseconds (0 for a clock before 1970).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
