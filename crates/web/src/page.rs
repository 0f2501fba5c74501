//! `/`: the live page, built into the binary, in French or English.
//!
//! The page is small files (`page/index.html`, `page/style.css`,
//! `page/app.js`; its icon is in `favicon`) included at compile time with
//! `include_str!`: the server is one executable with nothing to install
//! beside it, and the page loads nothing from the internet (no CDN, no web
//! font), so it works on a LAN that has no internet access at all.
//!
//! `index.html` is a template: each `{{key}}` is replaced by its text in
//! the request's language (see `lang`), once per language, the first time
//! it is asked for. The script finds the language in `<html lang>` and
//! takes its own words from the same two-column idea (`app.js`).
//!
//! The Content-Security-Policy tells the browser to run only these
//! scripts and to connect only back to this server: if a camera name ever
//! carried HTML, it would be shown as text, never run.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::lang::Lang;

const TEMPLATE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/style.css");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   img-src 'self' blob:; connect-src 'self'; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

/// Every `{{key}}` of the template: French, English.
const TEXTS: &[(&str, &str, &str)] = &[
    ("title", "vigie — caméras en direct", "vigie — live cameras"),
    (
        "hint",
        "clic : agrandir · Échap : revenir",
        "click: enlarge · Esc: back",
    ),
    ("events", "événements", "events"),
    (
        "switch_title",
        "Show this page in English",
        "Afficher cette page en français",
    ),
    ("connecting", "connexion…", "connecting…"),
    (
        "connecting_server",
        "connexion au serveur…",
        "connecting to the server…",
    ),
    ("events_title", "Événements enregistrés", "Recorded events"),
    (
        "no_events",
        "aucun événement pour l’instant",
        "no event yet",
    ),
    ("replay_alt", "enregistrement rejoué", "recording replayed"),
    (
        "download",
        "télécharger (.mkv, pour VLC ou mpv)",
        "download (.mkv, for VLC or mpv)",
    ),
    ("close", "fermer", "close"),
    (
        "fingerprint",
        "empreinte du certificat du serveur (comparez-la à l’avertissement du navigateur) :",
        "server certificate fingerprint (compare it with the browser's warning):",
    ),
    (
        "noscript",
        "Cette page a besoin de JavaScript pour afficher les caméras.",
        "This page needs JavaScript to show the cameras.",
    ),
];

/// The page in one language: the template with every key replaced.
fn render(lang: Lang) -> String {
    let other = match lang {
        Lang::Fr => Lang::En,
        Lang::En => Lang::Fr,
    };
    let mut page = TEMPLATE
        .replace("{{lang}}", lang.code())
        .replace("{{other}}", other.code())
        .replace("{{other_label}}", &other.code().to_uppercase());
    for (key, fr, en) in TEXTS {
        page = page.replace(&format!("{{{{{key}}}}}"), lang.say(fr, en));
    }
    page
}

fn page(lang: Lang) -> &'static str {
    static FR: OnceLock<String> = OnceLock::new();
    static EN: OnceLock<String> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| render(Lang::Fr)),
        Lang::En => EN.get_or_init(|| render(Lang::En)),
    }
}

pub(crate) async fn index(lang: Lang) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_LANGUAGE, lang.code()),
            // The same URL answers in two languages: caches must know.
            (header::VARY, "Accept-Language, Cookie"),
        ],
        page(lang),
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
            ("index.html", TEMPLATE),
            ("app.js", SCRIPT),
            ("style.css", STYLE),
        ] {
            for needle in ["http://", "https://", "//cdn", "@import", "url("] {
                assert!(!text.contains(needle), "{file} contains {needle:?}");
            }
        }
        assert!(TEMPLATE.contains("/static/app.js") && TEMPLATE.contains("/static/style.css"));
    }

    #[test]
    fn every_key_is_replaced_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            let page = render(lang);
            assert!(!page.contains("{{"), "{lang:?}: {page}");
            assert!(page.contains(&format!(r#"<html lang="{}">"#, lang.code())));
        }
        assert!(render(Lang::En).contains("live cameras"));
        assert!(render(Lang::Fr).contains("caméras en direct"));
    }
}
