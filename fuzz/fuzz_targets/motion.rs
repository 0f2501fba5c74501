//! Motion analysis on the frames a camera sends
//! (`MotionDetector::update_frame`): raw RGB, BGR or grey pictures of any
//! size, or JPEG files, with any detector settings a user may give.
//!
//! Input layout: 8 bytes of settings and frame shape, then the payload.
//! The payload becomes a frame (raw: `width` from the settings, as many
//! whole rows as fit; JPEG: as it is), fed three times, the second time
//! with its bytes inverted (a big change) so the comparison, despeckle and
//! event paths run, the third time cut to another size (a restart).
//! Checks: no panic, scores between 0 and 1, and only a JPEG can be an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::motion::{Mask, MotionConfig, MotionDetector};
use vigie_core::{Frame, FrameHeader, PixelFormat};

fn frame(format: PixelFormat, width: u32, payload: &[u8]) -> Option<Frame> {
    let (width, height, payload) = match format.bytes_per_pixel() {
        Some(bpp) => {
            let row = width as usize * bpp;
            let rows = payload.len() / row;
            (width, rows as u32, &payload[..rows * row])
        }
        // A JPEG's header size is what the camera claims; the detector
        // decodes the file and uses the size it finds.
        None => (width, width, payload),
    };
    let header = FrameHeader {
        camera: "fuzz".into(),
        sequence: 0,
        captured_at_us: 0,
        width,
        height,
        format,
    };
    Frame::new(header, payload.to_vec()).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((settings, payload)) = data.split_first_chunk::<8>() else {
        return;
    };
    let [format, w_hi, w_lo, work, threshold, learn, area, mask] = *settings;
    let format = match format % 4 {
        0 => PixelFormat::Rgb8,
        1 => PixelFormat::Bgr8,
        2 => PixelFormat::Gray8,
        _ => PixelFormat::Jpeg,
    };
    let width = u32::from(u16::from_be_bytes([w_hi, w_lo]) % 2048) + 1;
    let fraction = |b: u8| f32::from(b) / 255.0;
    let masks = match mask % 3 {
        0 => vec![],
        1 => vec![Mask::Rect {
            x: fraction(mask),
            y: fraction(learn),
            w: fraction(area),
            h: fraction(threshold),
        }],
        _ => vec![Mask::Polygon(vec![
            (0.0, 0.0),
            (fraction(mask), fraction(area)),
            (fraction(learn), 1.0),
        ])],
    };
    let config = MotionConfig {
        work_width: u32::from(work),
        threshold,
        learn_rate: fraction(learn),
        min_area: fraction(area) / 4.0,
        start_frames: u32::from(mask % 4),
        end_frames: u32::from(mask % 5),
        masks,
    };
    let mut detector = MotionDetector::new(config);
    let inverted: Vec<u8> = match format {
        // Keep the JPEG markers, change the entropy-coded data.
        PixelFormat::Jpeg => payload
            .iter()
            .enumerate()
            .map(|(i, &b)| if i > 600 && b != 0xFF { b ^ 0x55 } else { b })
            .collect(),
        _ => payload.iter().map(|b| !b).collect(),
    };
    let shorter = &payload[..payload.len() * 2 / 3];
    for bytes in [payload, &inverted[..], shorter] {
        let Some(frame) = frame(format, width, bytes) else {
            continue;
        };
        match detector.update_frame(&frame) {
            Ok(update) => assert!((0.0..=1.0).contains(&update.score), "{update:?}"),
            Err(e) => assert_eq!(format, PixelFormat::Jpeg, "{e}"),
        }
    }
});
