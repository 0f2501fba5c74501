//! PNG files of pictures: for snapshot tests ("compare the frames") and for
//! the viewer's screenshot key. PNG is lossless, so two PNGs of the same
//! pixels are the same bytes.

use crate::{Error, Result};

/// Encodes `width × height` pixels of `channels` bytes (1 gray, 3 RGB,
/// 4 RGBA) as a PNG file.
pub fn encode(pixels: &[u8], width: u32, height: u32, channels: usize) -> Result<Vec<u8>> {
    let color = match channels {
        1 => ::png::ColorType::Grayscale,
        3 => ::png::ColorType::Rgb,
        4 => ::png::ColorType::Rgba,
        n => {
            return Err(Error::Png(format!(
                "{n} channels per pixel is not supported"
            )))
        }
    };
    if pixels.len() != width as usize * height as usize * channels {
        return Err(Error::Png(format!(
            "{} bytes do not make a {width}×{height} picture of {channels} channels",
            pixels.len()
        )));
    }
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| Error::Png(e.to_string()))?;
    writer
        .write_image_data(pixels)
        .map_err(|e| Error::Png(e.to_string()))?;
    writer.finish().map_err(|e| Error::Png(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_a_png_signature_and_checks_sizes() {
        let png = super::encode(&[0; 12], 2, 2, 3).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(super::encode(&[0; 11], 2, 2, 3).is_err());
        assert!(super::encode(&[0; 8], 2, 2, 2).is_err());
    }
}
