//! Chapitre 4 : deux adresses IPv4 sont-elles sur le même réseau local ?
//!
//! Un préfixe `/24` veut dire : les 24 premiers bits désignent le réseau,
//! les autres la machine. Deux machines sont sur le même réseau quand leurs
//! adresses, une fois les bits de la machine effacés par le masque, sont
//! égales.

use std::net::Ipv4Addr;

/// Le masque d'un préfixe : `/24` donne `255.255.255.0`. Un préfixe plus
/// long que 32 compte comme 32.
pub fn netmask(prefix_len: u8) -> Ipv4Addr {
    let prefix_len = u32::from(prefix_len.min(32));
    // `checked_shl` : décaler un u32 de 32 bits déborde (un `/0`).
    let mask = u32::MAX.checked_shl(32 - prefix_len).unwrap_or(0);
    Ipv4Addr::from(mask)
}

/// Vrai quand `a` et `b` sont sur le même réseau de préfixe `prefix_len`.
pub fn same_network(a: Ipv4Addr, b: Ipv4Addr, prefix_len: u8) -> bool {
    let mask = u32::from(netmask(prefix_len));
    u32::from(a) & mask == u32::from(b) & mask
}
