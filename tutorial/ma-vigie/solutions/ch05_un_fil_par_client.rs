//! Chapitre 5 : un serveur d'écho qui sert tous ses clients à la fois, un
//! fil d'exécution (`std::thread`) par client, sans tokio.
//!
//! La boucle d'acceptation ne lit jamais elle-même : elle confie chaque
//! connexion à un fil et retourne aussitôt à `accept`.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Accepte `clients` clients, chacun servi dans son propre fil (écho en
/// majuscules), et attend qu'ils soient tous partis. Une erreur d'un client
/// ne coupe que lui.
pub fn serve_echo_threads(listener: TcpListener, clients: usize) -> io::Result<()> {
    let mut workers = Vec::new();
    for stream in listener.incoming().take(clients) {
        let socket = stream?;
        workers.push(thread::spawn(move || echo_upper(socket)));
    }
    for worker in workers {
        // Un fil qui a paniqué, ou un client en erreur : seulement lui.
        let _ = worker.join();
    }
    Ok(())
}

/// Renvoie en majuscules ce que dit un client, jusqu'à ce qu'il parte.
fn echo_upper(mut socket: TcpStream) -> io::Result<()> {
    socket.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = [0u8; 64];
    loop {
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        socket.write_all(&buf[..n].to_ascii_uppercase())?;
    }
}
