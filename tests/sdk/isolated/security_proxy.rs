//! Plain `http://` never goes through a proxy, whatever the environment says; `https://`
//! follows `HTTPS_PROXY` / `ALL_PROXY` unless told otherwise. The proxy variables are
//! process-wide, so this file is its own test binary and sets them once, before any client.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::retry::RetryPolicy;
use capillary_sdk::sandbox::{self, demo, Sandbox};
use capillary_sdk::transport::ReqwestTransport;
use capillary_sdk::{Client, CustomerRef, Error, IssueOutcome, Source};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// A loopback "proxy" that records every byte it receives and answers 502.
#[derive(Clone)]
struct CaptureProxy {
    url: String,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl CaptureProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let record = Arc::clone(&record);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    if let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await
                    {
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                    let _ = stream
                        .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }
}

/// Every proxy variable points at one capture proxy, and nothing is exempt.
async fn env_proxy() -> &'static CaptureProxy {
    static PROXY: OnceLock<CaptureProxy> = OnceLock::new();
    if let Some(proxy) = PROXY.get() {
        return proxy;
    }
    let proxy = CaptureProxy::start().await;
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, &proxy.url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
    PROXY.get_or_init(|| proxy)
}

fn issue(client: &Client) -> impl std::future::Future<Output = Result<IssueOutcome, Error>> {
    client
        .promotions()
        .issue(
            CustomerRef::mobile(demo::ANA_MOBILE),
            Source::Instore,
            demo::PROGRAM_ISSUE,
            demo::PROMOTION_ENROL,
        )
        .send()
}

// One test function: the environment is set once, and every case shares its capture proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_never_goes_through_a_proxy_and_https_follows_the_rules() {
    let proxy = env_proxy().await;

    // Plain http to loopback, Basic and OAuth, default transport: direct, and it works.
    let sandbox = Sandbox::demo();
    let server = sandbox.serve_http().await.unwrap();
    let basic = Client::builder()
        .base_url(server.base_url())
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .build()
        .unwrap();
    let outcome = issue(&basic).await.unwrap();
    assert!(matches!(outcome, IssueOutcome::Issued(_)), "{outcome:?}");
    let oauth = Client::builder()
        .base_url(server.base_url())
        .auth(OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET))
        .build()
        .unwrap();
    issue(&oauth).await.unwrap();
    let logged = sandbox.requests();
    assert_eq!(logged.len(), 3, "issue, token, issue: {logged:?}");
    assert!(logged[2].header("x-cap-api-oauth-token").is_some());
    assert_eq!(proxy.seen(), "", "the proxy saw plain http");

    // https with the variables set: through the proxy, as a CONNECT tunnel (no header of the
    // call crosses it in clear).
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}", closed.local_addr().unwrap());
    drop(closed);
    let tunnelled = Client::builder()
        .base_url(&https)
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(issue(&tunnelled).await.is_err());
    let seen = proxy.seen();
    assert!(seen.starts_with("CONNECT 127.0.0.1:"), "{seen:?}");
    assert!(
        !seen.to_ascii_lowercase().contains("authorization"),
        "{seen:?}"
    );
    proxy.seen.lock().unwrap().clear();

    // no_proxy(): not even https goes through it.
    let direct = Client::builder()
        .base_url(&https)
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .retry_policy(RetryPolicy::none())
        .transport(ReqwestTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    let err = issue(&direct).await.unwrap_err();
    assert!(!err.maybe_applied(), "{err:?}");
    assert_eq!(
        proxy.seen(),
        "",
        "no_proxy() still used the environment's proxy"
    );

    // An explicit proxy replaces the environment's, for https only.
    let explicit = CaptureProxy::start().await;
    let transport = || {
        ReqwestTransport::builder()
            .proxy(explicit.url.clone())
            .build()
            .unwrap()
    };
    let via_explicit = Client::builder()
        .base_url(&https)
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .retry_policy(RetryPolicy::none())
        .transport(transport())
        .build()
        .unwrap();
    assert!(issue(&via_explicit).await.is_err());
    assert!(
        explicit.seen().starts_with("CONNECT "),
        "{:?}",
        explicit.seen()
    );
    assert_eq!(proxy.seen(), "");
    explicit.seen.lock().unwrap().clear();
    let plain = Client::builder()
        .base_url(server.base_url())
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .transport(transport())
        .build()
        .unwrap();
    issue(&plain).await.unwrap();
    assert_eq!(explicit.seen(), "", "an explicit proxy carried plain http");
}

#[tokio::test]
async fn a_proxy_url_is_never_repeated() {
    let transport = ReqwestTransport::builder()
        .proxy("http://user:pr0xy-pa55@127.0.0.1:3128")
        .build()
        .unwrap();
    let shown = format!("{transport:?}");
    assert!(!shown.contains("pr0xy-pa55"), "{shown}");
    let err = ReqwestTransport::builder()
        .proxy("http://user:pr0xy-pa55@[not a host")
        .build()
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("pr0xy-pa55"), "{shown}");
}
