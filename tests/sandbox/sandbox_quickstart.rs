//! `cargo run --example quickstart` on a fresh clone prints the story (with the promotion
//! lifecycle: bulk enrol, earn, look up, a lost answer settled by the lookup, revoke, look up
//! again) and exits 0; with `CAPILLARY_BASE_URL` set and no `--live` it refuses. Runs the
//! example binary that `cargo test` builds next to the test binaries.

use std::path::PathBuf;
use std::process::Command;

fn quickstart() -> Command {
    // target/<profile>/deps/<this test> -> target/<profile>/examples/quickstart
    let exe = std::env::current_exe().unwrap();
    let dir: PathBuf = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples");
    let path = dir.join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples",
        path.display()
    );
    let mut command = Command::new(path);
    for name in [
        "CAPILLARY_BASE_URL",
        "CAPILLARY_OAUTH_KEY",
        "CAPILLARY_OAUTH_SECRET",
        "CAPILLARY_USERNAME",
        "CAPILLARY_PASSWORD",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn runs_the_story_on_the_embedded_sandbox() {
    let out = quickstart().output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("Running on the embedded sandbox"),
        "{}",
        lines[0]
    );
    for expected in [
        "OAuth: token",
        "issued, issualId",
        "not issued, 8890",
        "refused, 8015",
        "revoked earns [978]",
        "revoked issual",
        "initial balance 100: enrolled (balance 100)",
        "the balance resumes: enrolled (balance 120)",
        "the streak starts afresh: enrolled (streak 0)",
        "DATA-SCOPE ALL: not a target scope",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    // The lifecycle, in this order: each lookup shows what the steps before it left, and
    // the EARN whose answer was lost is settled by the lookup, not sent again.
    let mut rest = stdout.as_str();
    for step in [
        "Look up customer 345854020 in program 1085 (GET /v2/customers/lookup/promotionData): not enrolled, no active earns",
        "Bulk ENROL into promotion 1119990 (POST /v2/promotion/bulk/enrolAndEarn): created, issualId 854 [HTTP 200",
        "Bulk EARN: created, issualId 854, earnedId 979 [HTTP 200",
        "Look up: enrolled (enrolment 854), active earns [979] [HTTP 200",
        "Bulk EARN again: may have been applied, and EARN is not idempotent, so the SDK did not send it again",
        "Look up to settle it: the EARN was applied (do not send it again): enrolled (enrolment 854), active earns [979, 980]",
        "Revoke the earns (REVOKE_EARN): revoked earns [979, 980]",
        "Revoke the enrolment (REVOKE_ENROL): revoked issual 854",
        "Look up again: not enrolled, no active earns",
    ] {
        let Some(at) = rest.find(step) else {
            panic!("missing {step:?} (or out of order) in\n{stdout}");
        };
        rest = &rest[at + step.len()..];
    }
    assert!(
        stdout.contains("Done: 21 requests answered by the sandbox"),
        "{stdout}"
    );
}

#[test]
fn refuses_a_configured_server_without_live() {
    let out = quickstart()
        .env("CAPILLARY_BASE_URL", "https://eu.api.capillarytech.com")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Pass --live"));
    let out = quickstart().arg("--live").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--live without a server");
}
