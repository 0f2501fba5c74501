//! # vigie-tutorial : les exemples du tutoriel
//!
//! Le tutoriel en français (le livre mdBook de `tutorial/`) reconstruit vigie
//! chapitre par chapitre, une notion du rapport d'origine par chapitre. Chaque
//! chapitre a ici son module, et chaque module une fonction
//! `run(out: &mut dyn Write)` qui écrit dans `out` ce que l'exemple affiche :
//!
//! - `examples/chNN_*.rs` l'appelle avec la sortie standard :
//!   `cargo run -p vigie-tutorial --example ch08_emballer` ;
//! - `tests/chapters.rs` l'appelle avec un `Vec<u8>` et vérifie le texte.
//!
//! Les extraits de code du livre sont inclus depuis ces fichiers, entre des
//! marques `// ANCHOR: nom` et `// ANCHOR_END: nom` : le livre montre donc
//! toujours du code qui compile et que `cargo test` exécute.
//!
//! Les exemples réseau ouvrent de vrais sockets sur la boucle
//! locale `127.0.0.1`, au port 0 : le système choisit un port libre, si bien
//! que les exemples ne gênent ni un `vigie server` lancé à côté, ni les uns
//! les autres.

use std::future::Future;

pub mod ch01_projet;
pub mod ch02_socket;
pub mod ch03_adresse;
pub mod ch04_adresse_ip;
pub mod ch05_client_serveur;
pub mod ch06_capturer;
pub mod ch07_serialiser;
pub mod ch08_emballer;
pub mod ch09_compresser;
pub mod ch10_serveur;
pub mod ch11_client;
pub mod ch12_deux_pc;
pub mod ch13_chiffrer;
pub mod ch14_tester;
pub mod ch15_plus_loin;

/// Une heure fixe pour les images d'exemple : le 24 novembre 2026 à
/// 08:30:00,250 UTC, en microsecondes depuis le 1er janvier 1970. Avec une
/// heure fixe, la mire dessine exactement les mêmes pixels à chaque fois.
pub const MORNING_US: u64 = 1_795_509_000_250_000;

/// Les octets en hexadécimal, séparés par des espaces : `56 49 47 49`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Exécute du code asynchrone (tokio) jusqu'au bout, sur le fil d'exécution
/// courant. Les exemples réseau en ont besoin : `vigie-net` est écrit avec
/// tokio.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("démarrage du moteur tokio")
        .block_on(future)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_spaced_uppercase() {
        assert_eq!(super::hex(b"VIGI"), "56 49 47 49");
        assert_eq!(super::hex(&[]), "");
    }
}
