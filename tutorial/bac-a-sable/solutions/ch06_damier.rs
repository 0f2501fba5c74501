//! Chapitre 6 : votre propre caméra, un damier qui s'inverse.
//!
//! Tout ce qui implémente le trait `Camera` peut remplacer la mire ou une
//! webcam : `describe`, le client, les tests. Ici, un damier noir et blanc,
//! cases de 16 pixels, qui s'inverse à chaque image.

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
        Damier {
            width,
            height,
            sequence: 0,
        }
    }
}

impl Camera for Damier {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            name: "damier".into(),
            width: self.width,
            height: self.height,
            format: PixelFormat::Rgb8,
            fps: 10.0,
        }
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let mut pixels = Vec::with_capacity(self.width as usize * self.height as usize * 3);
        for y in 0..self.height {
            for x in 0..self.width {
                // Blanc quand (x / 16 + y / 16 + sequence) est pair.
                let white = (u64::from(x / CASE + y / CASE) + self.sequence).is_multiple_of(2);
                let v = if white { 255 } else { 0 };
                pixels.extend_from_slice(&[v, v, v]);
            }
        }
        let header = FrameHeader {
            camera: "damier".into(),
            sequence: self.sequence,
            captured_at_us: MORNING_US,
            width: self.width,
            height: self.height,
            format: PixelFormat::Rgb8,
        };
        self.sequence += 1;
        // Le `?` convertit l'erreur de vigie_core en CameraError.
        Ok(Frame::new(header, pixels)?)
    }
}

/// Enregistre les deux images suivantes de `camera` en PNG dans `dossier`,
/// sous les noms `damier-<n°>.png`, et rend leurs deux chemins.
pub fn deux_png(camera: &mut dyn Camera, dossier: &Path) -> anyhow::Result<[PathBuf; 2]> {
    let mut chemins = Vec::new();
    for _ in 0..2 {
        let frame = camera.next_frame()?;
        let fichier = png::encode(frame.payload(), frame.width(), frame.height(), 3)?;
        let chemin = dossier.join(format!("damier-{}.png", frame.sequence()));
        std::fs::write(&chemin, fichier)?;
        chemins.push(chemin);
    }
    let [premier, second]: [PathBuf; 2] = chemins.try_into().expect("deux chemins");
    Ok([premier, second])
}
