//! A base URL with user info is refused, and no base-URL error repeats an input that could
//! hold a credential.

use capillary_sdk::auth::Basic;
use capillary_sdk::{Client, Error};

const PASSWORD: &str = "gw-pa55word";
const USER: &str = "gateway-user";

fn refused(raw: &str) -> Error {
    let err = Client::builder()
        .base_url(raw)
        .auth(Basic::new("till", "secret123"))
        .build()
        .expect_err(raw);
    assert!(matches!(err, Error::Config { .. }), "{raw}: {err:?}");
    err
}

fn assert_not_echoed(err: &Error, raw: &str, secrets: &[&str]) {
    let shown = format!("{err}\n{err:?}\n{:?}", std::error::Error::source(err));
    for secret in secrets {
        assert!(
            !shown.contains(secret),
            "{raw}: {secret:?} echoed in {shown}"
        );
    }
}

#[test]
fn user_info_in_the_base_url_is_refused_without_echo() {
    for raw in [
        format!("http://{USER}:{PASSWORD}@127.0.0.1:8080"),
        format!("https://{USER}:{PASSWORD}@eu.api.capillarytech.com"),
        format!("https://{USER}@eu.api.capillarytech.com"),
        format!("https://:{PASSWORD}@eu.api.capillarytech.com/prefix/"),
        format!("  https://{USER}:{PASSWORD}@localhost  "),
    ] {
        let err = refused(&raw);
        assert_not_echoed(&err, &raw, &[USER, PASSWORD]);
        assert!(err.to_string().contains("user info"), "{err}");
    }
}

#[test]
fn other_base_url_errors_do_not_echo_what_may_be_a_credential() {
    for raw in [
        // Not a URL at all, with a password-like part.
        format!("https://{USER}:{PASSWORD}@[not-a-host"),
        format!("http//{USER}:{PASSWORD}@127.0.0.1"),
        // A query or fragment may carry a key.
        format!("https://eu.api.capillarytech.com/?key={PASSWORD}"),
        format!("https://eu.api.capillarytech.com/#{PASSWORD}"),
        // Plain http to a remote host: the host is named, the user info is not.
        format!("http://{USER}:{PASSWORD}@eu.api.capillarytech.com"),
        format!("ftp://{USER}:{PASSWORD}@files.example"),
    ] {
        let err = refused(&raw);
        assert_not_echoed(&err, &raw, &[USER, PASSWORD]);
    }
}

#[test]
fn a_harmless_wrong_base_url_is_still_named() {
    let err = refused("nonsense");
    assert!(err.to_string().contains("\"nonsense\""), "{err}");
}
