//! The client's side of the secure link: pair once, then pin.
//!
//! The first run is given a pairing code (`--pair CODE`). The client opens
//! TLS and accepts the server's certificate only if it fits the code
//! ([`vigie_trust::tls::pairing_client_config`]); only then does it send
//! the camera's name and the code's secret, inside the encrypted link
//! ([`pair`]). The server answers with a token. The client keeps the
//! server's fingerprint and the token in its own state directory
//! ([`vigie_trust::PinStore`], `servers.json`).
//!
//! Every later run needs no flag: the client opens TLS accepting the pinned
//! certificate only ([`vigie_trust::tls::pinned_client_config`]), and puts
//! the token in its hello. A server that shows another certificate is
//! refused before a single byte of the camera's goes out, with both
//! fingerprints in the message ([`crate::Error::Trust`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncRead, AsyncWrite};
use tracing::info;
use vigie_trust::tls::{pairing_client_config, peer_fingerprint, pinned_client_config};
use vigie_trust::{CameraToken, Fingerprint, PairingCode, PinStore, StateDir};

use super::next_from_server;
use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::{self, ClientMessage, PairRequest, ServerMessage, MAGIC};
use crate::{tls, Error};

/// How a client reaches its server.
#[derive(Debug, Clone, Default)]
pub enum Link {
    /// vigie's protocol in the clear, no token: the server accepts it only
    /// with `--insecure`. Also the only link of the report's format.
    #[default]
    Plaintext,
    /// TLS 1.3 with a pinned certificate and a camera token.
    Tls(TlsLink),
}

/// What the TLS link needs: where the pins are, and a code to pair with.
#[derive(Debug, Clone)]
pub struct TlsLink {
    /// The client's state directory (`servers.json`).
    pub state: StateDir,
    /// A pairing code (`--pair CODE`): pair first, then stream.
    pub pair: Option<PairingCode>,
}

/// Pairs the camera `camera` over `stream`: checks the server's certificate
/// against `code`, sends the name and the secret, and returns the
/// certificate's fingerprint (to pin) and the camera's token.
pub async fn pair<S>(
    stream: S,
    code: &PairingCode,
    camera: &str,
    timeout: Duration,
) -> Result<(Fingerprint, CameraToken), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let config = Arc::new(pairing_client_config(code)?);
    let tls = tls::connect(stream, config, timeout).await?;
    let fingerprint = peer_fingerprint(tls.get_ref().1)
        .ok_or_else(|| Error::Malformed("the server showed no certificate".into()))?;
    let (read, write) = tokio::io::split(tls);
    let mut reader = MessageReader::new(read, protocol::MAX_SERVER_MESSAGE_LEN);
    let mut writer = MessageWriter::new(write);
    let request = ClientMessage::Pair(PairRequest {
        camera: camera.to_owned(),
        secret: code.secret().to_string(),
    });
    let exchange = async {
        writer.send_raw(&MAGIC).await?;
        writer.send_client(&request).await?;
        next_from_server(&mut reader).await
    };
    let reply = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| Error::Timeout(timeout))??;
    match protocol::decode_server(&reply)? {
        ServerMessage::Paired { token } => {
            let token = CameraToken::parse(&token).ok_or_else(|| {
                Error::Malformed("the server sent a token of the wrong form".into())
            })?;
            Ok((fingerprint, token))
        }
        ServerMessage::Refuse(r) => Err(Error::Refused(r)),
        _ => Err(Error::Malformed(
            "expected the answer to the pairing request".into(),
        )),
    }
}

/// One client's pins and pending code, for one server and one camera.
pub(super) struct Secure {
    state: StateDir,
    pins: PinStore,
    /// `host:port`, the key of `servers.json`.
    server: String,
    camera: String,
    code: Option<PairingCode>,
}

impl Secure {
    pub(super) fn open(link: &TlsLink, server: &str, camera: &str) -> Result<Secure, Error> {
        Ok(Secure {
            pins: PinStore::load(&link.state)?,
            state: link.state.clone(),
            server: server.to_owned(),
            camera: camera.to_owned(),
            code: link.pair,
        })
    }

    /// Whether a pairing is still to be done on this run.
    pub(super) fn must_pair(&self) -> bool {
        self.code.is_some()
    }

    /// Pairs over `stream` with the code given, and keeps the result.
    pub(super) async fn pair_on<S>(&mut self, stream: S, timeout: Duration) -> Result<(), Error>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let Some(code) = self.code else { return Ok(()) };
        let (fingerprint, token) = pair(stream, &code, &self.camera, timeout).await?;
        self.pins.record_pairing(
            &self.server,
            fingerprint,
            &self.camera,
            token,
            SystemTime::now(),
        )?;
        self.code = None;
        info!(
            "paired with {} as camera {:?}; its certificate {} is pinned in {}",
            self.server,
            self.camera,
            fingerprint.short(),
            self.state.path().display()
        );
        Ok(())
    }

    /// The TLS configuration that accepts the pinned server only, and the
    /// camera's token; [`Error::NotPaired`] if there are none.
    pub(super) fn credentials(&self) -> Result<(Arc<rustls::ClientConfig>, CameraToken), Error> {
        let not_paired = || Error::NotPaired {
            server: self.server.clone(),
            camera: self.camera.clone(),
            state: self.state.path().display().to_string(),
        };
        let fingerprint = self.pins.fingerprint(&self.server).ok_or_else(not_paired)?;
        let token = self
            .pins
            .token(&self.server, &self.camera)
            .ok_or_else(not_paired)?;
        let config = Arc::new(pinned_client_config(fingerprint)?);
        Ok((config, token.clone()))
    }
}
