//! `/`: the live page, built into the binary.
//!
//! The page is three small files (`page/index.html`, `page/style.css`,
//! `page/app.js`) included at compile time with `include_str!`: the server
//! is one executable with nothing to install beside it, and the page loads
//! nothing from the internet (no CDN, no web font), so it works on a LAN
//! that has no internet access at all.
//!
//! The Content-Security-Policy tells the browser to run only these
//! scripts and to connect only back to this server: if a camera name ever
//! carried HTML, it would be shown as text, never run.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/style.css");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   img-src 'self' blob:; connect-src 'self'; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

pub(crate) async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX,
    )
        .into_response()
}

pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

pub(crate) async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        for (file, text) in [
            ("index.html", INDEX),
            ("app.js", SCRIPT),
            ("style.css", STYLE),
        ] {
            for needle in ["http://", "https://", "//cdn", "@import", "url("] {
                assert!(!text.contains(needle), "{file} contains {needle:?}");
            }
        }
        assert!(INDEX.contains(r#"<html lang="fr">"#));
        assert!(INDEX.contains("/static/app.js") && INDEX.contains("/static/style.css"));
    }
}
