//! Chapitre 15 : le mouvement lu dans le registre.
//!
//! Le registre garde, pour chaque caméra, sa dernière image, en JPEG.
//! Pour comparer deux images pixel à pixel, il faut d'abord les
//! décompresser en RGB ; `changed_share` (chapitre 15) dit alors quelle part
//! des pixels a changé.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};
use vigie_hub::Registry;
use vigie_tutorial::ch15_plus_loin::changed_share;

/// L'image JPEG `image`, décompressée : une `Frame` RGB8 qui garde la
/// description de l'originale (caméra, numéro, heure, taille).
pub fn en_rgb(image: &Frame) -> anyhow::Result<Frame> {
    todo!("chapitre 15 : jpeg::decode_rgb, puis Frame::new avec FrameHeader {{ format: PixelFormat::Rgb8, ..image.header().clone() }}")
}

/// Lit le registre, image après image, et compare chaque image lue à la
/// précédente lue.
#[derive(Debug)]
pub struct Lecteur {
    seuil: u8,
    precedente: Option<Frame>,
}

impl Lecteur {
    /// Un lecteur qui n'a encore rien lu ; `seuil` est celui de
    /// `changed_share`.
    pub fn new(seuil: u8) -> Lecteur {
        todo!("chapitre 15 : un Lecteur sans image précédente")
    }

    /// Lit la dernière image de la première caméra du registre, et rend la
    /// part de pixels changés depuis l'image lue la fois d'avant. `None`
    /// pour la toute première image lue, ou si le registre n'a encore
    /// aucune image.
    pub fn lire(&mut self, registre: &Registry) -> anyhow::Result<Option<f64>> {
        todo!(
            "chapitre 15 : snapshot(), la dernière image de la première vue, en_rgb, changed_share"
        )
    }
}
