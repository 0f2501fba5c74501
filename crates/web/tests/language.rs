//! The page and the messages the server writes for it follow the
//! browser's `Accept-Language` (French or English), unless the page's
//! switch set the `vigie_lang` cookie; and the page has a favicon.

mod common;

use common::{http_client, start};
use vigie_web::WebConfig;

async fn get(rig: &common::Rig, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = http_client().get(rig.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_page_speaks_the_browsers_language_or_the_chosen_one() {
    let rig = start(WebConfig::default()).await;
    let english = [("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")];
    let (status, html) = get(&rig, "/", &english).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="en">"#), "{html}");
    assert!(html.contains("live cameras") && html.contains("connecting"));
    assert!(!html.contains("caméras en direct"));
    // The switch offers the other language.
    assert!(html.contains(r#"data-lang="fr""#), "{html}");

    let (_, html) = get(&rig, "/", &[("Accept-Language", "fr-CA,fr;q=0.9")]).await;
    assert!(html.contains(r#"<html lang="fr">"#));
    assert!(html.contains("caméras en direct") && html.contains(r#"data-lang="en""#));
    // Nothing said: French, the tutorial's language.
    let (_, html) = get(&rig, "/", &[]).await;
    assert!(html.contains(r#"<html lang="fr">"#));
    // The switch's cookie beats the browser.
    let chosen = [("Accept-Language", "en-US,en"), ("Cookie", "vigie_lang=fr")];
    let (_, html) = get(&rig, "/", &chosen).await;
    assert!(html.contains(r#"<html lang="fr">"#));

    // Error messages too.
    let (status, text) = get(&rig, "/cameras/nobody/snapshot.jpg", &english).await;
    assert_eq!((status, text.as_str()), (404, "unknown camera\n"));
    let (status, text) = get(&rig, "/cameras/nobody/snapshot.jpg", &[]).await;
    assert_eq!((status, text.as_str()), (404, "caméra inconnue\n"));
    let (status, text) = get(&rig, "/no/such/page", &[("Cookie", "vigie_lang=en")]).await;
    assert_eq!((status, text.as_str()), (404, "not found\n"));
    rig.stop().await;
}

#[tokio::test]
async fn the_page_has_a_favicon() {
    let rig = start(WebConfig::default()).await;
    let (_, html) = get(&rig, "/", &[]).await;
    assert!(html.contains(r#"rel="icon" href="/favicon.svg""#), "{html}");
    let r = http_client()
        .get(rig.url("/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{svg}");
    // A real ICO, holding a PNG that decodes to 32×32.
    let r = http_client()
        .get(rig.url("/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/x-icon");
    let ico = r.bytes().await.unwrap();
    assert_eq!(&ico[..4], &[0, 0, 1, 0]);
    let png = png::Decoder::new(std::io::Cursor::new(ico[22..].to_vec()))
        .read_info()
        .unwrap();
    assert_eq!((png.info().width, png.info().height), (32, 32));
    rig.stop().await;
}
