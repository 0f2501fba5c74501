//! The gate of the camera port: which connections get in, and how.
//!
//! The first bytes of a connection say what it speaks
//! ([`crate::tls::sniff`]), and the server's policy says what it takes:
//!
//! | first bytes | by default | with the option |
//! | --- | --- | --- |
//! | TLS ClientHello (`16 03 0X`) | TLS 1.3, then pairing or a token-authenticated hello | — |
//! | `VIGI`, in the clear | refused, one line naming `--insecure` | accepted, no token (`insecure`) |
//! | anything else (the report's pickles) | refused, one line naming `--allow-legacy` | accepted, a warning per camera (`allow_legacy`) |
//!
//! The whole opening (the first bytes, and the TLS handshake after them)
//! must be done within the hello timeout: a peer that opens a handshake and
//! stops costs its pending place for a few seconds, no more.
//!
//! Why refuse plaintext rather than accept it quietly? Because accepting it
//! is what made the report's link readable and forgeable: a camera that
//! speaks in the clear shows its pictures to anyone on the network, and a
//! server that believes plaintext names can be fooled by any program. The
//! options exist for the tutorial and for old cameras, knowingly.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{timeout_at, Instant};
use tokio_rustls::TlsAcceptor;
use vigie_trust::FirstBytes;

use super::pending::Ticket;
use super::{legacy_peer, native_peer, Shared};
use crate::connection::{MessageReader, MessageWriter};
use crate::protocol::{Refusal, ServerMessage, MAGIC};
use crate::tls::sniff;
use crate::Error;

/// Whether a native session runs inside TLS or in the clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Link {
    /// Inside TLS: pairing allowed, a token required.
    Tls,
    /// In the clear (`insecure` only): no pairing, no token.
    Plaintext,
}

/// Serves one peer on any byte stream, telling the formats apart by the
/// first bytes and applying the server's policy.
pub(super) async fn serve_peer<S>(stream: S, peer: SocketAddr, shared: &Shared, ticket: Ticket)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    match open(stream, peer, shared, ticket).await {
        Ok(()) | Err(Error::Closed) => {}
        Err(e) => shared.dropped("connections dropped", peer, &e),
    }
}

async fn open<S>(stream: S, peer: SocketAddr, shared: &Shared, ticket: Ticket) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let config = &shared.config;
    let deadline = Instant::now() + config.hello_timeout;
    let timeout = || Error::Timeout(config.hello_timeout);
    let (kind, stream) = timeout_at(deadline, sniff(stream))
        .await
        .map_err(|_| timeout())??;
    match kind {
        FirstBytes::Tls => {
            let Some(trust) = &config.trust else {
                shared.warn(("connections refused", "TLS without identity"), || {
                    format!("{peer}: refused a TLS connection: this server was started without a state directory, so it has no certificate")
                });
                return Ok(());
            };
            let acceptor = TlsAcceptor::from(trust.tls_config());
            let tls = timeout_at(deadline, acceptor.accept(stream))
                .await
                .map_err(|_| timeout())?
                .map_err(Error::Handshake)?;
            native(tls, peer, shared, ticket, Link::Tls).await
        }
        FirstBytes::Native if config.insecure => {
            native(stream, peer, shared, ticket, Link::Plaintext).await
        }
        FirstBytes::Native => {
            shared.warn(("cameras refused", "plaintext"), || {
                format!("{peer}: refused a camera speaking vigie's plaintext protocol: only encrypted, paired cameras are accepted; start the server with --insecure to accept plaintext")
            });
            // Say why, in the clear as the client spoke: best effort.
            let mut writer = MessageWriter::new(stream);
            let refuse = ServerMessage::Refuse(Refusal::PlaintextRefused);
            let _ = timeout_at(deadline, writer.send_server(&refuse)).await;
            let _ = timeout_at(deadline, writer.shutdown()).await;
            Ok(())
        }
        FirstBytes::Legacy if config.allow_legacy => {
            let reader = MessageReader::new(stream, config.max_message);
            legacy_peer::serve(reader, peer, shared, ticket).await
        }
        FirstBytes::Legacy => {
            // The report's client reads nothing: the log is the only place
            // to say why.
            shared.warn(("cameras refused", "legacy"), || {
                format!("{peer}: refused a camera in the report's Python format (it can be neither encrypted nor authenticated); start the server with --allow-legacy to accept it")
            });
            Ok(())
        }
    }
}

/// vigie's protocol on `stream`: the magic, then the session.
async fn native<S>(
    stream: S,
    peer: SocketAddr,
    shared: &Shared,
    ticket: Ticket,
    link: Link,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let config = &shared.config;
    let (read, write) = tokio::io::split(stream);
    let mut reader = MessageReader::new(read, config.max_message);
    let writer = MessageWriter::new(write);
    let first = tokio::time::timeout(config.hello_timeout, reader.fill(MAGIC.len()))
        .await
        .map_err(|_| Error::Timeout(config.hello_timeout))??;
    if first != MAGIC {
        return Err(Error::Malformed(format!(
            "expected the magic bytes VIGI inside TLS, got {first:02X?}"
        )));
    }
    reader.consume(MAGIC.len());
    native_peer::serve(reader, writer, peer, shared, ticket, link).await
}
