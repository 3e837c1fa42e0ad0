//! `--rate-limit N/min` or `N/s`: the most calls a minute (or second) this run may make.

use capillary_sdk::rate_limit::RateLimit;

/// Parses `100/min`, `5/s` (also `/minute`, `/m`, `/sec`, `/second`).
pub fn parse(text: &str) -> Result<RateLimit, String> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_minute_and_per_second() {
        assert_eq!(parse("100/min"), Ok(RateLimit::per_minute(100)));
        assert_eq!(parse(" 100 / minute "), Ok(RateLimit::per_minute(100)));
        assert_eq!(parse("100/m"), Ok(RateLimit::per_minute(100)));
        assert_eq!(parse("5/s"), Ok(RateLimit::per_second(5)));
        assert_eq!(parse("5/SEC"), Ok(RateLimit::per_second(5)));
    }

    #[test]
    fn nonsense_is_refused_with_the_expected_form() {
        for text in ["100", "/min", "x/min", "100/h", "-1/s", "100/min/s", ""] {
            let error = parse(text).unwrap_err();
            assert!(error.contains("N/min or N/s"), "{text}: {error}");
        }
        assert!(parse("0/min").unwrap_err().contains("at least one"));
    }
}
