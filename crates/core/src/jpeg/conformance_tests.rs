//! Every kind of JPEG vigie must read, from `fixtures/jpeg/` (made by
//! ffmpeg and libjpeg-turbo's cjpeg, see `fixtures/jpeg/make.sh`): decoded
//! by vigie's decoder and by `zune-jpeg`, the decoder vigie used before, and
//! compared. Two correct decoders differ by rounding in the inverse DCT and
//! in chroma upsampling, so the comparison allows a few levels on average
//! and a few tens on the worst pixel (a sharp colour edge, upsampled two
//! ways); a wrong table or a lost restart interval differs by far more.

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::*;

/// The corpus, with what each file tests.
const CORPUS: [(&str, &str); 12] = [
    (
        "baseline-420.jpg",
        "4:2:0, as cv2.imencode and most cameras",
    ),
    ("baseline-422.jpg", "4:2:2, as many webcams' MJPEG"),
    ("baseline-444.jpg", "no subsampling"),
    ("odd-size-420.jpg", "202×250: partial MCUs on both edges"),
    (
        "progressive-420.jpg",
        "progressive, as browsers and phones save",
    ),
    ("restart-every-row.jpg", "a restart marker every MCU row"),
    ("restart-every-3-mcus.jpg", "a restart marker every 3 MCUs"),
    ("greyscale.jpg", "one component"),
    ("greyscale-progressive.jpg", "one component, progressive"),
    ("optimized-huffman.jpg", "optimised Huffman tables"),
    (
        "webcam-avi1-no-dht.jpg",
        "webcam MJPEG: AVI1, no DHT segment",
    ),
    ("../legacy/sample.jpg", "the report's own picture"),
];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/jpeg/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn zune_rgb(jpeg: &[u8]) -> (usize, usize, Vec<u8>) {
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut d = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    let pixels = d.decode().expect("zune-jpeg reads the fixture");
    let info = d.info().unwrap();
    (usize::from(info.width), usize::from(info.height), pixels)
}

/// (mean, worst) absolute difference per channel.
fn difference(a: &[u8], b: &[u8]) -> (f64, u8) {
    let worst = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap();
    let sum: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    (sum as f64 / a.len() as f64, worst)
}

#[test]
fn every_fixture_decodes_like_zune_jpeg() {
    for (name, what) in CORPUS {
        let jpeg = fixture(name);
        let ours = decode_rgb(&jpeg).unwrap_or_else(|e| panic!("{name} ({what}): {e}"));
        let (w, h, theirs) = zune_rgb(&jpeg);
        assert_eq!(
            (ours.width as usize, ours.height as usize),
            (w, h),
            "{name}"
        );
        assert_eq!(dimensions(&jpeg).unwrap(), (ours.width, ours.height));
        let (mean, worst) = difference(&ours.pixels, &theirs);
        assert!(
            mean < 2.0 && worst < 64,
            "{name} ({what}): mean difference {mean:.2}, worst {worst}"
        );
    }
}

#[test]
fn every_fixture_decodes_at_every_scale_and_to_grey() {
    for (name, what) in CORPUS {
        let jpeg = fixture(name);
        let full = decode_rgb(&jpeg).unwrap();
        for scale in Scale::ALL {
            let small = decode_rgb_scaled(&jpeg, scale)
                .unwrap_or_else(|e| panic!("{name} ({what}) at {scale:?}: {e}"));
            assert_eq!(
                (small.width, small.height),
                scale.apply(full.width, full.height),
                "{name} at {scale:?}"
            );
            assert_eq!(
                small.pixels.len(),
                (small.width * small.height * 3) as usize
            );
            // The scaled picture is the full one's block averages, nearly:
            // the means agree, within more at smaller scales, where the
            // partial blocks of the right and bottom edges (averaged over the
            // pixels they do not have) weigh more. A wrong table or a lost
            // restart interval shifts the mean by tens of levels.
            let mean = |p: &[u8]| p.iter().map(|&v| f64::from(v)).sum::<f64>() / p.len() as f64;
            let drift = (mean(&small.pixels) - mean(&full.pixels)).abs();
            let allowed = 2.0 * f64::from(scale.denominator());
            assert!(
                drift < allowed,
                "{name} at {scale:?}: mean drifts {drift:.2}"
            );
            let mut grey = Vec::new();
            let (gw, gh) = decode_luma_into(&jpeg, scale, &mut grey).unwrap();
            assert_eq!((gw, gh), (small.width, small.height), "{name} grey");
            assert_eq!(grey.len(), (gw * gh) as usize);
        }
    }
}

#[test]
fn the_dht_less_webcam_frame_matches_the_same_frame_with_its_tables() {
    // The AVI1 fixture is baseline-422's kind of file with its Huffman tables
    // removed; decoded with the standard tables, it must look like the
    // source picture, which baseline-444 also codes.
    let webcam = decode_rgb(&fixture("webcam-avi1-no-dht.jpg")).unwrap();
    let reference = decode_rgb(&fixture("baseline-444.jpg")).unwrap();
    let (mean, _) = difference(&webcam.pixels, &reference.pixels);
    assert!(mean < 4.0, "mean difference {mean:.2}");
}
