//! Chapitre 10 : votre serveur, que le vrai `vigie client` peut appeler.
//!
//! Il parle le protocole natif de vigie (`docs/PROTOCOL.md`) : le client
//! envoie `VIGI`, puis des messages emballés (votre `pack`, chapitre 8) dont
//! le premier octet dit le genre : `01` bonjour, `02` image, `03` battement
//! de cœur, `04` au revoir. Le serveur répond au bonjour par `81` (accepté).
//! Un fil d'exécution par caméra (chapitre 5) ; chaque caméra a ses délais
//! et sa taille maximum, et une caméra fautive ne coupe qu'elle-même.

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
    let mut workers = Vec::new();
    for stream in listener.incoming().take(cameras) {
        let socket = stream?;
        workers.push(thread::spawn(move || serve_one_camera(socket)));
    }
    let mut reports: Vec<CameraReport> = workers
        .into_iter()
        .filter_map(|w| w.join().ok().flatten())
        .collect();
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(reports)
}

/// Une caméra, du bonjour à l'au revoir. `None` si elle n'a pas dit bonjour.
fn serve_one_camera(mut socket: TcpStream) -> Option<CameraReport> {
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut magic = [0u8; 4];
    socket.read_exact(&mut magic).ok()?;
    if &magic != b"VIGI" {
        return None; // pas un client vigie : on raccroche
    }
    let mut unpacker = Unpacker::with_max(MAX_MESSAGE);
    let hello = next_message(&mut socket, &mut unpacker).ok()?;
    let (name, size) = parse_hello(&hello)?;
    socket.write_all(&accept_message()).ok()?;

    let mut report = CameraReport {
        name,
        size,
        frames: 0,
        goodbye: false,
    };
    while let Ok(message) = next_message(&mut socket, &mut unpacker) {
        match message.first() {
            Some(0x02) => report.frames += 1,
            Some(0x03) => {} // battement de cœur : « je suis toujours là »
            Some(0x04) => {
                report.goodbye = true;
                break;
            }
            _ => break, // genre inconnu : la caméra est fautive
        }
    }
    Some(report)
}

/// Lit jusqu'à avoir un message entier (la boucle du chapitre 8).
fn next_message(socket: &mut TcpStream, unpacker: &mut Unpacker) -> io::Result<Vec<u8>> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let ready = unpacker
            .next_message()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if let Some(message) = ready {
            return Ok(message);
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        unpacker.feed(&buf[..n]);
    }
}

/// Le nom et la taille d'un bonjour (`01`, version, nom, largeur, hauteur…).
pub fn parse_hello(message: &[u8]) -> Option<(String, (u32, u32))> {
    let (&tag, mut rest) = message.split_first()?;
    if tag != 0x01 {
        return None;
    }
    let _version = get_varint(&mut rest).ok()?;
    let name = get_str(&mut rest).ok()?;
    let width = u32::try_from(get_varint(&mut rest).ok()?).ok()?;
    let height = u32::try_from(get_varint(&mut rest).ok()?).ok()?;
    Some((name, (width, height)))
}

/// La réponse `81` emballée : battement toutes les 1000 ms, messages de
/// `MAX_MESSAGE` octets au plus.
pub fn accept_message() -> Vec<u8> {
    let mut body = vec![0x81];
    put_varint(1000, &mut body);
    put_varint(MAX_MESSAGE as u64, &mut body);
    let mut wire = Vec::new();
    pack(&body, &mut wire).expect("un petit message");
    wire
}
