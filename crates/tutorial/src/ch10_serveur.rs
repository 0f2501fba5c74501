//! Chapitre 10, le côté serveur : recevoir, déballer, désérialiser,
//! décompresser ; d'abord à la main, comme le serveur du rapport, puis avec
//! le serveur de `vigie-net` et sa case « dernière image ».

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::bail;
use tokio_util::sync::CancellationToken;
use vigie_camera::{Pipeline, TestPattern};
use vigie_core::pack::{self, Unpacker};
use vigie_core::{jpeg, serialize, Frame};
use vigie_hub::Lifecycle;
use vigie_hub::{CameraState, Registry};
use vigie_net::client::{self, ClientConfig};
use vigie_net::{server, Protocol, ServerConfig};

use crate::MORNING_US;

/// Les trois démonstrations du chapitre, l'une après l'autre.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "À la main, comme le serveur du rapport :")?;
    by_hand(out)?;
    writeln!(out)?;
    writeln!(out, "Avec le serveur de vigie-net :")?;
    crate::block_on(with_vigie_net(out))?;
    writeln!(out)?;
    writeln!(out, "La case « dernière image » :")?;
    latest_frame_slot(out)?;
    Ok(())
}

// ANCHOR: recevoir
/// Reçoit UNE image d'un client : lire, déballer, désérialiser.
fn receive_one(listener: TcpListener) -> anyhow::Result<Frame> {
    let (mut socket, _peer) = listener.accept()?;
    let mut unpacker = Unpacker::new();
    let mut buf = [0u8; 4096];
    loop {
        // 1. Recevoir ce qui est arrivé : n'importe quelle quantité d'octets.
        let n = socket.read(&mut buf)?;
        if n == 0 {
            bail!("le client est parti au milieu d'une image");
        }
        // 2. Déballer : un message complet est-il arrivé ? (`if let`, pas
        //    `while let` comme le conseille le chapitre 8 : cette fonction ne
        //    veut qu'UNE image, et l'Unpacker garde les octets en trop.)
        unpacker.feed(&buf[..n]);
        if let Some(message) = unpacker.next_message()? {
            // 3. Désérialiser : les octets redeviennent une image.
            return Ok(serialize::decode(&message, unpacker.max())?);
        }
    }
}
// ANCHOR_END: recevoir

fn by_hand(out: &mut dyn Write) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let server = thread::spawn(move || receive_one(listener));

    // Un client qui envoie une image JPEG, emballée et sérialisée.
    let frame =
        TestPattern::new("salon", 320, 240, 15.0)?.render(0, MORNING_US);
    let frame = jpeg::encode_frame(&frame, 90)?;
    let mut message = Vec::new();
    pack::pack_with(&mut message, |out| {
        serialize::encode_into(&frame, out).map(|_| ())
    })?;
    TcpStream::connect(address)?.write_all(&message)?;

    // ANCHOR: afficher
    let frame = server
        .join()
        .map_err(|_| anyhow::anyhow!("le fil du serveur a paniqué"))??;
    writeln!(
        out,
        "  reçu « {} » n° {} : {}×{} {}",
        frame.camera(),
        frame.sequence(),
        frame.width(),
        frame.height(),
        frame.format()
    )?;
    // 4. Décompresser : des pixels RGB, que la fenêtre n'a plus qu'à copier.
    let picture = jpeg::frame_to_rgb(&frame)?;
    writeln!(
        out,
        "  décompressé : {}×{} pixels, {} octets RGB, prêts à afficher",
        picture.width,
        picture.height,
        picture.pixels.len()
    )?;
    // ANCHOR_END: afficher
    Ok(())
}

async fn with_vigie_net(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: vigie_net
    // Le serveur : un socket qui écoute, et le registre des caméras.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    // 16 caméras connectées au plus ; `Lifecycle::default()` : les délais
    // par défaut avant « stale » (2 s sans image) et « offline » (10 s).
    let registry = Registry::new(16, Lifecycle::default());
    let stop = CancellationToken::new();
    let server = tokio::spawn(server::run(
        listener,
        ServerConfig {
            // Protocole en clair, le temps de ce chapitre : voir « Chiffrer et authentifier ».
            insecure: true,
            ..ServerConfig::default()
        },
        registry.clone(),
        stop.clone(),
    ));

    // Une caméra synthétique qui envoie 5 images JPEG, puis dit au revoir.
    let camera =
        Pipeline::new(TestPattern::new("salon", 160, 120, 30.0)?).jpeg(80)?;
    let config = ClientConfig {
        fps: 30.0,
        frames: Some(5),
        ..ClientConfig::new(address.to_string())
    };
    let sent =
        client::run(config, Box::new(camera), CancellationToken::new()).await?;
    writeln!(out, "  le client a envoyé {} images", sent.frames_sent)?;
    // ANCHOR_END: vigie_net

    // Le client a fini d'envoyer ; le serveur a-t-il fini de lire ? `wait_for`
    // (plus bas dans ce fichier) relit le registre toutes les 10 ms, 2 s au
    // plus, jusqu'à ce que la caméra soit hors ligne, et rend ce qu'il en voit.
    let view = wait_for(&registry, |v| v.state == CameraState::Offline).await?;

    // ANCHOR: registre
    // Ce que la fenêtre du serveur voit de cette caméra :
    writeln!(
        out,
        "  caméra « {} » ({}) : {} images reçues, état {}",
        view.name,
        view.origin.link(),
        view.stats.frames,
        view.state
    )?;
    if let Some(latest) = &view.latest {
        writeln!(
            out,
            "  dernière image : {}×{} {}",
            latest.width(),
            latest.height(),
            latest.format()
        )?;
    }
    // ANCHOR_END: registre
    stop.cancel();
    server.await?;
    Ok(())
}

/// Attend (2 s au plus) que la seule caméra du registre vérifie `done`.
async fn wait_for(
    registry: &Registry,
    done: impl Fn(&vigie_hub::CameraView) -> bool,
) -> anyhow::Result<vigie_hub::CameraView> {
    for _ in 0..200 {
        if let Some(view) = registry.snapshot().into_iter().find(&done) {
            return Ok(view);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!("la caméra n'est pas arrivée dans l'état attendu en 2 s")
}

fn latest_frame_slot(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: case
    let registry = Registry::new(4, Lifecycle::default());
    let window = registry.consumer(); // une fenêtre qui regarde le registre
    let peer = "192.168.1.30:50000".parse()?;
    let camera = registry.register("jardin", Protocol::Native.origin(peer))?;

    // Dix images arrivent pendant que la fenêtre est occupée ailleurs…
    let pattern = TestPattern::new("jardin", 32, 24, 30.0)?;
    for sequence in 0..10 {
        // `false` : ne pas mesurer la latence (l'heure de capture de ces
        // images est fixe, la mesurer n'aurait pas de sens).
        camera.publish(pattern.render(sequence, MORNING_US), false);
    }
    // … quand elle regarde enfin, elle voit la plus récente.
    let view = &window.snapshot()[0];
    writeln!(out, "  images reçues : {}", view.stats.frames)?;
    if let Some(latest) = &view.latest {
        writeln!(out, "  la fenêtre affiche l'image n° {}", latest.sequence())?;
    }
    writeln!(out, "  remplacées sans être vues : {}", view.stats.drops)?;
    // ANCHOR_END: case
    Ok(())
}
