//! Writing pickles the report's Python server can load.
//!
//! The server calls `pickle.loads(data, encoding="bytes")` and expects a
//! numpy uint8 array. vigie writes the bytes numpy 1.x writes for
//! `pickle.dumps(array, 0)`, the protocol the report's client used, so the
//! server cannot tell vigie from the original client.
//!
//! Protocol 0 is text: the picture goes in as one `UNICODE` line, each byte
//! as the latin-1 character of the same number, then `_codecs.encode(…,
//! 'latin1')` turns it back into bytes. Five bytes would break the line or
//! the escaping and are written as `\uXXXX`: `\`, `\0`, `\n`, `\r`, `\x1a`.
//!
//! The names are numpy 1.x's (`numpy.core.multiarray`): numpy 2 still loads
//! them through its compatibility module `numpy.core`, while numpy before
//! 1.26 has no `numpy._core` and cannot load numpy 2's spelling. (Checked
//! with numpy 1.25.2, 1.26.4, 2.0.2 and 2.4.6: `fixtures/legacy/README.md`.)

use super::PickleError;

/// Everything before the shape: `_reconstruct(ndarray, (0,), b'b')`, then the
/// start of the state tuple `(1, shape, …`. The `pN` are memo slots, numbered
/// as Python numbers them.
const HEAD: &[u8] = b"cnumpy.core.multiarray\n_reconstruct\np0\n\
(cnumpy\nndarray\np1\n(I0\ntp2\nc_codecs\nencode\np3\n(Vb\np4\nVlatin1\np5\ntp6\nRp7\ntp8\nRp9\n\
(I1\n(";

/// After the shape: `dtype('u1', False, True)` with state
/// `(3, '|', None, None, None, -1, -1, 0)`, then `False` (not Fortran order).
const DTYPE: &[u8] = b"tp10\ncnumpy\ndtype\np11\n(Vu1\np12\nI00\nI01\ntp13\nRp14\n\
(I3\nV|\np15\nNNNI-1\nI-1\nI0\ntp16\nbI00\n";

/// Appends the pickle of a 1-D uint8 array holding `jpeg`: what the report's
/// client sent for each frame, `pickle.dumps(cv2.imencode(...)[1], 0)`.
///
/// The output is byte for byte what numpy 1.x and Python 3 write for
/// `pickle.dumps(np.frombuffer(jpeg, np.uint8), 0)`, except for an empty
/// input, which Python writes with the global `__builtin__.bytes` and vigie
/// with `_codecs.encode('', 'latin1')`: both load as the same empty array.
pub fn encode_jpeg(jpeg: &[u8], out: &mut Vec<u8>) {
    encode_array(&[jpeg.len() as u64], jpeg, out);
}

/// Appends the pickle of a `(height, width, 3)` uint8 array of BGR pixels,
/// byte for byte what numpy 1.x writes with protocol 0.
///
/// Fails with [`PickleError::LengthMismatch`] (and appends nothing) unless
/// `pixels` holds exactly `width × height × 3` bytes.
pub fn encode_bgr(
    pixels: &[u8],
    width: u32,
    height: u32,
    out: &mut Vec<u8>,
) -> Result<(), PickleError> {
    let expected = u64::from(width) * u64::from(height) * 3;
    if expected != pixels.len() as u64 {
        return Err(PickleError::LengthMismatch {
            shape: format!("({height}, {width}, 3)"),
            expected,
            actual: pixels.len(),
        });
    }
    encode_array(&[height.into(), width.into(), 3], pixels, out);
    Ok(())
}

fn encode_array(shape: &[u64], data: &[u8], out: &mut Vec<u8>) {
    // Most bytes are written as one byte; leave some room for escapes.
    out.reserve(HEAD.len() + DTYPE.len() + 64 + data.len() + data.len() / 32);
    out.extend_from_slice(HEAD);
    for dim in shape {
        out.extend_from_slice(format!("I{dim}\n").as_bytes());
    }
    out.extend_from_slice(DTYPE);
    if data == b"b" {
        // CPython keeps one shared object per one-byte `bytes`, and the
        // pickler has already seen b'b' (the typecode, memo slot 7): it
        // writes a reference to it instead of the data.
        out.extend_from_slice(b"g7\ntp17\nb.");
        return;
    }
    // _codecs.encode('<data as latin-1 text>', 'latin1'), reusing the
    // function (slot 3) and the codec name (slot 5) already in the memo.
    out.extend_from_slice(b"g3\n(V");
    for &byte in data {
        match byte {
            b'\\' | b'\0' | b'\n' | b'\r' | 0x1a => {
                out.extend_from_slice(format!("\\u{byte:04x}").as_bytes())
            }
            _ => out.push(byte),
        }
    }
    out.extend_from_slice(b"\np17\ng5\ntp18\nRp19\ntp20\nb.");
}

#[cfg(test)]
mod tests {
    use super::super::{decode, LegacyImage};
    use super::*;

    #[test]
    fn matches_numpy_for_a_short_array() {
        // pickle.dumps(np.frombuffer(b"\xff\xd8\\\n\r\x1a\x00ab", np.uint8), 0)
        // with numpy 1.26.4 and Python 3.11.7.
        let expected: &[u8] = b"cnumpy.core.multiarray\n_reconstruct\np0\n(cnumpy\nndarray\np1\n\
(I0\ntp2\nc_codecs\nencode\np3\n(Vb\np4\nVlatin1\np5\ntp6\nRp7\ntp8\nRp9\n(I1\n(I9\ntp10\n\
cnumpy\ndtype\np11\n(Vu1\np12\nI00\nI01\ntp13\nRp14\n(I3\nV|\np15\nNNNI-1\nI-1\nI0\ntp16\n\
bI00\ng3\n(V\xff\xd8\\u005c\\u000a\\u000d\\u001a\\u0000ab\np17\ng5\ntp18\nRp19\ntp20\nb.";
        let mut out = Vec::new();
        encode_jpeg(b"\xff\xd8\\\n\r\x1a\x00ab", &mut out);
        assert_eq!(out, expected);
    }

    #[test]
    fn matches_numpy_for_the_single_byte_b() {
        // pickle.dumps(np.frombuffer(b"b", np.uint8), 0), numpy 1.26.4.
        let mut out = Vec::new();
        encode_jpeg(b"b", &mut out);
        assert!(out.ends_with(b"(I1\n(I1\ntp10\ncnumpy\ndtype\np11\n(Vu1\np12\nI00\nI01\ntp13\nRp14\n(I3\nV|\np15\nNNNI-1\nI-1\nI0\ntp16\nbI00\ng7\ntp17\nb."));
        assert!(matches!(decode(&out), Ok(LegacyImage::Jpeg(b)) if b == "b"));
    }

    #[test]
    fn appends_to_what_is_already_there() {
        let mut out = b"prefix".to_vec();
        encode_jpeg(b"\xff\xd8", &mut out);
        assert!(out.starts_with(b"prefixcnumpy"));
        assert!(matches!(decode(&out[6..]), Ok(LegacyImage::Jpeg(b)) if b == b"\xff\xd8"[..]));
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        let mut out = Vec::new();
        encode_jpeg(&all, &mut out);
        assert!(matches!(decode(&out), Ok(LegacyImage::Jpeg(b)) if b == all));
    }

    #[test]
    fn bgr_round_trips_and_checks_its_length() {
        let pixels: Vec<u8> = (0..4 * 3 * 3).map(|i| (i * 37) as u8).collect();
        let mut out = Vec::new();
        encode_bgr(&pixels, 4, 3, &mut out).unwrap();
        match decode(&out).unwrap() {
            LegacyImage::Bgr {
                width: 4,
                height: 3,
                pixels: p,
            } => assert_eq!(p, pixels),
            other => panic!("{other:?}"),
        }
        let err = encode_bgr(&pixels, 4, 4, &mut out).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an array of shape (4, 4, 3) needs 48 bytes of data, the pickle holds 36"
        );
    }

    #[test]
    fn an_empty_input_is_written_but_refused_when_read() {
        let mut out = Vec::new();
        encode_jpeg(b"", &mut out);
        assert!(matches!(decode(&out), Err(PickleError::EmptyArray(s)) if s == "(0,)"));
    }
}
