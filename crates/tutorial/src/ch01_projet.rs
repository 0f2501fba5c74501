//! Chapitre 1, le projet : le voyage complet d'une image, de la caméra à
//! l'écran, en mémoire, sans réseau. Chaque étape a son chapitre.

use std::io::Write;

use anyhow::Context;
use vigie_camera::TestPattern;
use vigie_core::pack::{self, Unpacker};
use vigie_core::{jpeg, serialize};

use crate::MORNING_US;

/// Fait voyager une image de la mire à travers toutes les étapes, et dit ce
/// que chaque étape a produit.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: voyage
    // Côté client ----------------------------------------------------------
    // 1. Capturer (chapitre 6) : la mire dessine l'image n° 0 de « salon ».
    let camera = TestPattern::new("salon", 320, 240, 15.0)?;
    let frame = camera.render(0, MORNING_US);
    // 2. Compresser (chapitre 9) : JPEG, qualité 90 comme le client.py du rapport.
    let compressed = jpeg::encode_frame(&frame, 90)?;
    // 3. Sérialiser (chapitre 7) : l'image et sa description en octets.
    let serialized = serialize::encode(&compressed)?;
    // 4. Emballer (chapitre 8) : la longueur, sur 4 octets, devant le message.
    let mut wire = Vec::new();
    pack::pack(&serialized, &mut wire)?;

    // … ici, les octets traversent le réseau (chapitres 2 à 5, 10 et 11) …

    // Côté serveur ---------------------------------------------------------
    // 5. Déballer : retrouver le message entier dans le flux d'octets.
    let mut unpacker = Unpacker::new();
    unpacker.feed(&wire);
    let message = unpacker.next_message()?.context("message incomplet")?;
    // 6. Désérialiser : retrouver l'image et sa description.
    let received = serialize::decode(&message, pack::DEFAULT_MAX_MESSAGE)?;
    // 7. Décompresser : des pixels RGB, prêts à afficher (chapitre 10).
    let picture = jpeg::decode_rgb(received.payload())?;
    // ANCHOR_END: voyage

    writeln!(
        out,
        "1. capturée     : « {} » n° {}, {}×{} {}, {} octets",
        frame.camera(),
        frame.sequence(),
        frame.width(),
        frame.height(),
        frame.format(),
        frame.payload().len()
    )?;
    writeln!(
        out,
        "2. compressée   : {} octets de JPEG",
        compressed.payload().len()
    )?;
    writeln!(
        out,
        "3. sérialisée   : {} octets (l'image et sa description)",
        serialized.len()
    )?;
    writeln!(
        out,
        "4. emballée     : {} octets, qui commencent par {}",
        wire.len(),
        crate::hex(&wire[..4])
    )?;
    writeln!(
        out,
        "5. déballée     : un message de {} octets",
        message.len()
    )?;
    writeln!(
        out,
        "6. désérialisée : « {} » n° {}, {}×{} {}",
        received.camera(),
        received.sequence(),
        received.width(),
        received.height(),
        received.format()
    )?;
    writeln!(
        out,
        "7. décompressée : {}×{} pixels RGB, {} octets, prêts à afficher",
        picture.width,
        picture.height,
        picture.pixels.len()
    )?;
    writeln!(
        out,
        "compression : {:.1} fois moins ; description : {} octets ; \
         longueur : {} = {} en hexadécimal",
        frame.payload().len() as f64 / compressed.payload().len() as f64,
        serialized.len() - compressed.payload().len(),
        crate::hex(&wire[..4]),
        message.len()
    )?;
    Ok(())
}
