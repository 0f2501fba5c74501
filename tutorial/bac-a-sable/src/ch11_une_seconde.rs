//! Chapitre 11 : arrêter un client au bout d'un temps donné, proprement.
//!
//! La copie de `server_comes_late` (le client démarre avant son serveur,
//! qui arrive 300 ms plus tard), mais au lieu de s'arrêter après 5 images,
//! le client tourne jusqu'à ce qu'on le lui dise : un `CancellationToken`,
//! annulé après la durée voulue. Le client dit alors au revoir au serveur
//! et rend son bilan.

// Votre réponse remplace chaque todo!(). Retirez cette ligne à la fin :
// le compilateur vous signalera ce qui ne sert pas.
#![allow(unused_imports, unused_variables, unused_mut, dead_code)]

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
    todo!("chapitre 11 : server_comes_late sans frames: Some(5), et un CancellationToken annulé à debut + duree")
}
