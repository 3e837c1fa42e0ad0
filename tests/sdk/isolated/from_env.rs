//! `ClientBuilder::from_env` / `from_lookup`: the server, the credentials and the timeouts from
//! the `CAPILLARY_*` variables, on the wire; and every missing, contradictory or invalid
//! variable refused by name, without its secret value.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use capillary_sdk::transport::{from_fn, Transport, TransportError};
use capillary_sdk::{
    ClientBuilder, CustomerRef, Error, ProgramId, PromotionId, RetryPolicy, Source,
    TransportErrorKind,
};
use md5::Digest as _;
use serde_json::Value;

const OAUTH_SECRET: &str = "oauth-secret-from-env";
const PASSWORD: &str = "password-from-env";
const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#;
const TOKEN: &str = r#"{"data":{"accessToken":"token-1","ttlSeconds":300},"errors":null}"#;

type Seen = Arc<Mutex<Vec<http::Request<Bytes>>>>;

/// Answers a token request with a token and anything else as issued, keeping every request.
fn recording() -> (impl Transport, Seen) {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let body = if request.uri().path() == "/v3/oauth/token/generate" {
            TOKEN
        } else {
            ISSUED
        };
        keep.lock().unwrap().push(request);
        async move {
            Ok::<_, TransportError>(
                http::Response::builder()
                    .status(200)
                    .header("Content-Type", "application/json")
                    .body(Bytes::from_static(body.as_bytes()))
                    .unwrap(),
            )
        }
    });
    (transport, seen)
}

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

async fn issue(builder: ClientBuilder) -> Result<(), Error> {
    builder
        .build()?
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .map(|_| ())
}

fn config_reason(pairs: &[(&str, &str)]) -> String {
    match ClientBuilder::from_lookup(vars(pairs)) {
        Err(error @ Error::Config { .. }) => {
            let text = format!("{error} {error:?}");
            for secret in [OAUTH_SECRET, PASSWORD] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            text
        }
        other => panic!("expected a Config error for {pairs:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn basic_credentials_and_base_url_reach_the_wire() {
    let (transport, seen) = recording();
    let builder = ClientBuilder::from_lookup(vars(&[
        ("CAPILLARY_BASE_URL", "http://127.0.0.1:9/prefix"),
        ("CAPILLARY_USERNAME", "till"),
        ("CAPILLARY_PASSWORD", PASSWORD),
    ]))
    .unwrap();
    issue(builder.transport(transport)).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method(), http::Method::POST);
    assert_eq!(
        seen[0].uri().to_string(),
        "http://127.0.0.1:9/prefix/v2/promotion/issue?identifierName=mobile&identifierValue=18767431754&source=INSTORE"
    );
    let digest = format!("{:x}", md5::Md5::digest(PASSWORD.as_bytes()));
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("till:{digest}"))
    );
    assert_eq!(seen[0].headers()["authorization"], expected.as_str());
}

#[tokio::test]
async fn oauth_credentials_and_cluster_reach_the_wire() {
    let (transport, seen) = recording();
    let builder = ClientBuilder::from_lookup(vars(&[
        ("CAPILLARY_CLUSTER", "apac"),
        ("CAPILLARY_OAUTH_KEY", "the-key"),
        ("CAPILLARY_OAUTH_SECRET", OAUTH_SECRET),
    ]))
    .unwrap();
    issue(builder.transport(transport)).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "a token request, then the call");
    assert_eq!(
        seen[0].uri().to_string(),
        "https://apac.api.capillarytech.com/v3/oauth/token/generate"
    );
    let body: Value = serde_json::from_slice(seen[0].body()).unwrap();
    assert_eq!(body["key"], "the-key");
    assert_eq!(body["secret"], OAUTH_SECRET);
    assert_eq!(seen[1].uri().host(), Some("apac.api.capillarytech.com"));
    assert_eq!(seen[1].uri().path(), "/v2/promotion/issue");
    assert_eq!(seen[1].headers()["x-cap-api-oauth-token"], "token-1");
}

#[tokio::test(start_paused = true)]
async fn the_request_timeout_from_the_environment_bounds_an_attempt() {
    let sent = Arc::new(Mutex::new(0u32));
    let count = sent.clone();
    let hanging = from_fn(move |_request: http::Request<Bytes>| {
        *count.lock().unwrap() += 1;
        async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Err::<http::Response<Bytes>, _>(TransportError::new(TransportErrorKind::Other, "late"))
        }
    });
    let builder = ClientBuilder::from_lookup(vars(&[
        ("CAPILLARY_BASE_URL", "https://eu.api.capillarytech.com"),
        ("CAPILLARY_USERNAME", "till"),
        ("CAPILLARY_PASSWORD", PASSWORD),
        ("CAPILLARY_REQUEST_TIMEOUT_SECS", "2.5"),
        ("CAPILLARY_CONNECT_TIMEOUT_SECS", "1"),
    ]))
    .unwrap()
    .transport(hanging)
    .retry_policy(RetryPolicy::default().max_attempts(1));
    let started = tokio::time::Instant::now();
    let error = issue(builder).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_millis(2500), "{error:?}");
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(*sent.lock().unwrap(), 1);
}

#[test]
fn secrets_from_the_environment_are_redacted() {
    for pairs in [
        [
            ("CAPILLARY_CLUSTER", "eu"),
            ("CAPILLARY_OAUTH_KEY", "the-key"),
            ("CAPILLARY_OAUTH_SECRET", OAUTH_SECRET),
        ],
        [
            ("CAPILLARY_CLUSTER", "eu"),
            ("CAPILLARY_USERNAME", "till"),
            ("CAPILLARY_PASSWORD", PASSWORD),
        ],
    ] {
        let builder = ClientBuilder::from_lookup(vars(&pairs)).unwrap();
        let shown = format!("{builder:?}");
        let shown = format!("{shown} {:?}", builder.build().unwrap());
        for secret in [OAUTH_SECRET, PASSWORD] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

#[test]
fn missing_or_contradictory_variables_are_refused_by_name() {
    // (variables, what the error must say)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            &[
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_BASE_URL", "CAPILLARY_CLUSTER"],
        ),
        (
            &[
                ("CAPILLARY_BASE_URL", "https://eu.api.capillarytech.com"),
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_BASE_URL and CAPILLARY_CLUSTER are both set"],
        ),
        (
            &[("CAPILLARY_CLUSTER", "eu")],
            &[
                "no credentials",
                "CAPILLARY_OAUTH_KEY",
                "CAPILLARY_USERNAME",
            ],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_PASSWORD is set but CAPILLARY_USERNAME is not"],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_OAUTH_KEY", "the-key"),
                ("CAPILLARY_OAUTH_SECRET", ""),
            ],
            &["CAPILLARY_OAUTH_KEY is set but CAPILLARY_OAUTH_SECRET is not"],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_OAUTH_KEY", "the-key"),
                ("CAPILLARY_OAUTH_SECRET", OAUTH_SECRET),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["both OAuth", "Basic", "set one pair"],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "mars"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_CLUSTER: unknown cluster \"mars\""],
        ),
        (
            &[
                ("CAPILLARY_BASE_URL", "http://eu.api.capillarytech.com"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_BASE_URL: refusing plain http"],
        ),
        (
            &[
                (
                    "CAPILLARY_BASE_URL",
                    "https://till:password-from-env@eu.example",
                ),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
            ],
            &["CAPILLARY_BASE_URL: the base URL must not carry user info"],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
                ("CAPILLARY_REQUEST_TIMEOUT_SECS", "0"),
            ],
            &["CAPILLARY_REQUEST_TIMEOUT_SECS=\"0\" is not a number of seconds greater than zero"],
        ),
        (
            &[
                ("CAPILLARY_CLUSTER", "eu"),
                ("CAPILLARY_USERNAME", "till"),
                ("CAPILLARY_PASSWORD", PASSWORD),
                ("CAPILLARY_CONNECT_TIMEOUT_SECS", "5s"),
            ],
            &["CAPILLARY_CONNECT_TIMEOUT_SECS=\"5s\" is not a number of seconds"],
        ),
    ];
    for (pairs, needles) in cases {
        let text = config_reason(pairs);
        for needle in *needles {
            assert!(text.contains(needle), "{needle:?} not in {text}");
        }
    }
}

/// The one test that reads the process's environment (no other test here does).
#[test]
fn from_env_reads_the_process_environment() {
    std::env::set_var("CAPILLARY_CLUSTER", "us");
    std::env::set_var("CAPILLARY_USERNAME", "till");
    std::env::set_var("CAPILLARY_PASSWORD", PASSWORD);
    let client = ClientBuilder::from_env().and_then(ClientBuilder::build);
    std::env::remove_var("CAPILLARY_PASSWORD");
    let refused = ClientBuilder::from_env();
    for name in ["CAPILLARY_CLUSTER", "CAPILLARY_USERNAME"] {
        std::env::remove_var(name);
    }
    assert_eq!(
        client.unwrap().base_url().as_str(),
        "https://us.api.capillarytech.com/"
    );
    let error = refused.unwrap_err().to_string();
    assert!(
        error.contains("CAPILLARY_USERNAME is set but CAPILLARY_PASSWORD is not"),
        "{error}"
    );
}
