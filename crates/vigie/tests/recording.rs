//! Recording on motion, end to end, as a user runs it: a real server
//! process recording into a folder, a real client process sending the
//! `moving-object` test scene (someone crosses a still room once per
//! 20-second cycle), real sockets on loopback. One crossing must give one
//! event, one file and one `events.jsonl` line, served by the HTTP API.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;

use common::{client, wait_until, Server};

fn files_with(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    found
}

/// Whether `program` runs; if not, SKIP (or, in CI, a failure: see
/// `vigie_testkit`).
fn have(program: &str) -> bool {
    vigie_testkit::require(program, "ffmpeg")
}

#[test]
fn one_crossing_gives_one_event_one_file_and_one_journal_line() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().to_str().unwrap();
    let server = Server::start(&[
        "--record",
        record,
        "--record-mode",
        "motion",
        "--pre-roll",
        "1",
        "--post-roll",
        "1",
    ]);
    // One 20-second cycle of the scene at 15 frames/s: empty room, someone
    // crosses, empty room again.
    let mut camera = client(
        &server.cameras,
        &[
            "--name",
            "porte",
            "--scene",
            "moving-object",
            "--size",
            "320x240",
            "--fps",
            "15",
            "--frames",
            "300",
        ],
    );
    // While the person crosses, the API says so.
    wait_until("the camera to show motion", Duration::from_secs(60), || {
        let doc = server.json("/api/cameras");
        doc["cameras"][0]["motion"] == true && doc["cameras"][0]["recording"] == true
    });
    assert!(camera.wait().unwrap().success());
    wait_until("the event's journal line", Duration::from_secs(30), || {
        std::fs::read_to_string(dir.path().join("events.jsonl")).is_ok_and(|t| !t.is_empty())
    });
    // The camera is gone: every file is closed.
    server.stop();

    let journal = std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), 1, "one crossing, one event:\n{journal}");
    let event: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(event["camera"], "porte");
    assert!(event["peak"].as_f64().unwrap() > 0.01, "{event}");
    let file = dir.path().join(event["file"].as_str().unwrap());
    let recordings = files_with(dir.path(), "mkv");
    assert_eq!(
        recordings,
        std::slice::from_ref(&file),
        "one event, one file"
    );
    let thumbnail = dir.path().join(event["thumbnail"].as_str().unwrap());
    assert_eq!(std::fs::read(&thumbnail).unwrap()[..2], [0xFF, 0xD8]);

    if !have("ffprobe") {
        return;
    }
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
        ])
        .args(["-of", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(probe.status.success(), "{probe:?}");
    let probe: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
    let stream = &probe["streams"][0];
    assert_eq!(stream["codec_name"], "mjpeg");
    assert_eq!(
        (stream["width"].as_u64(), stream["height"].as_u64()),
        (Some(320), Some(240))
    );
    // The crossing lasts several seconds, plus 1 s before and after: at
    // 15 frames/s, well over 60 frames; and never the whole 300.
    let frames: u64 = stream["nb_read_frames"].as_str().unwrap().parse().unwrap();
    assert!((60..300).contains(&frames), "{frames} frames");
}

#[test]
fn the_api_serves_events_thumbnails_and_replays() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().to_str().unwrap();
    let server = Server::start(&["--record", record, "--post-roll", "0.5"]);
    let mut camera = client(
        &server.cameras,
        &[
            "--name",
            "couloir",
            "--scene",
            "moving-object",
            "--size",
            "160x120",
            "--fps",
            "15",
            "--frames",
            "300",
        ],
    );
    wait_until("an event in the API", Duration::from_secs(60), || {
        server.json("/api/events")["events"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    });
    let doc = server.json("/api/events");
    assert_eq!(doc["recording"], true);
    let event = &doc["events"][0];
    assert_eq!(event["camera"], "couloir");
    let (status, thumb) = server.get(event["thumbnail_url"].as_str().unwrap());
    assert_eq!((status, &thumb[..2]), (200, &[0xFF, 0xD8][..]));
    let (status, mkv) = server.get(event["file_url"].as_str().unwrap());
    // A Matroska file starts with the EBML magic.
    assert_eq!((status, &mkv[..4]), (200, &[0x1A, 0x45, 0xDF, 0xA3][..]));
    // The replay is the recording's JPEGs as MJPEG, and it ends.
    let (status, replay) = server.get(event["replay_url"].as_str().unwrap());
    assert_eq!(status, 200);
    let parts = replay.windows(12).filter(|w| w == b"--vigieframe").count();
    assert!(parts > 10, "{parts} parts");
    // Paths outside the folder are not served.
    for bad in [
        "/recordings/../events.jsonl",
        "/recordings/%2e%2e/x.mkv",
        "/replay/events.jsonl",
    ] {
        assert_eq!(server.get(bad).0, 404, "{bad}");
    }
    camera.kill().unwrap();
    let _ = camera.wait();
    server.stop();
}

#[test]
fn an_unwritable_folder_is_reported_and_streaming_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: unwritable even for root.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, b"").unwrap();
    let server = Server::start(&[
        "--record",
        blocked.to_str().unwrap(),
        "--record-mode",
        "continuous",
    ]);
    let mut camera = client(
        &server.cameras,
        &["--name", "cave", "--size", "160x120", "--fps", "15"],
    );
    wait_until("the error in the API", Duration::from_secs(30), || {
        let doc = server.json("/api/cameras");
        doc["cameras"][0]["record_error"].is_string()
            && doc["cameras"][0]["frames"].as_u64().unwrap_or(0) > 5
    });
    let error = server.json("/api/cameras")["cameras"][0]["record_error"].clone();
    assert!(error.as_str().unwrap().contains("not-a-folder"), "{error}");
    // Frames keep arriving: the live picture is not affected.
    let before = server.json("/api/cameras")["cameras"][0]["frames"]
        .as_u64()
        .unwrap();
    wait_until("more frames", Duration::from_secs(10), || {
        server.json("/api/cameras")["cameras"][0]["frames"]
            .as_u64()
            .unwrap()
            > before + 10
    });
    camera.kill().unwrap();
    let _ = camera.wait();
    server.stop();
}

#[test]
fn a_server_killed_mid_recording_leaves_a_playable_file() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().to_str().unwrap();
    let mut server = Server::start(&["--record", record, "--record-mode", "continuous"]);
    let mut camera = client(
        &server.cameras,
        &["--name", "garage", "--size", "160x120", "--fps", "15"],
    );
    // Wait until the file holds a second of frames, then pull the plug.
    wait_until("frames on disk", Duration::from_secs(30), || {
        files_with(dir.path(), "mkv")
            .first()
            .and_then(|f| vigie_record::mkv::read_frames(f).ok())
            .is_some_and(|frames| frames.len() >= 15)
    });
    server.child.kill().unwrap(); // SIGKILL: no chance to close anything
    let _ = server.child.wait();
    camera.kill().unwrap();
    let _ = camera.wait();
    let file = files_with(dir.path(), "mkv").remove(0);
    let frames = vigie_record::mkv::read_frames(&file).unwrap();
    assert!(frames.len() >= 15, "{} frames survived", frames.len());
    if !have("ffmpeg") {
        return;
    }
    // ffmpeg decodes every complete frame; at most it notes the torn end.
    let decoded = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&file)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&decoded.stderr);
    assert!(
        errors.lines().all(|l| l.contains("File ended prematurely")),
        "{errors}"
    );
}

#[test]
fn a_running_event_is_listed_and_its_closed_segments_replay_while_it_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().to_str().unwrap();
    // Segments of 2 s, so that a long event is cut within the test.
    let server = Server::start(&["--record", record, "--segment-seconds", "2"]);
    // The default scene's square never stops moving: one endless event.
    let mut camera = client(
        &server.cameras,
        &[
            "--name", "jardin", "--scene", "bars", "--size", "320x240", "--fps", "10",
        ],
    );
    let mut running = serde_json::Value::Null;
    wait_until(
        "a running event with a closed segment",
        Duration::from_secs(30),
        || {
            running = server.json("/api/events")["running"][0].clone();
            running["segments"][0]["replay_url"].is_string()
        },
    );
    assert_eq!(running["camera"], "jardin");
    let start = running["start"].as_str().unwrap().to_owned();
    // RFC 3339 in UTC, to the millisecond.
    assert_eq!((start.len(), &start[10..11], &start[23..]), (24, "T", "Z"));
    assert!(running["segment"].as_u64().unwrap() >= 2, "{running}");
    let closed = &running["segments"][0];
    assert_eq!(closed["event_start"], start.as_str());
    assert_eq!(closed["continues"], true);

    // The closed segment replays and downloads while the event goes on.
    let (status, replay) = server.get(closed["replay_url"].as_str().unwrap());
    assert_eq!(status, 200);
    let parts = replay.windows(12).filter(|w| w == b"--vigieframe").count();
    assert!(parts >= 5, "{parts} frames replayed");
    let (status, mkv) = server.get(closed["file_url"].as_str().unwrap());
    assert_eq!((status, &mkv[..4]), (200, &[0x1A, 0x45, 0xDF, 0xA3][..]));
    let (status, thumb) = server.get(closed["thumbnail_url"].as_str().unwrap());
    assert_eq!((status, &thumb[..2]), (200, &[0xFF, 0xD8][..]));
    let doc = server.json("/api/events");
    assert_eq!(doc["running"][0]["start"], start.as_str(), "{doc}");
    assert!(
        camera.try_wait().unwrap().is_none(),
        "the camera still runs"
    );

    camera.kill().unwrap();
    let _ = camera.wait();
    server.stop();
}
