//! The decoder on hostile input: random bytes, truncated files, corrupted
//! bytes, and headers that lie about the size. Every one must give an error
//! or a picture of the size its header declares, never a panic, and nothing
//! is allocated for a header past the limits. (Longer runs belong to the
//! fuzz target; this is the part that runs with every `cargo test`.)

use proptest::prelude::*;

use super::*;
use crate::Error;

fn picture(width: u32, height: u32) -> Vec<u8> {
    (0..width * height)
        .flat_map(|i| {
            let (x, y) = (i % width, i / width);
            [(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8]
        })
        .collect()
}

fn small_jpeg() -> Vec<u8> {
    encode(&picture(48, 32), 48, 32, PixelFormat::Rgb8, 90).unwrap()
}

/// Decodes `bytes` every way vigie does; whatever comes out must be
/// consistent with the header.
fn decode_every_way(bytes: &[u8]) {
    if let Ok(image) = decode_rgb(bytes) {
        assert_eq!(
            image.pixels.len(),
            (image.width * image.height * 3) as usize
        );
        assert!(image.width as usize <= MAX_DECODE_SIDE);
        assert!(image.height as usize <= MAX_DECODE_SIDE);
    }
    let _ = dimensions(bytes);
    let _ = decode_rgb_at_least(bytes, 10, 10);
    let mut grey = Vec::new();
    if let Ok((w, h)) = decode_luma_near_width(bytes, 16, &mut grey) {
        assert_eq!(grey.len(), (w * h) as usize);
    }
}

/// A valid file with its SOF claiming `width × height`.
fn claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = small_jpeg();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn headers_past_the_limits_are_refused_before_allocating() {
    for (w, h) in [
        (60000, 60000),
        (8193, 16),
        (16, 8193),
        (8193, 8193),
        (0, 16),
    ] {
        let jpeg = claiming(w, h);
        assert!(dimensions(&jpeg).is_err(), "{w}×{h}");
        let mut pixels = Vec::new();
        let err = decode_rgb_into(&jpeg, &mut pixels).unwrap_err();
        assert!(
            matches!(err, Error::JpegDecode(_) | Error::InvalidSize { .. }),
            "{w}×{h}: {err}"
        );
        assert!(pixels.is_empty(), "{w}×{h}: allocated before refusing");
        assert!(decode_luma_into(&jpeg, Scale::Eighth, &mut pixels).is_err());
        assert!(pixels.is_empty());
    }
    // The largest picture allowed is 8192×8192, as before this decoder:
    // its header is read (`vigie`'s hostile_cameras test decodes one).
    assert_eq!(dimensions(&claiming(8192, 8192)).unwrap(), (8192, 8192));
}

#[test]
fn a_header_that_claims_more_pixels_than_the_data_holds_is_an_error() {
    // 4000×3000 is within the limits, but the data codes 48×32: the decoder
    // runs out of entropy-coded data, which strict decoding refuses.
    assert!(decode_rgb(&claiming(4000, 3000)).is_err());
}

#[test]
fn every_truncation_of_a_file_is_an_error_or_the_whole_picture() {
    let jpeg = small_jpeg();
    let whole = decode_rgb(&jpeg).unwrap();
    for cut in 0..jpeg.len() {
        if let Ok(image) = decode_rgb(&jpeg[..cut]) {
            // Only the final EOI marker may go: every pixel is then there.
            assert!(
                cut >= jpeg.len() - 2,
                "cut at {cut} of {} decoded",
                jpeg.len()
            );
            assert_eq!(image, whole);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        decode_every_way(&bytes);
        let mut with_soi = vec![0xFF, 0xD8];
        with_soi.extend_from_slice(&bytes);
        decode_every_way(&with_soi);
    }

    #[test]
    fn corrupted_files_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
    ) {
        let mut jpeg = small_jpeg();
        for (at, value) in flips {
            let i = at.index(jpeg.len());
            jpeg[i] = value;
        }
        decode_every_way(&jpeg);
    }

    #[test]
    fn corrupted_progressive_files_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/jpeg/progressive-420.jpg");
        let mut jpeg = std::fs::read(path).unwrap();
        for (at, value) in flips {
            let i = at.index(jpeg.len());
            jpeg[i] = value;
        }
        decode_every_way(&jpeg);
    }
}
