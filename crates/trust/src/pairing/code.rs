//! The pairing code: a secret for the server, a check for the client.
//!
//! A code looks like `7K2M-QX9D-4HTR-B8ZE-1WCN`: 20 [`crate::base32`]
//! characters, 100 bits, in five groups of four (24 characters with the
//! dashes). It has two parts:
//!
//! - the first 8 characters are the **secret**, 40 random bits. The client
//!   proves it was given the code by sending them to the server;
//! - the last 12 characters are the **check**, 60 bits that the client uses
//!   to recognise the server's certificate *before* it sends the secret:
//!   the first 60 bits of `SHA-256("vigie pairing v1" ‖ secret ‖ fingerprint)`.
//!
//! Why bind the check to the secret instead of writing the fingerprint's
//! first 60 bits? The fingerprint is no secret: any machine that connects
//! to the server is shown its certificate. An attacker could take months to
//! grind through 2^60 keys for a certificate whose fingerprint starts the
//! same way, then use it against every code the server will ever print.
//! Mixed with a fresh secret, the check cannot be worked on before the code
//! is shown, and is worthless after it expires. `docs/SECURITY-pairing.md`
//! counts the attacker's work.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::base32;
use crate::error::{random_bytes, Error};
use crate::identity::Fingerprint;

/// Characters of the secret part.
pub const SECRET_CHARS: usize = 8;
/// Characters of the check part.
pub const CHECK_CHARS: usize = 12;
/// Bits of the secret part.
pub const SECRET_BITS: u32 = 5 * SECRET_CHARS as u32;
/// Bits of the check part.
pub const CHECK_BITS: u32 = 5 * CHECK_CHARS as u32;

const DOMAIN: &[u8] = b"vigie pairing v1";

/// The 40-bit secret of a pairing code: what the client sends, inside TLS.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PairingSecret(u64);

impl PairingSecret {
    /// A fresh random secret.
    pub fn random() -> Result<PairingSecret, Error> {
        let mut bytes = [0u8; 8];
        random_bytes(&mut bytes)?;
        Ok(PairingSecret(
            u64::from_le_bytes(bytes) >> (64 - SECRET_BITS),
        ))
    }

    /// Reads the 8 characters of a secret (or a whole code, of which the
    /// secret is the start).
    pub fn parse(text: &str) -> Result<PairingSecret, Error> {
        let cleaned: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let chars = cleaned.chars().count();
        if chars == SECRET_CHARS + CHECK_CHARS {
            return PairingCode::parse(text).map(|c| c.secret);
        }
        base32::decode(&cleaned, SECRET_CHARS)
            .map(PairingSecret)
            .map_err(Error::BadCode)
    }

    /// Compares in constant time: the time taken says nothing about how
    /// many leading bits a guess got right.
    pub fn ct_eq(&self, other: &PairingSecret) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }

    fn bytes(&self) -> [u8; 5] {
        let b = self.0.to_be_bytes();
        [b[3], b[4], b[5], b[6], b[7]]
    }
}

/// The secret's 8 characters: the form sent to the server.
impl fmt::Display for PairingSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base32::encode(self.0, SECRET_CHARS))
    }
}

/// Never printed by accident in a log.
impl fmt::Debug for PairingSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingSecret(…)")
    }
}

/// A whole pairing code: the secret and the check of the server's certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PairingCode {
    secret: PairingSecret,
    check: u64,
}

impl PairingCode {
    /// The code for `secret` on the server whose certificate has `fingerprint`.
    pub fn new(secret: PairingSecret, fingerprint: &Fingerprint) -> PairingCode {
        PairingCode {
            secret,
            check: check_of(&secret, fingerprint),
        }
    }

    /// Reads a code as a person typed it: case, dashes, spaces and the
    /// look-alikes `O`/`0`, `I`/`L`/`1` do not matter.
    pub fn parse(text: &str) -> Result<PairingCode, Error> {
        let cleaned: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let total = SECRET_CHARS + CHECK_CHARS;
        let chars: Vec<char> = cleaned.chars().collect();
        if chars.len() != total {
            return Err(Error::BadCode(format!(
                "{} characters where a code has {total} (like 7K2M-QX9D-4HTR-B8ZE-1WCN)",
                chars.len()
            )));
        }
        let (secret, check) = chars.split_at(SECRET_CHARS);
        let secret: String = secret.iter().collect();
        let check: String = check.iter().collect();
        Ok(PairingCode {
            secret: PairingSecret(base32::decode(&secret, SECRET_CHARS).map_err(Error::BadCode)?),
            check: base32::decode(&check, CHECK_CHARS).map_err(Error::BadCode)?,
        })
    }

    /// The secret part.
    pub fn secret(&self) -> PairingSecret {
        self.secret
    }

    /// Whether `fingerprint` is the certificate this code was made for.
    pub fn matches(&self, fingerprint: &Fingerprint) -> bool {
        bool::from(check_of(&self.secret, fingerprint).ct_eq(&self.check))
    }
}

/// The first [`CHECK_BITS`] bits of `SHA-256(DOMAIN ‖ secret ‖ fingerprint)`.
fn check_of(secret: &PairingSecret, fingerprint: &Fingerprint) -> u64 {
    let mut hash = Sha256::new();
    hash.update(DOMAIN);
    hash.update(secret.bytes());
    hash.update(fingerprint.as_bytes());
    let digest = hash.finalize();
    let first = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    first >> (64 - CHECK_BITS)
}

/// `7K2M-QX9D-4HTR-B8ZE-1WCN`: what the server prints.
impl fmt::Display for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text =
            base32::encode(self.secret.0, SECRET_CHARS) + &base32::encode(self.check, CHECK_CHARS);
        f.write_str(&base32::dashed(&text, 4))
    }
}

impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fp(byte: u8) -> Fingerprint {
        Fingerprint::from_bytes([byte; 32])
    }

    #[test]
    fn a_code_is_24_characters_in_five_groups() {
        let code = PairingCode::new(PairingSecret::random().unwrap(), &fp(1));
        let text = code.to_string();
        assert_eq!(text.len(), 24, "{text}");
        assert!(text.len() <= 25);
        assert_eq!(text.split('-').count(), 5);
        assert!(text.split('-').all(|g| g.len() == 4));
        assert_eq!(PairingCode::parse(&text).unwrap(), code);
    }

    #[test]
    fn a_code_matches_its_server_only() {
        let secret = PairingSecret::random().unwrap();
        let code = PairingCode::new(secret, &fp(1));
        assert!(code.matches(&fp(1)));
        assert!(!code.matches(&fp(2)));
        // The same server, another secret: another check.
        let other = PairingCode::new(PairingSecret(secret.0 ^ 1), &fp(1));
        assert_ne!(other.to_string()[10..], code.to_string()[10..]);
    }

    #[test]
    fn typing_mistakes_that_cannot_be_mistakes_are_forgiven() {
        let code = PairingCode::new(PairingSecret(0), &fp(7));
        let text = code.to_string();
        assert!(text.starts_with("0000-0000-"));
        let sloppy = text
            .replacen("0000", "oOoO", 1)
            .to_lowercase()
            .replace('-', " ");
        assert_eq!(PairingCode::parse(&sloppy).unwrap(), code);
    }

    #[test]
    fn bad_codes_say_why() {
        let err = PairingCode::parse("ABCD-EFGH").unwrap_err();
        assert!(
            err.to_string().contains("8 characters where a code has 20"),
            "{err}"
        );
        let err = PairingCode::parse("ABCD-EFGH-JKMN-PQRS-TVWU").unwrap_err();
        assert!(
            err.to_string().contains("'U' is not a code character"),
            "{err}"
        );
        assert!(PairingSecret::parse("ABC").is_err());
    }

    #[test]
    fn the_secret_alone_or_the_whole_code_give_the_secret() {
        let code = PairingCode::new(PairingSecret::random().unwrap(), &fp(3));
        let secret = code.secret();
        assert_eq!(PairingSecret::parse(&secret.to_string()).unwrap(), secret);
        assert_eq!(PairingSecret::parse(&code.to_string()).unwrap(), secret);
        assert!(bool::from(secret.ct_eq(&code.secret())));
        assert!(!format!("{secret:?}{code:?}").contains(&secret.to_string()));
    }

    proptest! {
        #[test]
        fn any_code_round_trips(secret in 0u64..(1 << SECRET_BITS), byte in any::<u8>()) {
            let code = PairingCode::new(PairingSecret(secret), &fp(byte));
            prop_assert_eq!(PairingCode::parse(&code.to_string()).unwrap(), code);
            prop_assert!(code.matches(&fp(byte)));
        }

        #[test]
        fn parse_never_panics(text in ".{0,40}") {
            let _ = PairingCode::parse(&text);
            let _ = PairingSecret::parse(&text);
        }
    }
}
