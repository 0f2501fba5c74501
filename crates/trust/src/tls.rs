//! TLS 1.3 configurations: the server's, and the client's that pins.
//!
//! # What TLS gives, and what it needs
//!
//! TLS encrypts the link (a capture shows only noise) and lets the client
//! check who holds the other end: the server sends its certificate and
//! *signs the handshake* with the certificate's private key. The signature
//! proves the server holds the key; the client must still decide whether
//! the certificate is the one it wants. On the web, that decision is "is it
//! signed by an authority I trust, for this domain name". Here it is "is its
//! fingerprint the one I expect", in one of two ways:
//!
//! - **pairing** ([`pairing_client_config`]): the fingerprint must fit the
//!   check part of the pairing code the user typed;
//! - **pinned** ([`pinned_client_config`]): the fingerprint must be the one
//!   kept from pairing. Anything else fails with
//!   [`TrustFailure::NotPinned`], which shows both fingerprints.
//!
//! Checking the fingerprint replaces the authority, *not* the signature: a
//! man in the middle can copy the real server's certificate (it is public)
//! but cannot sign with its key. So the verifier below still verifies the
//! handshake signature, with rustls's own `verify_tls13_signature`.
//!
//! Only TLS 1.3 is offered: it is the version whose handshake encrypts the
//! certificate too, has no weak cipher suite left to choose, and both ends
//! are vigie. The crypto is *ring*'s. Session resumption is off: every
//! connection checks the certificate again, which costs one handshake per
//! camera connection, a few milliseconds.

use std::fmt;
use std::io;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::Resumption;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, OtherError, ServerConfig,
    SignatureScheme,
};

use crate::error::Error;
use crate::identity::{Fingerprint, ServerIdentity};
use crate::pairing::PairingCode;

/// The crypto provider used on both sides: *ring*, TLS 1.3 suites.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server's configuration: its certificate, TLS 1.3 only, no client
/// certificate (cameras prove themselves with a token, inside the link).
///
/// Set `alpn_protocols` on the result for HTTPS (`b"http/1.1"`).
pub fn server_config(identity: &ServerIdentity) -> Result<ServerConfig, Error> {
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(
            vec![identity.certificate().clone()],
            identity.private_key().clone_key(),
        )?;
    Ok(config)
}

/// The name the client gives the server. Certificates are checked by
/// fingerprint, never by name, so any fixed name does.
pub fn server_name() -> ServerName<'static> {
    ServerName::try_from("vigie").expect("a valid DNS name")
}

/// A client configuration for the first connection, with `code`: the
/// server's certificate must fit the code's check.
pub fn pairing_client_config(code: &PairingCode) -> Result<ClientConfig, Error> {
    client_config(Expectation::Pairing(*code))
}

/// A client configuration that accepts the server with `pinned` fingerprint only.
pub fn pinned_client_config(pinned: Fingerprint) -> Result<ClientConfig, Error> {
    client_config(Expectation::Pinned(pinned))
}

fn client_config(expect: Expectation) -> Result<ClientConfig, Error> {
    let provider = provider();
    let verifier = FingerprintVerifier {
        expect,
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous() // our own verifier instead of authorities: see the module docs
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.resumption = Resumption::disabled();
    config.enable_sni = false;
    Ok(config)
}

/// The fingerprint of the certificate the peer presented, once the
/// handshake is done (the client pins it after pairing).
pub fn peer_fingerprint(conn: &rustls::CommonState) -> Option<Fingerprint> {
    conn.peer_certificates()
        .and_then(|certs| certs.first())
        .map(|cert| Fingerprint::of_certificate(cert))
}

/// A pinned fingerprint and the one the server showed instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateMismatch {
    /// What the client remembers from pairing.
    pub pinned: Fingerprint,
    /// What the server presented this time.
    pub presented: Fingerprint,
}

/// Why the client did not trust the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustFailure {
    /// Not the certificate pinned at pairing.
    #[error("the server's certificate is not the pinned one: pinned {}, got {}; if the server was reinstalled (its state directory lost), pair again with a fresh code (`vigie client --server HOST --pair CODE`), otherwise someone may be between this camera and the server", .0.pinned, .0.presented)]
    NotPinned(CertificateMismatch),
    /// Not the certificate the pairing code was made for.
    #[error("the server's certificate ({presented}) does not fit the pairing code: check the code you typed; if it is right, someone may be between this camera and the server. Nothing was sent")]
    NotThePairingServer {
        /// What the server presented.
        presented: Fingerprint,
    },
}

impl TrustFailure {
    /// The trust failure inside a rustls error, if that is what it is.
    pub fn from_tls_error(err: &rustls::Error) -> Option<TrustFailure> {
        match err {
            rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
                other.0.downcast_ref::<TrustFailure>().cloned()
            }
            _ => None,
        }
    }

    /// The trust failure inside an I/O error, as tokio-rustls returns them.
    pub fn from_io_error(err: &io::Error) -> Option<TrustFailure> {
        let inner = err.get_ref()?;
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return TrustFailure::from_tls_error(tls);
        }
        inner.downcast_ref::<TrustFailure>().cloned()
    }
}

#[derive(Debug, Clone, Copy)]
enum Expectation {
    Pinned(Fingerprint),
    Pairing(PairingCode),
}

/// Trusts one certificate, named by fingerprint, and checks its signatures.
struct FingerprintVerifier {
    expect: Expectation,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for FingerprintVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FingerprintVerifier")
            .field("expect", &self.expect)
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for FingerprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Fingerprint::of_certificate(end_entity);
        let failure = match self.expect {
            Expectation::Pinned(pinned) if pinned == presented => {
                return Ok(ServerCertVerified::assertion())
            }
            Expectation::Pinned(pinned) => {
                TrustFailure::NotPinned(CertificateMismatch { pinned, presented })
            }
            Expectation::Pairing(code) if code.matches(&presented) => {
                return Ok(ServerCertVerified::assertion())
            }
            Expectation::Pairing(_) => TrustFailure::NotThePairingServer { presented },
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(failure)),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        // Never called: only TLS 1.3 is enabled. Checked all the same.
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
