//! Processing between the camera and the network, as the report's client
//! did before each send: shrink the picture, mirror it, compress it.
//!
//! [`Pipeline`] wraps any [`Camera`] and is itself a camera, so the sender
//! does not know (or care) whether frames were processed.

use vigie_core::frame::{Frame, FrameHeader, PixelFormat};
use vigie_core::jpeg;
use vigie_core::transform::{fit_width, mirror_in_place, Resizer};

use crate::{Camera, CameraError, CameraInfo};

/// A camera whose frames are resized, mirrored and JPEG-encoded on the way out.
pub struct Pipeline<C> {
    camera: C,
    resize_width: Option<u32>,
    mirror: bool,
    jpeg_quality: Option<u8>,
    resizer: Resizer,
}

impl<C: Camera> Pipeline<C> {
    /// A pipeline that passes frames through unchanged until configured.
    pub fn new(camera: C) -> Pipeline<C> {
        Pipeline {
            camera,
            resize_width: None,
            mirror: false,
            jpeg_quality: None,
            resizer: Resizer::new(),
        }
    }

    /// Shrinks (or enlarges) frames to `width`, keeping their aspect ratio.
    pub fn resize_to_width(mut self, width: u32) -> Pipeline<C> {
        self.resize_width = Some(width);
        self
    }

    /// Mirrors frames left to right.
    pub fn mirror(mut self, mirror: bool) -> Pipeline<C> {
        self.mirror = mirror;
        self
    }

    /// Encodes frames as JPEG at `quality` (1 to 100). Frames that are
    /// already JPEG and need no other change pass through untouched.
    pub fn jpeg(mut self, quality: u8) -> Result<Pipeline<C>, CameraError> {
        if !(1..=100).contains(&quality) {
            return Err(vigie_core::Error::InvalidQuality(quality).into());
        }
        self.jpeg_quality = Some(quality);
        Ok(self)
    }

    /// The wrapped camera.
    pub fn into_inner(self) -> C {
        self.camera
    }

    fn needs_pixels(&self, frame: &Frame) -> bool {
        self.mirror || self.resize_width.is_some_and(|w| w != frame.width())
    }

    fn process(&mut self, frame: Frame) -> Result<Frame, CameraError> {
        let mut frame = frame;
        if self.needs_pixels(&frame) && frame.format() == PixelFormat::Jpeg {
            // A JPEG source (webcam MJPEG) must be decoded to be resized or
            // mirrored; a plain JPEG pass-through never gets here.
            let rgb = jpeg::decode_rgb(frame.payload())?;
            let header = FrameHeader {
                width: rgb.width,
                height: rgb.height,
                format: PixelFormat::Rgb8,
                ..frame.header().clone()
            };
            frame = Frame::new(header, rgb.pixels)?;
        }
        if let Some(width) = self.resize_width.filter(|&w| w != frame.width()) {
            frame = self.resizer.resize_frame(&frame, width)?;
        }
        if self.mirror {
            let bpp = frame.format().bytes_per_pixel().unwrap_or(3);
            let (header, payload) = frame.into_parts();
            let mut pixels = payload.to_vec();
            mirror_in_place(&mut pixels, header.width, bpp);
            frame = Frame::new(header, pixels)?;
        }
        if let Some(quality) = self.jpeg_quality {
            frame = jpeg::encode_frame(&frame, quality)?;
        }
        Ok(frame)
    }
}

impl<C: Camera> Camera for Pipeline<C> {
    fn info(&self) -> CameraInfo {
        let mut info = self.camera.info();
        if let Some(width) = self.resize_width {
            (info.width, info.height) = fit_width(info.width, info.height, width);
        }
        if self.jpeg_quality.is_some() {
            info.format = PixelFormat::Jpeg;
        } else if info.format == PixelFormat::Jpeg && (self.mirror || self.resize_width.is_some()) {
            info.format = PixelFormat::Rgb8;
        }
        info
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let frame = self.camera.next_frame()?;
        self.process(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestPattern;
    use mockall::{mock, Sequence};

    mock! {
        Cam {}
        impl Camera for Cam {
            fn info(&self) -> CameraInfo;
            fn next_frame(&mut self) -> Result<Frame, CameraError>;
        }
    }

    fn pattern_frame(seq: u64) -> Frame {
        TestPattern::new("mock", 64, 48, 10.0)
            .unwrap()
            .render(seq, 1_000 + seq)
    }

    #[test]
    fn a_camera_failing_on_the_third_frame_is_reported_and_recovers() {
        let mut cam = MockCam::new();
        let mut order = Sequence::new();
        let mut seq = 0;
        cam.expect_next_frame()
            .times(2)
            .in_sequence(&mut order)
            .returning(move || {
                seq += 1;
                Ok(pattern_frame(seq))
            });
        cam.expect_next_frame()
            .times(1)
            .in_sequence(&mut order)
            .returning(|| Err(CameraError::Disconnected("cable pulled".into())));
        cam.expect_next_frame()
            .times(1)
            .in_sequence(&mut order)
            .returning(|| Ok(pattern_frame(4)));

        let mut pipeline = Pipeline::new(cam).resize_to_width(32).jpeg(80).unwrap();
        for expected in [1, 2] {
            let f = pipeline.next_frame().unwrap();
            assert_eq!(
                (f.sequence(), f.format(), f.width()),
                (expected, PixelFormat::Jpeg, 32)
            );
        }
        let err = pipeline.next_frame().unwrap_err();
        assert_eq!(err.to_string(), "camera disconnected: cable pulled");
        assert_eq!(pipeline.next_frame().unwrap().sequence(), 4);
    }

    #[test]
    fn info_describes_processed_frames() {
        let mut cam = MockCam::new();
        cam.expect_info().returning(|| CameraInfo {
            name: "m".into(),
            width: 640,
            height: 480,
            format: PixelFormat::Rgb8,
            fps: 30.0,
        });
        let p = Pipeline::new(cam).resize_to_width(320).jpeg(90).unwrap();
        let info = p.info();
        assert_eq!(
            (info.width, info.height, info.format),
            (320, 240, PixelFormat::Jpeg)
        );
    }

    #[test]
    fn mirrored_then_encoded_like_the_report() {
        let frame = pattern_frame(0);
        let mut cam = MockCam::new();
        let copy = frame.clone();
        cam.expect_next_frame().returning(move || Ok(copy.clone()));
        let mut p = Pipeline::new(cam).mirror(true);
        let mirrored = p.next_frame().unwrap();
        let (w, row) = (64usize, 64 * 3);
        // The first pixel of each row is now the last one.
        assert_eq!(&mirrored.payload()[..3], &frame.payload()[(w - 1) * 3..row]);
    }

    #[test]
    fn jpeg_sources_pass_through_unless_pixels_change() {
        let jpeg = jpeg::encode_frame(&pattern_frame(0), 90).unwrap();
        let mut cam = MockCam::new();
        let copy = jpeg.clone();
        cam.expect_next_frame().returning(move || Ok(copy.clone()));
        let mut p = Pipeline::new(cam).jpeg(50).unwrap();
        let out = p.next_frame().unwrap();
        assert_eq!(out.payload().as_ptr(), jpeg.payload().as_ptr());

        let mut cam = MockCam::new();
        cam.expect_next_frame().returning(move || Ok(jpeg.clone()));
        let mut p = Pipeline::new(cam).resize_to_width(32);
        let out = p.next_frame().unwrap();
        assert_eq!(
            (out.format(), out.width(), out.height()),
            (PixelFormat::Rgb8, 32, 24)
        );
    }

    #[test]
    fn bad_quality_is_refused() {
        assert!(Pipeline::new(MockCam::new()).jpeg(0).is_err());
    }
}
