//! Chapitre 5, le modèle client-serveur : pourquoi le serveur du rapport ne
//! servait qu'un client, et un serveur d'écho qui en sert plusieurs à la
//! fois, une tâche tokio par client.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Compare les deux serveurs.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "Le serveur du rapport : un client à la fois")?;
    only_the_first(out)?;
    writeln!(out)?;
    writeln!(out, "Le serveur de vigie : une tâche par client")?;
    crate::block_on(everyone(out))?;
    Ok(())
}

// ANCHOR: un_seul
/// Le serveur du rapport, en Rust : accept(), puis une boucle qui ne lit que
/// ce client-là, jusqu'à ce qu'il parte ; alors seulement, accept() encore.
/// Un client à la fois. (`clients` borne la démonstration.)
fn serve_one_at_a_time(
    listener: TcpListener,
    clients: usize,
) -> io::Result<()> {
    for _ in 0..clients {
        let (mut socket, _peer) = listener.accept()?;
        let mut buf = [0u8; 64];
        loop {
            let n = socket.read(&mut buf)?;
            if n == 0 {
                break; // le client est parti : retour à accept()
            }
            socket.write_all(&buf[..n].to_ascii_uppercase())?;
        }
    }
    Ok(())
}
// ANCHOR_END: un_seul

/// Envoie `text` et attend la réponse au plus `patience` ; dit ce qui est venu.
fn ask(
    socket: &mut TcpStream,
    text: &str,
    patience: Duration,
) -> io::Result<String> {
    socket.write_all(text.as_bytes())?;
    socket.set_read_timeout(Some(patience))?;
    let mut buf = [0u8; 64];
    match socket.read(&mut buf) {
        Ok(n) => {
            Ok(format!("réponse {:?}", String::from_utf8_lossy(&buf[..n])))
        }
        // Unix dit WouldBlock, Windows TimedOut : rien n'est venu.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut
            ) =>
        {
            Ok(format!("aucune réponse en {} ms", patience.as_millis()))
        }
        Err(e) => Err(e),
    }
}

fn only_the_first(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: demo_un_seul
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let server = thread::spawn(move || serve_one_at_a_time(listener, 2));

    let patience = Duration::from_millis(300);
    let mut first = TcpStream::connect(address)?;
    let answer = ask(&mut first, "salon", patience)?;
    writeln!(out, "  caméra 1 : envoyé \"salon\", {answer}")?;

    // La connexion de la deuxième caméra réussit (le système l'accepte en
    // file d'attente)… mais personne ne la lit tant que la caméra 1 est là.
    let mut second = TcpStream::connect(address)?;
    let answer = ask(&mut second, "jardin", patience)?;
    writeln!(out, "  caméra 2 : envoyé \"jardin\", {answer}")?;

    drop(first); // la caméra 1 part : le serveur revient à accept()
    second.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = [0u8; 64];
    let n = second.read(&mut buf)?;
    writeln!(
        out,
        "  la caméra 1 partie, la caméra 2 reçoit enfin {:?}",
        String::from_utf8_lossy(&buf[..n])
    )?;
    // ANCHOR_END: demo_un_seul
    drop(second);
    server
        .join()
        .map_err(|_| anyhow::anyhow!("le fil du serveur a paniqué"))??;
    Ok(())
}

// ANCHOR: plusieurs
/// Un serveur d'écho qui sert tous ses clients à la fois : chaque connexion
/// acceptée part dans sa propre tâche, et la boucle retourne aussitôt à
/// accept() pour le client suivant.
async fn serve_everyone(listener: tokio::net::TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buf = [0u8; 64];
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return, // ce client est parti
                    Ok(n) => n,
                };
                let upper = buf[..n].to_ascii_uppercase();
                if socket.write_all(&upper).await.is_err() {
                    return;
                }
            }
        });
    }
}
// ANCHOR_END: plusieurs

async fn everyone(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: demo_plusieurs
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(serve_everyone(listener));

    // Trois caméras se connectent, et attendent (la barrière) que les trois
    // soient connectées ; puis chacune parle et attend sa réponse 300 ms au
    // plus ; puis elles attendent encore les autres avant de partir. Un
    // serveur qui ne sert qu'un client à la fois ne répondrait qu'à une.
    let everyone_here = Arc::new(tokio::sync::Barrier::new(3));
    let mut cameras = Vec::new();
    for name in ["salon", "jardin", "garage"] {
        let everyone_here = Arc::clone(&everyone_here);
        cameras.push(tokio::spawn(async move {
            let mut socket = tokio::net::TcpStream::connect(address).await?;
            everyone_here.wait().await; // les trois sont connectées
            socket.write_all(name.as_bytes()).await?;
            let mut buf = [0u8; 64];
            let patience = Duration::from_millis(300);
            let answer =
                match tokio::time::timeout(patience, socket.read(&mut buf))
                    .await
                {
                    Ok(n) => format!(
                        "réponse {:?}",
                        String::from_utf8_lossy(&buf[..n?])
                    ),
                    Err(_) => "aucune réponse en 300 ms".to_owned(),
                };
            everyone_here.wait().await; // les trois sont encore connectées
            Ok::<_, io::Error>((name, answer))
        }));
    }
    for camera in cameras {
        // Deux `?` : le premier pour la tâche (a-t-elle paniqué ?), le
        // second pour son résultat (une erreur d'entrée-sortie ?).
        let (name, answer) = camera.await??;
        writeln!(out, "  {name:<6} : envoyé {name:?}, {answer}")?;
    }
    server.abort(); // fin de la démonstration
                    // ANCHOR_END: demo_plusieurs
    Ok(())
}
