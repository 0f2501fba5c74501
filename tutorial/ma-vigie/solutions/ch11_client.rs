//! Chapitre 11 : votre client, que le vrai `vigie server` accepte et montre.
//!
//! Il envoie `VIGI`, un bonjour (`01`), attend l'acceptation (`81`), puis
//! des images (`02`) à sa cadence, et dit au revoir (`04`). Les images sont
//! brutes (RGB8, 3 octets par pixel) : un gris qui s'éclaircit à chaque
//! image. Tout est écrit avec VOS fonctions des chapitres 7 et 8.

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
    let mut body = vec![0x01];
    put_varint(1, &mut body); // version du protocole
    put_str(name, &mut body);
    put_varint(u64::from(width), &mut body);
    put_varint(u64::from(height), &mut body);
    put_varint(u64::from(format), &mut body);
    body.extend_from_slice(&fps.to_le_bytes());
    body.push(0); // pas de jeton (une Option vide)
    body
}

/// Une image (`02`), sans son emballage.
pub fn frame(name: &str, sequence: u64, width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let captured_at_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let mut body = vec![0x02];
    put_str(name, &mut body);
    put_varint(sequence, &mut body);
    put_varint(captured_at_us, &mut body);
    put_varint(u64::from(width), &mut body);
    put_varint(u64::from(height), &mut body);
    put_varint(u64::from(RGB8), &mut body);
    put_bytes(pixels, &mut body);
    body
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
    let mut socket = TcpStream::connect_timeout(&server, Duration::from_secs(5))?;
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    let fps = 1.0 / interval.as_secs_f32().max(0.001);
    let mut wire = b"VIGI".to_vec();
    pack(&hello(name, width, height, RGB8, fps), &mut wire).map_err(invalid)?;
    socket.write_all(&wire)?;

    // La réponse : une acceptation, ou un refus.
    let mut unpacker = Unpacker::with_max(1024);
    let mut buf = [0u8; 256];
    let answer = loop {
        if let Some(message) = unpacker.next_message().map_err(invalid)? {
            break message;
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        unpacker.feed(&buf[..n]);
    };
    if answer.first() != Some(&0x81) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("le serveur a refusé la caméra : {answer:02X?}"),
        ));
    }

    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    for sequence in 0..frames {
        pixels.fill((sequence * 8 % 256) as u8); // un gris qui change
        let mut wire = Vec::new();
        pack(&frame(name, sequence, width, height, &pixels), &mut wire).map_err(invalid)?;
        socket.write_all(&wire)?;
        thread::sleep(interval);
    }
    let mut goodbye = Vec::new();
    pack(&[0x04], &mut goodbye).map_err(invalid)?;
    socket.write_all(&goodbye)?;
    Ok(frames)
}

fn invalid(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
