//! Chapitre 7, sérialiser : une image en octets et retour avec serde et
//! bincode ; et comment vigie lit le format pickle du rapport sans jamais
//! exécuter ce qu'il contient.

use std::io::Write;

use bytes::Bytes;
use vigie_core::{serialize, Frame, FrameHeader, PixelFormat};
use vigie_net::legacy;

use crate::{hex, MORNING_US};

// ANCHOR: fixtures
/// Une vraie image du rapport : `pickle.dumps(image, 0)` d'un tableau numpy
/// fait par `cv2.imencode`, enregistré par `fixtures/legacy/generate.py`.
const REPORT_PICKLE: &[u8] =
    include_bytes!("../../../fixtures/legacy/np1.26.4-p0-jpeg.pkl");
/// Un pickle piégé : il demande d'appeler
/// `os.system("echo pwned by a pickle")`.
const EVIL_PICKLE: &[u8] =
    include_bytes!("../../../fixtures/legacy/evil-os-system.pkl");
// ANCHOR_END: fixtures

/// Sérialise une petite image, puis lit deux pickles : un vrai, un piégé.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    round_trip(out)?;
    writeln!(out)?;
    garbage(out)?;
    writeln!(out)?;
    report_format(out)?;
    Ok(())
}

fn round_trip(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: aller_retour
    // Une image minuscule : 2×2 pixels rouge, vert, bleu, blanc.
    let header = FrameHeader {
        camera: "porte".into(),
        sequence: 7,
        captured_at_us: MORNING_US,
        width: 2,
        height: 2,
        format: PixelFormat::Rgb8,
    };
    let pixels = vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
    let frame = Frame::new(header, pixels)?;

    // Aller : l'image devient une suite d'octets…
    let bytes = serialize::encode(&frame)?;
    writeln!(out, "{} octets : {}", bytes.len(), hex(&bytes))?;

    // … retour : les octets redeviennent la même image. 1024 est la taille
    // maximale acceptée : au-delà, decode refuse sans rien lire.
    let back = serialize::decode(&Bytes::from(bytes), 1024)?;
    writeln!(
        out,
        "relu : « {} » n° {}, {}×{} {}, identique : {}",
        back.camera(),
        back.sequence(),
        back.width(),
        back.height(),
        back.format(),
        back == frame
    )?;
    // ANCHOR_END: aller_retour
    Ok(())
}

fn garbage(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: dechets
    // Des octets qui ne sont pas une image : bincode ne peut que remplir les
    // champs d'une image, ou dire non. Il n'a aucun moyen d'appeler du code.
    let junk = Bytes::from_static(b"\x05porte\x07\x00\x02\x02\x09");
    match serialize::decode(&junk, 1024) {
        Ok(frame) => writeln!(out, "accepté ?! {frame:?}")?,
        Err(e) => writeln!(out, "des déchets : refusé : {e}")?,
    }
    // ANCHOR_END: dechets
    Ok(())
}

fn report_format(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: legacy
    // Un pickle est un petit programme : ses premières lignes appellent
    // la fonction numpy qui reconstruit le tableau.
    let start: Vec<&[u8]> =
        REPORT_PICKLE.split(|&b| b == b'\n').take(3).collect();
    writeln!(out, "le pickle du rapport commence par :")?;
    for line in start {
        writeln!(out, "    {}", String::from_utf8_lossy(line))?;
    }
    // Le décodeur de vigie reconnaît ces appels-là, et seulement eux.
    let image = legacy::decode(REPORT_PICKLE)?;
    writeln!(
        out,
        "lu par vigie : {image:?}, format {}",
        image.pixel_format()
    )?;

    // Le pickle piégé, tel qu'il passerait sur le réseau :
    writeln!(
        out,
        "pickle piégé : {:?}",
        String::from_utf8_lossy(EVIL_PICKLE)
    )?;
    match legacy::decode(EVIL_PICKLE) {
        Ok(image) => writeln!(out, "accepté ?! {image:?}")?,
        Err(e) => writeln!(out, "refusé : {e}")?,
    }
    // ANCHOR_END: legacy
    Ok(())
}
