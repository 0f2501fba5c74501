//! Chapitre 6, capturer des images : le trait `Camera`, la mire de test, et
//! ce qu'il y a dans une image.

use std::io::Write;

use vigie_camera::{Camera, TestPattern};
use vigie_core::{png, Frame};

use crate::MORNING_US;

/// Capture une image de la mire et montre ce qu'elle contient.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: mire
    // Une caméra synthétique : « salon », 320×240 pixels, 15 images/s.
    // L'horloge fixe la rend reproductible : mêmes pixels à chaque exécution.
    let mut camera =
        TestPattern::new("salon", 320, 240, 15.0)?.with_clock(|| MORNING_US);
    let frame = describe(&mut camera, out)?;
    // ANCHOR_END: mire

    // ANCHOR: pixels
    // RGB8 : trois octets par pixel (rouge, vert, bleu), ligne après ligne,
    // en partant du coin en haut à gauche.
    let pixel = |x: usize, y: usize| {
        let at = (y * frame.width() as usize + x) * 3;
        let p = &frame.payload()[at..at + 3];
        (p[0], p[1], p[2])
    };
    for (x, y, what) in [
        (20, 120, "1re barre, gris clair"),
        (70, 120, "2e barre, jaune"),
        (300, 120, "7e barre, bleu"),
        (160, 190, "rampe de gris, au milieu"),
    ] {
        let (r, g, b) = pixel(x, y);
        writeln!(
            out,
            "({x:>3}, {y:>3}) : rouge {r:>3}, vert {g:>3}, bleu {b:>3}  {what}"
        )?;
    }
    // ANCHOR_END: pixels
    Ok(())
}

// ANCHOR: decrire
/// Marche avec N'IMPORTE QUELLE caméra : la mire, une webcam, une fausse
/// caméra de test… tout ce qui implémente le trait `Camera`.
pub fn describe(
    camera: &mut dyn Camera,
    out: &mut dyn Write,
) -> anyhow::Result<Frame> {
    let info = camera.info();
    writeln!(
        out,
        "caméra « {} » : {}×{} {}, {} images/s",
        info.name, info.width, info.height, info.format, info.fps
    )?;
    let frame = camera.next_frame()?;
    writeln!(
        out,
        "image n° {} : {}×{} {}, {} octets (= {} × {} × 3)",
        frame.sequence(),
        frame.width(),
        frame.height(),
        frame.format(),
        frame.payload().len(),
        frame.width(),
        frame.height()
    )?;
    Ok(frame)
}
// ANCHOR_END: decrire

// ANCHOR: png
/// La même image, en fichier PNG, pour la regarder.
pub fn png_of_the_pattern() -> anyhow::Result<Vec<u8>> {
    let frame =
        TestPattern::new("salon", 320, 240, 15.0)?.render(0, MORNING_US);
    Ok(png::encode(
        frame.payload(),
        frame.width(),
        frame.height(),
        3,
    )?)
}
// ANCHOR_END: png
