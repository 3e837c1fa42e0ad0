//! The customers of a revoke, from `--customer` flags or a CSV file, read as a stream of rows
//! so that a million-row file never sits in memory.
//!
//! CSV (DESIGN.md): a header row, then `identifierValue[,source[,earnIds]]`, earn ids
//! separated by `;`. Every error names its line.

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

/// The data rows of a CSV file.
struct CsvRows {
    path: PathBuf,
    reader: csv::Reader<File>,
    record: csv::StringRecord,
    default_source: Option<Source>,
}

impl CsvRows {
    fn open(path: &Path, default_source: Option<Source>) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|e| InputError {
            place: path.display().to_string(),
            message: format!("cannot open: {e}"),
        })?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(file);
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            record: csv::StringRecord::new(),
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
        let r = &self.record;
        if r.len() > 3 {
            return Err(self.error(
                line,
                format!(
                    "{} fields; expected identifierValue[,source[,earnIds]]",
                    r.len()
                ),
            ));
        }
        let value = r.get(0).unwrap_or_default();
        if value.is_empty() {
            return Err(self.error(line, "identifierValue is empty"));
        }
        let mut customer = RevokeCustomer::new(value);
        customer = match r.get(1).filter(|s| !s.is_empty()) {
            Some(s) => customer.source(
                s.parse::<Source>()
                    .map_err(|e| self.error(line, e.to_string()))?,
            ),
            None => with_source(customer, self.default_source.as_ref()),
        };
        if let Some(ids) = r.get(2).filter(|s| !s.is_empty()) {
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
