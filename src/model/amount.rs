//! [`Amount`]: a quantity the server sends as a number or as a string (`0`, `"4990.000"`),
//! kept as written; and the lenient integer reader for counters that drift the same way.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A points value, limit or usage count, kept as the server wrote it.
///
/// The lookup's examples send these as strings (`"0"`, `"4990.000"`) or as numbers; both
/// are accepted and the text is kept unchanged, so no precision is lost. Serialised as that
/// text.
///
/// ```
/// use capillary_sdk::Amount;
///
/// let a: Amount = serde_json::from_str("\"4990.000\"").unwrap();
/// assert_eq!(a.as_str(), "4990.000");
/// assert_eq!(a.as_f64(), Some(4990.0));
/// assert_eq!(a.as_i64(), Some(4990));
/// let unlimited: Amount = serde_json::from_str("-1").unwrap();
/// assert!(unlimited.is_unlimited());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Amount(String);

impl Amount {
    /// An amount from its text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as received (`"4990.000"`, `"0"`, `"-1"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a float, if the text is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.trim().parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// The value as an integer, if it is one (`"4990.000"` is 4990; `"1.5"` is not).
    pub fn as_i64(&self) -> Option<i64> {
        let text = self.0.trim();
        if let Ok(v) = text.parse::<i64>() {
            return Some(v);
        }
        let (whole, fraction) = text.split_once('.')?;
        if fraction.bytes().all(|b| b == b'0') {
            whole.parse().ok()
        } else {
            None
        }
    }

    /// Whether it is the page's "no limit" value, `-1` (a disabled restriction).
    pub fn is_unlimited(&self) -> bool {
        self.as_i64() == Some(-1)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(Self(s)),
            serde_json::Value::Number(n) => Ok(Self(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "an amount must be a number or a string, not {}",
                kind_of(&other)
            ))),
        }
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
        _ => "a scalar",
    }
}

/// Reads an optional counter (event log ids, page numbers, redeemed counts) from a number
/// or a numeric string. A value that is neither is read as absent rather than failing the
/// whole answer: these counters inform, nothing is decided on them.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|v| v.fract() == 0.0 && *v >= 0.0)
                .map(|v| v as u64)
        }),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_their_text_and_read_as_numbers() {
        let a: Amount = serde_json::from_str("0").unwrap();
        assert_eq!((a.as_str(), a.as_i64()), ("0", Some(0)));
        let b: Amount = serde_json::from_str("\"1.50\"").unwrap();
        assert_eq!((b.as_i64(), b.as_f64()), (None, Some(1.5)));
        assert!(serde_json::from_str::<Amount>("null").is_err());
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"1.50\"");
        let c = Amount::new("x");
        assert_eq!((c.as_i64(), c.as_f64()), (None, None));
    }
}
