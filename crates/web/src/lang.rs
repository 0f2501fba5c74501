//! French or English: the page and the messages the server writes for it.
//!
//! The README is bilingual and so is the page. Which language a request
//! gets is decided here, once, in this order:
//!
//! 1. the `vigie_lang` cookie, which the page's switch (`FR` / `EN` in its
//!    header) sets: a choice the user made beats what the browser guesses;
//! 2. the browser's `Accept-Language` header, best quality first
//!    (`en-GB,en;q=0.9,fr;q=0.8` is English);
//! 3. French, the tutorial's language, when neither says anything we speak
//!    (curl, ffmpeg and scripts send no `Accept-Language` at all).
//!
//! Handlers take a [`Lang`] as an argument (it is an axum extractor that
//! never fails) and write `lang.say("caméra inconnue", "unknown camera")`:
//! both texts sit side by side in the code, so neither can be forgotten.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

/// The name of the cookie the page's switch sets.
pub(crate) const COOKIE: &str = "vigie_lang";

/// The languages the page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The language for a request with these headers.
    pub(crate) fn of(headers: &HeaderMap) -> Lang {
        from_cookie(headers)
            .or_else(|| from_accept_language(headers))
            .unwrap_or(Lang::Fr)
    }

    /// The BCP 47 code, for `<html lang="…">` and `Content-Language`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The text in this language.
    pub(crate) fn say(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?;
        if primary.eq_ignore_ascii_case("fr") {
            Some(Lang::Fr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Lang, Infallible> {
        Ok(Lang::of(&parts.headers))
    }
}

/// `vigie_lang=en` among the cookies, if any.
fn from_cookie(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Lang::from_code(value))
}

/// The language of highest quality among those we speak. A header is
/// short (browsers send a handful of entries); past 32 entries the rest is
/// ignored, so a hostile one costs nothing.
fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for entry in value.split(',').take(32) {
        let mut fields = entry.split(';');
        let Some(lang) = fields.next().and_then(Lang::from_code) else {
            continue;
        };
        let quality = fields
            .find_map(|f| f.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite() && *q > 0.0);
        let Some(quality) = quality else { continue };
        // Ties go to the first listed: the browser's own order.
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn the_browser_order_and_qualities_decide() {
        let al = |v| Lang::of(&headers(&[(header::ACCEPT_LANGUAGE, v)]));
        assert_eq!(al("en-GB,en;q=0.9,fr;q=0.8"), Lang::En);
        assert_eq!(al("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(al("de-DE,de;q=0.9,en;q=0.5,fr;q=0.4"), Lang::En);
        assert_eq!(al("en;q=0.2, fr;q=0.7"), Lang::Fr);
        assert_eq!(al("EN-us"), Lang::En);
        // Nothing we speak, a refusal (q=0) or nonsense: French.
        assert_eq!(al("de, it"), Lang::Fr);
        assert_eq!(al("en;q=0"), Lang::Fr);
        assert_eq!(al("en;q=abc"), Lang::Fr);
        assert_eq!(al(";;;,,,"), Lang::Fr);
        assert_eq!(Lang::of(&HeaderMap::new()), Lang::Fr);
    }

    #[test]
    fn the_switch_cookie_wins() {
        let h = headers(&[
            (header::ACCEPT_LANGUAGE, "fr-FR"),
            (header::COOKIE, "other=1; vigie_lang=en"),
        ]);
        assert_eq!(Lang::of(&h), Lang::En);
        let h = headers(&[
            (header::ACCEPT_LANGUAGE, "en"),
            (header::COOKIE, "vigie_lang=fr"),
        ]);
        assert_eq!(Lang::of(&h), Lang::Fr);
        // A cookie we do not understand is ignored.
        let h = headers(&[
            (header::ACCEPT_LANGUAGE, "en"),
            (header::COOKIE, "vigie_lang=xx"),
        ]);
        assert_eq!(Lang::of(&h), Lang::En);
    }

    #[test]
    fn a_huge_header_costs_nothing() {
        let long = "de;q=0.5,".repeat(10_000) + "en";
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(&long).unwrap(),
        );
        // "en" is past the first 32 entries: not looked at.
        assert_eq!(Lang::of(&h), Lang::Fr);
    }
}
