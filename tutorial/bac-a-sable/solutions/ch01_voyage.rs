//! Chapitre 1 : le voyage d'une image, à une autre qualité.
//!
//! La même chaîne que `vigie_tutorial::ch01_projet::run` (capturer,
//! compresser, sérialiser, emballer, puis l'inverse), pour une image
//! 640×480 de la caméra « entrée » et une qualité JPEG choisie.

use anyhow::Context;
use vigie_camera::TestPattern;
use vigie_core::pack::{self, Unpacker};
use vigie_core::{jpeg, serialize};
use vigie_tutorial::MORNING_US;

/// Ce que le voyage a donné.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voyage {
    /// La taille du JPEG, en octets (l'étape 2).
    pub jpeg_bytes: usize,
    /// La largeur de l'image décompressée, en pixels (l'étape 7).
    pub width: u32,
    /// Sa hauteur, en pixels.
    pub height: u32,
    /// Ses pixels RGB, en octets (3 par pixel).
    pub rgb_bytes: usize,
}

/// Fait voyager l'image n° 0 de la caméra « entrée », 640×480, compressée
/// en qualité `quality`, par les sept étapes du chapitre.
pub fn voyage(quality: u8) -> anyhow::Result<Voyage> {
    let camera = TestPattern::new("entrée", 640, 480, 15.0)?;
    let frame = camera.render(0, MORNING_US);
    let compressed = jpeg::encode_frame(&frame, quality)?;
    let serialized = serialize::encode(&compressed)?;
    let mut wire = Vec::new();
    pack::pack(&serialized, &mut wire)?;

    let mut unpacker = Unpacker::new();
    unpacker.feed(&wire);
    let message = unpacker.next_message()?.context("message incomplet")?;
    let received = serialize::decode(&message, pack::DEFAULT_MAX_MESSAGE)?;
    let picture = jpeg::decode_rgb(received.payload())?;
    Ok(Voyage {
        jpeg_bytes: received.payload().len(),
        width: picture.width,
        height: picture.height,
        rgb_bytes: picture.pixels.len(),
    })
}
