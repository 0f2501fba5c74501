//! Chapitre 7 : sérialiser à la main, comme bincode 2 (le format de vigie).
//!
//! Un entier s'écrit en **longueur variable** : sous 251, un seul octet ;
//! sinon un octet qui annonce la taille (`FB` : 2 octets suivent, `FC` : 4,
//! `FD` : 8), puis le nombre en petit-boutiste. Une chaîne ou un bloc
//! d'octets : sa longueur (un entier), puis ses octets. C'est ce qu'écrit
//! `docs/PROTOCOL.md`, octet par octet ; ces fonctions suffisent pour parler
//! au vrai serveur.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::fmt;

/// Ce qui peut manquer en lisant des octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Les octets s'arrêtent avant la fin de la valeur.
    TooShort,
    /// Un premier octet d'entier que ce format ne connaît pas (`FE`, `FF`).
    BadVarint(u8),
    /// Une chaîne qui n'est pas de l'UTF-8.
    NotUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooShort => write!(f, "les octets s'arrêtent trop tôt"),
            DecodeError::BadVarint(b) => write!(f, "entier inconnu : {b:02X}"),
            DecodeError::NotUtf8 => write!(f, "une chaîne qui n'est pas de l'UTF-8"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Écrit `value` en longueur variable à la fin de `out`.
pub fn put_varint(value: u64, out: &mut Vec<u8>) {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Prend `n` octets au début de `input`, et avance `input` d'autant.
fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], DecodeError> {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Lit un entier en longueur variable au début de `input`, et avance.
pub fn get_varint(input: &mut &[u8]) -> Result<u64, DecodeError> {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Écrit un bloc d'octets : sa longueur, puis lui.
pub fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Lit un bloc d'octets. La longueur annoncée est vérifiée contre ce qui
/// reste **avant** tout : un menteur ne fait rien réserver.
pub fn get_bytes<'a>(input: &mut &'a [u8]) -> Result<&'a [u8], DecodeError> {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Écrit une chaîne (ses octets UTF-8).
pub fn put_str(text: &str, out: &mut Vec<u8>) {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}

/// Lit une chaîne.
pub fn get_str(input: &mut &[u8]) -> Result<String, DecodeError> {
    todo!("chapitre 7 : voir docs/PROTOCOL.md, « Messages »")
}
