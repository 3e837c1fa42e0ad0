use std::fmt;

use base64::Engine as _;
use md5::{Digest, Md5};
use secrecy::{ExposeSecret, SecretString};

use super::{Auth, AuthContext};
use crate::error::Error;
use crate::transport::BoxFuture;

/// Basic authentication in Capillary's form:
/// `Authorization: Basic base64("<till user>:" + lowercase hex MD5 of the password)`.
///
/// ```
/// use capillary_sdk::auth::Basic;
///
/// let auth = Basic::new("store.server", "server123");
/// // Debug output never shows the password or the header.
/// assert!(!format!("{auth:?}").contains("server123"));
/// ```
#[derive(Clone)]
pub struct Basic {
    user: String,
    header: SecretString,
}

impl Basic {
    /// Credentials for a till user and its plain password; the MD5 form is computed here and
    /// the plain password is not kept.
    pub fn new(user: impl Into<String>, password: impl AsRef<str>) -> Self {
        let user = user.into();
        let digest = Md5::digest(password.as_ref().as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{hex}"));
        Self {
            user,
            header: SecretString::from(format!("Basic {encoded}")),
        }
    }

    /// The till user name.
    pub fn user(&self) -> &str {
        &self.user
    }
}

impl fmt::Debug for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic")
            .field("user", &self.user)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

impl Auth for Basic {
    fn authorize<'a>(
        &'a self,
        _ctx: &'a AuthContext,
        headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let mut value = http::HeaderValue::from_str(self.header.expose_secret())
                .map_err(|_| Error::config("the Basic credentials are not a valid header value"))?;
            value.set_sensitive(true);
            headers.insert(http::header::AUTHORIZATION, value);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_check_vector() {
        let auth = Basic::new("store.server", "server123");
        assert_eq!(
            auth.header.expose_secret(),
            "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
        );
    }
}
