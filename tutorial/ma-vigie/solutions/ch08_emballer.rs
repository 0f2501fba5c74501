//! Chapitre 8 : votre propre emballage, une longueur devant chaque message.
//!
//! `pack` écrit la longueur sur 4 octets gros-boutistes, puis le message.
//! L'`Unpacker` fait l'inverse sur un flux qui arrive en morceaux de
//! n'importe quelle taille : il garde les octets reçus, et ne rend un message
//! que quand il est entier. Il refuse une longueur plus grande que son
//! maximum **dès qu'il a lu les 4 octets de longueur**, avant d'attendre ou
//! de réserver quoi que ce soit : un pair qui ment ne coûte rien.

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
    let len = u32::try_from(message.len()).map_err(|_| PackError::TooLarge {
        len: message.len() as u64,
        max: u64::from(u32::MAX),
    })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(message);
    Ok(())
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
        Unpacker {
            buffer: Vec::new(),
            max,
        }
    }

    /// Ajoute les octets reçus.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Combien d'octets attendent, pas encore rendus.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Le prochain message entier, s'il est arrivé ; `None` s'il en manque
    /// encore des octets. Appelez-la en boucle (`while let`) : un morceau
    /// peut contenir plusieurs messages.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, PackError> {
        let Some(header) = self.buffer.get(..4) else {
            return Ok(None); // pas encore la longueur
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if len > self.max {
            return Err(PackError::TooLarge {
                len: len as u64,
                max: self.max as u64,
            });
        }
        if self.buffer.len() < 4 + len {
            return Ok(None); // le message n'est pas encore entier
        }
        let message = self.buffer[4..4 + len].to_vec();
        self.buffer.drain(..4 + len);
        Ok(Some(message))
    }
}
