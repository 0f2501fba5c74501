//! ffprobe and ffmpeg (Debian package `ffmpeg`) read our files as they are:
//! the proof that VLC, mpv and ffplay, built on the same libraries, play
//! them. Without ffmpeg the tests say SKIP and pass, so that `cargo test`
//! needs only the Rust toolchain (with `CI=true` they fail instead).

mod common;

use common::{ffmpeg_errors, ffprobe, have, jpeg};
use vigie_record::mkv::{read_frames, MkvWriter};

#[test]
fn ffprobe_sees_codec_size_frames_and_duration() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("clip.mkv");
    let (w, h, n) = (160, 120, 30);
    let mut writer = MkvWriter::create(&path, w, h, 1_795_509_000_000_000).unwrap();
    let pictures: Vec<Vec<u8>> = (0..n).map(|i| jpeg(w, h, i)).collect();
    for (i, picture) in pictures.iter().enumerate() {
        writer.write_frame(i as u64 * 100, picture).unwrap(); // 10 fps
    }
    writer.finish().unwrap();

    let frames = read_frames(&path).unwrap();
    assert_eq!(frames.len(), n as usize);
    assert!(frames.iter().zip(&pictures).all(|(f, p)| f.jpeg == p[..]));

    if !have("ffprobe") || !have("ffmpeg") {
        return;
    }
    let probe = ffprobe(&path);
    eprintln!("{probe:?}");
    assert_eq!(probe.codec, "mjpeg");
    assert_eq!((probe.width, probe.height), (160, 120));
    assert_eq!(probe.frames, n as u64);
    let duration = probe.duration.expect("a duration");
    assert!(
        (duration - 3.0).abs() <= 0.1,
        "duration {duration} s, expected 3 s ± one frame"
    );
    assert_eq!(ffmpeg_errors(&path), "");
}

#[test]
fn an_unfinished_file_plays_too() {
    // No finish(): the Duration stays 0, as after a crash.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("open.mkv");
    let mut writer = MkvWriter::create(&path, 96, 64, 0).unwrap();
    for i in 0..12 {
        writer.write_frame(i * 40, &jpeg(96, 64, i as u32)).unwrap();
    }
    drop(writer);
    if !have("ffprobe") || !have("ffmpeg") {
        return;
    }
    let probe = ffprobe(&path);
    assert_eq!((probe.codec.as_str(), probe.frames), ("mjpeg", 12));
    assert_eq!(ffmpeg_errors(&path), "");
}
