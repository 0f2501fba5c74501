//! Chapitre 2, le socket : un échange TCP minimal avec la bibliothèque
//! standard de Rust (`std::net`), un serveur et un client dans le même
//! programme.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// Un serveur qui attend une ligne et répond « bien reçu », un client qui
/// lui dit bonjour.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: serveur
    // Le serveur ouvre un socket qui écoute. Le port 0 veut dire : « système,
    // choisis-moi un port libre ». vigie, lui, écoute sur le port 8485.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    writeln!(out, "serveur : j'écoute sur {address}")?;

    // Le serveur travaille dans son propre fil d'exécution (thread).
    let server = thread::spawn(move || -> std::io::Result<String> {
        // accept() attend un client, puis rend un NOUVEAU socket, relié à
        // ce client-là seulement. `listener`, lui, continue d'écouter.
        let (mut socket, peer) = listener.accept()?;
        let mut line = String::new();
        BufReader::new(&socket).read_line(&mut line)?;
        socket.write_all(format!("bien reçu : {line}").as_bytes())?;
        Ok(format!("serveur : {peer} m'a dit {:?}", line.trim_end()))
    });
    // ANCHOR_END: serveur

    // ANCHOR: client
    // Le client doit connaître l'adresse ET le port du serveur.
    let mut socket = TcpStream::connect(address)?;
    writeln!(
        out,
        "client  : connecté, de {} vers {}",
        socket.local_addr()?,
        socket.peer_addr()?
    )?;
    socket.write_all(b"bonjour serveur\n")?;
    let mut reply = String::new();
    BufReader::new(&socket).read_line(&mut reply)?;
    // ANCHOR_END: client

    let report = server
        .join()
        .map_err(|_| anyhow::anyhow!("le fil du serveur a paniqué"))??;
    writeln!(out, "{report}")?;
    writeln!(
        out,
        "client  : le serveur m'a répondu {:?}",
        reply.trim_end()
    )?;
    Ok(())
}
