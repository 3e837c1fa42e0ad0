//! A loopback Capillary that enforces a rate limit as a gateway would: past it, HTTP 429 with
//! `Retry-After: 1`. It answers bulk revokes (one result per customer), issues and token
//! requests, and counts what it saw.
#![allow(dead_code)]

#[path = "../../tests/support/bulk_common/mod.rs"]
mod bulk_common;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub use bulk_common::ids;

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

/// What the server saw.
#[derive(Clone, Default)]
pub struct Stats {
    /// When each accepted (not throttled) request arrived.
    pub accepted: Arc<Mutex<Vec<Instant>>>,
    /// How many requests got a 429.
    pub throttled: Arc<AtomicU64>,
    /// How many token requests arrived.
    pub token_requests: Arc<AtomicU64>,
}

impl Stats {
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::SeqCst)
    }

    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::SeqCst)
    }

    /// Accepted requests a second, from the first to the last.
    pub fn rate(&self) -> f64 {
        let accepted = self.accepted.lock().unwrap();
        let (Some(first), Some(last)) = (accepted.iter().min(), accepted.iter().max()) else {
            return 0.0;
        };
        (accepted.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
    }
}

struct Limited {
    gcra: DefaultDirectRateLimiter,
    stats: Stats,
    answer: fn(&Request) -> ResponseTemplate,
}

impl Respond for Limited {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.gcra.check().is_err() {
            self.stats.throttled.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(429).insert_header("Retry-After", "1");
        }
        self.stats.accepted.lock().unwrap().push(Instant::now());
        (self.answer)(request)
    }
}

struct Tokens(Stats);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.token_requests.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_string(format!(
                r#"{{"data":{{"accessToken":"jwt-{n}","ttlSeconds":3600}}}}"#
            ))
            .set_delay(Duration::from_millis(200))
    }
}

fn revoked(request: &Request) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(bulk_common::answer(&request.body, &HashMap::new()))
}

fn issued(_: &Request) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(ISSUED)
}

/// A server allowing `per_minute` calls a minute (a burst of 2 absorbs the jitter of a client
/// that spaces its calls exactly), and counting.
pub async fn start(per_minute: u32) -> (MockServer, Stats) {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let stats = Stats::default();
    let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap())
        .allow_burst(NonZeroU32::new(2).unwrap());
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(Limited {
            gcra: DefaultDirectRateLimiter::direct(quota),
            stats: stats.clone(),
            answer: revoked,
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(Limited {
            gcra: DefaultDirectRateLimiter::direct(quota),
            stats: stats.clone(),
            answer: issued,
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(Tokens(stats.clone()))
        .mount(&server)
        .await;
    (server, stats)
}
