//! A `vigie server` in a child process, as a user runs it: its address, its
//! memory as the kernel counts it, and every line it prints.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// Collects a child's stream line by line, in a thread.
fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        while reader.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
            let line = String::from_utf8_lossy(&buf)
                .trim_end_matches('\n')
                .to_owned();
            sink.lock().unwrap().push(line);
            buf.clear();
        }
    });
    lines
}

impl ServerProcess {
    /// `vigie server --headless --http off` on a free loopback port, with
    /// `extra` options, under a file-descriptor limit if one is given.
    pub fn start(extra: &[&str], fd_limit: Option<u32>) -> ServerProcess {
        let vigie = env!("CARGO_BIN_EXE_vigie");
        let mut args = vec![
            "server",
            "--headless",
            "--http",
            "off",
            "--listen",
            "127.0.0.1:0",
            "--stats-interval",
            "0.5",
            "--insecure",
            "--allow-legacy",
        ];
        args.extend_from_slice(extra);
        let mut command = match fd_limit {
            None => Command::new(vigie),
            Some(n) => {
                // `ulimit -n` sets the soft and the hard limit: the server
                // cannot raise it back.
                let mut sh = Command::new("sh");
                sh.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), vigie]);
                sh
            }
        };
        let mut child = command
            .args(&args)
            .env("RUST_LOG", "info")
            .env("VIGIE_STATE_DIR", vigie_testkit::fresh_state_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the vigie binary starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let limit = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            let found = stdout.lock().unwrap().iter().find_map(|l| {
                l.strip_prefix("vigie server listening on ")
                    .and_then(|a| a.trim().parse().ok())
            });
            if let Some(addr) = found {
                break addr;
            }
            assert!(
                Instant::now() < limit,
                "the server never said where it listens"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        ServerProcess {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A line of /proc/PID/status, in KiB (VmRSS, VmHWM).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    /// User plus system CPU time of the server so far.
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the command name, which is in parentheses.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10) // 100 ticks per second on Linux
    }

    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether a statistics line printed after the first `from` lines
    /// shows a camera whose name starts with `prefix` online.
    fn shows_online(&self, prefix: &str, from: usize) -> bool {
        let out = self.stdout.lock().unwrap();
        out.iter().skip(from).any(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|n| n.starts_with(prefix))
                && l.ends_with("online")
        })
    }

    /// Waits up to `limit` for a statistics line, printed from now on, that
    /// shows a camera named `prefix…` online; returns how long it took.
    pub fn wait_online(&self, prefix: &str, limit: Duration) -> Option<Duration> {
        let from = self.stdout.lock().unwrap().len();
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.shows_online(prefix, from) {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `vigie client` process streaming a test pattern to `addr`.
pub struct ClientProcess(Child);

impl ClientProcess {
    pub fn start(addr: SocketAddr, name: &str, protocol: &str) -> ClientProcess {
        let child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args([
                "client",
                "--insecure",
                "--server",
                &addr.to_string(),
                "--name",
                name,
            ])
            .args(["--fps", "5", "--size", "160x120", "--protocol", protocol])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the vigie binary starts");
        ClientProcess(child)
    }
}

impl Drop for ClientProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
