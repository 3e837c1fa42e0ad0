//! The customers of a revoke, from `--customer` flags or a CSV file, read as a stream of rows
//! so that a million-row file never sits in memory.
//!
//! CSV: a header row naming `identifierValue` and optionally `source` and `earnIds`, in any
//! order, then one row per customer, earn ids separated by `;`. The header is required: a
//! file without one would silently lose its first customer. Every error names its line.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

use capillary_sdk::{EarnId, RevokeCustomer, Source};

/// Where the customers come from.
#[derive(Debug, Clone)]
pub enum Input {
    /// `--customer V`, repeated.
    Flags(Vec<String>),
    /// `--csv FILE`.
    Csv(PathBuf),
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
    /// Opens the input for one pass over its rows. `default_source` applies to rows that
    /// name no source.
    pub fn rows(&self, default_source: Option<Source>) -> Result<Rows, InputError> {
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
            Self::Csv(path) => Ok(Box::new(CsvRows::open(path, default_source)?)),
        }
    }

    /// How a row of this input is named in messages.
    pub fn place(&self, line: u64) -> String {
        match self {
            Self::Flags(_) => format!("--customer #{line}"),
            Self::Csv(path) => format!("{} line {line}", path.display()),
        }
    }
}

fn with_source(customer: RevokeCustomer, source: Option<&Source>) -> RevokeCustomer {
    match source {
        Some(source) => customer.source(source.clone()),
        None => customer,
    }
}

/// Which field of a row holds which column.
#[derive(Debug, Clone, Copy)]
struct Columns {
    value: usize,
    source: Option<usize>,
    earn_ids: Option<usize>,
    count: usize,
}

const HEADER_RULE: &str =
    "the first line must be a header naming identifierValue (and optionally source, earnIds, in any order)";

impl Columns {
    fn of(header: &csv::StringRecord) -> Result<Self, String> {
        let (mut value, mut source, mut earn_ids) = (None, None, None);
        for (i, name) in header.iter().enumerate() {
            let name = name.trim_start_matches('\u{feff}');
            let slot = if name.eq_ignore_ascii_case("identifierValue") {
                &mut value
            } else if name.eq_ignore_ascii_case("source") {
                &mut source
            } else if name.eq_ignore_ascii_case("earnIds") {
                &mut earn_ids
            } else {
                return Err(format!("{HEADER_RULE}; found column {name:?}"));
            };
            if slot.replace(i).is_some() {
                return Err(format!("column {name:?} is named twice"));
            }
        }
        let value = value.ok_or_else(|| format!("{HEADER_RULE}; no identifierValue column"))?;
        Ok(Self {
            value,
            source,
            earn_ids,
            count: header.len(),
        })
    }
}

/// The data rows of a CSV file.
struct CsvRows {
    path: PathBuf,
    reader: csv::Reader<File>,
    record: csv::StringRecord,
    columns: Columns,
    default_source: Option<Source>,
}

impl CsvRows {
    fn open(path: &Path, default_source: Option<Source>) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|e| InputError {
            place: path.display().to_string(),
            message: format!("cannot open: {e}"),
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(file);
        let mut record = csv::StringRecord::new();
        let place = || format!("{} line 1", path.display());
        let columns = match reader.read_record(&mut record) {
            Ok(true) => Columns::of(&record),
            // An empty file: the caller counts no rows and says "no customers".
            Ok(false) => Ok(Columns {
                value: 0,
                source: None,
                earn_ids: None,
                count: 1,
            }),
            Err(e) => Err(e.to_string()),
        }
        .map_err(|message| InputError {
            place: place(),
            message,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            record,
            columns,
            default_source,
        })
    }

    fn error(&self, line: u64, message: impl Into<String>) -> InputError {
        InputError {
            place: format!("{} line {line}", self.path.display()),
            message: message.into(),
        }
    }

    fn parse(&self, line: u64) -> Result<RevokeCustomer, InputError> {
        let (r, c) = (&self.record, self.columns);
        if r.len() > c.count {
            return Err(self.error(
                line,
                format!("{} fields; the header names {}", r.len(), c.count),
            ));
        }
        let field = |i: Option<usize>| i.and_then(|i| r.get(i)).filter(|s| !s.is_empty());
        let Some(value) = field(Some(c.value)) else {
            return Err(self.error(line, "identifierValue is empty"));
        };
        let mut customer = RevokeCustomer::new(value);
        customer = match field(c.source) {
            Some(s) => customer.source(
                s.parse::<Source>()
                    .map_err(|e| self.error(line, e.to_string()))?,
            ),
            None => with_source(customer, self.default_source.as_ref()),
        };
        if let Some(ids) = field(c.earn_ids) {
            let ids =
                ids.split(';')
                    .map(|id| {
                        id.trim().parse::<u64>().map(EarnId).map_err(|_| {
                            self.error(line, format!("earn id {id:?} is not a number"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            customer = customer.earn_ids(ids);
        }
        Ok(customer)
    }
}

impl Iterator for CsvRows {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                Some(self.parse(line).map(|customer| Row { line, customer }))
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                Some(Err(self.error(line, e.to_string())))
            }
        }
    }
}
