//! The header line: which delimiter the file uses, and which column holds what.

use std::io::{self, BufRead, BufReader, Cursor, Read};

/// A header line longer than this is not a header this CLI can name columns from.
const MAX_HEADER: u64 = 64 * 1024;

/// The delimiter the header line uses, and a reader of the whole input from its first byte
/// (a UTF-8 byte order mark removed). A header with `;` and no `,` is `;`-delimited: the CSV
/// of a spreadsheet in a locale whose decimal separator is the comma.
pub fn sniff<R: Read>(input: R) -> io::Result<(u8, impl Read)> {
    let mut reader = BufReader::new(input);
    let mut head = Vec::new();
    (&mut reader)
        .take(MAX_HEADER)
        .read_until(b'\n', &mut head)?;
    if head.starts_with(b"\xef\xbb\xbf") {
        head.drain(..3);
    }
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &b in &head {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    let delimiter = if semicolons > 0 && commas == 0 {
        b';'
    } else {
        b','
    };
    Ok((delimiter, Cursor::new(head).chain(reader)))
}

/// Which field of a row holds which column.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    /// `identifierValue`.
    pub value: usize,
    /// `source`.
    pub source: Option<usize>,
    /// `earnIds`.
    pub earn_ids: Option<usize>,
    /// The named columns; fields after them must be empty (a spreadsheet's trailing column).
    pub count: usize,
}

const HEADER_RULE: &str =
    "the first line must be a header naming identifierValue (and optionally source, earnIds, in any order)";

impl Columns {
    /// The columns of an empty file: it has no rows either.
    pub const EMPTY: Self = Self {
        value: 0,
        source: None,
        earn_ids: None,
        count: 1,
    };

    /// The columns `header` names, or why it is not a header.
    pub fn of(header: &csv::StringRecord) -> Result<Self, String> {
        let (mut value, mut source, mut earn_ids) = (None, None, None);
        // Empty names at the end are a spreadsheet's trailing empty column: not a column.
        let count = (0..header.len())
            .rfind(|&i| header.get(i).is_some_and(|n| !n.is_empty()))
            .map_or(0, |i| i + 1);
        for (i, name) in header.iter().take(count).enumerate() {
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
            count,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::sniff;

    fn sniffed(text: &str) -> (u8, String) {
        let (delimiter, mut reader) = sniff(text.as_bytes()).unwrap();
        let mut read = String::new();
        reader.read_to_string(&mut read).unwrap();
        (delimiter, read)
    }

    #[test]
    fn the_header_tells_the_delimiter_and_the_bytes_stay_whole() {
        assert_eq!(sniffed("identifierValue;earnIds\n1;\"5;6\"\n").0, b';');
        assert_eq!(sniffed("identifierValue,earnIds\n1,5;6\n").0, b',');
        // A `;` inside a quoted name does not make the file `;`-delimited.
        assert_eq!(sniffed("\"identifierValue;x\",earnIds\n").0, b',');
        assert_eq!(
            sniffed("identifierValue\n1\n"),
            (b',', "identifierValue\n1\n".into())
        );
        assert_eq!(
            sniffed("\u{feff}identifierValue;\r\n1;\r\n").1,
            "identifierValue;\r\n1;\r\n"
        );
        assert_eq!(sniffed(""), (b',', String::new()));
    }
}
