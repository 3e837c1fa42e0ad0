//! The base URL a client sends to: parsed once, refused when it would put a credential at risk,
//! and API paths joined under it (it may carry a path prefix).

use std::net::IpAddr;

use url::Url;

use crate::error::Error;

/// Parses a base URL and refuses what would put a credential at risk: plain HTTP to anything
/// but loopback, and user info (`user:password@`) in the URL.
///
/// No error repeats an input that could hold user info or a query string, since either may
/// carry a secret and errors end up in logs.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        Error::config(format!(
            "base URL {} is not a URL: {e}",
            quoted_if_harmless(raw)
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "the base URL must not carry user info (user:password@host): it would be repeated \
             wherever the URL is shown; pass credentials through .auth(..)",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "the base URL must not carry a query or fragment",
        ));
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

/// The input, quoted, when it cannot hold user info or a query; otherwise a placeholder.
fn quoted_if_harmless(raw: &str) -> String {
    if raw.contains(['@', '?', '#']) {
        "(not shown: it may hold a credential)".to_string()
    } else {
        format!("{raw:?}")
    }
}

/// Whether the URL's host is loopback (`localhost`, `127.0.0.0/8`, `::1`).
pub(crate) fn is_loopback(url: &Url) -> bool {
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
    fn joins_paths_under_a_prefix() {
        let base = Url::parse("https://h.example/prefix/").unwrap();
        let url = join_url(&base, "/v2/promotion/issue", &[("a", "b c".into())]);
        assert_eq!(
            url.as_str(),
            "https://h.example/prefix/v2/promotion/issue?a=b+c"
        );
    }

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
}
