//! [`ClientBuilder::from_env`]: a client's configuration from the `CAPILLARY_*` variables, the
//! same ones the `capillary` CLI reads.

use std::time::Duration;

use super::{ClientBuilder, Cluster};
use crate::auth::{Basic, OAuth};
use crate::base_url::parse_base_url;
use crate::error::Error;

/// The server's base URL (`https://..`; `http://` for loopback only).
pub(crate) const ENV_BASE_URL: &str = "CAPILLARY_BASE_URL";
/// One of Capillary's clusters by name (`eu`, `india`/`apac`, `apac2`, `us`, `china`/`cn`),
/// instead of a base URL.
pub(crate) const ENV_CLUSTER: &str = "CAPILLARY_CLUSTER";
/// The OAuth client key (with [`ENV_OAUTH_SECRET`]).
pub(crate) const ENV_OAUTH_KEY: &str = "CAPILLARY_OAUTH_KEY";
/// The OAuth client secret (with [`ENV_OAUTH_KEY`]).
pub(crate) const ENV_OAUTH_SECRET: &str = "CAPILLARY_OAUTH_SECRET";
/// The Basic user name (with [`ENV_PASSWORD`]).
pub(crate) const ENV_USERNAME: &str = "CAPILLARY_USERNAME";
/// The Basic password (with [`ENV_USERNAME`]).
pub(crate) const ENV_PASSWORD: &str = "CAPILLARY_PASSWORD";
/// Time allowed for one attempt, in seconds (decimals allowed); optional.
pub(crate) const ENV_REQUEST_TIMEOUT_SECS: &str = "CAPILLARY_REQUEST_TIMEOUT_SECS";
/// Time allowed to open a connection, in seconds (decimals allowed); optional.
pub(crate) const ENV_CONNECT_TIMEOUT_SECS: &str = "CAPILLARY_CONNECT_TIMEOUT_SECS";
/// Most calls a minute or a second, e.g. `100/min` or `5/s` (optional).
pub(crate) const ENV_RATE_LIMIT: &str = "CAPILLARY_RATE_LIMIT";

impl ClientBuilder {
    /// A builder configured from the process's `CAPILLARY_*` variables; see
    /// [`from_lookup`](Self::from_lookup) for which are read and what is refused.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), capillary_sdk::Error> {
    /// // CAPILLARY_CLUSTER=eu CAPILLARY_OAUTH_KEY=.. CAPILLARY_OAUTH_SECRET=..
    /// let client = capillary_sdk::ClientBuilder::from_env()?.build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder configured from the variables `lookup` returns (`None` or an empty value:
    /// unset), so a test, or a program whose flags override the environment, can supply them:
    ///
    /// - the server: `CAPILLARY_BASE_URL` or `CAPILLARY_CLUSTER`, exactly one;
    /// - the credentials: `CAPILLARY_OAUTH_KEY` + `CAPILLARY_OAUTH_SECRET` (OAuth) or
    ///   `CAPILLARY_USERNAME` + `CAPILLARY_PASSWORD` (Basic), exactly one pair, whole;
    /// - optionally `CAPILLARY_REQUEST_TIMEOUT_SECS` and `CAPILLARY_CONNECT_TIMEOUT_SECS`,
    ///   seconds greater than zero.
    ///
    /// Anything missing, contradictory or invalid is an [`Error::Config`] naming the variable,
    /// never quoting a secret. The credentials redact themselves like any others. The builder
    /// can still be changed before [`build`](Self::build) (a transport, a retry policy).
    ///
    /// ```
    /// use capillary_sdk::ClientBuilder;
    ///
    /// # fn run() -> Result<(), capillary_sdk::Error> {
    /// let client = ClientBuilder::from_lookup(|name| match name {
    ///     "CAPILLARY_CLUSTER" => Some("eu".to_string()),
    ///     "CAPILLARY_USERNAME" => Some("till".to_string()),
    ///     "CAPILLARY_PASSWORD" => Some("password".to_string()),
    ///     _ => None,
    /// })?
    /// .build()?;
    /// assert_eq!(client.base_url().as_str(), "https://eu.api.capillarytech.com/");
    /// # Ok(()) }
    /// # run().unwrap();
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder::default();
        builder = match (var(ENV_BASE_URL), var(ENV_CLUSTER)) {
            (Some(_), Some(_)) => {
                return Err(Error::config(format!(
                    "{ENV_BASE_URL} and {ENV_CLUSTER} are both set: set one"
                )))
            }
            (Some(url), None) => {
                // Checked here so that the error names the variable.
                parse_base_url(&url).map_err(|e| named(ENV_BASE_URL, e))?;
                builder.base_url(url)
            }
            (None, Some(name)) => builder.cluster(
                name.trim()
                    .parse::<Cluster>()
                    .map_err(|e| Error::config(format!("{ENV_CLUSTER}: {e}")))?,
            ),
            (None, None) => {
                return Err(Error::config(format!(
                    "no server: set {ENV_BASE_URL} or {ENV_CLUSTER}"
                )))
            }
        };
        let oauth = pair(&var, ENV_OAUTH_KEY, ENV_OAUTH_SECRET)?;
        let basic = pair(&var, ENV_USERNAME, ENV_PASSWORD)?;
        builder = match (oauth, basic) {
            (Some((key, secret)), None) => builder.auth(OAuth::new(key, secret)),
            (None, Some((user, password))) => builder.auth(Basic::new(user, password)),
            (Some(_), Some(_)) => {
                return Err(Error::config(format!(
                    "both OAuth ({ENV_OAUTH_KEY}, {ENV_OAUTH_SECRET}) and Basic ({ENV_USERNAME}, \
                     {ENV_PASSWORD}) credentials are set: set one pair"
                )))
            }
            (None, None) => {
                return Err(Error::config(format!(
                    "no credentials: set {ENV_OAUTH_KEY} and {ENV_OAUTH_SECRET}, or \
                     {ENV_USERNAME} and {ENV_PASSWORD}"
                )))
            }
        };
        if let Some(timeout) = seconds(&var, ENV_REQUEST_TIMEOUT_SECS)? {
            builder = builder.request_timeout(timeout);
        }
        if let Some(timeout) = seconds(&var, ENV_CONNECT_TIMEOUT_SECS)? {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(rate) = var(ENV_RATE_LIMIT) {
            let limit = rate
                .parse::<crate::rate_limit::RateLimit>()
                .map_err(|reason| Error::config(format!("{ENV_RATE_LIMIT}: {reason}")))?;
            builder = builder.rate_limit(limit);
        }
        Ok(builder)
    }
}

/// Both variables of a credential pair, neither, or an error naming the one missing.
fn pair(
    var: &impl Fn(&str) -> Option<String>,
    first: &str,
    second: &str,
) -> Result<Option<(String, String)>, Error> {
    match (var(first), var(second)) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::config(format!(
            "{first} is set but {second} is not: set both"
        ))),
        (None, Some(_)) => Err(Error::config(format!(
            "{second} is set but {first} is not: set both"
        ))),
    }
}

/// An optional duration in seconds, greater than zero.
fn seconds(var: &impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<Duration>, Error> {
    let Some(raw) = var(name) else {
        return Ok(None);
    };
    raw.trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| !d.is_zero())
        .map(Some)
        .ok_or_else(|| {
            Error::config(format!(
                "{name}={raw:?} is not a number of seconds greater than zero"
            ))
        })
}

/// The error, prefixed with the variable it came from.
fn named(name: &str, error: Error) -> Error {
    match error {
        Error::Config { reason } => Error::config(format!("{name}: {reason}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn reason(vars: &[(&str, &str)]) -> String {
        match ClientBuilder::from_lookup(lookup(vars)) {
            Err(Error::Config { reason }) => reason,
            other => panic!("expected a Config error, got {other:?}"),
        }
    }

    #[test]
    fn a_timeout_that_is_not_seconds_is_refused_by_name() {
        for bad in ["abc", "0", "-1", "NaN", "inf", "1e300"] {
            let reason = reason(&[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", "pw"),
                ("CAPILLARY_CONNECT_TIMEOUT_SECS", bad),
            ]);
            assert!(
                reason.contains("CAPILLARY_CONNECT_TIMEOUT_SECS"),
                "{bad}: {reason}"
            );
        }
    }

    #[test]
    fn an_unknown_cluster_is_refused_by_name() {
        let reason = reason(&[
            ("CAPILLARY_CLUSTER", "mars"),
            ("CAPILLARY_USERNAME", "till"),
            ("CAPILLARY_PASSWORD", "pw"),
        ]);
        assert!(reason.starts_with("CAPILLARY_CLUSTER: "), "{reason}");
    }
}
