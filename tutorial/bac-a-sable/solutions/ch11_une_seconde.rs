//! Chapitre 11 : arrêter un client au bout d'un temps donné, proprement.
//!
//! La copie de `server_comes_late` (le client démarre avant son serveur,
//! qui arrive 300 ms plus tard), mais au lieu de s'arrêter après 5 images,
//! le client tourne jusqu'à ce qu'on le lui dise : un `CancellationToken`,
//! annulé après la durée voulue. Le client dit alors au revoir au serveur
//! et rend son bilan.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use vigie_camera::{Pipeline, TestPattern};
use vigie_hub::{Lifecycle, Registry};
use vigie_net::client::{self, Backoff, ClientConfig, ClientSummary};
use vigie_net::{server, ServerConfig};

/// La cadence de la caméra, en images par seconde.
pub const FPS: f64 = 25.0;

/// Fait tourner le client de `server_comes_late` pendant `duree`, comptée
/// depuis son démarrage, puis l'arrête ; rend son bilan.
pub async fn pendant(duree: Duration) -> anyhow::Result<ClientSummary> {
    let debut = Instant::now();
    let address = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;

    let camera = Pipeline::new(TestPattern::new("salon", 160, 120, FPS)?).jpeg(80)?;
    let config = ClientConfig {
        fps: FPS,
        // Pas de `frames: Some(5)` : le client tourne jusqu'à l'annulation.
        backoff: Backoff::new(Duration::from_millis(100), Duration::from_millis(400)),
        ..ClientConfig::new(address.to_string())
    };
    let stop_client = CancellationToken::new();
    let client = tokio::spawn(client::run(config, Box::new(camera), stop_client.clone()));

    tokio::time::sleep(Duration::from_millis(300)).await;
    let listener = tokio::net::TcpListener::bind(address).await?;
    let registry = Registry::new(16, Lifecycle::default());
    let stop_server = CancellationToken::new();
    let server = tokio::spawn(server::run(
        listener,
        ServerConfig {
            insecure: true,
            ..ServerConfig::default()
        },
        registry,
        stop_server.clone(),
    ));

    // La durée est comptée depuis le démarrage du client, 300 ms avant
    // celui du serveur : attendre jusqu'à `debut + duree`, pas `duree` de
    // plus.
    tokio::time::sleep_until((debut + duree).into()).await;
    stop_client.cancel();
    let summary = client.await??;
    stop_server.cancel();
    server.await?;
    Ok(summary)
}
