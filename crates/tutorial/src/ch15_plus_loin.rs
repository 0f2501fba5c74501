//! Chapitre 15, aller plus loin : le format du client Python d'origine
//! envoyé à un serveur vigie, une première idée de détection de mouvement,
//! puis le vrai détecteur de vigie sur les scènes de la mire.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use anyhow::bail;
use vigie_camera::{Scene, TestPattern};
use vigie_core::motion::{MotionConfig, MotionDetector, MotionEvent};
use vigie_core::{jpeg, pack, Frame, PixelFormat};
use vigie_hub::CameraState;
use vigie_net::legacy;
use vigie_net::{server, ServerConfig};

use crate::MORNING_US;

/// Le client du rapport face au serveur de vigie, puis le mouvement.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "Le format du client Python, reçu par vigie :")?;
    crate::block_on(legacy_client(out))?;
    writeln!(out)?;
    writeln!(out, "Détecter du mouvement :")?;
    motion(out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Le détecteur de vigie, 20 s de la scène moving-object :"
    )?;
    watch_scene(out, Scene::MovingObject, 20)?;
    writeln!(out, "Puis 20 s de la scène light-change :")?;
    let events = watch_scene(out, Scene::LightChange, 20)?;
    if events == 0 {
        writeln!(
            out,
            "  aucun événement : la lumière a changé, rien n'a bougé"
        )?;
    }
    Ok(())
}

// ANCHOR: detecteur
/// Fait passer `seconds` secondes d'une scène de la mire dans le détecteur
/// de vigie, à 5 analyses par seconde comme le serveur, et raconte les
/// événements. Renvoie combien il en a commencé.
fn watch_scene(
    out: &mut dyn Write,
    scene: Scene,
    seconds: u64,
) -> anyhow::Result<usize> {
    let per_second = 5;
    let camera = TestPattern::new("porte", 320, 240, per_second as f64)?
        .with_scene(scene);
    let mut detector = MotionDetector::new(MotionConfig::default());
    let mut started = 0;
    for sequence in 0..seconds * per_second {
        let at = sequence as f64 / per_second as f64; // en secondes
        let frame = camera.render(sequence, MORNING_US + (at * 1e6) as u64);
        let update = detector.update_frame(&frame)?;
        match update.event {
            Some(MotionEvent::Started) => {
                started += 1;
                let share = update.score * 100.0;
                writeln!(
                    out,
                    "  {at:4.1} s : mouvement ({share:.1} % de l'image)"
                )?;
            }
            Some(MotionEvent::Ended { peak }) => {
                let peak = peak * 100.0;
                writeln!(
                    out,
                    "  {at:4.1} s : calme revenu (au plus {peak:.1} %)"
                )?;
            }
            None => {}
        }
    }
    Ok(started)
}
// ANCHOR_END: detecteur

// ANCHOR: client_du_rapport
/// Fait ce que `client.py` fait pour chaque image, octet pour octet :
/// JPEG qualité 90, `pickle.dumps(image, 0)`, `struct.pack(">L", taille)`.
fn send_like_the_report(
    server: std::net::SocketAddr,
    frames: u64,
) -> anyhow::Result<()> {
    let mut socket = TcpStream::connect(server)?;
    let camera = TestPattern::new("rapport", 320, 240, 15.0)?;
    for sequence in 0..frames {
        let frame = camera.render(sequence, MORNING_US);
        let file =
            jpeg::encode(frame.payload(), 320, 240, PixelFormat::Rgb8, 90)?;
        let mut message = Vec::new();
        pack::pack_with(&mut message, |out| {
            legacy::encode_jpeg(&file, out); // ce qu'écrirait pickle.dumps
            Ok::<_, vigie_core::Error>(())
        })?;
        socket.write_all(&message)?;
    }
    Ok(()) // le socket se ferme ici (client.py, lui, ne s'arrêtait jamais)
}
// ANCHOR_END: client_du_rapport

async fn legacy_client(out: &mut dyn Write) -> anyhow::Result<()> {
    // Un serveur sur un port de loopback libre, avec un registre neuf
    // (chapitre 10 montre ce qu'il y a dedans).
    let server = server::spawn_local(
        ServerConfig {
            // Protocole en clair, le temps de ce chapitre : voir « Chiffrer et authentifier ».
            insecure: true,
            allow_legacy: true, // le format du rapport : ni chiffré ni authentifié
            ..ServerConfig::default()
        },
        16,
    )
    .await?;
    let (address, registry) = (server.addr, server.registry.clone());
    // Le client du rapport est « bloquant » : il a son propre fil d'exécution.
    tokio::task::spawn_blocking(move || send_like_the_report(address, 3))
        .await??;

    let mut found = None;
    for _ in 0..200 {
        found = registry
            .snapshot()
            .into_iter()
            .find(|v| v.state == CameraState::Offline);
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let Some(view) = found else {
        bail!("le serveur n'a pas vu partir le client du rapport en 2 s")
    };
    // ANCHOR: nom_legacy
    // Pas de bonjour, donc pas de nom : le serveur nomme la caméra
    // « legacy- » suivi de l'adresse et du port du client.
    writeln!(
        out,
        "  caméra « {} », protocole {}, {} images reçues",
        view.name,
        view.origin.link(),
        view.stats.frames
    )?;
    // ANCHOR_END: nom_legacy
    server.stop().await;
    Ok(())
}

fn motion(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: mouvement
    let camera = TestPattern::new("entrée", 320, 240, 15.0)?;
    let before = camera.render(0, MORNING_US);
    // Même heure, même image : rien n'a bougé.
    let same = camera.render(0, MORNING_US);
    // Dix images plus tard, le carré de la mire s'est déplacé.
    let later = camera.render(10, MORNING_US);
    for (what, after) in
        [("la même image", &same), ("10 images plus tard", &later)]
    {
        let changed = changed_share(&before, after, 40);
        writeln!(
            out,
            "  {what:<20} : {:.1} % des pixels ont changé",
            changed * 100.0
        )?;
    }
    // ANCHOR_END: mouvement
    Ok(())
}

// ANCHOR: part_changee
/// La part des pixels (de 0 à 1) dont une couleur au moins a changé de plus
/// de `threshold` entre deux images RGB8 de même taille.
pub fn changed_share(a: &Frame, b: &Frame, threshold: u8) -> f64 {
    let pixels_a = a.payload().chunks_exact(3);
    let pixels_b = b.payload().chunks_exact(3);
    let total = pixels_a.len();
    let changed = pixels_a
        .zip(pixels_b)
        .filter(|(p, q)| {
            p.iter()
                .zip(q.iter())
                .any(|(x, y)| x.abs_diff(*y) > threshold)
        })
        .count();
    changed as f64 / total as f64
}
// ANCHOR_END: part_changee
