//! Chapitre 6 : votre propre caméra, un damier qui s'inverse.
//!
//! Tout ce qui implémente le trait `Camera` peut remplacer la mire ou une
//! webcam : `describe`, le client, les tests. Ici, un damier noir et blanc,
//! cases de 16 pixels, qui s'inverse à chaque image.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::path::{Path, PathBuf};

use vigie_camera::{Camera, CameraError, CameraInfo};
use vigie_core::{png, Frame, FrameHeader, PixelFormat};
use vigie_tutorial::MORNING_US;

/// Le côté d'une case, en pixels.
pub const CASE: u32 = 16;

/// Un damier noir et blanc qui s'inverse à chaque image.
#[derive(Debug)]
pub struct Damier {
    width: u32,
    height: u32,
    sequence: u64,
}

impl Damier {
    /// Un damier de `width × height` pixels, dont la première image sera
    /// la n° 0.
    pub fn new(width: u32, height: u32) -> Damier {
        todo!("chapitre 6 : un Damier {{ … }} dont la séquence commence à 0")
    }
}

impl Camera for Damier {
    fn info(&self) -> CameraInfo {
        todo!("chapitre 6 : un CameraInfo {{ name: « damier », … }}")
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        todo!("chapitre 6 : width × height × 3 octets, blanc quand (x / 16 + y / 16 + sequence) est pair")
    }
}

/// Enregistre les deux images suivantes de `camera` en PNG dans `dossier`,
/// sous les noms `damier-<n°>.png`, et rend leurs deux chemins.
pub fn deux_png(camera: &mut dyn Camera, dossier: &Path) -> anyhow::Result<[PathBuf; 2]> {
    todo!("chapitre 6 : deux next_frame, png::encode, std::fs::write")
}
