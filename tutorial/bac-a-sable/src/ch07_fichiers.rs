//! Chapitre 7 : lire les fichiers pickle du rapport, sans jamais exécuter
//! ce qu'ils contiennent.
//!
//! `legacy::decode` ne comprend qu'une liste fermée d'instructions pickle
//! (l'*allow-list*) : une image JPEG ou une image brute de numpy. Le reste,
//! comme le piège `evil-posix-system-p4.pkl`, est refusé avec un message.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::path::Path;

use anyhow::Context;
use vigie_net::legacy::{self, LegacyImage};

/// Lit le fichier pickle `chemin` et le décode avec `legacy::decode`.
///
/// Une erreur dit toujours quel fichier était en cause : celle de la
/// lecture (un fichier absent) comme celle du décodage (un piège refusé).
pub fn lire(chemin: &Path) -> anyhow::Result<LegacyImage> {
    todo!("chapitre 7 : std::fs::read, legacy::decode, et with_context pour nommer le fichier")
}
