//! Which protocol is this? Telling three of them apart by the first bytes.
//!
//! One port, 8485, receives three kinds of connections, and the first bytes
//! of each say which it is:
//!
//! ```text
//! TLS ClientHello     16 03 0X …   a handshake record (0x16), version 3.X
//! vigie, plaintext    56 49 47 49  "VIGI"
//! the report's Python 00 00 12 34  the big-endian length of a pickle
//! ```
//!
//! TLS records start with a content type, 22 (`0x16`) for a handshake, and
//! a version whose first byte is 3; clients write `03 01` (TLS 1.0, for old
//! middleboxes) to `03 04` there. Read as the length of a pickle, `16 03 …`
//! is 369 MB, as `VIGI` is 1.4 GB: no real frame is that long, so the three
//! cannot be confused.
//!
//! [`classify_first_bytes`] is a pure function: it looks at what has
//! arrived so far, and says `None` when that is not enough yet (one byte
//! `0x16` could still become either TLS or a legacy length), so the caller
//! reads more, within its hello timeout, and asks again. It never needs
//! more than four bytes.

/// The kind of connection, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstBytes {
    /// A TLS handshake: the secure camera link.
    Tls,
    /// vigie's plaintext protocol (`VIGI`), accepted only with `--insecure`.
    Native,
    /// Anything else: the report's Python format, with `--allow-legacy`.
    Legacy,
}

/// The longest opening [`classify_first_bytes`] may need.
pub const MAX_NEEDED: usize = 4;

const TLS_PREFIX: [u8; 2] = [0x16, 0x03];
const MAGIC: &[u8; 4] = b"VIGI";

/// Classifies the opening bytes of a connection, or `None` if more are needed.
pub fn classify_first_bytes(bytes: &[u8]) -> Option<FirstBytes> {
    if bytes.is_empty() {
        return None;
    }
    // TLS: 16 03 then 01..=04.
    let tls_prefix = bytes.len().min(TLS_PREFIX.len());
    if bytes[..tls_prefix] == TLS_PREFIX[..tls_prefix] {
        return match bytes.get(2) {
            None => None,
            Some(0x01..=0x04) => Some(FirstBytes::Tls),
            Some(_) => Some(FirstBytes::Legacy),
        };
    }
    let magic_prefix = bytes.len().min(MAGIC.len());
    if bytes[..magic_prefix] == MAGIC[..magic_prefix] {
        return if bytes.len() >= MAGIC.len() {
            Some(FirstBytes::Native)
        } else {
            None
        };
    }
    Some(FirstBytes::Legacy)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn known_openings() {
        assert_eq!(
            classify_first_bytes(&[0x16, 0x03, 0x01, 0x02, 0x00]),
            Some(FirstBytes::Tls)
        );
        assert_eq!(
            classify_first_bytes(&[0x16, 0x03, 0x04]),
            Some(FirstBytes::Tls)
        );
        assert_eq!(
            classify_first_bytes(b"VIGI\0\0\0\x14"),
            Some(FirstBytes::Native)
        );
        assert_eq!(
            classify_first_bytes(&[0, 0, 0x12, 0x34]),
            Some(FirstBytes::Legacy)
        );
        assert_eq!(
            classify_first_bytes(&[0x16, 0x03, 0x05]),
            Some(FirstBytes::Legacy)
        );
        assert_eq!(
            classify_first_bytes(&[0x16, 0x03, 0x00]),
            Some(FirstBytes::Legacy),
            "SSL 3.0 is not TLS"
        );
        assert_eq!(
            classify_first_bytes(&[0x16, 0x02]),
            Some(FirstBytes::Legacy)
        );
        assert_eq!(classify_first_bytes(b"VIGX"), Some(FirstBytes::Legacy));
        assert_eq!(classify_first_bytes(b"GET "), Some(FirstBytes::Legacy));
    }

    #[test]
    fn short_openings_ask_for_more() {
        for short in [&b""[..], &[0x16], &[0x16, 0x03], b"V", b"VI", b"VIG"] {
            assert_eq!(classify_first_bytes(short), None, "{short:?}");
        }
        // But a byte that starts neither is known at once.
        assert_eq!(classify_first_bytes(&[0x00]), Some(FirstBytes::Legacy));
    }

    #[test]
    fn a_real_client_hello_is_tls() {
        use std::sync::Arc;
        let identity = crate::ServerIdentity::generate().unwrap();
        let config = crate::tls::pinned_client_config(identity.fingerprint()).unwrap();
        let mut conn =
            rustls::ClientConnection::new(Arc::new(config), crate::tls::server_name()).unwrap();
        let mut hello = Vec::new();
        conn.write_tls(&mut hello).unwrap();
        assert_eq!(
            classify_first_bytes(&hello),
            Some(FirstBytes::Tls),
            "{:02x?}",
            &hello[..5]
        );
    }

    proptest! {
        #[test]
        fn never_needs_more_than_four_bytes(bytes in proptest::collection::vec(any::<u8>(), 4..64)) {
            prop_assert!(classify_first_bytes(&bytes).is_some());
        }

        #[test]
        fn a_verdict_holds_however_many_bytes_follow(
            bytes in proptest::collection::vec(any::<u8>(), 0..8),
            more in proptest::collection::vec(any::<u8>(), 0..8),
        ) {
            if let Some(kind) = classify_first_bytes(&bytes) {
                let mut longer = bytes.clone();
                longer.extend(&more);
                prop_assert_eq!(classify_first_bytes(&longer), Some(kind));
            }
        }

        #[test]
        fn tls_and_vigi_openings_are_recognised(rest in proptest::collection::vec(any::<u8>(), 0..32), minor in 1u8..=4) {
            let mut tls = vec![0x16, 0x03, minor];
            tls.extend(&rest);
            prop_assert_eq!(classify_first_bytes(&tls), Some(FirstBytes::Tls));
            let mut native = MAGIC.to_vec();
            native.extend(&rest);
            prop_assert_eq!(classify_first_bytes(&native), Some(FirstBytes::Native));
        }

        #[test]
        fn other_first_bytes_are_legacy(first in any::<u8>(), rest in proptest::collection::vec(any::<u8>(), 0..8)) {
            prop_assume!(first != 0x16 && first != b'V');
            let mut bytes = vec![first];
            bytes.extend(&rest);
            prop_assert_eq!(classify_first_bytes(&bytes), Some(FirstBytes::Legacy));
        }
    }
}
