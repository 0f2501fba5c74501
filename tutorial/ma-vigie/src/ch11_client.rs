//! Chapitre 11 : votre client, que le vrai `vigie server` accepte et montre.
//!
//! Il envoie `VIGI`, un bonjour (`01`), attend l'acceptation (`81`), puis
//! des images (`02`) à sa cadence, et dit au revoir (`04`). Les images sont
//! brutes (RGB8, 3 octets par pixel) : un gris qui s'éclaircit à chaque
//! image. Tout est écrit avec VOS fonctions des chapitres 7 et 8.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::ch07_octets::{put_bytes, put_str, put_varint};
use crate::ch08_emballer::{pack, Unpacker};

/// Le format RGB8 dans le protocole (0 RGB8, 1 BGR8, 2 Gray8, 3 JPEG).
pub const RGB8: u8 = 0;

/// Le bonjour (`01`), sans son emballage : version 1, nom, taille, format,
/// images par seconde, pas de jeton.
pub fn hello(name: &str, width: u32, height: u32, format: u8, fps: f32) -> Vec<u8> {
    todo!("chapitre 11 : VIGI, bonjour (01), attendre 81, images (02), au revoir (04)")
}

/// Une image (`02`), sans son emballage.
pub fn frame(name: &str, sequence: u64, width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    todo!("chapitre 11 : VIGI, bonjour (01), attendre 81, images (02), au revoir (04)")
}

/// Se connecte à `server`, dit bonjour sous le nom `name`, envoie `frames`
/// images `width`×`height` à raison d'une toutes les `interval`, puis au
/// revoir. Rend le nombre d'images envoyées ; une erreur si le serveur
/// refuse (`82`) ou se tait plus de 5 s.
pub fn send_camera(
    server: SocketAddr,
    name: &str,
    (width, height): (u32, u32),
    frames: u64,
    interval: Duration,
) -> io::Result<u64> {
    todo!("chapitre 11 : VIGI, bonjour (01), attendre 81, images (02), au revoir (04)")
}

fn invalid(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    todo!("chapitre 11 : VIGI, bonjour (01), attendre 81, images (02), au revoir (04)")
}
