//! Chapitre 9, compresser : la même image en JPEG à trois qualités, ce que
//! chacune pèse et ce qu'elle perd.

use std::io::Write;

use vigie_camera::TestPattern;
use vigie_core::jpeg;

use crate::MORNING_US;

/// Ce que la compression a donné pour une qualité.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// Qualité JPEG, de 1 à 100.
    pub quality: u8,
    /// Taille du fichier JPEG, en octets.
    pub bytes: usize,
    /// Écart moyen entre l'original et l'image décompressée, par couleur
    /// de pixel, sur une échelle de 0 à 255.
    pub mean_error: f64,
}

/// Compresse une image 640×480 de la mire aux qualités 30, 60 et 90.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    let trials = compare(&[30, 60, 90])?;
    let raw = 640 * 480 * 3;
    writeln!(out, "brut (RGB)  : {raw:>7} octets")?;
    for t in &trials {
        writeln!(
            out,
            "qualité {:>3} : {:>7} octets, {:>5.1} fois moins, écart moyen {:.2}",
            t.quality,
            t.bytes,
            raw as f64 / t.bytes as f64,
            t.mean_error
        )?;
    }
    // ANCHOR: debit
    // Ce que ça fait sur le réseau, à 15 images par seconde :
    let mbit_s = |bytes: usize| (bytes * 15 * 8) as f64 / 1_000_000.0;
    writeln!(out, "à 15 images/s : brut {:.0} Mbit/s", mbit_s(raw))?;
    for t in &trials {
        let rate = mbit_s(t.bytes);
        writeln!(
            out,
            "                qualité {:>3} : {rate:.1} Mbit/s",
            t.quality
        )?;
    }
    // ANCHOR_END: debit
    Ok(())
}

/// Compresse la même image à chaque qualité de `qualities`.
pub fn compare(qualities: &[u8]) -> anyhow::Result<Vec<Trial>> {
    // ANCHOR: qualites
    let camera = TestPattern::new("jardin", 640, 480, 15.0)?;
    let frame = camera.render(42, MORNING_US);
    let (width, height) = (frame.width(), frame.height());

    let mut trials = Vec::new();
    for &quality in qualities {
        // Compresser : des pixels RGB vers un fichier JPEG complet.
        let file = jpeg::encode(
            frame.payload(),
            width,
            height,
            frame.format(),
            quality,
        )?;
        // Décompresser, pour mesurer ce que la compression a perdu.
        let back = jpeg::decode_rgb(&file)?;
        let mean_error = mean_abs_diff(frame.payload(), &back.pixels);
        trials.push(Trial {
            quality,
            bytes: file.len(),
            mean_error,
        });
    }
    // ANCHOR_END: qualites
    Ok(trials)
}

// ANCHOR: ecart
/// L'écart moyen entre deux images de même taille, octet par octet.
pub fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "deux images de même taille");
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.len() as f64
}
// ANCHOR_END: ecart
