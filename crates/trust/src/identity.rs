//! The server's identity: a key pair, a certificate, and its fingerprint.
//!
//! # Certificates without an authority
//!
//! TLS proves who the server is with a *certificate*: a public key, signed.
//! On the web the signature comes from an authority the browser trusts. A
//! surveillance server at home has no domain name and no authority, so it
//! signs its own certificate (*self-signed*): by itself, that proves
//! nothing, since anyone can sign a certificate saying "I am vigie".
//!
//! What does identify this server is its **fingerprint**: the SHA-256 hash
//! of its certificate's bytes (DER). Finding another certificate with the
//! same hash is beyond anyone's reach, so "the certificate whose hash is
//! `3F9A…`" names one server, and a client that remembers that hash (*pins*
//! it) will recognise the server, and only it, from then on.
//!
//! The full fingerprint is 64 hex digits, colon-separated as `openssl x509
//! -fingerprint -sha256` and browsers show them ([`Fingerprint::hex`]). For
//! comparing by eye, [`Fingerprint::short`] gives its first 80 bits in
//! [`crate::base32`]: `ABCD-EFGH-JKMN-PQRS`.
//!
//! # At first start
//!
//! [`ServerIdentity::load_or_create`] makes an ECDSA P-256 key and its
//! certificate once, and keeps them in the state directory
//! (`server-key.pem`, `server-cert.pem`). Every later start loads them, so
//! the fingerprint stays the same and paired cameras keep trusting it. If
//! only one of the two files is there, or they do not belong together, it
//! stops with an error rather than making new ones silently: a new key
//! would make every paired camera refuse the server.

use std::fmt;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};

use crate::base32;
use crate::error::Error;
use crate::state_dir::StateDir;

/// The file that holds the server's private key.
pub const KEY_FILE: &str = "server-key.pem";
/// The file that holds the server's certificate.
pub const CERT_FILE: &str = "server-cert.pem";

/// The SHA-256 hash of a certificate's DER bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_certificate(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    /// A fingerprint from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Fingerprint {
        Fingerprint(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 80 bits in base32, in four dash-separated groups of four.
    pub fn short(&self) -> String {
        let first: u64 = u64::from_be_bytes(self.0[..8].try_into().expect("8 bytes"));
        let next: u64 = u64::from(u16::from_be_bytes([self.0[8], self.0[9]]));
        // 80 bits = 16 characters: 64 bits from `first`, 16 from `next`.
        let high = base32::encode(first >> 24, 8); // bits 0..40
        let low = base32::encode(((first & 0xFF_FFFF) << 16) | next, 8); // bits 40..80
        base32::dashed(&(high + &low), 4)
    }

    /// All 32 bytes as colon-separated upper-case hex (`3F:9A:…`).
    pub fn hex(&self) -> String {
        self.0
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Reads [`Fingerprint::hex`]'s form (colons optional, any case).
    pub fn parse_hex(text: &str) -> Option<Fingerprint> {
        let digits: Vec<u8> = text.bytes().filter(|&b| b != b':').collect();
        if digits.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
            let pair = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Fingerprint(out))
    }
}

/// The short form: what a person compares.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Fingerprint::parse_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("not a SHA-256 fingerprint in hex"))
    }
}

/// The server's certificate and private key.
pub struct ServerIdentity {
    certificate: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    fingerprint: Fingerprint,
}

impl fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("ServerIdentity")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Clone for ServerIdentity {
    fn clone(&self) -> Self {
        ServerIdentity {
            certificate: self.certificate.clone(),
            key: self.key.clone_key(),
            fingerprint: self.fingerprint,
        }
    }
}

impl ServerIdentity {
    /// A new key pair and a self-signed certificate, in memory only.
    pub fn generate() -> Result<ServerIdentity, Error> {
        let (identity, _, _) = generate_pem()?;
        Ok(identity)
    }

    /// Loads the identity kept in `dir`, or makes one and keeps it there.
    /// The boolean is `true` when it was just made.
    pub fn load_or_create(dir: &StateDir) -> Result<(ServerIdentity, bool), Error> {
        match (dir.read(KEY_FILE)?, dir.read(CERT_FILE)?) {
            (Some(key), Some(cert)) => Ok((ServerIdentity::from_pem(dir, &key, &cert)?, false)),
            (None, None) => {
                let (identity, key_pem, cert_pem) = generate_pem()?;
                // The key first: a certificate alone is never left behind
                // without being reported (see the module docs).
                dir.write(KEY_FILE, key_pem.as_bytes())?;
                dir.write(CERT_FILE, cert_pem.as_bytes())?;
                Ok((identity, true))
            }
            (Some(_), None) => Err(Error::Corrupt {
                path: dir.file(CERT_FILE),
                reason: format!("missing, while {KEY_FILE} is there"),
            }),
            (None, Some(_)) => Err(Error::Corrupt {
                path: dir.file(KEY_FILE),
                reason: format!("missing, while {CERT_FILE} is there"),
            }),
        }
    }

    fn from_pem(dir: &StateDir, key: &[u8], cert: &[u8]) -> Result<ServerIdentity, Error> {
        let corrupt = |file: &str, reason: String| Error::Corrupt {
            path: dir.file(file),
            reason,
        };
        let key = PrivateKeyDer::from_pem_slice(key)
            .map_err(|e| corrupt(KEY_FILE, format!("no private key in PEM form ({e})")))?;
        let certificate = CertificateDer::from_pem_slice(cert)
            .map_err(|e| corrupt(CERT_FILE, format!("no certificate in PEM form ({e})")))?;
        let identity = ServerIdentity {
            fingerprint: Fingerprint::of_certificate(&certificate),
            certificate,
            key,
        };
        // rustls checks that the key is usable and belongs to the certificate.
        crate::tls::server_config(&identity).map_err(|e| {
            corrupt(
                KEY_FILE,
                format!("the key does not fit the certificate {CERT_FILE} ({e})"),
            )
        })?;
        Ok(identity)
    }

    /// The certificate's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The certificate, DER-encoded.
    pub fn certificate(&self) -> &CertificateDer<'static> {
        &self.certificate
    }

    /// The private key, DER-encoded.
    pub fn private_key(&self) -> &PrivateKeyDer<'static> {
        &self.key
    }
}

/// A fresh identity and its key and certificate in PEM form.
fn generate_pem() -> Result<(ServerIdentity, String, String), Error> {
    // The names matter little: clients check the fingerprint, not the name.
    // They are what a browser shows for the web page.
    let made =
        rcgen::generate_simple_self_signed(vec!["vigie".to_owned(), "localhost".to_owned()])?;
    let certificate = made.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.key_pair.serialize_der()));
    let identity = ServerIdentity {
        fingerprint: Fingerprint::of_certificate(&certificate),
        certificate,
        key,
    };
    Ok((identity, made.key_pair.serialize_pem(), made.cert.pem()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_the_sha256_of_the_der() {
        let fp = Fingerprint::of_certificate(b"abc");
        // SHA-256("abc"), the classic test vector.
        assert_eq!(
            fp.hex(),
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        );
        assert_eq!(Fingerprint::parse_hex(&fp.hex()), Some(fp));
        assert_eq!(
            Fingerprint::parse_hex(&fp.hex().replace(':', "").to_lowercase()),
            Some(fp)
        );
        assert_eq!(Fingerprint::parse_hex("BA:78"), None);
        assert_eq!(Fingerprint::parse_hex(&"zz".repeat(32)), None);
    }

    #[test]
    fn the_short_form_is_the_first_80_bits_in_base32() {
        let mut bytes = [0u8; 32];
        bytes[9] = 1; // the 80th bit
        assert_eq!(
            Fingerprint::from_bytes(bytes).short(),
            "0000-0000-0000-0001"
        );
        bytes = [0xFF; 32];
        bytes[10] = 0; // beyond 80 bits: not shown
        assert_eq!(
            Fingerprint::from_bytes(bytes).short(),
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
        );
        let mut top = [0u8; 32];
        top[0] = 0x80; // the first bit
        assert_eq!(Fingerprint::from_bytes(top).short(), "G000-0000-0000-0000");
        let fp = Fingerprint::of_certificate(b"abc");
        assert_eq!(fp.to_string(), fp.short());
        assert_eq!(fp.short().len(), 19);
    }

    #[test]
    fn an_identity_is_made_once_then_reloaded() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        let (first, created) = ServerIdentity::load_or_create(&dir).unwrap();
        assert!(created);
        let (again, created) = ServerIdentity::load_or_create(&dir).unwrap();
        assert!(!created);
        assert_eq!(first.fingerprint(), again.fingerprint());
        assert_eq!(
            first.fingerprint(),
            Fingerprint::of_certificate(again.certificate())
        );
        let other = ServerIdentity::generate().unwrap();
        assert_ne!(other.fingerprint(), first.fingerprint());
        assert!(!format!("{first:?}").contains("PRIVATE"));
    }

    #[test]
    fn a_missing_half_is_an_error_not_a_new_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        ServerIdentity::load_or_create(&dir).unwrap();
        std::fs::remove_file(dir.file(CERT_FILE)).unwrap();
        let err = ServerIdentity::load_or_create(&dir).unwrap_err();
        assert!(
            err.to_string().contains("server-cert.pem: missing"),
            "{err}"
        );
        assert!(
            dir.read(CERT_FILE).unwrap().is_none(),
            "nothing was regenerated"
        );

        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        ServerIdentity::load_or_create(&dir).unwrap();
        std::fs::remove_file(dir.file(KEY_FILE)).unwrap();
        let err = ServerIdentity::load_or_create(&dir).unwrap_err();
        assert!(err.to_string().contains("server-key.pem: missing"), "{err}");
    }

    #[test]
    fn damaged_or_mismatched_files_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StateDir::open(tmp.path()).unwrap();
        ServerIdentity::load_or_create(&dir).unwrap();
        let good_key = dir.read(KEY_FILE).unwrap().unwrap();
        dir.write(KEY_FILE, b"not pem").unwrap();
        let err = ServerIdentity::load_or_create(&dir).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("no private key"), "{err}");

        dir.write(KEY_FILE, &good_key).unwrap();
        dir.write(
            CERT_FILE,
            b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(ServerIdentity::load_or_create(&dir).is_err());

        // Another server's key with this certificate.
        let other = tempfile::tempdir().unwrap();
        let other_dir = StateDir::open(other.path()).unwrap();
        ServerIdentity::load_or_create(&other_dir).unwrap();
        dir.write(CERT_FILE, &other_dir.read(CERT_FILE).unwrap().unwrap())
            .unwrap();
        let err = ServerIdentity::load_or_create(&dir).unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
    }
}
