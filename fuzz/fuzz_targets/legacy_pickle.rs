//! The report's legacy format: one pickle, as the server reads the body of
//! each length-prefixed message of a client that sent no `VIGI` magic.
//!
//! Checks, beyond "no panic, no unbounded allocation":
//! - reading from a slice ([`legacy::decode`]) and from a shared `Bytes`
//!   ([`legacy::decode_bytes`], the server's path) agree, error for error;
//! - a picture that is accepted has exactly the bytes its shape says, and
//!   vigie's own encoder writes it back to a pickle that decodes the same;
//! - the server's next step on a JPEG, reading its size, cannot panic.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use vigie_core::jpeg;
use vigie_net::legacy::{self, LegacyImage};

fuzz_target!(|data: &[u8]| {
    let shared = Bytes::copy_from_slice(data);
    let from_slice = legacy::decode(data);
    let from_bytes = legacy::decode_bytes(&shared);
    match (&from_slice, &from_bytes) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("decode and decode_bytes disagree: {from_slice:?} / {from_bytes:?}"),
    }
    let Ok(image) = from_bytes else { return };
    let mut again = Vec::new();
    match &image {
        LegacyImage::Jpeg(bytes) => {
            legacy::encode_jpeg(bytes, &mut again);
            let _ = jpeg::dimensions(bytes);
        }
        LegacyImage::Bgr {
            width,
            height,
            pixels,
        } => {
            let expected = u64::from(*width) * u64::from(*height) * 3;
            assert_eq!(pixels.len() as u64, expected, "{width}×{height}");
            legacy::encode_bgr(pixels, *width, *height, &mut again).expect("a decoded shape");
        }
    }
    assert_eq!(legacy::decode(&again).expect("our own pickle"), image);
});
