//! What the binary's end-to-end tests share: a real `vigie server`
//! process on loopback, its web side read by hand, real clients.
#![allow(dead_code)] // each test file uses its own part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `vigie server --headless` child, stopped with SIGTERM when dropped.
pub struct Server {
    pub child: Child,
    /// Where cameras connect.
    pub cameras: String,
    /// The web side's address (`127.0.0.1:PORT`).
    pub web: String,
    /// Every line it wrote on standard error so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Whether a line of its standard error so far contains `text`.
    pub fn logged(&self, text: &str) -> bool {
        self.stderr.lock().unwrap().iter().any(|l| l.contains(text))
    }

    /// With `--insecure --allow-legacy` and a fresh state directory.
    pub fn start(extra: &[&str]) -> Server {
        Server::start_with(extra, &[])
    }

    /// [`Server::start`] with these environment variables.
    pub fn start_with(extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args([
                "server",
                "--headless",
                "--listen",
                "127.0.0.1:0",
                "--http",
                "127.0.0.1:0",
                "--stats-interval",
                "60",
            ])
            .args(extra)
            .args(["--insecure", "--allow-legacy"])
            .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the vigie binary runs");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                eprintln!("server: {line}");
                sink.lock().unwrap().push(line);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut cameras = None;
        let mut web = None;
        while cameras.is_none() || web.is_none() {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .unwrap();
            if let Some(a) = line.strip_prefix("vigie server listening on ") {
                cameras = Some(a.trim().to_owned());
            }
            if let Some(u) = line.strip_prefix("web page and API on http://") {
                web = Some(u.trim().trim_end_matches('/').to_owned());
            }
        }
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            cameras: cameras.unwrap(),
            web: web.unwrap(),
            stderr,
        }
    }

    /// GET `path` from the web side: (status, body).
    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.web).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.web
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP response");
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut body = response[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = unchunk(&body);
        }
        (status, body)
    }

    /// GET `path`, which must answer 200 with JSON.
    pub fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// SIGTERM, as Ctrl-C or systemd would stop it, and wait.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

/// `vigie client --insecure --server SERVER ARGS…`.
pub fn client(server: &str, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["client", "--insecure", "--server", server])
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("the vigie binary runs")
}

/// Polls `done` every 200 ms, for up to `limit`.
pub fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
