//! The web side under attack, as a user runs it: a real `vigie server`
//! process, hostile clients on loopback, and the figures the issue names.
//!
//! - 1,100 viewers that never read, with the server under a 1,024
//!   file-descriptor limit (soft and hard, as systemd gives): a new viewer
//!   still gets 200 at once, and a new camera still connects.
//! - 40 replays at once of a 16 MB recording: the server's memory grows by
//!   less than 64 MiB (it grew by 657 MB when each replay read the file).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `vigie server --headless` child (under `prlimit` if asked), killed
/// when dropped.
struct Server {
    child: Child,
    cameras: String,
    web: String,
    /// The lines it printed before serving.
    said: Vec<String>,
}

impl Server {
    fn start(fd_limit: Option<u64>, extra: &[&str]) -> Server {
        let vigie = env!("CARGO_BIN_EXE_vigie");
        let mut command = match fd_limit {
            Some(n) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={n}:{n}")).arg("--").arg(vigie);
                c
            }
            None => Command::new(vigie),
        };
        let mut child = command
            .args(["server", "--headless", "--listen", "127.0.0.1:0"])
            .args(["--insecure", "--allow-legacy"])
            .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
            .args(["--http", "127.0.0.1:0", "--stats-interval", "60"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the vigie binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut cameras, mut web, mut said) = (None, None, Vec::new());
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
            said.push(line);
        }
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            cameras: cameras.unwrap(),
            web: web.unwrap(),
            said,
        }
    }

    /// GET `path`: the status and the body, within `timeout`.
    fn get(&self, path: &str, timeout: Duration) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(&self.web)?;
        stream.set_read_timeout(Some(timeout))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.web
        )?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok());
        Ok((status.unwrap_or(0), text))
    }

    /// A line of `/proc/PID/status`, in kB.
    fn status_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `vigie client` sending the test pattern, killed when dropped.
struct Camera(Child);

impl Camera {
    fn start(server: &str, name: &str, size: &str) -> Camera {
        let child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args([
                "client",
                "--insecure",
                "--server",
                server,
                "--name",
                name,
                "--size",
                size,
            ])
            .args(["--fps", "15"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the vigie binary runs");
        Camera(child)
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls (up to 30 s) until `cond` holds.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let limit = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < limit, "gave up waiting for: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether `/api/cameras` shows `name` online.
fn online(server: &Server, name: &str) -> bool {
    let Ok((200, response)) = server.get("/api/cameras", Duration::from_secs(10)) else {
        return false;
    };
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    doc["cameras"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["name"] == name && c["state"] == "online")
}

/// A connection that sends `request` and never reads, with a small receive
/// buffer so that it stalls the server after a few kilobytes.
fn stalled(addr: &str, request: &str) -> Option<TcpStream> {
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).ok()?;
    socket.set_recv_buffer_size(16 * 1024).ok()?;
    socket.connect(&addr.into()).ok()?;
    let mut stream: TcpStream = socket.into();
    stream.write_all(request.as_bytes()).ok()?;
    Some(stream)
}

#[test]
fn stalled_viewers_leave_room_for_a_new_viewer_and_a_new_camera_under_1024_fds() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        panic!("this test needs prlimit (util-linux)");
    }
    // 1,100 sockets and some: more than this process's own soft limit.
    let own = rlimit::increase_nofile_limit(4096).unwrap();
    assert!(
        own >= 1300,
        "this test needs a hard limit of 1300 files, not {own}"
    );

    let server = Server::start(Some(1024), &[]);
    let budget = server
        .said
        .iter()
        .find(|l| l.starts_with("file descriptors:"));
    let budget = budget.expect("the server prints its file-descriptor budget");
    // The camera port's share holds 256 camera connections, the pool of
    // 128 connections not yet cameras and the listener; the web gets what
    // is left after the reserve of 128.
    assert!(budget.contains("385 for camera connections"), "{budget}");
    assert!(budget.contains("511 for web connections"), "{budget}");

    let _salon = Camera::start(&server.cameras, "salon", "640x480");
    eventually("salon online", || online(&server, "salon"));

    let host = &server.web;
    let mjpeg = format!("GET /cameras/salon/stream.mjpg HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let ws = format!(
        "GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    let mut readers = Vec::new();
    for i in 0..1100 {
        let request = if i % 2 == 0 { &mjpeg } else { &ws };
        readers.extend(stalled(&server.web, request));
    }
    assert!(
        readers.len() >= 1000,
        "{} attackers connected",
        readers.len()
    );

    // A new viewer: 200, at once.
    let began = Instant::now();
    let mut answer = None;
    while answer.is_none() && began.elapsed() < Duration::from_secs(10) {
        match server.get("/api/cameras", Duration::from_secs(5)) {
            Ok((200, body)) => answer = Some(body),
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    let waited = began.elapsed();
    println!("with 1,100 stalled readers, a new viewer got 200 after {waited:?}");
    let body = answer.expect("a new viewer gets 200 within a few seconds");
    assert!(body.contains("salon"), "{body}");

    // A new camera: online, while the stalled readers are still there.
    let _porte = Camera::start(&server.cameras, "porte", "160x120");
    eventually("a new camera online", || online(&server, "porte"));
    let fds = std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
        .map(|d| d.count())
        .unwrap_or(0);
    println!("the server holds {fds} file descriptors");
    assert!(fds <= 1024);
    drop(readers);
}

/// A recording of `frames` frames of `size` bytes, 100 ms apart.
fn write_recording(path: &Path, frames: u64, size: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut writer = vigie_record::mkv::MkvWriter::create(path, 640, 480, 0).unwrap();
    for i in 0..frames {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend((0..size).map(|j| (i as usize * 31 + j) as u8));
        jpeg.extend([0xFF, 0xD9]);
        writer.write_frame(i * 100, &jpeg).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn forty_replays_of_a_16_mb_recording_keep_the_server_small() {
    const REPLAYS: usize = 40;
    const BOUND_KB: u64 = 64 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let file = dir
        .path()
        .join("salon/2026-11-24/salon-20261124-080000.mkv");
    write_recording(&file, 170, 100_000);
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size >= 16 << 20, "{size} bytes");

    let server = Server::start(None, &["--record", dir.path().to_str().unwrap()]);
    let (status, _) = server.get("/api/events", Duration::from_secs(10)).unwrap();
    assert_eq!(status, 200);
    let before = server.status_kb("VmRSS:");

    let url = "/replay/salon/2026-11-24/salon-20261124-080000.mkv";
    let web = server.web.clone();
    let clients: Vec<_> = (0..REPLAYS)
        .map(|_| {
            let web = web.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&web).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                write!(stream, "GET {url} HTTP/1.1\r\nHost: {web}\r\n\r\n").unwrap();
                // Read (and drop) what comes for 4 s, like a page would.
                let (mut got, mut head) = (0usize, Vec::new());
                let mut buf = vec![0; 64 * 1024];
                let until = Instant::now() + Duration::from_secs(4);
                while Instant::now() < until {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if head.len() < 512 {
                                head.extend_from_slice(&buf[..n.min(512)]);
                            }
                            got += n;
                        }
                    }
                }
                (String::from_utf8_lossy(&head).into_owned(), got)
            })
        })
        .collect();
    let results: Vec<(String, usize)> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let peak = server.status_kb("VmHWM:");
    let growth = peak.saturating_sub(before);
    let played: Vec<usize> = results
        .iter()
        .filter(|(head, _)| head.starts_with("HTTP/1.1 200"))
        .map(|(_, got)| *got)
        .collect();
    let refused = results
        .iter()
        .filter(|(head, _)| {
            head.starts_with("HTTP/1.1 503") && head.to_ascii_lowercase().contains("retry-after")
        })
        .count();
    println!(
        "{REPLAYS} replays of {size} bytes: {} played, {refused} told to retry; \
         RSS {before} kB before, peak {peak} kB (+{growth} kB)",
        played.len()
    );
    assert_eq!(
        played.len(),
        vigie_web::MAX_REPLAYS,
        "replays at once: the cap"
    );
    assert_eq!(
        refused,
        REPLAYS - vigie_web::MAX_REPLAYS,
        "the others: 503 + Retry-After"
    );
    assert!(
        played.iter().all(|&got| got > 1 << 20),
        "each replay streamed its frames: {played:?}"
    );
    assert!(growth < BOUND_KB, "RSS grew by {growth} kB");
}
