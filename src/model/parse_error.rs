//! [`ParseError`]: a value that names no known variant of an SDK type.

use std::fmt;

/// A value that names nothing the SDK knows, from one of its `FromStr` impls (`Cluster`,
/// `Source`, `DataScope`, `IdentifierKind`, `RevokeIdentifierKind`, `RevokeAction`, and the id
/// types such as `ProgramId`).
///
/// ```
/// use capillary_sdk::{DataScope, ParseError};
///
/// let err: ParseError = "EVERYWHERE".parse::<DataScope>().unwrap_err();
/// assert_eq!(err.value(), "EVERYWHERE");
/// assert_eq!(err.to_string(), r#"unknown data scope "EVERYWHERE" (expected SELF or OTHER)"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    value: String,
    expected: &'static str,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            what,
            value: value.to_string(),
            expected,
        }
    }

    /// What was being parsed, e.g. `data scope`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The value as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values that are accepted, in words.
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected {})",
            self.what, self.value, self.expected
        )
    }
}

impl std::error::Error for ParseError {}
