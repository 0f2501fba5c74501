//! Chapitre 4 : deux adresses IPv4 sont-elles sur le même réseau local ?
//!
//! Un préfixe `/24` veut dire : les 24 premiers bits désignent le réseau,
//! les autres la machine. Deux machines sont sur le même réseau quand leurs
//! adresses, une fois les bits de la machine effacés par le masque, sont
//! égales.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

use std::net::Ipv4Addr;

/// Le masque d'un préfixe : `/24` donne `255.255.255.0`. Un préfixe plus
/// long que 32 compte comme 32.
pub fn netmask(prefix_len: u8) -> Ipv4Addr {
    todo!("chapitre 4 : u32::from(adresse) & u32::from(masque)")
}

/// Vrai quand `a` et `b` sont sur le même réseau de préfixe `prefix_len`.
pub fn same_network(a: Ipv4Addr, b: Ipv4Addr, prefix_len: u8) -> bool {
    todo!("chapitre 4 : u32::from(adresse) & u32::from(masque)")
}
