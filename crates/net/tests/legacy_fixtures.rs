//! The legacy decoder against real pickles made by numpy 1.x and 2.x.
//!
//! `fixtures/legacy/` holds what `pickle.dumps` wrote for a JPEG (the
//! report's frames) and for raw BGR pictures, with every protocol, plus
//! hostile pickles. `fixtures/legacy/generate.py` made them; the README next
//! to it records the versions. Every file there must be classified below: a
//! new fixture without an expectation fails the test.

use std::fs;
use std::path::PathBuf;

use bytes::Bytes;
use vigie_net::legacy::{decode, decode_bytes, encode_bgr, encode_jpeg, LegacyImage, PickleError};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/legacy")
}

/// Every `.pkl` file, by name, sorted.
fn pickles() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(fixtures_dir())
        .expect("fixtures/legacy exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|e| e == "pkl"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).expect("readable fixture"))
        })
        .collect();
    files.sort();
    files
}

fn sample_jpeg() -> Vec<u8> {
    fs::read(fixtures_dir().join("sample.jpg")).expect("fixtures/legacy/sample.jpg")
}

/// generate.py's raw pictures: byte i is i % 256.
fn pattern(width: u32, height: u32) -> Vec<u8> {
    (0..width * height * 3).map(|i| i as u8).collect()
}

/// generate.py's strided picture: every other column of a 32-wide pattern.
fn strided_pattern() -> Vec<u8> {
    let mut out = Vec::new();
    for y in 0..16u32 {
        for x in 0..16u32 {
            for c in 0..3u32 {
                out.push(((y * 32 + 2 * x) * 3 + c) as u8);
            }
        }
    }
    out
}

fn expect_bgr(name: &str, image: &LegacyImage, width: u32, height: u32, pixels: &[u8]) {
    match image {
        LegacyImage::Bgr {
            width: w,
            height: h,
            pixels: p,
        } => {
            assert_eq!((*w, *h), (width, height), "{name}");
            assert!(p == pixels, "{name}: pixels differ");
        }
        other => panic!("{name}: expected a BGR picture, got {other:?}"),
    }
}

#[test]
fn numpy_pickles_decode_to_the_pictures_they_hold() {
    let jpeg = sample_jpeg();
    let mut seen = Vec::new();
    for (name, data) in pickles().into_iter().filter(|(n, _)| n.starts_with("np")) {
        let image = decode(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        let shared = decode_bytes(&Bytes::from(data)).unwrap();
        assert_eq!(image, shared, "{name}: decode and decode_bytes disagree");

        if name.ends_with("-jpeg.pkl") || name.ends_with("-jpeg-readonly.pkl") {
            assert_eq!(
                image,
                LegacyImage::Jpeg(Bytes::from(jpeg.clone())),
                "{name}"
            );
        } else if name.ends_with("-bgr.pkl") {
            expect_bgr(&name, &image, 16, 16, &pattern(16, 16));
        } else if name.ends_with("-bgr-strided.pkl") {
            expect_bgr(&name, &image, 16, 16, &strided_pattern());
        } else if name.ends_with("-bgr-large.pkl") {
            expect_bgr(&name, &image, 160, 140, &pattern(160, 140));
        } else {
            panic!("{name}: no expectation for this fixture");
        }
        seen.push(name);
    }
    // Both numpy generations, all six protocols, both kinds of picture.
    for major in ["np1.", "np2."] {
        for protocol in 0..=5 {
            for kind in ["jpeg", "bgr"] {
                let suffix = format!("-p{protocol}-{kind}.pkl");
                assert!(
                    seen.iter()
                        .any(|n| n.starts_with(major) && n.ends_with(&suffix)),
                    "missing fixture {major}*{suffix}"
                );
            }
        }
    }
}

#[test]
fn hostile_pickles_are_refused_with_named_errors() {
    let mut count = 0;
    for (name, data) in pickles()
        .into_iter()
        .filter(|(n, _)| n.starts_with("evil-"))
    {
        let err = decode(&data).expect_err(&name);
        let ok = match &err {
            PickleError::ForbiddenGlobal(global) if name == "evil-os-system.pkl" => {
                global == "os.system"
            }
            PickleError::ForbiddenGlobal(global) if name == "evil-posix-system-p4.pkl" => {
                global == "posix.system"
            }
            PickleError::WrongDtype(dtype) if name.ends_with("-float64.pkl") => dtype == "<f8",
            PickleError::WrongShape(shape) if name.ends_with("-gray-2d.pkl") => shape == "(3, 4)",
            PickleError::FortranOrder => name.ends_with("-fortran.pkl"),
            PickleError::UnsupportedOpcode { opcode: 0x97, .. } => {
                name.ends_with("-out-of-band.pkl")
            }
            PickleError::Truncated { .. } | PickleError::LengthPastEnd { .. } => {
                name.ends_with("-truncated.pkl")
            }
            PickleError::TrailingData(5) => name.ends_with("-trailing.pkl"),
            _ => false,
        };
        assert!(ok, "{name}: unexpected error: {err}");
        count += 1;
    }
    assert!(count >= 14, "only {count} hostile fixtures found");
    // The message names the global, for the server's log.
    let evil = fs::read(fixtures_dir().join("evil-os-system.pkl")).unwrap();
    assert!(decode(&evil).unwrap_err().to_string().contains("os.system"));
}

/// The numpy 1.x fixture made by `pickle.dumps(array, 0)`, the report's format.
fn numpy1_protocol0(kind: &str) -> Vec<u8> {
    let suffix = format!("-p0-{kind}.pkl");
    pickles()
        .into_iter()
        .find(|(n, _)| n.starts_with("np1.") && n.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no numpy 1.x protocol 0 {kind} fixture"))
        .1
}

#[test]
fn encode_writes_what_numpy_1_writes() {
    // Byte for byte: same opcodes, same memo numbering, same escapes.
    let mut out = Vec::new();
    encode_jpeg(&sample_jpeg(), &mut out);
    assert!(
        out == numpy1_protocol0("jpeg"),
        "encode_jpeg differs from numpy 1.x"
    );

    let mut out = Vec::new();
    encode_bgr(&pattern(16, 16), 16, 16, &mut out).unwrap();
    assert!(
        out == numpy1_protocol0("bgr"),
        "encode_bgr differs from numpy 1.x"
    );
}

/// With `VIGIE_LEGACY_OUT=<dir>`, writes what vigie encodes into `<dir>`, so
/// that `fixtures/legacy/check_encoded.py` can load it with the real
/// `pickle.loads` (see fixtures/legacy/README.md). Without it, does nothing.
#[test]
fn write_encoded_pickles_for_python_when_asked() {
    let Some(dir) = std::env::var_os("VIGIE_LEGACY_OUT") else {
        return;
    };
    let dir = PathBuf::from(dir);
    fs::create_dir_all(&dir).unwrap();
    let every_byte: Vec<u8> = (0..=255).collect();
    for (name, data) in [
        ("vigie-jpeg.pkl", sample_jpeg()),
        ("vigie-every-byte.pkl", every_byte),
        ("vigie-b.pkl", b"b".to_vec()),
    ] {
        let mut out = Vec::new();
        encode_jpeg(&data, &mut out);
        fs::write(dir.join(name), out).unwrap();
    }
    let mut out = Vec::new();
    encode_bgr(&pattern(16, 16), 16, 16, &mut out).unwrap();
    fs::write(dir.join("vigie-bgr.pkl"), out).unwrap();
}
