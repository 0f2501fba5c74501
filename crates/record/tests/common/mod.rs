//! Helpers shared by the integration tests: real JPEG pictures, and
//! ffprobe/ffmpeg when they are installed.

#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::Command;

use vigie_core::PixelFormat;

/// Whether `program` (ffmpeg, ffprobe) runs. If not, SKIP is printed,
/// or in CI the test fails (see `vigie_testkit`).
pub fn have(program: &str) -> bool {
    vigie_testkit::require(program, "ffmpeg")
}

/// A real JPEG of `width × height`: a gradient with a square that moves
/// with `i`, so that consecutive frames differ.
pub fn jpeg(width: u32, height: u32, i: u32) -> Vec<u8> {
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    let square = (i * 7) % width.max(1);
    for y in 0..height {
        for x in 0..width {
            let inside = x >= square && x < square + 16 && y < 16;
            let v = if inside { 255 } else { ((x + y) % 256) as u8 };
            rgb.extend_from_slice(&[v, (y % 256) as u8, 128]);
        }
    }
    vigie_core::jpeg::encode(&rgb, width, height, PixelFormat::Rgb8, 80).unwrap()
}

/// What ffprobe says about a file: codec, size, frames counted by decoding,
/// and duration.
#[derive(Debug)]
pub struct Probe {
    pub codec: String,
    pub width: u64,
    pub height: u64,
    pub frames: u64,
    pub duration: Option<f64>,
}

pub fn ffprobe(path: &Path) -> Probe {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
        ])
        .args(["-show_entries", "format=duration", "-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "ffprobe {}: {out:?}", path.display());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "ffprobe complained: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stream = &json["streams"][0];
    let number = |v: &serde_json::Value| -> Option<f64> { v.as_str()?.parse().ok() };
    Probe {
        codec: stream["codec_name"].as_str().unwrap_or("").to_owned(),
        width: stream["width"].as_u64().unwrap_or(0),
        height: stream["height"].as_u64().unwrap_or(0),
        frames: number(&stream["nb_read_frames"]).unwrap_or(0.0) as u64,
        duration: number(&json["format"]["duration"]),
    }
}

/// Decodes every frame with ffmpeg; returns what it printed at level error.
pub fn ffmpeg_errors(path: &Path) -> String {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        stderr
    } else {
        format!("exit {:?}: {stderr}", out.status)
    }
}
