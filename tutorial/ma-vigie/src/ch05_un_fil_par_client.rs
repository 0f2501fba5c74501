//! Chapitre 5 : un serveur d'écho qui sert tous ses clients à la fois, un
//! fil d'exécution (`std::thread`) par client, sans tokio.
//!
//! La boucle d'acceptation ne lit jamais elle-même : elle confie chaque
//! connexion à un fil et retourne aussitôt à `accept`.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Accepte `clients` clients, chacun servi dans son propre fil (écho en
/// majuscules), et attend qu'ils soient tous partis. Une erreur d'un client
/// ne coupe que lui.
pub fn serve_echo_threads(listener: TcpListener, clients: usize) -> io::Result<()> {
    todo!("chapitre 5 : un thread::spawn par connexion acceptée")
}

/// Renvoie en majuscules ce que dit un client, jusqu'à ce qu'il parte.
fn echo_upper(mut socket: TcpStream) -> io::Result<()> {
    todo!("chapitre 5 : un thread::spawn par connexion acceptée")
}
