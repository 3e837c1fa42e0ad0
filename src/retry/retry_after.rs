//! Reading `Retry-After`: delay seconds or an HTTP date.

use std::time::{Duration, SystemTime};

/// The longest `Retry-After` read as given: a server's value can be any number, and a clock
/// must never be asked to add more than it can hold. Longer ones read as this (a day), which
/// every policy's `max_retry_after` turns into "return the answer" anyway.
pub(crate) const RETRY_AFTER_CEILING: Duration = Duration::from_secs(86_400);

/// Reads a `Retry-After` value: delay seconds or an HTTP date, at most
/// [`RETRY_AFTER_CEILING`]. `None` when unreadable.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(RETRY_AFTER_CEILING))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let parsed = parse_retry_after(&httpdate::fmt_http_date(in_a_minute)).unwrap();
        assert!(parsed > Duration::from_secs(58) && parsed <= Duration::from_secs(60));
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
        assert_eq!(parse_retry_after(""), None);
        // A hostile value never overflows a clock downstream.
        assert_eq!(
            parse_retry_after(&u64::MAX.to_string()),
            Some(RETRY_AFTER_CEILING)
        );
    }
}
