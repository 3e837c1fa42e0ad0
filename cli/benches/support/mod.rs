//! What the CLI's benches share: the built binary, and the revoke they run against a
//! loopback server.
#![allow(dead_code)]

#[path = "../../tests/support/flags.rs"]
mod flags;

use std::path::{Path, PathBuf};

/// The binary of `profile` in the target directory this bench was built in.
pub fn binary(profile: &str) -> PathBuf {
    // target/<profile>/deps/<bench>-<hash> -> target/<profile>/capillary
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target
        .join(profile)
        .join(format!("capillary{}", std::env::consts::EXE_SUFFIX))
}

/// `binary` revoking earns of program 2714, promotion 202779, by id, against `base_url`, at
/// `concurrency`, reading `csv`.
pub fn revoke(
    binary: &Path,
    base_url: &str,
    concurrency: usize,
    csv: &Path,
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(binary);
    cmd.env("CAPILLARY_USERNAME", "sandbox")
        .env("CAPILLARY_PASSWORD", "sandbox")
        .env_remove("CAPILLARY_BASE_URL")
        .args(["--base-url", base_url, "revoke"])
        .args(flags::REVOKE)
        .arg("--concurrency")
        .arg(concurrency.to_string())
        .arg("--csv")
        .arg(csv);
    cmd
}

/// A loopback server answering bulk revokes with `responder`, recording nothing.
pub async fn serve(responder: impl wiremock::Respond + 'static) -> wiremock::MockServer {
    let server = wiremock::MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(
            "/v2/promotion/bulk/revokeEnrolAndEarn",
        ))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}
