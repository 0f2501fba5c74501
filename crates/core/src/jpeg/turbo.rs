//! libjpeg-turbo through the `turbojpeg` crate (cargo feature `turbojpeg`).
//!
//! `turbojpeg` 0.5 is used, not 1.x, on purpose: 1.x binds the TurboJPEG 3
//! API (`tj3…`), while Debian 12 ships libjpeg-turbo 2.1. With 0.5 the build
//! links the system library through pkg-config and compiles no C at all.
//!
//! The output buffer is the subtle part. libjpeg-turbo writes into memory
//! it may `realloc`, or into a caller's slice that must be large enough for
//! the worst case (`tjBufSize`, about 1.2 MB for 640×480). Zeroing a slice
//! that large for every frame would cost a tenth of the encode, so the
//! encoder keeps one, zeroed once, and copies the few tens of kilobytes
//! of the actual file out of it.

use turbojpeg::{Compressor, Image, PixelFormat as TjFormat, Subsamp};

use crate::frame::PixelFormat;
use crate::{Error, Result};

pub(super) struct TurboEncoder {
    compressor: Compressor,
    /// Scratch output, at least `tjBufSize` of the last picture.
    scratch: Vec<u8>,
}

fn turbo_error(e: turbojpeg::Error) -> Error {
    Error::JpegEncode(format!("libjpeg-turbo: {e}"))
}

impl TurboEncoder {
    pub(super) fn new() -> Result<TurboEncoder> {
        Ok(TurboEncoder {
            compressor: Compressor::new().map_err(turbo_error)?,
            scratch: Vec::new(),
        })
    }

    /// Encodes pixels already checked by the caller (format, length, sides).
    pub(super) fn encode_into(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
        quality: u8,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let (tj_format, subsamp) = match format {
            PixelFormat::Rgb8 => (TjFormat::RGB, Subsamp::Sub2x2),
            PixelFormat::Bgr8 => (TjFormat::BGR, Subsamp::Sub2x2),
            PixelFormat::Gray8 => (TjFormat::GRAY, Subsamp::Gray),
            PixelFormat::Jpeg => unreachable!("refused by the caller"),
        };
        let (width, height) = (width as usize, height as usize);
        self.compressor.set_quality(i32::from(quality));
        self.compressor.set_subsamp(subsamp);
        let bound = self
            .compressor
            .buf_len(width, height)
            .map_err(turbo_error)?;
        if self.scratch.len() < bound {
            self.scratch.resize(bound, 0);
        }
        let image = Image {
            pixels,
            width,
            pitch: width * tj_format.size(),
            height,
            format: tj_format,
        };
        let len = self
            .compressor
            .compress_to_slice(image, &mut self.scratch)
            .map_err(turbo_error)?;
        out.extend_from_slice(&self.scratch[..len]);
        Ok(())
    }
}
