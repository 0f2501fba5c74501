//! The small decoder against the general one, on every kind of JPEG vigie
//! reads, and on hostile bytes.

use super::decode_near_width;
use crate::jpeg::{decode_luma_into, encode, Scale};
use crate::PixelFormat;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/jpeg/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A grey picture: width, height, pixels.
type Grey = (u32, u32, Vec<u8>);

/// Its picture at the scale nearest `target`, and the general decoder's.
fn both(jpeg: &[u8], target: u32) -> (Option<Grey>, Grey) {
    let mut ours = Vec::new();
    let small = decode_near_width(jpeg, target, &mut ours)
        .expect("a valid file")
        .map(|(w, h)| (w, h, ours));
    let (width, _) = crate::jpeg::dimensions(jpeg).unwrap();
    let mut theirs = Vec::new();
    let (w, h) = decode_luma_into(jpeg, Scale::nearest(width, target), &mut theirs).unwrap();
    (small, (w, h, theirs))
}

fn assert_close(name: &str, ours: &Grey, theirs: &Grey) {
    assert_eq!((ours.0, ours.1), (theirs.0, theirs.1), "{name}: size");
    let worst = ours
        .2
        .iter()
        .zip(&theirs.2)
        .map(|(a, b)| a.abs_diff(*b))
        .max();
    let total: u64 = ours
        .2
        .iter()
        .zip(&theirs.2)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = total as f64 / ours.2.len() as f64;
    // The same averages, rounded at another step: a level here and there;
    // a lost block or a wrong table is tens of levels off.
    assert!(
        mean < 0.6 && worst <= Some(4),
        "{name}: mean {mean:.2}, worst {worst:?}"
    );
}

#[test]
fn reads_the_sequential_fixtures_as_the_general_decoder_does() {
    for name in [
        "baseline-420.jpg",
        "baseline-422.jpg",
        "baseline-444.jpg",
        "odd-size-420.jpg",
        "restart-every-row.jpg",
        "restart-every-3-mcus.jpg",
        "greyscale.jpg",
        "optimized-huffman.jpg",
        "webcam-avi1-no-dht.jpg",
        "../legacy/sample.jpg",
    ] {
        let jpeg = fixture(name);
        let (width, _) = crate::jpeg::dimensions(&jpeg).unwrap();
        for target in [width / 4, width / 8] {
            let (ours, theirs) = both(&jpeg, target);
            let ours = ours.unwrap_or_else(|| panic!("{name}: declined"));
            assert_close(name, &ours, &theirs);
        }
    }
}

#[test]
fn leaves_progressive_files_and_other_scales_to_the_general_decoder() {
    let mut pixels = Vec::new();
    for name in ["progressive-420.jpg", "greyscale-progressive.jpg"] {
        let jpeg = fixture(name);
        assert_eq!(
            decode_near_width(&jpeg, 40, &mut pixels).unwrap(),
            None,
            "{name}"
        );
    }
    let jpeg = fixture("baseline-420.jpg");
    let (width, _) = crate::jpeg::dimensions(&jpeg).unwrap();
    assert_eq!(
        decode_near_width(&jpeg, width, &mut pixels).unwrap(),
        None,
        "full size"
    );
    assert_eq!(
        decode_near_width(&jpeg, width / 2, &mut pixels).unwrap(),
        None,
        "half"
    );
}

/// A camera's frame, as motion detection receives it: vigie's own encoder
/// (4:2:0), the test pattern, 640×480 and 1280×720.
#[test]
fn reads_vigie_s_own_frames() {
    for (w, h) in [(640, 480), (1280, 720), (320, 240)] {
        let rgb: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (x, y) = (i % w, i / w);
                [
                    (x * 255 / w) as u8,
                    (y * 255 / h) as u8,
                    ((x ^ y) & 0xFF) as u8,
                ]
            })
            .collect();
        let jpeg = encode(&rgb, w, h, PixelFormat::Rgb8, 90).unwrap();
        let (ours, theirs) = both(&jpeg, 160);
        match ours {
            Some(ours) => assert_close(&format!("{w}×{h}"), &ours, &theirs),
            None => assert_eq!(w, 320, "only 320 wide needs the half scale"),
        }
    }
}

#[test]
fn a_truncated_file_is_an_error_at_every_cut() {
    let jpeg = fixture("baseline-420.jpg");
    let mut pixels = Vec::new();
    let (width, _) = crate::jpeg::dimensions(&jpeg).unwrap();
    let header_end = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap() + 14;
    for cut in (2..jpeg.len() - 200).step_by(97) {
        let result = decode_near_width(&jpeg[..cut], width / 4, &mut pixels);
        assert!(
            result.is_err(),
            "cut at {cut} (scan from {header_end}): {result:?}"
        );
    }
}

#[test]
fn hostile_bytes_are_errors_not_panics() {
    let jpeg = fixture("restart-every-3-mcus.jpg");
    let (width, _) = crate::jpeg::dimensions(&jpeg).unwrap();
    let mut pixels = Vec::new();
    let scan = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    // Flip bytes all over the file, markers and data alike.
    let mut errors = 0;
    for at in (0..jpeg.len()).step_by(13) {
        for flip in [0x01u8, 0x80, 0xFF] {
            let mut bad = jpeg.clone();
            bad[at] ^= flip;
            if decode_near_width(&bad, width / 4, &mut pixels).is_err() {
                errors += 1;
            }
            assert!(pixels.len() <= (width as usize).div_ceil(4) * 4096);
        }
    }
    assert!(
        errors > 0,
        "some of the damage must be seen (scan at {scan})"
    );
    // A header claiming 60000×60000 is refused before any allocation.
    let mut huge = jpeg.clone();
    let sof = huge.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    huge[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    assert!(matches!(
        decode_near_width(&huge, 160, &mut pixels),
        Err(crate::Error::InvalidSize { .. })
    ));
    for junk in [
        &b""[..],
        b"\xFF\xD8",
        b"\xFF\xD8\xFF",
        b"not a jpeg",
        b"\xFF\xD8\xFF\xDA\x00",
    ] {
        assert!(
            decode_near_width(junk, 160, &mut pixels).is_err(),
            "{junk:?}"
        );
    }
}

/// Found by the `small_grey` fuzz target: a scan header whose length says
/// 289 bytes where its three components take 12. This decoder started the
/// data where the length said, the general one right after the fields, and
/// their pictures had nothing in common. libjpeg refuses such a header, and
/// so does this decoder now; the general one decides.
#[test]
fn a_scan_header_of_the_wrong_length_goes_to_the_general_decoder() {
    let file = &fixture("damaged-scan-header-length.jpg");
    let mut pixels = Vec::new();
    let refused = decode_near_width(file, 80, &mut pixels);
    assert!(refused.is_err(), "{refused:?}");
    let (mut entry, mut theirs) = (Vec::new(), Vec::new());
    let size = crate::jpeg::decode_luma_near_width(file, 80, &mut entry).unwrap();
    assert_eq!(
        decode_luma_into(file, Scale::Quarter, &mut theirs).unwrap(),
        size
    );
    assert_eq!(entry, theirs);
}

/// Found by the `small_grey` fuzz target: a mutated `odd-size-420.jpg`
/// whose damaged data holds huge coefficients. The general decoder reads
/// it (its fixed point wrapping around), and the small one then gave
/// another picture at a quarter. It now refuses the file (a block average
/// beyond 11 bits cannot come from an 8-bit picture), and motion's entry
/// point gives the general decoder's picture, at both scales.
#[test]
fn damaged_data_with_huge_coefficients_goes_to_the_general_decoder() {
    let file = &fixture("damaged-huge-coefficients.jpg");
    let (width, _) = crate::jpeg::dimensions(file).unwrap();
    for (target, scale) in [(width / 4, Scale::Quarter), (width / 8, Scale::Eighth)] {
        let mut ours = Vec::new();
        let refused = decode_near_width(file, target, &mut ours);
        assert!(refused.is_err(), "{scale:?}: {refused:?}");
        let (mut entry, mut theirs) = (Vec::new(), Vec::new());
        let size = crate::jpeg::decode_luma_near_width(file, target, &mut entry).unwrap();
        assert_eq!(decode_luma_into(file, scale, &mut theirs).unwrap(), size);
        assert_eq!(entry, theirs, "{scale:?}");
    }
}

/// Found by the `small_grey` fuzz target: a damaged greyscale file where one
/// pixel at an eighth came out 126 here and 127 there. The weights of the
/// frequencies that average to nothing over a block were 1e-8, not 0, and
/// times a large coefficient they tipped the rounding. At an eighth each
/// pixel is a DC term alone, so the two decoders agree to the level.
#[test]
fn at_an_eighth_both_decoders_give_the_same_picture() {
    for name in [
        "damaged-grey-eighth-rounding.jpg",
        "baseline-420.jpg",
        "greyscale.jpg",
    ] {
        let file = &fixture(name);
        let (width, _) = crate::jpeg::dimensions(file).unwrap();
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let size = decode_near_width(file, width / 8, &mut ours).unwrap();
        let general = decode_luma_into(file, Scale::Eighth, &mut theirs).unwrap();
        assert_eq!(size, Some(general), "{name}");
        assert!(ours == theirs, "{name}");
    }
}
