//! Chapitre 13, chiffrer et authentifier : ce qu'un espion branché sur le
//! fil voit passer, en clair puis dans TLS, et un intermédiaire démasqué
//! par le code d'appairage.
//!
//! Tout se passe sur la boucle locale : un vrai serveur `vigie-net`, un
//! « espion » (un relais TCP qui recopie chaque octet, comme `tcpdump`), et
//! le même appel `client::open_native` deux fois, sur un `TcpStream` puis
//! sur un flux TLS construit avec `vigie-trust`. Chaque attente est bornée :
//! un pair qui ne répond pas fait échouer l'exemple en quelques secondes,
//! jamais un blocage.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::{TlsAcceptor, TlsConnector};
use tokio_util::sync::CancellationToken;
use vigie_camera::TestPattern;
use vigie_core::{jpeg, Frame, PixelFormat};
use vigie_hub::{CameraState, CameraView, Lifecycle, Registry};
use vigie_net::client;
use vigie_net::protocol::{self, ClientMessage, Hello};
use vigie_net::{server, ServerConfig};
use vigie_trust::tls::{self, TrustFailure};
use vigie_trust::{PairingCode, PairingSecret, ServerIdentity};

use crate::{hex, MORNING_US};

/// Les images envoyées à chaque essai.
const FRAMES: u64 = 3;
/// Le temps laissé à chaque étape (connexion, poignée de main, envoi).
const PATIENCE: Duration = Duration::from_secs(5);
/// L'espion garde au plus ce nombre d'octets par sens (il relaie le reste).
const CAPTURE_LIMIT: usize = 16 * 1024 * 1024;
/// Combien d'octets du début d'une image JPEG on cherche dans la capture.
const JPEG_START: usize = 16;

/// Les quatre démonstrations du chapitre.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    crate::block_on(demonstrate(out))
}

async fn demonstrate(out: &mut dyn Write) -> anyhow::Result<()> {
    // Le serveur de vigie, comme au chapitre 10.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let vigie_server = listener.local_addr()?;
    let registry = Registry::new(16, Lifecycle::default());
    let stop = CancellationToken::new();
    let server_task = tokio::spawn(server::run(
        listener,
        // Le serveur accepte ici le protocole en clair (`--insecure`) :
        // l'exemple ouvre TLS lui-même, devant lui.
        ServerConfig {
            insecure: true,
            ..ServerConfig::default()
        },
        registry.clone(),
        stop.clone(),
    ));

    // ANCHOR: en_clair
    // 1. En clair : la caméra -> l'espion -> le serveur.
    let salon = test_frames("salon")?;
    let spy = spy_on(vigie_server).await?;
    let tcp = TcpStream::connect(spy.address).await?;
    send_frames(tcp, "salon", &salon).await?;
    let capture = spy.recording.await??;
    // ANCHOR_END: en_clair
    writeln!(out, "En clair (le protocole de vigie sur TCP) :")?;
    show(out, &capture, "salon", &salon)?;
    let plain_bytes = capture.to_server.len();
    let before = wait_offline(&registry, "salon", 0).await?.stats.frames;
    writeln!(out, "  le serveur a reçu {before} images")?;

    // ANCHOR: chiffre
    // 2. Dans TLS : la caméra -> l'espion -> TLS ouvert -> le serveur.
    let identity = ServerIdentity::generate()?;
    let front = tls_front(&identity, vigie_server).await?;
    let spy = spy_on(front).await?;
    let pinned = tls::pinned_client_config(identity.fingerprint())?;
    let connector = TlsConnector::from(Arc::new(pinned));
    let tcp = TcpStream::connect(spy.address).await?;
    let tls_stream =
        timeout(PATIENCE, connector.connect(tls::server_name(), tcp))
            .await
            .context("poignée de main TLS trop longue")??;
    send_frames(tls_stream, "salon", &salon).await?; // le MÊME appel
    let capture = spy.recording.await??;
    // ANCHOR_END: chiffre
    writeln!(out)?;
    writeln!(out, "Dans TLS 1.3 (le même protocole, chiffré) :")?;
    let fingerprint = identity.fingerprint();
    writeln!(
        out,
        "  empreinte du serveur (8 octets sur 32) : {}",
        hex(&fingerprint.as_bytes()[..8])
    )?;
    show(out, &capture, "salon", &salon)?;
    writeln!(
        out,
        "  soit {} octets de plus qu'en clair",
        capture.to_server.len().saturating_sub(plain_bytes)
    )?;
    // Le registre compte les images de « salon » depuis le début.
    let total = wait_offline(&registry, "salon", before).await?.stats.frames;
    writeln!(out, "  le serveur a reçu {} images", total - before)?;

    // 3. et 4. Un intermédiaire qui présente son propre certificat.
    let intruder = ServerIdentity::generate()?;
    let mask = |line: String| {
        line.replace(&fingerprint.to_string(), "<empreinte du serveur>")
            .replace(
                &intruder.fingerprint().to_string(),
                "<empreinte de l'intermédiaire>",
            )
    };
    // ANCHOR: appairage
    let code = PairingCode::new(PairingSecret::random()?, &fingerprint);
    let pairing = tls::pairing_client_config(&code)?;
    // ANCHOR_END: appairage
    writeln!(out)?;
    writeln!(out, "Un intermédiaire pendant l'appairage :")?;
    let (refusal, read) = through_intruder(&intruder, pairing).await?;
    writeln!(out, "  le client refuse : {}", mask(refusal))?;
    writeln!(out, "  octets lus en clair par l'intermédiaire : {read}")?;

    writeln!(out)?;
    writeln!(
        out,
        "Le même intermédiaire, face à une caméra déjà appairée :"
    )?;
    let pinned = tls::pinned_client_config(fingerprint)?;
    let (refusal, read) = through_intruder(&intruder, pinned).await?;
    writeln!(out, "  le client refuse : {}", mask(refusal))?;
    writeln!(out, "  octets lus en clair par l'intermédiaire : {read}")?;

    stop.cancel();
    server_task.await?;
    Ok(())
}

/// Quelques images JPEG de la mire, au nom de `camera`.
fn test_frames(camera: &str) -> anyhow::Result<Vec<Frame>> {
    let pattern = TestPattern::new(camera, 320, 240, 15.0)?;
    (0..FRAMES)
        .map(|n| Ok(jpeg::encode_frame(&pattern.render(n, MORNING_US), 80)?))
        .collect()
}

// ANCHOR: envoyer
/// Le bonjour, les images, puis au revoir, sur N'IMPORTE QUEL flux
/// d'octets : un `TcpStream`, ou un flux TLS qui l'enveloppe.
async fn send_frames<S>(
    stream: S,
    camera: &str,
    frames: &[Frame],
) -> anyhow::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let hello = Hello {
        version: protocol::VERSION,
        camera: camera.to_owned(),
        width: 320,
        height: 240,
        format: PixelFormat::Jpeg,
        fps: 15.0,
        token: None,
    };
    let (mut reader, mut writer, _accept) =
        client::open_native(stream, &hello, PATIENCE).await?;
    for frame in frames {
        writer
            .send_client(&ClientMessage::Frame(frame.clone()))
            .await?;
    }
    writer.send_client(&ClientMessage::Goodbye).await?;
    writer.shutdown().await?;
    // On lit jusqu'à ce que le serveur ferme : partir sans lire ce qu'il a
    // envoyé ferait couper la connexion brutalement (un RST).
    let _ =
        timeout(PATIENCE, async { while reader.next().await.is_ok() {} }).await;
    Ok(())
}
// ANCHOR_END: envoyer

/// Ce que l'espion a vu passer, dans chaque sens.
#[derive(Debug, Default)]
pub struct Capture {
    /// De la caméra vers le serveur.
    pub to_server: Vec<u8>,
    /// Du serveur vers la caméra.
    pub to_camera: Vec<u8>,
}

/// Un espion qui écoute : son adresse, et sa capture à la fin.
struct Spy {
    address: SocketAddr,
    recording: JoinHandle<anyhow::Result<Capture>>,
}

// ANCHOR: espion
/// Un relais vers `target` qui recopie tout ce qui passe : ce que verrait
/// `tcpdump` sur le réseau. Une seule connexion, puis il rend sa capture.
async fn spy_on(target: SocketAddr) -> anyhow::Result<Spy> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let recording = tokio::spawn(async move {
        let (camera, _) = timeout(PATIENCE, listener.accept()).await??;
        let server = timeout(PATIENCE, TcpStream::connect(target)).await??;
        let (camera_in, camera_out) = camera.into_split();
        let (server_in, server_out) = server.into_split();
        // Les deux sens en même temps : `join!` attend les deux.
        let (to_server, to_camera) = tokio::join!(
            relay(camera_in, server_out),
            relay(server_in, camera_out)
        );
        Ok(Capture {
            to_server,
            to_camera,
        })
    });
    Ok(Spy { address, recording })
}

/// Recopie `from` dans `to` jusqu'à la fin, et rend ce qui est passé.
async fn relay(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    // Une connexion muette ne retient pas l'espion plus de PATIENCE.
    while let Ok(Ok(n)) = timeout(PATIENCE, from.read(&mut buf)).await {
        if n == 0 || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        let room = CAPTURE_LIMIT.saturating_sub(seen.len());
        seen.extend_from_slice(&buf[..n.min(room)]);
    }
    let _ = to.shutdown().await; // « plus rien à dire », à l'autre bout
    seen
}
// ANCHOR_END: espion

// ANCHOR: frontal
/// Ouvre TLS devant le serveur de vigie : chaque connexion est déchiffrée
/// avec le certificat de `identity`, puis relayée en clair vers `plain`.
/// (Le vrai `vigie server` le fait lui-même, sur le même port.)
async fn tls_front(
    identity: &ServerIdentity,
    plain: SocketAddr,
) -> anyhow::Result<SocketAddr> {
    let acceptor = TlsAcceptor::from(Arc::new(tls::server_config(identity)?));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        // Jusqu'à la fin de l'exemple : une tâche par connexion.
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(Ok(mut tls)) =
                    timeout(PATIENCE, acceptor.accept(tcp)).await
                else {
                    return; // poignée de main ratée : ce pair seulement
                };
                if let Ok(mut server) = TcpStream::connect(plain).await {
                    let _ =
                        tokio::io::copy_bidirectional(&mut tls, &mut server)
                            .await;
                }
            });
        }
    });
    Ok(address)
}
// ANCHOR_END: frontal

// ANCHOR: intermediaire
/// Un intermédiaire qui répond à la place du serveur, avec SON certificat.
/// Rend le refus du client, et combien d'octets l'intermédiaire a pu lire
/// en clair.
async fn through_intruder(
    intruder: &ServerIdentity,
    client_config: ClientConfig,
) -> anyhow::Result<(String, usize)> {
    let acceptor = TlsAcceptor::from(Arc::new(tls::server_config(intruder)?));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let intruder_task = tokio::spawn(async move {
        let (tcp, _) = timeout(PATIENCE, listener.accept()).await??;
        let mut tls = match timeout(PATIENCE, acceptor.accept(tcp)).await? {
            Ok(tls) => tls,
            Err(_) => return Ok(0), // le client a raccroché : rien à lire
        };
        // Si le client l'avait accepté, l'intermédiaire lirait tout : le
        // code d'appairage, les images. (Puis il les relaierait au vrai
        // serveur, et personne ne verrait rien.)
        let mut stolen = Vec::new();
        let _ = timeout(PATIENCE, tls.read_to_end(&mut stolen)).await;
        Ok::<usize, anyhow::Error>(stolen.len())
    });

    let connector = TlsConnector::from(Arc::new(client_config));
    let tcp = TcpStream::connect(address).await?;
    let refusal =
        match timeout(PATIENCE, connector.connect(tls::server_name(), tcp))
            .await?
        {
            Ok(_) => {
                bail!("le client a accepté le certificat de l'intermédiaire")
            }
            Err(e) => match TrustFailure::from_io_error(&e) {
                Some(failure) => failure.to_string(),
                None => bail!("refusé, mais pas pour le certificat : {e}"),
            },
        };
    Ok((refusal, intruder_task.await??))
}
// ANCHOR_END: intermediaire

// ANCHOR: chercher
/// Combien de fois `needle` apparaît dans `haystack`.
pub fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
// ANCHOR_END: chercher

/// Ce que l'espion a vu : combien d'octets, le début, et ce qu'on y trouve.
fn show(
    out: &mut dyn Write,
    capture: &Capture,
    camera: &str,
    frames: &[Frame],
) -> anyhow::Result<()> {
    let sent = &capture.to_server;
    let jpeg_start = &frames[0].payload()[..JPEG_START];
    let yes_no = |n: usize| if n > 0 { "oui" } else { "non" };
    let names = occurrences(sent, camera.as_bytes())
        + occurrences(&capture.to_camera, camera.as_bytes());
    writeln!(
        out,
        "  octets de la caméra vers le serveur : {}",
        sent.len()
    )?;
    writeln!(
        out,
        "  les 16 premiers : {}",
        hex(&sent[..sent.len().min(16)])
    )?;
    writeln!(
        out,
        "  le nom « {camera} » se lit en clair : {}",
        yes_no(names)
    )?;
    let pictures = occurrences(sent, jpeg_start);
    writeln!(
        out,
        "  débuts d'image JPEG ({}…) : {pictures} sur {}",
        hex(&jpeg_start[..3]),
        frames.len()
    )?;
    Ok(())
}

/// Attend que le serveur ait vu partir `camera`, après plus de `frames`
/// images (2 s au plus), et rend ce que le registre en sait.
async fn wait_offline(
    registry: &Registry,
    camera: &str,
    frames: u64,
) -> anyhow::Result<CameraView> {
    for _ in 0..200 {
        let found = registry.snapshot().into_iter().find(|v| {
            v.name == camera
                && v.state == CameraState::Offline
                && v.stats.frames > frames
        });
        if let Some(view) = found {
            return Ok(view);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!("le serveur n'a pas vu partir « {camera} » en 2 s")
}

#[cfg(test)]
mod tests {
    use super::occurrences;

    #[test]
    fn occurrences_counts_overlapping_matches_too() {
        assert_eq!(occurrences(b"salon salon", b"salon"), 2);
        assert_eq!(
            occurrences(&[0xFF, 0xD8, 0xFF, 0xD8, 0xFF], &[0xFF, 0xD8, 0xFF]),
            2
        );
        assert_eq!(occurrences(b"abc", b""), 0);
        assert_eq!(occurrences(b"ab", b"abc"), 0);
    }
}
