//! Chapitre 3 : TCP est un flux, UDP garde ses datagrammes.
//!
//! Deux mesures : combien d'appels à `read` il faut pour lire un flux TCP
//! (TCP ne promet aucun découpage), et ce que dit le système d'un datagramme
//! UDP trop grand (il le refuse : 65 507 octets au plus en IPv4).

use std::io::{self, Read};
use std::net::UdpSocket;

/// Lit `reader` jusqu'à la fin du flux avec un tampon de `buf_size` octets ;
/// rend (octets lus, appels à `read` qui ont rendu des octets).
pub fn count_reads(reader: &mut impl Read, buf_size: usize) -> io::Result<(usize, usize)> {
    let mut buf = vec![0u8; buf_size.max(1)];
    let (mut bytes, mut reads) = (0, 0);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok((bytes, reads));
        }
        bytes += n;
        reads += 1;
    }
}

/// Envoie un datagramme de `size` octets d'un socket UDP à un autre, sur la
/// boucle locale ; rend ce que `send_to` a rendu (le nombre d'octets, ou
/// l'erreur du système).
pub fn send_udp_datagram(size: usize) -> io::Result<usize> {
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    sender.send_to(&vec![0u8; size], receiver.local_addr()?)
}
