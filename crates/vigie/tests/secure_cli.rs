//! The secure link as a user meets it, with the real binary on loopback:
//! the server prints its fingerprint and a pairing code, a camera pairs
//! once with `--pair`, later runs need no flag, and every refusal says why
//! on one line (issue 15). The protocol's own attacks (a man in the middle,
//! a capture of the link, brute force) are in `crates/net/tests`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const VIGIE: &str = env!("CARGO_BIN_EXE_vigie");

/// A `vigie server --headless` with its own state directory, its stdout
/// and stderr collected line by line.
struct Server {
    child: Child,
    state: PathBuf,
    addr: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn collect(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let state = vigie_testkit::fresh_state_dir();
        let mut child = Command::new(VIGIE)
            .args([
                "server",
                "--headless",
                "--http",
                "off",
                "--listen",
                "127.0.0.1:0",
            ])
            .args(["--stats-interval", "60"])
            .arg("--state-dir")
            .arg(&state)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the vigie binary runs");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            state,
            addr: String::new(),
            stdout,
            stderr,
        };
        let line = server.wait_stdout("pairing code:");
        assert!(line.starts_with("pairing code: "), "{line}");
        let listening = server.wait_stdout("vigie server listening on ");
        server.addr = listening["vigie server listening on ".len()..].to_owned();
        server
    }

    /// The first stdout line containing `needle`, waiting up to 20 s.
    fn wait_stdout(&self, needle: &str) -> String {
        wait_line(&self.stdout, needle)
    }

    /// The first stderr line containing `needle`, waiting up to 20 s.
    fn wait_log(&self, needle: &str) -> String {
        wait_line(&self.stderr, needle)
    }

    /// The code printed at start: `pairing code: XXXX-…   (single use…)`.
    fn first_code(&self) -> String {
        code_of(&self.wait_stdout("pairing code:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_line(lines: &Mutex<Vec<String>>, needle: &str) -> String {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(l) = lines.lock().unwrap().iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        if Instant::now() > until {
            panic!(
                "no line with {needle:?} within 20 s:\n{}",
                lines.lock().unwrap().join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn code_of(line: &str) -> String {
    line.split_whitespace()
        .nth(2)
        .unwrap_or_else(|| panic!("no code in {line:?}"))
        .to_owned()
}

/// `vigie client` sending `frames` test frames as `name`, with `extra`.
fn client(server: &str, name: &str, state: &Path, frames: u32, extra: &[&str]) -> Output {
    Command::new(VIGIE)
        .args([
            "client", "--server", server, "--name", name, "--size", "160x120",
        ])
        .args(["--frames", &frames.to_string()])
        .arg("--state-dir")
        .arg(state)
        .args(extra)
        .output()
        .expect("the vigie binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_server_prints_a_fingerprint_a_person_can_compare_and_a_short_code() {
    let server = Server::start(&[]);
    let short = server.wait_stdout("server fingerprint:");
    let short = short.trim_start_matches("server fingerprint:").trim();
    assert_eq!(short.len(), 19, "four groups of four: {short}");
    let code = server.first_code();
    assert!(code.len() <= 25, "{code}");
    // The identity is made once and kept: a second start shows the same.
    drop(server);
    let state = vigie_testkit::fresh_state_dir();
    let run = |state: &Path| {
        let mut child = Command::new(VIGIE)
            .args([
                "server",
                "--headless",
                "--http",
                "off",
                "--listen",
                "127.0.0.1:0",
            ])
            .arg("--state-dir")
            .arg(state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = collect(child.stdout.take().unwrap());
        let line = wait_line(&lines, "server fingerprint:");
        let _ = child.kill();
        let _ = child.wait();
        line
    };
    assert_eq!(run(&state), run(&state));
    assert!(state.join("server-key.pem").exists());
}

#[test]
fn a_camera_pairs_once_then_streams_over_tls_with_no_flag() {
    let server = Server::start(&[]);
    let camera = vigie_testkit::fresh_state_dir();

    // Not paired: refused, and told how to pair.
    let out = client(&server.addr, "salon", &camera, 3, &[]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("not paired") && said.contains("--pair"),
        "{said}"
    );

    // Paired with the printed code, then streaming over TLS.
    let code = server.first_code();
    let out = client(&server.addr, "salon", &camera, 5, &["--pair", &code]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sent 5 frames"), "{}", text(&out));
    server.wait_log("camera \"salon\" connected");
    assert!(server
        .wait_log("camera \"salon\" connected")
        .contains("TLS, paired"));

    // Later runs need no flag.
    let out = client(&server.addr, "salon", &camera, 5, &[]);
    assert!(out.status.success(), "{}", text(&out));

    // The code was single-use.
    let other = vigie_testkit::fresh_state_dir();
    let out = client(&server.addr, "cuisine", &other, 3, &["--pair", &code]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("pairing code wrong or expired"),
        "{}",
        text(&out)
    );

    // Another client cannot take the paired name, even with a fresh code.
    let fresh = Command::new(VIGIE)
        .arg("pair")
        .arg("--state-dir")
        .arg(&server.state)
        .output()
        .unwrap();
    assert!(fresh.status.success(), "{}", text(&fresh));
    let fresh = code_of(&String::from_utf8_lossy(&fresh.stdout));
    assert_ne!(fresh, code);
    let out = client(&server.addr, "salon", &other, 3, &["--pair", &fresh]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("belongs to a paired camera"),
        "{}",
        text(&out)
    );

    // The list shows the paired camera.
    let list = Command::new(VIGIE)
        .args(["cameras", "paired", "--state-dir"])
        .arg(&server.state)
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", text(&list));
    assert!(String::from_utf8_lossy(&list.stdout).contains("salon  paired"));
}

#[test]
fn a_revoked_camera_is_dropped_while_streaming_and_refused_after() {
    let server = Server::start(&[]);
    let camera = vigie_testkit::fresh_state_dir();
    let code = server.first_code();
    let out = client(&server.addr, "jardin", &camera, 2, &["--pair", &code]);
    assert!(out.status.success(), "{}", text(&out));

    // Streaming with no end, then revoked from another process.
    let streaming = Command::new(VIGIE)
        .args(["client", "--server", &server.addr, "--name", "jardin"])
        .args(["--size", "160x120", "--fps", "10", "--state-dir"])
        .arg(&camera)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut streaming = KillOnDrop(streaming);
    let seen = Instant::now();
    while server
        .stderr
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("camera \"jardin\" connected"))
        .count()
        < 2
    {
        assert!(seen.elapsed() < Duration::from_secs(20), "never connected");
        std::thread::sleep(Duration::from_millis(20));
    }
    let revoke = Command::new(VIGIE)
        .args(["cameras", "revoke", "jardin", "--state-dir"])
        .arg(&server.state)
        .output()
        .unwrap();
    assert!(revoke.status.success(), "{}", text(&revoke));
    server.wait_log("camera \"jardin\" was revoked");

    // The streaming client is told, and stops: a revoked token is final.
    let until = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = streaming.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < until, "the revoked client kept running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut said = String::new();
    std::io::Read::read_to_string(streaming.0.stderr.as_mut().unwrap(), &mut said).unwrap();
    assert!(said.contains("token revoked"), "{said}");

    let out = client(&server.addr, "jardin", &camera, 2, &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("token revoked"), "{}", text(&out));
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn plaintext_and_the_report_format_are_refused_unless_the_server_allows_them() {
    let server = Server::start(&[]);
    let nowhere = vigie_testkit::fresh_state_dir();
    let out = client(&server.addr, "clair", &nowhere, 2, &["--insecure"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--insecure"), "{}", text(&out));
    assert!(server.wait_log("plaintext").contains("--insecure"));

    // vigie's own client in the report's format: the server names the option.
    let mut legacy = Command::new(VIGIE)
        .args([
            "client",
            "--insecure",
            "--protocol",
            "legacy",
            "--server",
            &server.addr,
        ])
        .args(["--size", "160x120", "--frames", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = server.wait_log("--allow-legacy");
    assert!(line.contains("refused"), "{line}");
    let _ = legacy.kill();
    let _ = legacy.wait();

    // With the options, both are accepted, with a warning at start.
    let open = Server::start(&["--insecure", "--allow-legacy"]);
    open.wait_log("warning: --insecure");
    open.wait_log("warning: --allow-legacy");
    let out = client(&open.addr, "clair", &nowhere, 3, &["--insecure"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = Command::new(VIGIE)
        .args([
            "client",
            "--insecure",
            "--protocol",
            "legacy",
            "--server",
            &open.addr,
        ])
        .args(["--size", "160x120", "--frames", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_report_format_without_insecure_is_a_usage_error() {
    let out = Command::new(VIGIE)
        .args(["client", "--protocol", "legacy", "--server", "127.0.0.1:1"])
        .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--insecure"), "{}", text(&out));
}

#[test]
fn a_web_page_beyond_loopback_needs_a_password_and_is_https() {
    let state = vigie_testkit::fresh_state_dir();
    let run = |extra: &[&str], password: Option<&str>| {
        let mut command = Command::new(VIGIE);
        command
            .args(["server", "--headless", "--listen", "127.0.0.1:0"])
            .args(["--http", "0.0.0.0:0"])
            .arg("--state-dir")
            .arg(&state)
            .args(extra)
            .env_remove("VIGIE_HTTP_PASSWORD")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(p) = password {
            command.env("VIGIE_HTTP_PASSWORD", p);
        }
        command.spawn().unwrap()
    };
    // No password: refused at start, exit 2, one clear line.
    let out = run(&[], None).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("without a password") && err.contains("--http-insecure"),
        "{err}"
    );

    // With a password: HTTPS, with the server's certificate.
    let mut child = run(&[], Some("s3cret-enough"));
    let lines = collect(child.stdout.take().unwrap());
    let url = wait_line(&lines, "web page and API on");
    assert!(url.contains("https://"), "{url}");
    let _ = child.kill();
    let _ = child.wait();

    // --http-insecure: plain HTTP, knowingly.
    let mut child = run(&["--http-insecure"], None);
    let lines = collect(child.stdout.take().unwrap());
    let url = wait_line(&lines, "web page and API on");
    assert!(url.contains("http://"), "{url}");
    let _ = child.kill();
    let _ = child.wait();
}
