//! Live interop with the report's Python code: real numpy, real OpenCV,
//! real pickle, over loopback.
//!
//! The Python interpreters come from environment variables, one per numpy
//! major version, because they need numpy and opencv-python-headless
//! installed (`.ci/run` makes the venvs):
//!
//! - `VIGIE_PYTHON_NUMPY1`: a python with numpy 1.x and OpenCV
//! - `VIGIE_PYTHON_NUMPY2`: a python with numpy 2.x and OpenCV
//!
//! Without them the tests say so and pass, so that `cargo test` works on a
//! machine with only the Rust toolchain.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const FRAMES: u32 = 20;

fn pythons() -> Vec<(String, String)> {
    let found: Vec<(String, String)> = ["VIGIE_PYTHON_NUMPY1", "VIGIE_PYTHON_NUMPY2"]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok().map(|p| (var.to_owned(), p)))
        .collect();
    if found.is_empty() {
        eprintln!(
            "python interop SKIPPED: set VIGIE_PYTHON_NUMPY1 / VIGIE_PYTHON_NUMPY2 to pythons \
             with numpy and opencv-python-headless (.ci/run does)"
        );
    }
    found
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// Kills the child if the test fails half-way.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_report_client_sends_to_the_vigie_server() {
    for (var, python) in pythons() {
        let mut server = Guard(
            Command::new(env!("CARGO_BIN_EXE_vigie"))
                .args([
                    "server",
                    "--headless",
                    "--listen",
                    "127.0.0.1:0",
                    "--stats-interval",
                    "0.2",
                    // The report's format can be neither encrypted nor
                    // authenticated: the server takes it only when told.
                    "--allow-legacy",
                ])
                .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let mut out = BufReader::new(server.0.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        // "vigie server listening on 127.0.0.1:PORT"
        let port = first.trim().rsplit(':').next().unwrap().to_owned();

        let client = Command::new(&python)
            .arg(script("report_client.py"))
            .args(["127.0.0.1", &port, &FRAMES.to_string()])
            .output()
            .unwrap();
        assert!(
            client.status.success(),
            "{var}: {}",
            String::from_utf8_lossy(&client.stderr)
        );

        // Wait for a statistics line that counts every frame, then stop the
        // server: its summary table says what arrived.
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "{var}: the server stopped early"
            );
            let cols: Vec<&str> = line.split_whitespace().collect();
            if line.starts_with("legacy-") && cols.get(8) == Some(&FRAMES.to_string().as_str()) {
                break;
            }
        }
        Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status()
            .unwrap();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        let row = rest
            .lines()
            .find(|l| l.starts_with("legacy-127.0.0.1:"))
            .unwrap_or_else(|| panic!("{var}: no legacy camera in:\n{rest}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[2], "legacy", "{row}");
        assert_eq!(cols[3], FRAMES.to_string(), "{var}: {row}");
    }
}

#[test]
fn the_vigie_legacy_client_is_read_by_the_report_server() {
    for (var, python) in pythons() {
        let mut server = Guard(
            Command::new(&python)
                .arg(script("report_server.py"))
                .args([&FRAMES.to_string(), "320", "240"])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut out = BufReader::new(server.0.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let port = first.trim().strip_prefix("listening ").unwrap().to_owned();

        let client = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["client", "--insecure", "--protocol", "legacy", "--server"])
            .arg(format!("127.0.0.1:{port}"))
            .args([
                "--size",
                "320x240",
                "--fps",
                "30",
                "--frames",
                &FRAMES.to_string(),
            ])
            .output()
            .unwrap();
        assert!(
            client.status.success(),
            "{var}: {}",
            String::from_utf8_lossy(&client.stderr)
        );

        let mut verdict = String::new();
        out.read_to_string(&mut verdict).unwrap();
        assert!(
            verdict.starts_with(&format!("OK {FRAMES} frames 320x240")),
            "{var}: the Python server said: {verdict}"
        );
        eprintln!("{var}: {}", verdict.trim());
    }
}

#[test]
fn the_report_client_is_refused_without_allow_legacy_and_the_log_names_it() {
    for (var, python) in pythons() {
        let mut server = Guard(
            Command::new(env!("CARGO_BIN_EXE_vigie"))
                .args(["server", "--headless", "--listen", "127.0.0.1:0"])
                .args(["--http", "off", "--stats-interval", "60"])
                .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut out = BufReader::new(server.0.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let port = first.trim().rsplit(':').next().unwrap().to_owned();
        let stderr = server.0.stderr.take().unwrap();
        let (send, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });

        // The script may fail (the server closes on it) or not: what
        // matters is that nothing it sent was taken as a camera.
        let _ = Command::new(&python)
            .arg(script("report_client.py"))
            .args(["127.0.0.1", &port, "3"])
            .output()
            .unwrap();
        let refused = loop {
            let line = log
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("{var}: no refusal in the server's log"));
            if line.contains("--allow-legacy") {
                break line;
            }
        };
        assert!(refused.contains("refused"), "{var}: {refused}");
    }
}
