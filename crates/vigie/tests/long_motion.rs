//! Continuous motion in motion mode, end to end (issue 13): the default test
//! pattern's square never stops moving. Its event must not become one file
//! that nobody sees until the server stops: the recording is cut every
//! segment, each closed segment is in `events.jsonl` with its thumbnail and
//! readable while the event goes on, and the event shows as running.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vigie_record::events::{read_recent, read_running};

struct Server(Child);

impl Server {
    fn start(record: &Path) -> (Server, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["server", "--headless", "--http", "off"])
            .args(["--insecure", "--allow-legacy"])
            .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
            .args(["--listen", "127.0.0.1:0", "--stats-interval", "60"])
            .arg("--record")
            .arg(record)
            .args([
                "--segment-seconds",
                "2",
                "--pre-roll",
                "0",
                "--post-roll",
                "1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the vigie binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("the server says where it listens");
            if let Some(a) = line.unwrap().strip_prefix("vigie server listening on ") {
                break a.trim().to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        (Server(child), address)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_long_event_is_listed_segment_by_segment_while_it_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (server, address) = Server::start(dir.path());
    // 20 s of the default pattern: motion all the time.
    let mut camera = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args([
            "client",
            "--insecure",
            "--server",
            &address,
            "--name",
            "carre",
        ])
        .args(["--size", "160x120", "--fps", "15", "--frames", "300"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // While the camera still sends, closed segments appear in the journal.
    let closed = loop {
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "no segment listed"
        );
        assert!(
            camera.try_wait().unwrap().is_none(),
            "the camera ended first"
        );
        let events = read_recent(dir.path(), 100).unwrap();
        let closed: Vec<_> = events.into_iter().filter(|e| e.continues).collect();
        if closed.len() >= 2 {
            break closed;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let running = read_running(dir.path()).unwrap();
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(running[0].camera, "carre");
    assert!(running[0].segment >= 2, "{running:?}");
    for segment in &closed {
        assert_eq!(segment.camera, "carre");
        assert_eq!(
            segment.event_start.as_deref(),
            Some(running[0].start.as_str())
        );
        // Complete and readable while the next segment is written.
        let file = dir.path().join(segment.file.as_deref().unwrap());
        let frames = vigie_record::mkv::read_frames(&file).unwrap();
        assert!((10..=40).contains(&frames.len()), "{} frames", frames.len());
        let thumbnail = dir.path().join(segment.thumbnail.as_deref().unwrap());
        assert_eq!(std::fs::read(thumbnail).unwrap()[..2], [0xFF, 0xD8]);
    }
    assert!(camera.wait().unwrap().success());
    server.stop();
    assert_eq!(
        read_running(dir.path()).unwrap(),
        [],
        "nothing runs after a stop"
    );
    let events = read_recent(dir.path(), 100).unwrap();
    assert!(
        events.len() >= 5,
        "{} lines for 20 s in 2 s segments",
        events.len()
    );
    assert!(!events[0].continues, "the last line ends the event");
}
