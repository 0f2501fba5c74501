//! The limit `raw` is compared with: the same bytes through a bare socket.

use std::io::{Read, Write};
use std::thread;
use std::time::{Duration, Instant};

/// The limit for `raw`: frames of `len` bytes per second through a plain
/// loopback socket, `write_all` on one side and `read_exact` on the other.
/// Like vigie's camera side in `raw`, the writer sends bytes prepared
/// before the run; unlike vigie's server, the reader does nothing with them.
pub fn socket_copy(len: usize, seconds: f64) -> std::io::Result<f64> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let run_for = Duration::from_secs_f64(seconds);
    let writer = thread::spawn(move || -> std::io::Result<()> {
        let mut s = std::net::TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        let buf = vec![0x5Au8; len];
        let end = Instant::now() + run_for;
        while Instant::now() < end {
            s.write_all(&buf)?;
        }
        Ok(())
    });
    let (mut conn, _) = listener.accept()?;
    let mut buf = vec![0u8; len];
    let mut frames = 0u64;
    // Time from the first whole frame, as the vigie run counts after warm-up.
    conn.read_exact(&mut buf)?;
    let start = Instant::now();
    loop {
        match conn.read_exact(&mut buf) {
            Ok(()) => frames += 1,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    writer
        .join()
        .map_err(|_| std::io::Error::other("the writer thread panicked"))??;
    Ok(frames as f64 / secs.max(1e-9))
}
