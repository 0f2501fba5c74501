//! Chapitre 3, l'adresse d'un socket : une adresse IP et un port ; et la
//! différence entre un flux (TCP) et des datagrammes (UDP).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// Lit quelques adresses, puis envoie trois mots en TCP et en UDP pour
/// comparer ce qui arrive.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    addresses(out)?;
    writeln!(out)?;
    tcp_is_a_stream(out)?;
    writeln!(out)?;
    udp_keeps_datagrams(out)?;
    Ok(())
}

fn addresses(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: adresses
    // Une adresse de socket = une adresse IP + un numéro de port.
    let server: SocketAddr = "192.168.1.20:8485".parse()?;
    writeln!(
        out,
        "adresse {server} : IP {}, port {}",
        server.ip(),
        server.port()
    )?;

    // Sans port, ce n'est pas une adresse de socket…
    match "192.168.1.20".parse::<SocketAddr>() {
        Ok(a) => writeln!(out, "accepté : {a}")?,
        Err(e) => writeln!(out, "« 192.168.1.20 » refusé : {e}")?,
    }
    // … alors `vigie client --server` complète avec le port du rapport, 8485.
    let completed = vigie_net::client::with_default_port("192.168.1.20");
    writeln!(out, "vigie complète « 192.168.1.20 » en « {completed} »")?;

    // En IPv6, l'adresse se met entre crochets, pour la séparer du port.
    let v6: SocketAddr = "[::1]:8485".parse()?;
    writeln!(out, "adresse {v6} : IP {}, port {}", v6.ip(), v6.port())?;
    // ANCHOR_END: adresses
    Ok(())
}

fn tcp_is_a_stream(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: tcp
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut sender = TcpStream::connect(listener.local_addr()?)?;
    let (mut receiver, _) = listener.accept()?;

    // Trois envois séparés…
    for word in ["un", "deux", "trois"] {
        sender.write_all(word.as_bytes())?;
    }
    drop(sender); // fermer le socket : le récepteur verra la fin du flux

    // … et un seul flux d'octets à l'arrivée : les frontières ont disparu.
    let mut received = String::new();
    receiver.read_to_string(&mut received)?;
    writeln!(out, "TCP : trois envois, reçu le flux {received:?}")?;
    // ANCHOR_END: tcp
    Ok(())
}

fn udp_keeps_datagrams(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: udp
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    // Pas de connexion : chaque datagramme porte l'adresse de son destinataire.
    for word in ["un", "deux", "trois"] {
        sender.send_to(word.as_bytes(), receiver.local_addr()?)?;
    }

    // Chaque recv_from rend UN datagramme, entier, avec ses frontières.
    receiver.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut buf = [0u8; 1500];
    for n in 1..=3 {
        let (len, _from) = receiver.recv_from(&mut buf)?;
        let word = String::from_utf8_lossy(&buf[..len]);
        writeln!(out, "UDP : datagramme {n} : {word:?}")?;
    }
    // ANCHOR_END: udp
    Ok(())
}
