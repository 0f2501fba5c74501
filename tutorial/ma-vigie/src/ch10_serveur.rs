//! Chapitre 10 : votre serveur, que le vrai `vigie client` peut appeler.
//!
//! Il parle le protocole natif de vigie (`docs/PROTOCOL.md`) : le client
//! envoie `VIGI`, puis des messages emballés (votre `pack`, chapitre 8) dont
//! le premier octet dit le genre : `01` bonjour, `02` image, `03` battement
//! de cœur, `04` au revoir. Le serveur répond au bonjour par `81` (accepté).
//! Un fil d'exécution par caméra (chapitre 5) ; chaque caméra a ses délais
//! et sa taille maximum, et une caméra fautive ne coupe qu'elle-même.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::ch07_octets::{get_str, get_varint, put_varint};
use crate::ch08_emballer::{pack, Unpacker};

/// Le plus grand message accepté : 32 Mio, comme le vrai serveur.
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;

/// Ce que le serveur a vu d'une caméra.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraReport {
    /// Le nom donné dans le bonjour.
    pub name: String,
    /// Largeur et hauteur annoncées.
    pub size: (u32, u32),
    /// Images reçues.
    pub frames: u64,
    /// Vrai si la caméra a dit au revoir (`04`) ; faux si la connexion s'est
    /// coupée, ou si elle a été abandonnée pour une faute.
    pub goodbye: bool,
}

/// Accepte `cameras` connexions, chacune servie dans son propre fil, attend
/// qu'elles finissent, et rend ce qu'on a vu de chacune, triées par nom. Une
/// connexion qui n'a même pas dit bonjour n'apparaît pas.
pub fn serve_cameras(listener: TcpListener, cameras: usize) -> io::Result<Vec<CameraReport>> {
    todo!("chapitre 10 : VIGI, bonjour (01), acceptation (81), images (02)")
}

/// Une caméra, du bonjour à l'au revoir. `None` si elle n'a pas dit bonjour.
fn serve_one_camera(mut socket: TcpStream) -> Option<CameraReport> {
    todo!("chapitre 10 : VIGI, bonjour (01), acceptation (81), images (02)")
}

/// Lit jusqu'à avoir un message entier (la boucle du chapitre 8).
fn next_message(socket: &mut TcpStream, unpacker: &mut Unpacker) -> io::Result<Vec<u8>> {
    todo!("chapitre 10 : VIGI, bonjour (01), acceptation (81), images (02)")
}

/// Le nom et la taille d'un bonjour (`01`, version, nom, largeur, hauteur…).
pub fn parse_hello(message: &[u8]) -> Option<(String, (u32, u32))> {
    todo!("chapitre 10 : VIGI, bonjour (01), acceptation (81), images (02)")
}

/// La réponse `81` emballée : battement toutes les 1000 ms, messages de
/// `MAX_MESSAGE` octets au plus.
pub fn accept_message() -> Vec<u8> {
    todo!("chapitre 10 : VIGI, bonjour (01), acceptation (81), images (02)")
}
