//! `/favicon.ico` and `/favicon.svg`: the page's icon, an eye with a red
//! recording dot.
//!
//! Browsers ask for `/favicon.ico` on their own, and so do bookmarks, tabs
//! and home-screen shortcuts; a 404 there fills the server's log and leaves
//! a blank tab. The page links the SVG (sharp at every size); `/favicon.ico`
//! is a real ICO file for everything else. An ICO is a 6-byte header, one
//! 16-byte entry per picture, then the pictures, which may be PNG files:
//! so it is drawn here once, pixel by pixel (a few shapes), encoded as PNG
//! with `vigie_core::png`, and wrapped.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

const SVG: &str = include_str!("page/favicon.svg");

/// The ICO's size in pixels.
const SIZE: u32 = 32;

pub(crate) async fn svg() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        SVG,
    )
        .into_response()
}

pub(crate) async fn ico() -> Response {
    static ICO: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = ICO.get_or_init(|| {
        let png = vigie_core::png::encode(&pixels(), SIZE, SIZE, 4)
            .expect("a 32×32 RGBA picture encodes");
        wrap(&png)
    });
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        bytes.as_slice(),
    )
        .into_response()
}

/// The icon, RGBA: the SVG's shapes, each pixel looked at from its centre.
fn pixels() -> Vec<u8> {
    let mut out = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let from = |cx: f32, cy: f32| ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
            // The eye: an ellipse 26 wide, 18 high, centred.
            let eye = ((px - 16.0) / 13.0).powi(2) + ((py - 16.0) / 9.0).powi(2) <= 1.0;
            let rgba = if from(26.0, 6.0) <= 3.0 {
                [0xE0, 0x20, 0x20, 0xFF] // the recording dot
            } else if from(16.0, 16.0) <= 2.5 {
                [0x11, 0x11, 0x11, 0xFF] // pupil
            } else if from(16.0, 16.0) <= 6.0 {
                [0x22, 0xAA, 0x77, 0xFF] // iris
            } else if eye {
                [0xEE, 0xEE, 0xEE, 0xFF]
            } else {
                [0x1C, 0x1C, 0x1C, 0xFF] // background
            };
            out.extend_from_slice(&rgba);
        }
    }
    out
}

/// One PNG as an ICO file.
fn wrap(png: &[u8]) -> Vec<u8> {
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type 1 (icon), 1 picture
    ico.extend_from_slice(&[SIZE as u8, SIZE as u8, 0, 0]); // size, no palette
    ico.extend_from_slice(&1u16.to_le_bytes()); // colour planes
    ico.extend_from_slice(&32u16.to_le_bytes()); // bits per pixel
    ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes()); // where the picture starts
    ico.extend_from_slice(png);
    ico
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ico_holds_one_32_pixel_png() {
        let png = vigie_core::png::encode(&pixels(), SIZE, SIZE, 4).unwrap();
        let ico = wrap(&png);
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!((ico[6], ico[7]), (32, 32));
        let len = u32::from_le_bytes(ico[14..18].try_into().unwrap()) as usize;
        let start = u32::from_le_bytes(ico[18..22].try_into().unwrap()) as usize;
        assert_eq!((start, start + len), (22, ico.len()));
        assert_eq!(&ico[22..30], b"\x89PNG\r\n\x1a\n");
        // The dot is red, the corner is the dark background.
        let p = pixels();
        let at = |x: usize, y: usize| &p[(y * 32 + x) * 4..(y * 32 + x) * 4 + 3];
        assert_eq!(at(26, 6), &[0xE0, 0x20, 0x20]);
        assert_eq!(at(0, 31), &[0x1C, 0x1C, 0x1C]);
        assert!(SVG.starts_with("<svg") && SVG.trim_end().ends_with("</svg>"));
    }
}
