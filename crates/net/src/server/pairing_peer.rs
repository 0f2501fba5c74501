//! Serving a pairing request: a name and a code's secret in, a token out.
//!
//! By the time a pairing request is read, the client has already checked
//! our certificate against the code it was given (see `vigie_trust::tls`),
//! and the request came inside TLS: nobody on the network saw the secret.
//! What is left to check here is the secret itself, which
//! [`vigie_trust::ServerTrust::pair`] does under its rate limit, and the
//! name, which must not belong to another paired camera.
//!
//! The token goes back once, on this connection, which then closes: the
//! camera opens its streaming session next, with the token in its hello.
//! The server keeps only the token's hash.

use std::net::SocketAddr;

use tokio::io::AsyncWrite;
use tracing::error;
use vigie_trust::{PairFailure, PairingSecret, RefusalReason};

use super::gate::Link;
use super::Shared;
use crate::connection::MessageWriter;
use crate::protocol::{PairRequest, Refusal, ServerMessage};
use crate::text::{self, escape};
use crate::Error;

pub(super) async fn serve<W: AsyncWrite + Unpin + Send>(
    request: PairRequest,
    writer: &mut MessageWriter<W>,
    peer: SocketAddr,
    shared: &Shared,
    link: Link,
) -> Result<(), Error> {
    let answer = match answer(request, peer, shared, link).await {
        Ok(token) => ServerMessage::Paired { token },
        Err(refusal) => {
            shared.warn(("pairings refused", refusal.reason()), || {
                escape(&format!("{peer}: pairing refused: {refusal}")).into_owned()
            });
            ServerMessage::Refuse(refusal)
        }
    };
    let wait = shared.config.read_timeout;
    tokio::time::timeout(wait, async {
        writer.send_server(&answer).await?;
        writer.shutdown().await
    })
    .await
    .map_err(|_| Error::Timeout(wait))?
}

/// The token (base64url), or why not.
async fn answer(
    request: PairRequest,
    peer: SocketAddr,
    shared: &Shared,
    link: Link,
) -> Result<String, Refusal> {
    let Some(trust) = shared.config.trust.clone() else {
        return Err(Refusal::InvalidHello(
            "this server has no state directory: it cannot pair cameras".into(),
        ));
    };
    if link != Link::Tls {
        return Err(Refusal::InvalidHello(
            "pairing is only done inside TLS: run the client without --insecure".into(),
        ));
    }
    let name = text::camera_name(&request.camera).map_err(Refusal::InvalidHello)?;
    // A secret that does not even parse cannot match any code.
    let secret = PairingSecret::parse(&request.secret)
        .map_err(|_| Refusal::Untrusted(RefusalReason::PairingCodeWrongOrExpired))?;
    // Pairing writes cameras.json (and fsyncs it): off the runtime's threads.
    let paired = tokio::task::spawn_blocking(move || trust.pair(&secret, &name, peer.ip())).await;
    match paired {
        Ok(Ok(token)) => Ok(token.to_base64url()),
        Ok(Err(PairFailure::Refused(reason))) => Err(Refusal::Untrusted(reason)),
        Ok(Err(e)) => {
            error!("{peer}: cannot save a pairing: {e}");
            Err(Refusal::InvalidHello(
                "the server could not save the pairing: see its log".into(),
            ))
        }
        Err(_) => Err(Refusal::InvalidHello(
            "the server failed while pairing".into(),
        )),
    }
}
