//! Chapitre 15 : le mouvement lu dans le registre.
//!
//! Le registre garde, pour chaque caméra, sa dernière image, en JPEG.
//! Pour comparer deux images pixel à pixel, il faut d'abord les
//! décompresser en RGB ; `changed_share` (chapitre 15) dit alors quelle part
//! des pixels a changé.

use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};
use vigie_hub::Registry;
use vigie_tutorial::ch15_plus_loin::changed_share;

/// L'image JPEG `image`, décompressée : une `Frame` RGB8 qui garde la
/// description de l'originale (caméra, numéro, heure, taille).
pub fn en_rgb(image: &Frame) -> anyhow::Result<Frame> {
    let rgb = jpeg::decode_rgb(image.payload())?;
    let header = FrameHeader {
        format: PixelFormat::Rgb8,
        ..image.header().clone()
    };
    Ok(Frame::new(header, rgb.pixels)?)
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
        Lecteur {
            seuil,
            precedente: None,
        }
    }

    /// Lit la dernière image de la première caméra du registre, et rend la
    /// part de pixels changés depuis l'image lue la fois d'avant. `None`
    /// pour la toute première image lue, ou si le registre n'a encore
    /// aucune image.
    pub fn lire(&mut self, registre: &Registry) -> anyhow::Result<Option<f64>> {
        let vues = registre.snapshot();
        let Some(derniere) = vues.first().and_then(|vue| vue.latest.as_ref()) else {
            return Ok(None);
        };
        let maintenant = en_rgb(derniere)?;
        let part = self
            .precedente
            .as_ref()
            .map(|avant| changed_share(avant, &maintenant, self.seuil));
        self.precedente = Some(maintenant);
        Ok(part)
    }
}
