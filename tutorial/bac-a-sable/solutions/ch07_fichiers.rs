//! Chapitre 7 : lire les fichiers pickle du rapport, sans jamais exécuter
//! ce qu'ils contiennent.
//!
//! `legacy::decode` ne comprend qu'une liste fermée d'instructions pickle
//! (l'*allow-list*) : une image JPEG ou une image brute de numpy. Le reste,
//! comme le piège `evil-posix-system-p4.pkl`, est refusé avec un message.

use std::path::Path;

use anyhow::Context;
use vigie_net::legacy::{self, LegacyImage};

/// Lit le fichier pickle `chemin` et le décode avec `legacy::decode`.
///
/// Une erreur dit toujours quel fichier était en cause : celle de la
/// lecture (un fichier absent) comme celle du décodage (un piège refusé).
pub fn lire(chemin: &Path) -> anyhow::Result<LegacyImage> {
    let octets = std::fs::read(chemin).with_context(|| format!("lire {}", chemin.display()))?;
    let image = legacy::decode(&octets).with_context(|| format!("décoder {}", chemin.display()))?;
    Ok(image)
}
