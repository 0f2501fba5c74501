//! Chapitre 9 : la plus haute qualité JPEG sous une taille donnée, et le
//! temps qu'elle coûte.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

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
    todo!("chapitre 9 : compare(&(1..=100).collect::<Vec<u8>>()), puis Instant::now() autour de jpeg::encode_frame")
}
