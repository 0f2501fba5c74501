//! A real HTTP receiver on loopback, for webhooks and ntfy: a small server
//! on a `std` TcpListener that keeps every request it gets, or hangs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the receiver read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target, such as `/hook`.
    pub target: String,
    /// Every header, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the receiver answers: a status per request in turn (the last
/// repeats), or never.
#[derive(Clone)]
pub enum Answer {
    /// This status for each request in turn; the last one repeats.
    Statuses(Vec<u16>),
    /// Accept the connection and never answer.
    Hang,
}

/// The receiver, listening on 127.0.0.1.
pub struct Receiver {
    /// Where it listens.
    pub addr: SocketAddr,
    got: Arc<Mutex<Vec<Request>>>,
}

impl Receiver {
    /// Starts one, answering as `answer` says.
    pub fn start(answer: Answer) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = got.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                match &answer {
                    Answer::Hang => held.push(stream), // accepted, never answered
                    Answer::Statuses(list) => {
                        let status = list[n.min(list.len() - 1)];
                        if let Some(request) = serve(stream, status) {
                            kept.lock().unwrap().push(request);
                        }
                    }
                }
            }
        });
        Receiver { addr, got }
    }

    /// `http://ADDR{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request it got so far.
    pub fn requests(&self) -> Vec<Request> {
        self.got.lock().unwrap().clone()
    }
}

/// Reads one request (Content-Length bodies, at most 8 MiB) and answers it.
fn serve(stream: TcpStream, status: u16) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let request = Request {
        target,
        headers,
        body: Vec::new(),
    };
    let length: usize = request.header("content-length")?.parse().ok()?;
    assert!(length <= 8 << 20, "a test body is small");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut out = stream;
    let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    out.write_all(answer.as_bytes()).ok()?;
    Some(Request { body, ..request })
}

/// The parts of a multipart/form-data body: (headers, content) each.
pub fn parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let kind = request.header("content-type").expect("a content type");
    let boundary = kind.split("boundary=").nth(1).expect("a boundary");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut starts: Vec<usize> = (0..body.len())
        .filter(|&i| body[i..].starts_with(delimiter.as_bytes()))
        .collect();
    let last = starts.pop().expect("a closing delimiter");
    assert!(body[last..].starts_with(format!("{delimiter}--").as_bytes()));
    starts.push(last);
    starts
        .windows(2)
        .map(|w| {
            let part = &body[w[0] + delimiter.len() + 2..w[1] - 2];
            let split = part.windows(4).position(|x| x == b"\r\n\r\n").unwrap();
            let head = String::from_utf8(part[..split].to_vec()).unwrap();
            (head, part[split + 4..].to_vec())
        })
        .collect()
}
