//! Chapitre 2 : un serveur d'écho, votre premier serveur TCP.
//!
//! Il renvoie à chaque client exactement ce qu'il reçoit, jusqu'à ce que le
//! client ferme sa connexion, puis passe au suivant. C'est le « bonjour le
//! monde » des serveurs : tout ce que fera votre vigie (accepter, lire,
//! écrire, voir la fin du flux) est déjà là.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Sert `clients` clients l'un après l'autre, puis rend le nombre d'octets
/// renvoyés en tout. Un client muet plus de 10 s est abandonné (erreur).
pub fn serve_echo(listener: &TcpListener, clients: usize) -> io::Result<u64> {
    let mut total = 0;
    for stream in listener.incoming().take(clients) {
        let mut socket = stream?;
        socket.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut buf = [0u8; 1024];
        loop {
            let n = socket.read(&mut buf)?;
            if n == 0 {
                break; // le client a fermé : au suivant
            }
            socket.write_all(&buf[..n])?;
            total += n as u64;
        }
    }
    Ok(total)
}
