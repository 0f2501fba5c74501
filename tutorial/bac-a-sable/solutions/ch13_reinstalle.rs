//! Chapitre 13 : le serveur réinstallé, vu du côté de la caméra.
//!
//! Une caméra appairée a épinglé l'empreinte du serveur. Si le serveur est
//! réinstallé (son dossier d'état perdu), il a une nouvelle identité, et la
//! caméra le **refuse** : elle ne peut pas distinguer un serveur réinstallé
//! d'un intrus. Un nouveau code d'appairage, fait pour la nouvelle
//! identité, la fait accepter.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use vigie_trust::tls::{self, TrustFailure};
use vigie_trust::{Fingerprint, PairingCode};

/// L'issue d'une poignée de main TLS, vue de la caméra.
#[derive(Debug, Clone)]
pub enum Issue {
    /// La poignée de main a réussi ; voici l'empreinte du serveur (celle
    /// que la caméra épinglera).
    Acceptee(Fingerprint),
    /// La caméra a refusé le serveur, pour cette raison.
    Refusee(TrustFailure),
}

/// Se connecte en TLS à `adresse` avec une configuration de client, et dit
/// comment la poignée de main a fini. Une erreur qui n'est pas un refus de
/// confiance (le serveur absent, la connexion coupée) est une `Err`.
async fn poignee_de_main(
    adresse: SocketAddr,
    config: tokio_rustls::rustls::ClientConfig,
) -> anyhow::Result<Issue> {
    let tcp = TcpStream::connect(adresse).await?;
    let connecteur = TlsConnector::from(Arc::new(config));
    match connecteur.connect(tls::server_name(), tcp).await {
        Ok(flux) => {
            let empreinte = tls::peer_fingerprint(flux.get_ref().1)
                .ok_or_else(|| anyhow::anyhow!("aucun certificat présenté"))?;
            Ok(Issue::Acceptee(empreinte))
        }
        Err(erreur) => match TrustFailure::from_io_error(&erreur) {
            Some(refus) => Ok(Issue::Refusee(refus)),
            None => Err(erreur.into()),
        },
    }
}

/// La caméra déjà appairée : elle n'accepte que l'empreinte `epinglee`.
pub async fn avec_epingle(adresse: SocketAddr, epinglee: Fingerprint) -> anyhow::Result<Issue> {
    poignee_de_main(adresse, tls::pinned_client_config(epinglee)?).await
}

/// La caméra qu'on appaire : elle n'accepte que le serveur pour lequel
/// `code` a été fait.
pub async fn avec_code(adresse: SocketAddr, code: &PairingCode) -> anyhow::Result<Issue> {
    poignee_de_main(adresse, tls::pairing_client_config(code)?).await
}
