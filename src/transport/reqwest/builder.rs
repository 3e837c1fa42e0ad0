//! [`ReqwestTransportBuilder`]: the knobs of the default transport, over a reqwest client that
//! never follows redirects and never proxies plain `http://`.

use std::fmt;
use std::time::Duration;

use super::ReqwestTransport;
use crate::transport::{TransportError, TransportErrorKind};

/// The variables read for the proxy of `https://` requests, first set and non-empty wins.
/// `HTTP_PROXY` / `http_proxy` are never read: plain `http://` never goes through a proxy.
pub(super) const PROXY_VARIABLES: [&str; 4] =
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

type Configure = Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>;

/// Which proxy `https://` requests go through.
#[derive(Clone)]
pub(super) enum ProxySetting {
    /// The proxy named by [`PROXY_VARIABLES`], with `NO_PROXY` / `no_proxy` honoured.
    FromEnv,
    /// This proxy, for every `https://` request.
    Explicit(String),
    /// No proxy at all.
    Off,
}

impl fmt::Debug for ProxySetting {
    // A proxy URL may hold a password: it is never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FromEnv => "https only, from HTTPS_PROXY/ALL_PROXY (NO_PROXY honoured)",
            Self::Explicit(_) => "https only, set explicitly",
            Self::Off => "off",
        })
    }
}

/// Configures a [`ReqwestTransport`]; see [`ReqwestTransport::builder`].
///
/// Two rules hold whatever is configured, [`configure`](Self::configure) included: redirects
/// are never followed, and plain `http://` never goes through a proxy.
#[must_use]
pub struct ReqwestTransportBuilder {
    connect_timeout: Duration,
    proxy: ProxySetting,
    root_certificates: Vec<reqwest::Certificate>,
    pool_idle_timeout: Option<Option<Duration>>,
    pool_max_idle_per_host: Option<usize>,
    configure: Vec<Configure>,
}

impl Default for ReqwestTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: crate::DEFAULT_CONNECT_TIMEOUT,
            proxy: ProxySetting::FromEnv,
            root_certificates: Vec::new(),
            pool_idle_timeout: None,
            pool_max_idle_per_host: None,
            configure: Vec::new(),
        }
    }
}

impl fmt::Debug for ReqwestTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransportBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("root_certificates", &self.root_certificates.len())
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("configure", &self.configure.len())
            .finish()
    }
}

impl ReqwestTransportBuilder {
    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends every `https://` request through this proxy (e.g. `http://proxy:3128`, with
    /// `user:password@` if it needs credentials), whatever the environment says. The TLS
    /// session to the server is tunnelled through it, so the proxy sees the host name only.
    /// Plain `http://` (loopback only) still goes direct.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxySetting::Explicit(url.into());
        self
    }

    /// No proxy at all, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Off;
        self
    }

    /// Trusts this root certificate too (e.g. a corporate TLS-inspecting proxy's).
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// How long an idle pooled connection is kept (`None`: no limit; reqwest's default is
    /// 90 s).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = Some(timeout);
        self
    }

    /// How many idle connections are kept per host.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = Some(max);
        self
    }

    /// Anything else reqwest offers, applied after the settings above. Its proxy settings
    /// and redirect policy are then replaced by this builder's: redirects are never followed
    /// and proxies are set by [`proxy`](Self::proxy) / [`no_proxy`](Self::no_proxy) only.
    ///
    /// Do not turn on reqwest's own retries for failures after sending: the client retries
    /// only when the server certainly did not act, and reqwest's would undo that promise.
    ///
    /// ```
    /// use capillary_sdk::transport::ReqwestTransport;
    ///
    /// # fn run() -> Result<(), capillary_sdk::transport::TransportError> {
    /// let transport = ReqwestTransport::builder()
    ///     .configure(|b| b.tcp_nodelay(true).http2_adaptive_window(true))
    ///     .build()?;
    /// # let _ = transport; Ok(()) }
    /// ```
    pub fn configure(
        mut self,
        f: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.configure.push(Box::new(f));
        self
    }

    /// Builds the transport, or says which setting is wrong (never repeating a proxy URL, which
    /// may hold a password).
    pub fn build(self) -> Result<ReqwestTransport, TransportError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .connector_layer(super::connect_deadline::ConnectDeadline);
        for certificate in self.root_certificates {
            builder = builder.add_root_certificate(certificate);
        }
        if let Some(timeout) = self.pool_idle_timeout {
            builder = builder.pool_idle_timeout(timeout);
        }
        if let Some(max) = self.pool_max_idle_per_host {
            builder = builder.pool_max_idle_per_host(max);
        }
        for f in self.configure {
            builder = f(builder);
        }
        // Applied last, so that nothing above can undo them. `no_proxy` also drops reqwest's
        // own reading of the environment, which would proxy plain http (HTTP_PROXY).
        builder = builder
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = https_proxy(&self.proxy)? {
            builder = builder.proxy(proxy);
        }
        install_ring_provider();
        let client = builder.build().map_err(|e| {
            TransportError::with_source(
                TransportErrorKind::Other,
                "could not build the HTTP client",
                e,
            )
        })?;
        Ok(ReqwestTransport {
            client,
            proxy: self.proxy,
        })
    }
}

/// With `rustls-ring` alone, reqwest has no crypto provider of its own and takes the process's
/// default: ring becomes it unless the application already chose one (which is then kept).
#[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
fn install_ring_provider() {
    // An error only says a provider is already installed: the application's choice stands.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls"))))]
fn install_ring_provider() {}

/// The proxy for `https://` requests only, if any.
fn https_proxy(setting: &ProxySetting) -> Result<Option<reqwest::Proxy>, TransportError> {
    let invalid = |what: String| {
        // reqwest's error would quote the URL, password included: not kept as a source.
        TransportError::new(
            TransportErrorKind::Other,
            format!("{what} is not a valid proxy URL"),
        )
    };
    match setting {
        ProxySetting::Off => Ok(None),
        ProxySetting::Explicit(url) => reqwest::Proxy::https(url.as_str())
            .map(Some)
            .map_err(|_| invalid("the proxy set with .proxy(..)".into())),
        ProxySetting::FromEnv => {
            let Some((name, url)) = PROXY_VARIABLES.iter().find_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (*name, v))
            }) else {
                return Ok(None);
            };
            reqwest::Proxy::https(url.as_str())
                .map(|p| Some(p.no_proxy(reqwest::NoProxy::from_env())))
                .map_err(|_| invalid(format!("{name} (not shown)")))
        }
    }
}
