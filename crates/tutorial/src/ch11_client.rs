//! Chapitre 11, le côté client : capturer à une cadence régulière, envoyer,
//! et se reconnecter quand le serveur n'est pas (encore) là.

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use vigie_camera::{Camera, Pipeline, TestPattern};
use vigie_hub::Lifecycle;
use vigie_hub::Registry;
use vigie_net::client::{self, Backoff, ClientConfig, ClientSummary};
use vigie_net::{server, ServerConfig};

/// La cadence, les attentes entre deux tentatives, puis un client qui
/// démarre avant son serveur.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "Capturer à 25 images par seconde :")?;
    pace(out)?;
    writeln!(out)?;
    writeln!(out, "Les attentes entre deux tentatives :")?;
    waits(out)?;
    writeln!(out)?;
    writeln!(out, "Un client qui démarre avant le serveur :")?;
    let summary = crate::block_on(server_comes_late())?;
    writeln!(
        out,
        "  images envoyées : {}, connexions réussies : {}",
        summary.frames_sent, summary.connections
    )?;
    writeln!(
        out,
        "  images capturées : {} (la caméra tournait pendant l'attente)",
        summary.frames_captured
    )?;
    Ok(())
}

fn pace(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: cadence
    let mut camera = TestPattern::new("salon", 64, 48, 25.0)?;
    let period = Duration::from_secs_f64(1.0 / 25.0); // 40 ms entre deux images
    let start = Instant::now();
    let mut next = start;
    for _ in 0..5 {
        let frame = camera.next_frame()?;
        let at = start.elapsed().as_millis();
        writeln!(out, "  image n° {} capturée à {at:>3} ms", frame.sequence())?;
        // Le prochain rendez-vous est fixé d'après le précédent, pas d'après
        // « maintenant » : le temps de capture ne s'ajoute pas à la période.
        next += period;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
    }
    // ANCHOR_END: cadence
    Ok(())
}

fn waits(out: &mut dyn Write) -> anyhow::Result<()> {
    // ANCHOR: attentes
    // Les réglages de `vigie client` : 0,5 s, doublée à chaque échec, 10 s au
    // plus ; puis ± 25 % de gigue (jitter).
    let mut backoff = Backoff::default();
    for attempt in 1..=7 {
        let wait = backoff.next_wait().as_secs_f64();
        writeln!(out, "  tentative {attempt} ratée : attendre {wait:.2} s")?;
    }
    // ANCHOR_END: attentes
    Ok(())
}

/// Démarre un client vers un port où personne n'écoute, puis le serveur
/// 300 ms plus tard ; rend le bilan du client.
pub async fn server_comes_late() -> anyhow::Result<ClientSummary> {
    // ANCHOR: reconnexion
    // Trouver un port libre, puis le libérer : personne n'y écoute encore.
    let address = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;

    let camera =
        Pipeline::new(TestPattern::new("salon", 160, 120, 25.0)?).jpeg(80)?;
    let config = ClientConfig {
        fps: 25.0,
        frames: Some(5),
        // Des attentes courtes pour la démonstration : 0,1 s, 0,2, 0,4.
        backoff: Backoff::new(
            Duration::from_millis(100),
            Duration::from_millis(400),
        ),
        ..ClientConfig::new(address.to_string())
    };
    let client = tokio::spawn(client::run(
        config,
        Box::new(camera),
        CancellationToken::new(),
    ));

    // Le serveur n'arrive que 300 ms plus tard, sur le même port.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let listener = tokio::net::TcpListener::bind(address).await?;
    let registry = Registry::new(16, Lifecycle::default());
    let stop = CancellationToken::new();
    let server = tokio::spawn(server::run(
        listener,
        ServerConfig {
            // Protocole en clair, le temps de ce chapitre : voir « Chiffrer et authentifier ».
            insecure: true,
            ..ServerConfig::default()
        },
        registry,
        stop.clone(),
    ));

    // Le client a réessayé tout seul ; il rend son bilan après 5 images.
    let summary = client.await??;
    // ANCHOR_END: reconnexion
    stop.cancel();
    server.await?;
    Ok(summary)
}
