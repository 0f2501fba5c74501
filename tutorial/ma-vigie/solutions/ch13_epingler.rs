//! Chapitre 13 : épingler au premier contact, comme le `known_hosts` de SSH.
//!
//! Le client se souvient, pour chaque serveur, de l'empreinte vue la
//! première fois. Ensuite, il n'accepte que celle-là : une autre empreinte
//! veut dire que le serveur a été réinstallé, ou que quelqu'un est entre
//! les deux, et le client raccroche **sans rien envoyer**.
//!
//! Ici, le faux serveur *annonce* son empreinte sur une ligne de texte :
//! n'importe qui pourrait mentir. Dans TLS, le serveur la *prouve*, en
//! signant la poignée de main avec la clé de son certificat ; la décision du
//! client, elle, est la même que celle que vous écrivez ici.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Ce que le client décide devant une empreinte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Premier contact : l'empreinte est épinglée.
    Nouveau,
    /// L'empreinte épinglée : on continue.
    Connu,
    /// Une autre empreinte que celle épinglée : on raccroche.
    Refuse {
        /// L'empreinte gardée du premier contact.
        epinglee: String,
        /// Celle que le serveur présente aujourd'hui.
        presentee: String,
    },
}

impl Verdict {
    /// Le message d'un refus, qui montre les deux empreintes ; `None` si
    /// le client peut continuer.
    pub fn refus(&self) -> Option<String> {
        match self {
            Verdict::Refuse {
                epinglee,
                presentee,
            } => Some(format!(
                "ce n'est pas le serveur épinglé : épinglé {epinglee}, présenté {presentee}"
            )),
            Verdict::Nouveau | Verdict::Connu => None,
        }
    }
}

/// Les empreintes épinglées, une par serveur (`HÔTE:PORT`).
#[derive(Debug, Default)]
pub struct Epingles {
    connues: HashMap<String, String>,
}

impl Epingles {
    /// Aucune empreinte encore.
    pub fn new() -> Epingles {
        Epingles::default()
    }

    /// Décide devant l'`empreinte` que présente `serveur`, et épingle la
    /// première vue.
    pub fn verifier(&mut self, serveur: &str, empreinte: &str) -> Verdict {
        match self.connues.get(serveur) {
            None => {
                self.connues
                    .insert(serveur.to_owned(), empreinte.to_owned());
                Verdict::Nouveau
            }
            Some(epinglee) if epinglee == empreinte => Verdict::Connu,
            Some(epinglee) => Verdict::Refuse {
                epinglee: epinglee.clone(),
                presentee: empreinte.to_owned(),
            },
        }
    }
}

/// Votre client : lit la première ligne du serveur,
/// `empreinte XXXX-XXXX-XXXX-XXXX`, la fait juger par `epingles`, et
/// n'envoie `message` que si elle est acceptée. Un refus est une erreur
/// (`io::ErrorKind::PermissionDenied`) dont le texte est `Verdict::refus`.
pub fn envoyer_si_epingle(
    socket: &mut TcpStream,
    serveur: &str,
    epingles: &mut Epingles,
    message: &[u8],
) -> io::Result<Verdict> {
    // Un serveur muet ne retient pas le client plus de 5 s.
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut ligne = String::new();
    // Une ligne de 200 octets au plus : le serveur ne choisit pas combien
    // de mémoire le client prend.
    let mut lecteur = BufReader::new(socket.try_clone()?).take(200);
    lecteur.read_line(&mut ligne)?;
    let Some(empreinte) = ligne.trim_end().strip_prefix("empreinte ") else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("le serveur ne s'est pas présenté : {ligne:?}"),
        ));
    };
    let verdict = epingles.verifier(serveur, empreinte);
    if let Some(refus) = verdict.refus() {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, refus));
    }
    socket.write_all(message)?;
    Ok(verdict)
}
