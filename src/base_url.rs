//! Base URLs: which are accepted, and joining an API path under one that carries a prefix.

use std::net::IpAddr;

use url::Url;

use crate::error::Error;

/// Parses a base URL and refuses plain HTTP to anything but loopback.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL {raw:?} is not a URL: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {raw:?} must not carry a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "refusing plain http to {}: credentials would cross the network unencrypted; use https (http is allowed for loopback only)",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(Error::config(format!(
            "base URL scheme {other:?} is not supported; use https"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Joins a base URL (which may carry a path prefix) with an API path and query.
pub(crate) fn join_url(base: &Url, path: &str, query: &[(&str, String)]) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://localhost:1",
            "http://[::1]:80",
            "https://eu.api.capillarytech.com",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://eu.api.capillarytech.com",
            "http://10.0.0.1",
            "ftp://x",
            "nonsense",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(Error::Config { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn joins_paths_under_a_prefix() {
        let base = Url::parse("https://h.example/prefix/").unwrap();
        let url = join_url(&base, "/v2/promotion/issue", &[("a", "b c".into())]);
        assert_eq!(
            url.as_str(),
            "https://h.example/prefix/v2/promotion/issue?a=b+c"
        );
    }
}
