//! Chapitre 9 : la plus haute qualité JPEG sous une taille donnée, et le
//! temps qu'elle coûte.

use std::time::{Duration, Instant};

use vigie_camera::TestPattern;
use vigie_core::jpeg;
use vigie_tutorial::ch09_compresser::compare;
use vigie_tutorial::MORNING_US;

/// La qualité trouvée.
#[derive(Debug, Clone, PartialEq)]
pub struct Trouvaille {
    /// La plus haute qualité (1 à 100) dont le JPEG pèse moins que la limite.
    pub quality: u8,
    /// Ce que pèse ce JPEG, en octets.
    pub bytes: usize,
    /// Le temps d'une compression à cette qualité (il dépend de la machine).
    pub encode_time: Duration,
}

/// La plus haute qualité pour laquelle l'image 640×480 de la mire du
/// chapitre (celle de `compare`) pèse moins de `limite` octets ; `None` si
/// aucune qualité n'y arrive.
pub fn plus_haute_qualite_sous(limite: usize) -> anyhow::Result<Option<Trouvaille>> {
    let qualites: Vec<u8> = (1..=100).collect();
    let essais = compare(&qualites)?;
    let Some(meilleur) = essais
        .iter()
        .filter(|essai| essai.bytes < limite)
        .max_by_key(|essai| essai.quality)
    else {
        return Ok(None);
    };

    // La même image que `compare` : « jardin », n° 42.
    let frame = TestPattern::new("jardin", 640, 480, 15.0)?.render(42, MORNING_US);
    let debut = Instant::now();
    jpeg::encode_frame(&frame, meilleur.quality)?;
    let encode_time = debut.elapsed();

    Ok(Some(Trouvaille {
        quality: meilleur.quality,
        bytes: meilleur.bytes,
        encode_time,
    }))
}
