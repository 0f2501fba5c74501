//! Chapitre 1 : le voyage d'une image, à une autre qualité.
//!
//! La même chaîne que `vigie_tutorial::ch01_projet::run` (capturer,
//! compresser, sérialiser, emballer, puis l'inverse), pour une image
//! 640×480 de la caméra « entrée » et une qualité JPEG choisie.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

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
    todo!("chapitre 1 : les sept étapes de ch01_projet::run, pour « entrée » 640×480")
}
