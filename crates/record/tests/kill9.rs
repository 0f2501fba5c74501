//! Crash safety: a recording cut by `kill -9` still plays up to its last
//! complete frame.
//!
//! The test runs itself twice: the parent re-executes this very test binary
//! with an environment variable that turns the child into a writer, lets it
//! write, kills it with SIGKILL (what `Child::kill` sends on Unix: no
//! destructor, no flush, no `finish`), then reads what is on disk.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ffmpeg_errors, ffprobe, have, jpeg};
use vigie_record::mkv::{read_frames, MkvWriter, RecordedFrame};

const WRITER: &str = "VIGIE_RECORD_KILL9_WRITER";
const TEST: &str = "a_file_cut_by_kill_9_plays_up_to_its_last_frame";

#[test]
fn a_file_cut_by_kill_9_plays_up_to_its_last_frame() {
    if let Some(path) = std::env::var_os(WRITER) {
        write_until_killed(Path::new(&path));
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cut.mkv");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(WRITER, &path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();

    // Not a timing assertion: a safety net so that a broken writer fails
    // the test instead of hanging it.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let written = read_frames(&path).map(|f| f.len()).unwrap_or(0);
        if written >= 25 {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the writer exited early: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the writer wrote only {written} frames"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let frames = read_frames(&path).unwrap();
    assert!(frames.len() >= 25, "{} frames survived", frames.len());
    for (i, frame) in frames.iter().enumerate() {
        assert_eq!(frame.at_ms, i as u64 * 40);
        assert_eq!(
            vigie_core::jpeg::dimensions(&frame.jpeg).unwrap(),
            (128, 96)
        );
    }
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!("{} frames in {size} bytes after kill -9", frames.len());

    if !have("ffprobe") || !have("ffmpeg") {
        return;
    }
    // The file as the kill left it: ffprobe counts the same frames, and
    // ffmpeg decodes them all. If the kill landed mid-write, the demuxer
    // says "File ended prematurely" about the torn tail, and nothing else.
    assert_eq!(ffprobe_count(&path), frames.len() as u64);
    only_a_premature_end(&ffmpeg_errors(&path));

    // Where the kill lands is luck, so make both cases certain: the file
    // cut right after its last complete frame reads without a single
    // message, and cut in the middle of that frame gives one frame less.
    let data = std::fs::read(&path).unwrap();
    let end = end_of_last_frame(&data, &frames);
    let clean = tmp.path().join("clean.mkv");
    std::fs::write(&clean, &data[..end]).unwrap();
    let probe = ffprobe(&clean);
    assert_eq!(
        (probe.codec.as_str(), probe.frames),
        ("mjpeg", frames.len() as u64)
    );
    assert_eq!((probe.width, probe.height), (128, 96));
    assert_eq!(ffmpeg_errors(&clean), "");

    let torn = tmp.path().join("torn.mkv");
    std::fs::write(&torn, &data[..end - 700]).unwrap();
    let survivors = read_frames(&torn).unwrap().len();
    assert_eq!(survivors, frames.len() - 1);
    assert_eq!(ffprobe_count(&torn), survivors as u64);
    only_a_premature_end(&ffmpeg_errors(&torn));
}

/// The child: writes frames 40 ms apart (in stamps; as fast as it can in
/// real time) until it is killed, or gives up after a while so that an
/// orphan never runs forever.
fn write_until_killed(path: &Path) {
    let pictures: Vec<Vec<u8>> = (0..8).map(|i| jpeg(128, 96, i)).collect();
    let mut writer = MkvWriter::create(path, 128, 96, 0).unwrap();
    let started = Instant::now();
    for i in 0u64.. {
        writer
            .write_frame(i * 40, &pictures[i as usize % pictures.len()])
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
        if started.elapsed() > Duration::from_secs(300) {
            break;
        }
    }
}

/// ffprobe's frame count, allowing a complaint about a torn tail.
fn ffprobe_count(path: &Path) -> u64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    only_a_premature_end(&String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().trim_end_matches(',').parse().unwrap()
}

fn only_a_premature_end(stderr: &str) {
    for line in stderr.lines() {
        assert!(line.contains("File ended prematurely"), "ffmpeg: {line}");
    }
}

/// Where the last complete frame ends in the file: the frames are the
/// last bytes of their cluster, so that is where the next cluster begins.
fn end_of_last_frame(data: &[u8], frames: &[RecordedFrame]) -> usize {
    let last = &frames.last().unwrap().jpeg;
    let start = data
        .windows(last.len())
        .rposition(|w| w == &last[..])
        .unwrap();
    start + last.len()
}
