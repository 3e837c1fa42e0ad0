//! `cargo run --example quickstart` on a fresh clone prints the story and exits 0; with
//! `CAPILLARY_BASE_URL` set and no `--live` it refuses. Runs the example binary that
//! `cargo test` builds next to the test binaries.

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
