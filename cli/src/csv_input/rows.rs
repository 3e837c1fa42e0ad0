//! The data rows of a CSV file, read the way a spreadsheet writes them.

use std::io::Read;

use capillary_sdk::{EarnId, RevokeCustomer, Source};

use super::header::{sniff, Columns};
use super::{with_source, InputError, Row};

/// The data rows of a CSV file.
pub struct CsvRows {
    name: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::StringRecord,
    columns: Columns,
    default_source: Option<Source>,
}

impl CsvRows {
    /// Reads the header of `input` (named `name` in messages).
    pub fn open(
        name: String,
        input: impl Read + Send + 'static,
        default_source: Option<Source>,
    ) -> Result<Self, InputError> {
        let place = |message: String| InputError {
            place: format!("{name} line 1"),
            message,
        };
        let (delimiter, input) = sniff(input).map_err(|e| place(format!("cannot read: {e}")))?;
        let input: Box<dyn Read + Send> = Box::new(input);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(input);
        let mut record = csv::StringRecord::new();
        let columns = match reader.read_record(&mut record) {
            Ok(true) => Columns::of(&record),
            // An empty file: the caller counts no rows and says "no customers".
            Ok(false) => Ok(Columns::EMPTY),
            Err(e) => Err(e.to_string()),
        }
        .map_err(place)?;
        Ok(Self {
            name,
            reader,
            record,
            columns,
            default_source,
        })
    }

    fn error(&self, line: u64, message: impl Into<String>) -> InputError {
        InputError {
            place: format!("{} line {line}", self.name),
            message: message.into(),
        }
    }

    fn parse(&self, line: u64) -> Result<RevokeCustomer, InputError> {
        let (r, c) = (&self.record, self.columns);
        if r.iter().skip(c.count).any(|f| !f.is_empty()) {
            return Err(self.error(
                line,
                format!("{} fields; the header names {}", r.len(), c.count),
            ));
        }
        let field = |i: Option<usize>| i.and_then(|i| r.get(i)).filter(|s| !s.is_empty());
        let Some(value) = field(Some(c.value)) else {
            return Err(self.error(line, "identifierValue is empty"));
        };
        if is_scientific(value) {
            return Err(self.error(
                line,
                format!("identifierValue {value:?} is a number in scientific notation: Excel reformatted it and its last digits are lost; format the column as Text in Excel (or export from the source again) and rerun"),
            ));
        }
        let mut customer = RevokeCustomer::new(value);
        customer = match field(c.source) {
            Some(s) => customer.source(
                s.parse::<Source>()
                    .map_err(|e| self.error(line, e.to_string()))?,
            ),
            None => with_source(customer, self.default_source.as_ref()),
        };
        if let Some(ids) = field(c.earn_ids) {
            // A spreadsheet often leaves the separator after the last id.
            let ids = ids.strip_suffix(';').unwrap_or(ids);
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

/// `1.87674E+10` (or `1,87674E+10`): what Excel shows, and saves, for a long number in a
/// General column; the digits after the sixth are gone.
fn is_scientific(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, "0"));
    [whole, fraction, exponent]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

impl Iterator for CsvRows {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            return match self.reader.read_record(&mut self.record) {
                Ok(false) => None,
                // A row of empty fields: a spreadsheet's formatted but empty row.
                Ok(true) if self.record.iter().all(str::is_empty) => continue,
                Ok(true) => {
                    let line = self.record.position().map_or(0, csv::Position::line);
                    Some(self.parse(line).map(|customer| Row { line, customer }))
                }
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    Some(Err(self.error(line, e.to_string())))
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_scientific;

    #[test]
    fn scientific_notation_is_told_from_identifiers() {
        for mangled in [
            "1.87674E+10",
            "1,87674E+10",
            "1.8E10",
            "2e+9",
            "18767431754E0",
        ] {
            assert!(is_scientific(mangled), "{mangled}");
        }
        for fine in [
            "18767431754",
            "ana@example.com",
            "E+10",
            "1.E+10",
            "1e",
            "EXT-1e5",
            "1e-5x",
        ] {
            assert!(!is_scientific(fine), "{fine}");
        }
    }
}
