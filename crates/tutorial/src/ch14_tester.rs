//! Chapitre 14, tester sans caméra : une fausse caméra « en carton » qui
//! tombe en panne exprès, et la mire dessinée en caractères, pour comparer
//! des images dans un test.

use std::io::Write;

use vigie_camera::{Camera, CameraError, CameraInfo, Pipeline, TestPattern};
use vigie_core::{jpeg, Frame, FrameHeader, PixelFormat};

use crate::MORNING_US;

// ANCHOR: carton
/// Une fausse caméra : des images unies, de plus en plus claires ; à la
/// troisième, elle fait comme si on avait débranché son câble.
pub struct CardboardCamera {
    sequence: u64,
}

impl CardboardCamera {
    /// Une caméra en carton toute neuve.
    pub fn new() -> CardboardCamera {
        CardboardCamera { sequence: 0 }
    }
}

impl Camera for CardboardCamera {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            name: "carton".into(),
            width: 32,
            height: 24,
            format: PixelFormat::Gray8,
            fps: 10.0,
        }
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        self.sequence += 1;
        if self.sequence == 3 {
            return Err(CameraError::Disconnected(
                "câble débranché (exprès)".into(),
            ));
        }
        let header = FrameHeader {
            camera: "carton".into(),
            sequence: self.sequence,
            captured_at_us: MORNING_US,
            width: 32,
            height: 24,
            format: PixelFormat::Gray8,
        };
        let grey = (self.sequence * 50) as u8;
        Ok(Frame::new(header, vec![grey; 32 * 24])?)
    }
}
// ANCHOR_END: carton

impl Default for CardboardCamera {
    fn default() -> Self {
        CardboardCamera::new()
    }
}

/// La fausse caméra à travers le vrai `Pipeline`, puis la mire en caractères.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: pipeline
    // Le vrai Pipeline (agrandir, compresser) ne voit pas que c'est du carton.
    let mut camera = Pipeline::new(CardboardCamera::new())
        .resize_to_width(64)
        .jpeg(80)?;
    for _ in 0..4 {
        match camera.next_frame() {
            Ok(frame) => {
                // Relire le JPEG, pour vérifier la couleur du premier pixel.
                let rgb = jpeg::decode_rgb(frame.payload())?;
                writeln!(
                    out,
                    "image n° {} : {}×{} {}, premier pixel {:?}",
                    frame.sequence(),
                    frame.width(),
                    frame.height(),
                    frame.format(),
                    &rgb.pixels[..3]
                )?;
            }
            Err(e) => writeln!(out, "erreur, et la suite continue : {e}")?,
        }
    }
    // ANCHOR_END: pipeline
    writeln!(out)?;
    write!(out, "{}", pattern_in_ascii()?)?;
    Ok(())
}

/// L'image n° 3 de la mire « salon » en 160×120, en 60 × 22 caractères.
pub fn pattern_in_ascii() -> anyhow::Result<String> {
    let frame =
        TestPattern::new("salon", 160, 120, 30.0)?.render(3, MORNING_US);
    Ok(ascii_art(&frame, 60, 22))
}

// ANCHOR: ascii
/// Une image RGB8 en caractères : chaque caractère résume un bloc de pixels
/// par sa luminosité, du plus sombre ` ` au plus clair `@`.
pub fn ascii_art(frame: &Frame, columns: u32, rows: u32) -> String {
    const SHADES: &[u8] = b" .:-=+*#%@";
    assert_eq!(frame.format(), PixelFormat::Rgb8, "une image RGB8");
    let (w, h) = (frame.width(), frame.height());
    let mut art = String::new();
    for row in 0..rows {
        for column in 0..columns {
            // Le pixel au centre du bloc que ce caractère représente.
            let x = ((2 * column + 1) * w / (2 * columns)) as usize;
            let y = ((2 * row + 1) * h / (2 * rows)) as usize;
            let at = (y * w as usize + x) * 3;
            let p = &frame.payload()[at..at + 3];
            // Luminosité perçue : le vert compte le plus, le bleu le moins.
            let light = (299 * u32::from(p[0])
                + 587 * u32::from(p[1])
                + 114 * u32::from(p[2]))
                / 1000;
            let shade = light as usize * (SHADES.len() - 1) / 255;
            art.push(SHADES[shade] as char);
        }
        art.push('\n');
    }
    art
}
// ANCHOR_END: ascii
