//! HTTP Basic auth: a user name and a password on every request.
//!
//! Basic auth is the one scheme every client already speaks: browsers ask
//! for it in a dialog and remember it for the page, its WebSocket and its
//! pictures; VLC, ffmpeg and Home Assistant take it in the URL
//! (`http://user:pass@host:8080/cameras/salon/stream.mjpg`); curl with `-u`.
//! The credentials travel base64-encoded, which is *not* encryption: on an
//! untrusted network put vigie behind a TLS reverse proxy.
//!
//! Two details matter:
//! - the comparison takes the same time whatever the guess
//!   ([`subtle::ConstantTimeEq`]): a comparison that stops at the first
//!   wrong byte tells an attacker, by its timing, how many bytes were
//!   right, and lets them guess the password one byte at a time;
//! - `/healthz` stays open, so that a supervisor can check that the server
//!   is alive without holding the password.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use subtle::ConstantTimeEq;

/// The expected user name and password.
#[derive(Clone)]
pub(crate) struct Credentials {
    user: Vec<u8>,
    password: Vec<u8>,
}

impl Credentials {
    pub(crate) fn new(user: &str, password: &str) -> Credentials {
        Credentials {
            user: user.as_bytes().to_vec(),
            password: password.as_bytes().to_vec(),
        }
    }

    /// Whether an `Authorization` header value carries these credentials.
    pub(crate) fn accept(&self, authorization: Option<&HeaderValue>) -> bool {
        let Some((user, password)) = authorization.and_then(parse_basic) else {
            return false;
        };
        // Both halves are compared, always: `&` on `Choice` does not
        // short-circuit, so a wrong user takes as long as a wrong password.
        let same = user.ct_eq(&self.user) & password.ct_eq(&self.password);
        same.into()
    }
}

/// `Basic dXNlcjpwYXNz` → (`user`, `pass`). The scheme name is
/// case-insensitive; the user ends at the first colon (RFC 7617).
fn parse_basic(value: &HeaderValue) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = value.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

/// The middleware: lets the request through, or answers 401 with the
/// header that makes a browser ask for a password.
pub(crate) async fn require(
    State(credentials): State<Credentials>,
    request: Request,
    next: Next,
) -> Response {
    if credentials.accept(request.headers().get(header::AUTHORIZATION)) {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [
            (
                header::WWW_AUTHENTICATE,
                r#"Basic realm="vigie", charset="UTF-8""#,
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "identifiant ou mot de passe requis\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(raw))).unwrap()
    }

    #[test]
    fn only_the_right_pair_is_accepted() {
        let c = Credentials::new("ana", "s3cret:with colon");
        assert!(c.accept(Some(&basic("ana:s3cret:with colon"))));
        assert!(!c.accept(Some(&basic("ana:s3cret"))));
        assert!(!c.accept(Some(&basic("anna:s3cret:with colon"))));
        assert!(!c.accept(Some(&basic(":"))));
        assert!(!c.accept(Some(&basic("no colon at all"))));
        assert!(!c.accept(None));
    }

    #[test]
    fn malformed_headers_are_refused_not_panicking() {
        let c = Credentials::new("ana", "pw");
        for bad in ["Basic", "Basic !!!", "Bearer YW5hOnB3", "", "Basic  "] {
            assert!(!c.accept(Some(&HeaderValue::from_static(bad))), "{bad:?}");
        }
        let lower = HeaderValue::from_str(&format!("basic {}", STANDARD.encode("ana:pw"))).unwrap();
        assert!(c.accept(Some(&lower)));
        let binary = HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap();
        assert!(!c.accept(Some(&binary)));
    }
}
