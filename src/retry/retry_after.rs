//! Reading `Retry-After`: delay seconds or an HTTP date.

use std::time::{Duration, SystemTime};

/// Reads a `Retry-After` value: delay seconds or an HTTP date. `None` when unreadable.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
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
    }
}
