//! Tests of the whole decoder: one hand-made bad pickle per error, and
//! property tests that no input makes it panic.
//!
//! The real pickles made by numpy live in `fixtures/legacy/` and are tested
//! in `tests/legacy_fixtures.rs`; these are built by hand, shaped like
//! numpy's protocol 3 and protocol 5 streams, so each can change one thing.

use bytes::Bytes;

use super::*;

mod errors;
mod props;

/// What goes into a hand-made array pickle.
struct Spec {
    module: &'static str,
    shape: Vec<i32>,
    descr: &'static str,
    byteorder: &'static str,
    fortran: bool,
    data: Vec<u8>,
}

impl Spec {
    fn jpeg(data: &[u8]) -> Spec {
        Spec {
            module: "numpy.core",
            shape: vec![data.len() as i32],
            descr: "u1",
            byteorder: "|",
            fortran: false,
            data: data.to_vec(),
        }
    }

    fn bgr(width: i32, height: i32) -> Spec {
        let data = (0..width * height * 3).map(|i| i as u8).collect();
        Spec {
            shape: vec![height, width, 3],
            data,
            ..Spec::jpeg(b"")
        }
    }

    /// `(3, '|', None, None, None, -1, -1, 0)`, then BUILD.
    fn dtype_state(&self, p: &mut Vec<u8>) {
        p.extend(b"(K\x03");
        short_unicode(p, self.byteorder);
        p.extend(b"\x94NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00t\x94b");
    }

    fn dtype(&self, p: &mut Vec<u8>) {
        p.extend(b"cnumpy\ndtype\n\x94");
        short_unicode(p, self.descr);
        p.extend(b"\x94\x89\x88\x87\x94R\x94");
        self.dtype_state(p);
    }

    fn shape(&self, p: &mut Vec<u8>) {
        p.push(b'(');
        for d in &self.shape {
            p.push(b'J');
            p.extend(d.to_le_bytes());
        }
        p.extend(b"t\x94");
    }

    /// Like numpy's protocol 3: `_reconstruct`, then BUILD.
    fn p3(&self) -> Vec<u8> {
        let mut p = format!("\x03c{}.multiarray\n_reconstruct\n", self.module).into_bytes();
        p.insert(0, 0x80);
        p.extend(b"q\x00cnumpy\nndarray\nq\x01K\x00\x85q\x02C\x01bq\x03\x87q\x04Rq\x05(K\x01");
        self.shape(&mut p);
        self.dtype(&mut p);
        p.push(if self.fortran { 0x88 } else { 0x89 });
        p.push(b'B');
        p.extend((self.data.len() as u32).to_le_bytes());
        p.extend(&self.data);
        p.extend(b"q\rtq\x0eb.");
        p
    }

    /// Like numpy's protocol 5: `_frombuffer(bytearray, dtype, shape, order)`.
    fn p5(&self) -> Vec<u8> {
        let mut body = Vec::new();
        short_unicode(&mut body, &format!("{}.numeric", self.module));
        body.extend(b"\x94\x8c\x0b_frombuffer\x94\x93\x94(\x96");
        body.extend((self.data.len() as u64).to_le_bytes());
        body.extend(&self.data);
        body.extend(b"\x94");
        self.dtype(&mut body);
        self.shape(&mut body);
        short_unicode(&mut body, if self.fortran { "F" } else { "C" });
        body.extend(b"\x94t\x94R\x94.");
        let mut p = vec![0x80, 5, 0x95];
        p.extend((body.len() as u64).to_le_bytes());
        p.extend(body);
        p
    }
}

fn short_unicode(p: &mut Vec<u8>, text: &str) {
    p.push(0x8c);
    p.push(text.len() as u8);
    p.extend(text.as_bytes());
}

fn err(pickle: &[u8]) -> PickleError {
    decode(pickle).expect_err("the pickle should be refused")
}

#[test]
fn hand_made_pickles_decode_in_both_recipes_and_both_numpys() {
    for module in ["numpy.core", "numpy._core"] {
        let spec = Spec {
            module,
            ..Spec::jpeg(b"\xff\xd8\xff\xe0")
        };
        for pickle in [spec.p3(), spec.p5()] {
            let image = decode(&pickle).unwrap();
            assert_eq!(
                image,
                LegacyImage::Jpeg(Bytes::from_static(b"\xff\xd8\xff\xe0"))
            );
        }
        let spec = Spec {
            module,
            ..Spec::bgr(4, 2)
        };
        for pickle in [spec.p3(), spec.p5()] {
            let image = decode(&pickle).unwrap();
            assert_eq!(image.pixel_format(), vigie_core::PixelFormat::Bgr8);
            assert!(
                matches!(image, LegacyImage::Bgr { width: 4, height: 2, ref pixels } if pixels.len() == 24)
            );
        }
    }
}

#[test]
fn decode_bytes_shares_the_input() {
    let pickle = Bytes::from(Spec::jpeg(b"\xff\xd8 shared").p3());
    let image = decode_bytes(&pickle).unwrap();
    let range = pickle.as_ptr_range();
    assert!(range.contains(&image.data().as_ptr()));
    assert_eq!(image.into_data(), &b"\xff\xd8 shared"[..]);
}

/// A small helper for tests that tweak one opcode near the end of a pickle.
trait ReplaceLast {
    fn replace_last(self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceLast for Vec<u8> {
    fn replace_last(mut self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = self
            .windows(from.len())
            .rposition(|w| w == from)
            .expect("pattern present");
        self.splice(at..at + from.len(), to.iter().copied());
        self
    }
}

fn valid_pickles() -> Vec<Vec<u8>> {
    let mut p0 = Vec::new();
    encode_jpeg(b"\xff\xd8\\\n\r\x1a\0 all kinds", &mut p0);
    let spec = Spec::bgr(3, 2);
    vec![p0, spec.p3(), spec.p5()]
}
