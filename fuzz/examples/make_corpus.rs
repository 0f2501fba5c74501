//! Writes the seed inputs of every fuzz target, made from the real
//! fixtures and from vigie's own encoders: `make_corpus DIR` fills
//! `DIR/<target>/` (run by `fuzz/make-corpus.sh`, which then minimises).
//!
//! A fuzzer finds its way much faster from real inputs than from nothing:
//! a pickle numpy really wrote, a hello and frames as the client sends them,
//! a file the recorder really wrote, JPEG files of a few sizes and kinds.

use std::fs;
use std::path::{Path, PathBuf};

use vigie_camera::{Scene, TestPattern};
use vigie_core::{jpeg, pack, Frame, FrameHeader, PixelFormat};
use vigie_net::legacy;
use vigie_net::protocol::{self, ClientMessage, Hello, ServerMessage, MAGIC, VERSION};
use vigie_record::mkv::MkvWriter;

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: make_corpus DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sample =
        fs::read(root.join("fixtures/legacy/sample.jpg")).expect("fixtures/legacy/sample.jpg");
    let jpegs = jpegs(&sample);
    let mut seeds = Seeds { out, count: 0 };

    // The legacy pickles numpy wrote (good and hostile), and vigie's own.
    for entry in fs::read_dir(root.join("fixtures/legacy")).expect("fixtures/legacy") {
        let path = entry.expect("a fixture").path();
        if path.extension().is_some_and(|e| e == "pkl") {
            seeds.add(
                "legacy_pickle",
                &path_name(&path),
                &fs::read(&path).unwrap(),
            );
        }
    }
    for (name, jpeg) in &jpegs {
        let mut pickle = Vec::new();
        legacy::encode_jpeg(jpeg, &mut pickle);
        seeds.add("legacy_pickle", &format!("vigie-{name}"), &pickle);
    }
    let bgr = pattern(Scene::Bars, 8, 6);
    let mut pickle = Vec::new();
    legacy::encode_bgr(&bgr, 8, 6, &mut pickle).unwrap();
    seeds.add("legacy_pickle", "vigie-bgr-8x6", &pickle);

    // Native connections: magic, hello, frames of each format, heartbeat,
    // goodbye; after one byte that sets the read size of the harness.
    let frames = frames(&jpegs);
    for (chunk, (name, frame)) in [0u8, 3, 200].iter().cycle().zip(&frames) {
        let mut wire = vec![*chunk];
        wire.extend_from_slice(&MAGIC);
        let hello = Hello {
            version: VERSION,
            camera: "cuisine".into(),
            width: frame.width(),
            height: frame.height(),
            format: frame.format(),
            fps: 15.0,
            token: None,
        };
        for msg in [
            ClientMessage::Hello(hello),
            ClientMessage::Frame(frame.clone()),
            ClientMessage::Heartbeat {
                sent_at_us: 1_700_000_000_000_000,
            },
            ClientMessage::Frame(frame.clone()),
            ClientMessage::Goodbye,
        ] {
            protocol::encode_client(&msg, &mut wire).unwrap();
        }
        seeds.add("native_protocol", name, &wire);
    }
    let mut server = vec![200u8];
    server.extend_from_slice(&MAGIC);
    for msg in [
        ServerMessage::Accept(protocol::Accept {
            heartbeat_ms: 1000,
            max_message: 32 << 20,
        }),
        ServerMessage::Refuse(protocol::Refusal::NameInUse("cuisine".into())),
        ServerMessage::Heartbeat { sent_at_us: 7 },
    ] {
        protocol::encode_server(&msg, &mut server).unwrap();
    }
    seeds.add("native_protocol", "server-messages", &server);

    // The Unpacker: a maximum (u16), cut sizes, then packed messages.
    let mut stream = Vec::new();
    for msg in [&b"one"[..], b"", &sample[..200], b"three"] {
        pack::pack(msg, &mut stream).unwrap();
    }
    for (name, max, cuts) in [
        ("whole", 4096u16, &[][..]),
        ("cut", 300, &[0, 2, 7, 250][..]),
        ("too-large", 100, &[3][..]),
    ] {
        let mut seed = max.to_be_bytes().to_vec();
        seed.push(cuts.len() as u8);
        seed.extend_from_slice(cuts);
        seed.extend_from_slice(&stream);
        seeds.add("unpacker", name, &seed);
    }

    // Recordings, as the recorder's writer puts them on disk: finished,
    // unfinished, torn in the middle of a frame.
    let dir = std::env::temp_dir().join(format!("vigie-make-corpus-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let mut recordings = Vec::new();
    for (name, frames, finish) in [("finished", 3u64, true), ("unfinished", 2, false)] {
        let path = dir.join(format!("{name}.mkv"));
        let mut writer = MkvWriter::create(&path, 16, 12, 1_700_000_000_000_000).unwrap();
        for i in 0..frames {
            writer
                .write_frame(i * 66, &jpegs[(i as usize) % 2].1)
                .unwrap();
        }
        if finish {
            writer.finish().unwrap();
        } else {
            drop(writer);
        }
        recordings.push((name, fs::read(&path).unwrap()));
    }
    fs::remove_dir_all(&dir).unwrap();
    let torn = recordings[0].1[..recordings[0].1.len() - 100].to_vec();
    recordings.push(("torn", torn));
    for (name, bytes) in &recordings {
        seeds.add("mkv_reader", name, bytes);
    }

    // JPEG files; and the detector's input: 8 bytes of settings, a payload.
    for (name, jpeg) in &jpegs {
        seeds.add("jpeg_decode", name, jpeg);
        // The small grey decoder: one byte for the scale (0: a quarter,
        // 1: an eighth), then the file.
        for (scale, suffix) in [(0u8, "quarter"), (1, "eighth")] {
            let seed = [&[scale][..], jpeg].concat();
            seeds.add("small_grey", &format!("{name}-{suffix}"), &seed);
        }
    }
    let defaults = |format: u8, width: u16| {
        let [hi, lo] = width.to_be_bytes();
        vec![format, hi, lo, 16, 25, 13, 10, 0]
    };
    for (format, name, width, payload) in [
        (
            0u8,
            "rgb-32x24",
            32u16,
            pattern(Scene::MovingObject, 32, 24),
        ),
        (1, "bgr-24x16", 24, pattern(Scene::LightChange, 24, 16)),
        (
            2,
            "gray-40x30",
            40,
            pattern(Scene::Bars, 40, 30)
                .chunks(3)
                .map(|p| p[1])
                .collect(),
        ),
        (3, "jpeg-sample", 16, sample.clone()),
    ] {
        let mut seed = defaults(format, width - 1);
        seed.extend_from_slice(&payload);
        seeds.add("motion", name, &seed);
    }
    let mut masked = defaults(0, 31);
    masked[7] = 1; // a rectangle mask
    masked.extend_from_slice(&pattern(Scene::MovingObject, 32, 24));
    seeds.add("motion", "rgb-masked", &masked);
    eprintln!("wrote {} seeds", seeds.count);
}

struct Seeds {
    out: PathBuf,
    count: usize,
}

impl Seeds {
    fn add(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.out.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
        self.count += 1;
    }
}

fn path_name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The test pattern's RGB pixels at `width × height`.
fn pattern(scene: Scene, width: u32, height: u32) -> Vec<u8> {
    let camera = TestPattern::new("fuzz", width.max(16), height.max(16), 10.0)
        .unwrap()
        .with_scene(scene);
    let frame = camera.render(3, 0);
    if (width, height) == (frame.width(), frame.height()) {
        return frame.payload().to_vec();
    }
    // Smaller than the pattern's minimum: its top-left corner.
    let row = frame.width() as usize * 3;
    frame
        .payload()
        .chunks(row)
        .take(height as usize)
        .flat_map(|r| r[..width as usize * 3].to_vec())
        .collect()
}

/// OpenCV's sample, and vigie's encoder at several sizes, qualities and
/// kinds (colour, grey).
fn jpegs(sample: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("opencv-16x12".to_string(), sample.to_vec())];
    for (w, h, quality) in [(16, 16, 90), (17, 13, 50), (64, 48, 75), (1, 1, 90)] {
        let rgb = pattern(Scene::Bars, w, h);
        let jpeg = jpeg::encode(&rgb, w, h, PixelFormat::Rgb8, quality).unwrap();
        out.push((format!("rgb-{w}x{h}-q{quality}"), jpeg));
    }
    let grey: Vec<u8> = pattern(Scene::LightChange, 24, 16)
        .chunks(3)
        .map(|p| p[1])
        .collect();
    let jpeg = jpeg::encode(&grey, 24, 16, PixelFormat::Gray8, 80).unwrap();
    out.push(("grey-24x16-q80".to_string(), jpeg));
    out
}

/// One frame of each format, small.
fn frames(jpegs: &[(String, Vec<u8>)]) -> Vec<(String, Frame)> {
    let frame = |format, width, height, payload: Vec<u8>| {
        let header = FrameHeader {
            camera: "cuisine".into(),
            sequence: 1,
            captured_at_us: 1_700_000_000_000_000,
            width,
            height,
            format,
        };
        Frame::new(header, payload).unwrap()
    };
    let rgb = pattern(Scene::MovingObject, 8, 6);
    let bgr: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
    let grey: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
    vec![
        (
            "jpeg".into(),
            frame(PixelFormat::Jpeg, 16, 12, jpegs[0].1.clone()),
        ),
        ("rgb".into(), frame(PixelFormat::Rgb8, 8, 6, rgb)),
        ("bgr".into(), frame(PixelFormat::Bgr8, 8, 6, bgr)),
        ("gray".into(), frame(PixelFormat::Gray8, 8, 6, grey)),
    ]
}
