//! What an installed binary offers on its own: its version, and completion scripts for the
//! shells, none of which needs credentials or a server.

use crate::support::{command, run};

#[tokio::test]
async fn version_names_the_binary_and_the_package_version() {
    let mut cmd = command();
    cmd.arg("--version");
    let out = cmd.output().await.unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, format!("capillary {}\n", env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn completions_are_printed_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F _capillary"),
        ("zsh", "#compdef capillary"),
        ("fish", "complete -c capillary"),
    ] {
        let mut cmd = command();
        cmd.args(["completions", shell]);
        let out = cmd.output().await.unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
        // The commands and their flags are offered.
        for word in ["revoke", "issue", "identifier-name", "journal"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
}

#[tokio::test]
async fn an_unknown_shell_is_refused_with_exit_2() {
    let mut cmd = command();
    cmd.args(["completions", "tcsh"]);
    let run = run(cmd).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("tcsh"), "{}", run.stderr);
}
