//! Chapitre 2 : un serveur d'écho, votre premier serveur TCP.
//!
//! Il renvoie à chaque client exactement ce qu'il reçoit, jusqu'à ce que le
//! client ferme sa connexion, puis passe au suivant. C'est le « bonjour le
//! monde » des serveurs : tout ce que fera votre vigie (accepter, lire,
//! écrire, voir la fin du flux) est déjà là.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Sert `clients` clients l'un après l'autre, puis rend le nombre d'octets
/// renvoyés en tout. Un client muet plus de 10 s est abandonné (erreur).
pub fn serve_echo(listener: &TcpListener, clients: usize) -> io::Result<u64> {
    todo!("chapitre 2 : une boucle sur listener.incoming().take(clients), puis read / write_all jusqu'à ce que read rende 0")
}
