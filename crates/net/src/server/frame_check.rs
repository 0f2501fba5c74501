//! The size of a picture, as the picture says, not as the frame header says.
//!
//! A native frame's header carries a width and a height, and for a raw
//! frame [`Frame::new`] already checks that the payload has exactly that
//! many pixels. A JPEG payload is only checked for its first two bytes: a
//! camera can announce 16×12 and send an 8,192×8,192 JPEG. The page and the
//! API would then show the header's lie, and a decoder down the line would
//! meet a picture 350,000 times larger than announced.
//!
//! So the server reads the JPEG's own size from its SOF ("start of frame")
//! marker, which sits in the first few hundred bytes: a walk over the
//! marker segments, no decoding. A frame whose JPEG says another size is
//! published with the JPEG's size; a picture above
//! [`ServerConfig::max_pixels`](super::ServerConfig::max_pixels) is refused
//! and its camera dropped.

use vigie_core::{Frame, PixelFormat};

use crate::Error;

/// The width and height in a JPEG's first SOF marker, or `None` when the
/// bytes do not reach one (truncated, or not a JPEG). Each step moves
/// forward by at least two bytes, so the walk ends within the payload.
pub(crate) fn jpeg_size(jpeg: &[u8]) -> Option<(u32, u32)> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let byte = |i: usize| jpeg.get(i).copied();
    let mut i = 2;
    loop {
        if byte(i)? != 0xFF {
            return None;
        }
        // Any number of 0xFF may pad before a marker.
        while byte(i + 1)? == 0xFF {
            i += 1;
        }
        let marker = byte(i + 1)?;
        i += 2;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => continue,
            // The picture data, or its end, before any SOF: no size.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([byte(i)?, byte(i + 1)?]));
        if len < 2 {
            return None;
        }
        // SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            // Length (2), precision (1), height (2), width (2).
            let height = u16::from_be_bytes([byte(i + 3)?, byte(i + 4)?]);
            let width = u16::from_be_bytes([byte(i + 5)?, byte(i + 6)?]);
            return Some((u32::from(width), u32::from(height)));
        }
        i += len;
    }
}

/// What [`real_size`] found.
pub(super) struct Checked {
    pub frame: Frame,
    /// The header's size, when the JPEG said another one.
    pub header_said: Option<(u32, u32)>,
}

/// The frame with the size its picture really has, or an error when that
/// size is above `max_pixels`.
pub(super) fn real_size(frame: Frame, max_pixels: u64) -> Result<Checked, Error> {
    let declared = (frame.width(), frame.height());
    let real = match frame.format() {
        // A height of 0 means "given later" (a DNL marker): keep the header's.
        PixelFormat::Jpeg => jpeg_size(frame.payload()).filter(|&(w, h)| w > 0 && h > 0),
        _ => None,
    }
    .unwrap_or(declared);
    let pixels = u64::from(real.0) * u64::from(real.1);
    if pixels > max_pixels {
        return Err(Error::PictureTooLarge {
            width: real.0,
            height: real.1,
            max_pixels,
        });
    }
    if real == declared {
        return Ok(Checked {
            frame,
            header_said: None,
        });
    }
    let (mut header, payload) = frame.into_parts();
    (header.width, header.height) = real;
    Ok(Checked {
        frame: Frame::new(header, payload)?,
        header_said: Some(declared),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::FrameHeader;

    /// A real JPEG, with the size in its SOF marker rewritten.
    pub(crate) fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
        let mut jpeg =
            vigie_core::jpeg::encode(&[128; 16 * 12], 16, 12, PixelFormat::Gray8, 80).unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        jpeg
    }

    fn frame(width: u32, height: u32, payload: Vec<u8>) -> Frame {
        let header = FrameHeader {
            camera: "cam".into(),
            sequence: 0,
            captured_at_us: 0,
            width,
            height,
            format: PixelFormat::Jpeg,
        };
        Frame::new(header, payload).unwrap()
    }

    #[test]
    fn the_sof_marker_gives_the_size() {
        assert_eq!(jpeg_size(&jpeg_claiming(16, 12)), Some((16, 12)));
        assert_eq!(jpeg_size(&jpeg_claiming(8192, 8192)), Some((8192, 8192)));
        // Truncated, junk, or no SOF before the data: no size, no panic.
        let jpeg = jpeg_claiming(16, 12);
        let sof_end = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap() + 9;
        for n in 0..sof_end {
            assert_eq!(jpeg_size(&jpeg[..n]), None, "{n} bytes");
        }
        assert_eq!(jpeg_size(&jpeg[..sof_end]), Some((16, 12)));
        assert_eq!(jpeg_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None);
        assert_eq!(jpeg_size(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), None);
    }

    #[test]
    fn a_lying_header_is_corrected() {
        let checked = real_size(frame(16, 12, jpeg_claiming(8192, 8192)), 8192 * 8192).unwrap();
        assert_eq!(
            (checked.frame.width(), checked.frame.height()),
            (8192, 8192)
        );
        assert_eq!(checked.header_said, Some((16, 12)));
        let honest = real_size(frame(16, 12, jpeg_claiming(16, 12)), 8192 * 8192).unwrap();
        assert_eq!(honest.header_said, None);
    }

    #[test]
    fn a_picture_above_the_cap_is_refused() {
        let err = real_size(frame(16, 12, jpeg_claiming(9000, 9000)), 8192 * 8192)
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "a 9000×9000 picture is above the server's limit of 67108864 pixels"
        );
    }
}
