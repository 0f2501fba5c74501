//! Hostile cameras must cost only themselves (issue 12, item 3).
//!
//! Sixteen peers send valid 8,192 × 8,192 JPEGs, each one 64 million pixels
//! to decode, beside three ordinary cameras, to a real `vigie server`
//! recording everything. Before, motion analysis and recording shared one
//! thread and one queue: the big pictures kept the thread decoding, the
//! queue filled, and the good cameras lost about a fifth of their recorded
//! frames. Now every frame a good camera sent must be in its files, and the
//! server's memory must stay bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_net::protocol::{self, ClientMessage, Hello, ServerMessage};

const SIDE: u16 = 8192;
const HOSTILE: usize = 16;
/// Frames per second of each hostile peer: a camera's usual rate, far more
/// 64-megapixel pictures than one thread can decode.
const HOSTILE_FPS: u64 = 15;
const GOOD: usize = 3;
const GOOD_FRAMES: u64 = 150;
/// The server's resident memory may not pass this (it reached 488 MB).
const MAX_RSS_KB: u64 = 256 * 1024;

/// A grey SIDE × SIDE baseline JPEG, flat, built by hand so that it is
/// small on the wire (2 bits per 8 × 8 block: 256 KiB) but costs a decoder
/// the full 64 million pixels. One Huffman code of one bit for "no change
/// of DC" and one for "end of block": every block is two 0 bits.
fn huge_flat_jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    // Quantisation table 0, all ones.
    j.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0x00]);
    j.extend_from_slice(&[1; 64]);
    // Baseline frame: 8 bits, SIDE × SIDE, one component, 1×1, table 0.
    j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
    j.extend_from_slice(&SIDE.to_be_bytes());
    j.extend_from_slice(&SIDE.to_be_bytes());
    j.extend_from_slice(&[1, 1, 0x11, 0]);
    // DC table 0 and AC table 0: one code of length 1, for symbol 0.
    for class in [0x00, 0x10] {
        j.extend_from_slice(&[0xFF, 0xC4, 0, 20, class, 1]);
        j.extend_from_slice(&[0; 15]);
        j.push(0x00);
    }
    // Start of scan: component 1 with tables 0/0, spectral 0–63.
    j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0]);
    let blocks = (usize::from(SIDE) / 8).pow(2);
    j.resize(j.len() + blocks * 2 / 8, 0);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// A `vigie server --headless --http off` child, killed when dropped.
struct Server {
    child: Child,
    cameras: String,
}

impl Server {
    fn start(record: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["server", "--headless", "--http", "off"])
            .args(["--insecure", "--allow-legacy"])
            .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
            .args(["--listen", "127.0.0.1:0", "--stats-interval", "60"])
            .arg("--record")
            .arg(record)
            .args(["--record-mode", "continuous"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the vigie binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let cameras = loop {
            let line = lines.next().expect("the server says where it listens");
            if let Some(a) = line.unwrap().strip_prefix("vigie server listening on ") {
                break a.trim().to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, cameras }
    }

    /// The resident memory, in KiB, from /proc.
    fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// SIGTERM, as Ctrl-C or systemd would stop it: files are closed.
    /// The frames still queued are written first, which must not take long.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the server takes more than 20 s to stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One packed message from the server.
fn read_message(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0; 4];
    stream.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    assert!(
        len <= protocol::MAX_CONTROL_LEN,
        "a server message of {len} bytes"
    );
    let mut body = vec![0; len];
    stream.read_exact(&mut body)?;
    Ok(body)
}

/// A hostile peer: the native protocol by hand, the huge JPEG at
/// HOSTILE_FPS until `stop`. Returns the frames it sent.
fn hostile(server: String, n: usize, jpeg: Frame, stop: Arc<AtomicBool>) -> JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&server).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut out = protocol::MAGIC.to_vec();
        let hello = Hello {
            version: protocol::VERSION,
            camera: format!("hostile{n}"),
            width: SIDE.into(),
            height: SIDE.into(),
            format: PixelFormat::Jpeg,
            fps: HOSTILE_FPS as f32,
            token: None,
        };
        protocol::encode_client(&ClientMessage::Hello(hello), &mut out).unwrap();
        stream.write_all(&out).unwrap();
        let answer = protocol::decode_server(&read_message(&mut stream).unwrap()).unwrap();
        assert!(matches!(answer, ServerMessage::Accept(_)), "{answer:?}");
        // Drain the server's heartbeats so its writes never stall.
        let mut reader = stream.try_clone().unwrap();
        std::thread::spawn(move || while read_message(&mut reader).is_ok() {});
        let mut sent = 0;
        let start = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            let header = FrameHeader {
                camera: format!("hostile{n}"),
                sequence: sent,
                captured_at_us: vigie_core::frame::now_us(),
                width: SIDE.into(),
                height: SIDE.into(),
                format: PixelFormat::Jpeg,
            };
            let frame = Frame::new(header, jpeg.payload().clone()).unwrap();
            out.clear();
            protocol::encode_client(&ClientMessage::Frame(frame), &mut out).unwrap();
            if stream.write_all(&out).is_err() {
                break;
            }
            sent += 1;
            let next = start + Duration::from_micros(sent * 1_000_000 / HOSTILE_FPS);
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        sent
    })
}

fn good_client(server: &str, name: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["client", "--insecure", "--server", server, "--name", name])
        .args(["--size", "320x240", "--fps", "15"])
        .args(["--frames", &GOOD_FRAMES.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the vigie binary runs")
}

/// "sent N frames (…) over C connection(s)…" → (N, C).
fn sent_and_connections(summary: &str) -> (u64, u64) {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let sent = words.iter().position(|w| *w == "sent").unwrap();
    let over = words.iter().position(|w| *w == "over").unwrap();
    (
        words[sent + 1].parse().unwrap(),
        words[over + 1].parse().unwrap(),
    )
}

fn mkv_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "mkv") {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn huge_jpegs_from_sixteen_cameras_cost_the_good_cameras_no_recorded_frame() {
    let bytes = huge_flat_jpeg();
    // The picture is a real one: its header says 8192 × 8192, and it decodes.
    assert_eq!(
        vigie_core::jpeg::dimensions(&bytes).unwrap(),
        (SIDE.into(), SIDE.into())
    );
    let luma = vigie_core::motion::decode_luma(&bytes).unwrap();
    assert_eq!((luma.width, luma.height), (SIDE.into(), SIDE.into()));
    drop(luma);
    let header = FrameHeader {
        camera: "template".into(),
        sequence: 0,
        captured_at_us: 0,
        width: SIDE.into(),
        height: SIDE.into(),
        format: PixelFormat::Jpeg,
    };
    let jpeg = Frame::new(header, bytes).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let stop = Arc::new(AtomicBool::new(false));
    let attackers: Vec<_> = (0..HOSTILE)
        .map(|n| hostile(server.cameras.clone(), n, jpeg.clone(), stop.clone()))
        .collect();
    // Let the attack build up before the good cameras start.
    std::thread::sleep(Duration::from_secs(2));

    let peak_rss = Arc::new(AtomicU64::new(0));
    let mut good: Vec<Child> = (0..GOOD)
        .map(|n| good_client(&server.cameras, &format!("good{n}")))
        .collect();
    let start = Instant::now();
    let mut sent = Vec::new();
    for client in &mut good {
        // 150 frames at 15 frames/s: 10 s; the limit is generous.
        while client.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(40),
                "a good client hangs"
            );
            if let Some(kb) = server.rss_kb() {
                peak_rss.fetch_max(kb, Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut out = String::new();
        client
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let (frames, connections) = sent_and_connections(&out);
        assert_eq!(connections, 1, "a good camera was disconnected: {out}");
        sent.push(frames);
    }
    stop.store(true, Ordering::Relaxed);
    let hostile_sent: u64 = attackers.into_iter().map(|t| t.join().unwrap()).sum();
    if let Some(kb) = server.rss_kb() {
        peak_rss.fetch_max(kb, Ordering::Relaxed);
    }
    server.stop();

    let peak = peak_rss.load(Ordering::Relaxed);
    eprintln!(
        "hostile frames sent: {hostile_sent}; server peak RSS {} MiB",
        peak / 1024
    );
    assert!(
        hostile_sent >= (HOSTILE as u64) * HOSTILE_FPS * 8,
        "the attack ran: {hostile_sent} huge frames"
    );
    for (n, &frames) in sent.iter().enumerate() {
        assert_eq!(frames, GOOD_FRAMES, "good{n} sent all its frames");
        let files = mkv_files(&dir.path().join(format!("good{n}")));
        assert!(!files.is_empty(), "good{n} has a recording");
        let recorded: usize = files
            .iter()
            .map(|f| vigie_record::mkv::read_frames(f).unwrap().len())
            .sum();
        assert_eq!(
            recorded as u64, frames,
            "good{n}: every frame it sent is in its files ({files:?})"
        );
    }
    assert!(
        peak > 0 && peak < MAX_RSS_KB,
        "server RSS peaked at {} MiB",
        peak / 1024
    );
}
