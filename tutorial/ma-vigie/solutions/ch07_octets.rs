//! Chapitre 7 : sérialiser à la main, comme bincode 2 (le format de vigie).
//!
//! Un entier s'écrit en **longueur variable** : sous 251, un seul octet ;
//! sinon un octet qui annonce la taille (`FB` : 2 octets suivent, `FC` : 4,
//! `FD` : 8), puis le nombre en petit-boutiste. Une chaîne ou un bloc
//! d'octets : sa longueur (un entier), puis ses octets. C'est ce qu'écrit
//! `docs/PROTOCOL.md`, octet par octet ; ces fonctions suffisent pour parler
//! au vrai serveur.

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
    if value < 251 {
        out.push(value as u8);
    } else if let Ok(v) = u16::try_from(value) {
        out.push(0xFB);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = u32::try_from(value) {
        out.push(0xFC);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        out.push(0xFD);
        out.extend_from_slice(&value.to_le_bytes());
    }
}

/// Prend `n` octets au début de `input`, et avance `input` d'autant.
fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], DecodeError> {
    if input.len() < n {
        return Err(DecodeError::TooShort);
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

/// Lit un entier en longueur variable au début de `input`, et avance.
pub fn get_varint(input: &mut &[u8]) -> Result<u64, DecodeError> {
    let first = take(input, 1)?[0];
    let size = match first {
        0..=250 => return Ok(u64::from(first)),
        0xFB => 2,
        0xFC => 4,
        0xFD => 8,
        other => return Err(DecodeError::BadVarint(other)),
    };
    let mut le = [0u8; 8];
    le[..size].copy_from_slice(take(input, size)?);
    Ok(u64::from_le_bytes(le))
}

/// Écrit un bloc d'octets : sa longueur, puis lui.
pub fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    put_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// Lit un bloc d'octets. La longueur annoncée est vérifiée contre ce qui
/// reste **avant** tout : un menteur ne fait rien réserver.
pub fn get_bytes<'a>(input: &mut &'a [u8]) -> Result<&'a [u8], DecodeError> {
    let len = get_varint(input)?;
    let len = usize::try_from(len).map_err(|_| DecodeError::TooShort)?;
    take(input, len)
}

/// Écrit une chaîne (ses octets UTF-8).
pub fn put_str(text: &str, out: &mut Vec<u8>) {
    put_bytes(text.as_bytes(), out);
}

/// Lit une chaîne.
pub fn get_str(input: &mut &[u8]) -> Result<String, DecodeError> {
    let bytes = get_bytes(input)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::NotUtf8)
}
