//! Chapitre 8 : votre propre emballage, une longueur devant chaque message.
//!
//! `pack` écrit la longueur sur 4 octets gros-boutistes, puis le message.
//! L'`Unpacker` fait l'inverse sur un flux qui arrive en morceaux de
//! n'importe quelle taille : il garde les octets reçus, et ne rend un message
//! que quand il est entier. Il refuse une longueur plus grande que son
//! maximum **dès qu'il a lu les 4 octets de longueur**, avant d'attendre ou
//! de réserver quoi que ce soit : un pair qui ment ne coûte rien.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::fmt;

/// Ce qui peut mal tourner en emballant ou en déballant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackError {
    /// Un message plus long que le maximum (ou que 4 octets ne peuvent dire).
    TooLarge {
        /// La longueur annoncée.
        len: u64,
        /// Le maximum accepté.
        max: u64,
    },
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::TooLarge { len, max } => {
                write!(f, "message de {len} octets, le maximum est {max}")
            }
        }
    }
}

impl std::error::Error for PackError {}

/// Ajoute à `out` la longueur de `message` (4 octets gros-boutistes), puis
/// `message`.
pub fn pack(message: &[u8], out: &mut Vec<u8>) -> Result<(), PackError> {
    todo!("chapitre 8 : 4 octets gros-boutistes, puis le message")
}

/// Retrouve les messages dans un flux d'octets reçu en morceaux.
#[derive(Debug)]
pub struct Unpacker {
    buffer: Vec<u8>,
    max: usize,
}

impl Unpacker {
    /// Un `Unpacker` qui refuse les messages de plus de `max` octets.
    pub fn with_max(max: usize) -> Unpacker {
        todo!("chapitre 8 : 4 octets gros-boutistes, puis le message")
    }

    /// Ajoute les octets reçus.
    pub fn feed(&mut self, bytes: &[u8]) {
        todo!("chapitre 8 : 4 octets gros-boutistes, puis le message")
    }

    /// Combien d'octets attendent, pas encore rendus.
    pub fn buffered(&self) -> usize {
        todo!("chapitre 8 : 4 octets gros-boutistes, puis le message")
    }

    /// Le prochain message entier, s'il est arrivé ; `None` s'il en manque
    /// encore des octets. Appelez-la en boucle (`while let`) : un morceau
    /// peut contenir plusieurs messages.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, PackError> {
        todo!("chapitre 8 : 4 octets gros-boutistes, puis le message")
    }
}
