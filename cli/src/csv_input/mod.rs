//! The customers of a revoke, from `--customer` flags or a CSV file, read as a stream of rows
//! so that a million-row file never sits in memory.
//!
//! CSV: a header row naming `identifierValue` and optionally `source` and `earnIds`, in any
//! order, then one row per customer, earn ids separated by `;`. The header is required: a
//! file without one would silently lose its first customer. Every error names its line.
//! What spreadsheets write is read as meant: a `;`-delimited file (told by its header), a
//! byte order mark, CRLF, quoted fields, rows of empty fields (skipped), a trailing empty
//! column, earn ids ending in `;`; a number Excel put in scientific notation is refused.
//!
//! The file is read once from its path; later passes read the private copy that first pass
//! made (see [`spool`]), so a file that changes, or a pipe, sends exactly what was checked.

mod header;
mod rows;
mod spool;

use std::fmt;
use std::fs::File;
use std::path::PathBuf;

use capillary_sdk::{RevokeCustomer, Source};

use self::rows::CsvRows;
use self::spool::Spool;

/// Where the customers come from.
#[derive(Debug)]
pub enum Input {
    /// `--customer V`, repeated.
    Flags(Vec<String>),
    /// `--csv FILE`, and the copy of it that passes after the first read.
    Csv(PathBuf, Spool),
}

/// Which pass over the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The first: from the file itself, keeping a copy.
    First,
    /// Any later one: the same bytes again, whatever became of the file.
    Again,
}

/// One customer and where it was read.
#[derive(Debug)]
pub struct Row {
    /// The line of the CSV file (1 is the header), or the position of the `--customer` flag.
    pub line: u64,
    /// The customer.
    pub customer: RevokeCustomer,
}

/// A row that cannot be read, with its place in the input.
#[derive(Debug)]
pub struct InputError {
    /// e.g. `orders.csv line 7` or `--customer #2`
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// The rows of an input, one at a time.
pub type Rows = Box<dyn Iterator<Item = Result<Row, InputError>> + Send>;

impl Input {
    /// The customers of `--csv FILE`.
    pub fn csv(path: PathBuf) -> Result<Self, InputError> {
        let spool = Spool::new().map_err(|e| InputError {
            place: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(Self::Csv(path, spool))
    }

    /// Opens the input for one pass over its rows. `default_source` applies to rows that
    /// name no source.
    pub fn rows(&self, pass: Pass, default_source: Option<Source>) -> Result<Rows, InputError> {
        match self {
            Self::Flags(values) => {
                let values = values.clone();
                Ok(Box::new(values.into_iter().enumerate().map(
                    move |(i, value)| {
                        let customer = RevokeCustomer::new(value);
                        Ok(Row {
                            line: i as u64 + 1,
                            customer: with_source(customer, default_source.as_ref()),
                        })
                    },
                )))
            }
            Self::Csv(path, spool) => {
                let cannot = |verb: &str, e: std::io::Error| InputError {
                    place: path.display().to_string(),
                    message: format!("cannot {verb}: {e}"),
                };
                let name = path.display().to_string();
                match pass {
                    Pass::First => {
                        let file = File::open(path).map_err(|e| cannot("open", e))?;
                        let tee = spool.record(file).map_err(|e| cannot("read", e))?;
                        Ok(Box::new(CsvRows::open(name, tee, default_source)?))
                    }
                    Pass::Again => {
                        let copy = spool.replay().map_err(|e| cannot("read", e))?;
                        Ok(Box::new(CsvRows::open(name, copy, default_source)?))
                    }
                }
            }
        }
    }

    /// How a row of this input is named in messages.
    pub fn place(&self, line: u64) -> String {
        match self {
            Self::Flags(_) => format!("--customer #{line}"),
            Self::Csv(path, _) => format!("{} line {line}", path.display()),
        }
    }

    /// How another row of this input is named after [`place`](Self::place).
    pub fn other_place(&self, line: u64) -> String {
        match self {
            Self::Flags(_) => format!("--customer #{line}"),
            Self::Csv(..) => format!("line {line}"),
        }
    }
}

fn with_source(customer: RevokeCustomer, source: Option<&Source>) -> RevokeCustomer {
    match source {
        Some(source) => customer.source(source.clone()),
        None => customer,
    }
}
