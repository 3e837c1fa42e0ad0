//! The private copy of a CSV file that its second pass reads.
//!
//! The input is read twice: checked, then sent. Read from its path twice, a file rewritten or
//! swapped in between would get rows sent that were never checked, and a pipe
//! (`--csv /dev/stdin`) would have nothing left for the second pass. So the first pass copies
//! every byte it reads into an unnamed temporary file (readable by this process only, gone
//! when it exits, even by `kill -9`), and every later pass reads that copy: what is sent is
//! byte for byte what was checked. Memory stays flat; the copy costs the input's size on disk.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// An unnamed temporary file holding the bytes of the first pass.
#[derive(Debug)]
pub struct Spool {
    file: File,
}

impl Spool {
    /// Creates the copy in the temporary directory (`TMPDIR`).
    pub fn new() -> io::Result<Self> {
        tempfile::tempfile()
            .map(|file| Self { file })
            .map_err(|e| context(&e))
    }

    /// `input`, copied into the spool (emptied first) as it is read.
    pub fn record<R: Read>(&self, input: R) -> io::Result<Tee<R>> {
        let mut file = self.file.try_clone()?;
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        Ok(Tee { input, copy: file })
    }

    /// The bytes recorded, from the start.
    pub fn replay(&self) -> io::Result<File> {
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    }
}

fn context(e: &io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "cannot keep a private copy of the input in {} for the second pass (set TMPDIR to a directory with room): {e}",
            std::env::temp_dir().display()
        ),
    )
}

/// A reader that copies what it reads into the spool.
#[derive(Debug)]
pub struct Tee<R> {
    input: R,
    copy: File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.copy.write_all(read).map_err(|e| context(&e))?;
        Ok(n)
    }
}
