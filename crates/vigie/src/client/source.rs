//! Turning `--source`, `--scene`, `--size`, `--format` and `--quality` into a camera.

//!
//! Every failure here is how the client was asked (a source this build
//! lacks, a size the camera refuses): a usage error, exit code 2.

use vigie_camera::{Camera, Pipeline, Scene, TestPattern};

use crate::cli::WireFormat;
use crate::usage;

/// Where frames come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The synthetic test pattern.
    Test,
    /// The webcam with this index (`vigie cameras` lists them).
    Webcam(u32),
}

/// `test`, `webcam` or `webcam:INDEX`.
pub fn parse_source(s: &str) -> anyhow::Result<Source> {
    match s.split_once(':') {
        None if s == "test" => Ok(Source::Test),
        None if s == "webcam" => Ok(Source::Webcam(0)),
        Some(("webcam", index)) => index.parse().map(Source::Webcam).map_err(|_| {
            usage(format!(
                "webcam index {index:?} is not a number (try webcam:0)"
            ))
        }),
        _ => Err(usage(format!(
            "unknown source {s:?}: use `test` or `webcam[:INDEX]`"
        ))),
    }
}

/// `640x480` → (640, 480).
pub fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let bad = || {
        usage(format!(
            "size {s:?} is not WIDTHxHEIGHT (for example 640x480)"
        ))
    };
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    Ok((
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    ))
}

/// What to open, and how to send it.
pub struct Wanted<'a> {
    pub source: Source,
    /// The test pattern's scene (ignored for a webcam).
    pub scene: Scene,
    pub name: &'a str,
    pub size: (u32, u32),
    pub fps: f64,
    pub format: WireFormat,
    pub quality: u8,
}

/// Opens the camera and wraps it so that it yields frames in `format`.
pub fn open(wanted: Wanted<'_>) -> anyhow::Result<Box<dyn Camera>> {
    let Wanted {
        source,
        scene,
        name,
        size: (width, height),
        fps,
        format,
        quality,
    } = wanted;
    let camera: Box<dyn Camera> = match source {
        Source::Test => Box::new(
            TestPattern::new(name, width, height, fps)
                .map_err(|e| usage(e.to_string()))?
                .with_scene(scene),
        ),
        Source::Webcam(index) => open_webcam(index, name, width, height, fps)?,
    };
    Ok(match format {
        WireFormat::Jpeg => Box::new(
            Pipeline::new(camera)
                .jpeg(quality)
                .map_err(|e| usage(e.to_string()))?,
        ),
        WireFormat::Raw => camera,
    })
}

#[cfg(feature = "webcam")]
fn open_webcam(
    index: u32,
    name: &str,
    width: u32,
    height: u32,
    fps: f64,
) -> anyhow::Result<Box<dyn Camera>> {
    use vigie_camera::webcam::{Webcam, WebcamSettings};
    let settings = WebcamSettings {
        index,
        width,
        height,
        fps: fps.round().max(1.0) as u32,
        name: name.to_owned(),
    };
    Ok(Box::new(
        Webcam::open(settings).map_err(|e| usage(e.to_string()))?,
    ))
}

#[cfg(not(feature = "webcam"))]
fn open_webcam(_: u32, _: &str, _: u32, _: u32, _: f64) -> anyhow::Result<Box<dyn Camera>> {
    Err(usage(
        "this vigie was built without webcam support: rebuild with `--features webcam` \
         (on Linux, install libclang-dev first), or use `--source test`",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_sizes_parse() {
        assert_eq!(parse_source("test").unwrap(), Source::Test);
        assert_eq!(parse_source("webcam").unwrap(), Source::Webcam(0));
        assert_eq!(parse_source("webcam:2").unwrap(), Source::Webcam(2));
        assert!(parse_source("webcam:x")
            .unwrap_err()
            .to_string()
            .contains("not a number"));
        assert!(parse_source("usb")
            .unwrap_err()
            .to_string()
            .contains("unknown source"));
        assert_eq!(parse_size("640x480").unwrap(), (640, 480));
        assert!(parse_size("640").is_err());
        assert!(parse_size("ax480").is_err());
    }
}
