//! Load: 16 cameras, 50 MJPEG readers and one reader that never reads,
//! for about 10 seconds on loopback. Prints what each reader got and what
//! the server spent; asserts only functional things (every reader gets
//! frames, the stalled reader does not starve the others), never timings.
//!
//! ```sh
//! cargo test -p vigie-web --release --test load -- --nocapture
//! ```
//!
//! The server (vigie-net's camera server and vigie-web) runs on its own
//! runtime, whose threads are named `vigie-srv`, so that its CPU time can
//! be read apart from the cameras' and the readers' in `/proc`.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{stream_client, Parts};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;
use vigie_camera::{Camera, CameraError, CameraInfo, Pipeline, TestPattern};
use vigie_core::frame::now_us;
use vigie_core::{Frame, FrameHeader, PixelFormat};
use vigie_hub::Registry;
use vigie_net::client::{self, ClientConfig};
use vigie_net::ServerConfig;
use vigie_web::WebConfig;

const CAMERAS: usize = 16;
const READERS: usize = 50;
const FPS: f64 = 15.0;
const WINDOW: Duration = Duration::from_secs(10);

/// A camera that replays a few pre-encoded 640×480 JPEG pictures, so that
/// the cameras cost next to nothing and the CPU figures are the server's.
struct Replay {
    name: String,
    pictures: Vec<Bytes>,
    sequence: u64,
}

impl Replay {
    fn new(name: &str) -> Replay {
        let mut pattern = Pipeline::new(TestPattern::new(name, 640, 480, FPS).unwrap())
            .jpeg(85)
            .unwrap();
        let pictures = (0..4)
            .map(|_| pattern.next_frame().unwrap().payload().clone())
            .collect();
        Replay {
            name: name.to_owned(),
            pictures,
            sequence: 0,
        }
    }
}

impl Camera for Replay {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            name: self.name.clone(),
            width: 640,
            height: 480,
            format: PixelFormat::Jpeg,
            fps: FPS,
        }
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let header = FrameHeader {
            camera: self.name.clone(),
            sequence: self.sequence,
            captured_at_us: now_us(),
            width: 640,
            height: 480,
            format: PixelFormat::Jpeg,
        };
        let picture = self.pictures[self.sequence as usize % self.pictures.len()].clone();
        self.sequence += 1;
        Ok(Frame::new(header, picture)?)
    }
}

/// CPU seconds (user + system) of this process's threads whose name
/// starts with `prefix` (all threads for `""`).
fn cpu_seconds(prefix: &str) -> f64 {
    let ticks_per_s = 100.0; // USER_HZ, 100 on every Linux we target
    let mut ticks = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        if !stat[open + 1..close].starts_with(prefix) {
            continue;
        }
        // After "pid (comm) ", utime and stime are fields 12 and 13.
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        ticks += fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    }
    ticks as f64 / ticks_per_s
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

/// Reads the stream at `url`, counting parts, until `stop`.
async fn reader(url: String, parts_seen: Arc<AtomicU64>, stop: CancellationToken) {
    let mut response = stream_client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut parts = Parts::default();
    loop {
        let chunk = tokio::select! {
            _ = stop.cancelled() => return,
            chunk = response.chunk() => chunk,
        };
        let Ok(Some(chunk)) = chunk else { return };
        parts.push(&chunk);
        while parts.next_part().is_some() {
            parts_seen.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[test]
fn fifty_readers_sixteen_cameras_and_a_stalled_reader() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("SKIP: needs Linux's /proc for the figures");
        return;
    }
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("vigie-srv")
        .enable_all()
        .build()
        .unwrap();
    let (cameras_addr, http_addr, web, registry, shutdown) = server_rt.block_on(async {
        let cameras = vigie_net::server::spawn_local(
            ServerConfig {
                insecure: true,
                ..ServerConfig::default()
            },
            64,
        )
        .await
        .unwrap();
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http_addr = http.local_addr().unwrap();
        let web = tokio::spawn(vigie_web::serve(
            http,
            cameras.registry.clone(),
            WebConfig::default(),
            cameras.shutdown.clone(),
        ));
        (
            cameras.addr,
            http_addr,
            web,
            cameras.registry,
            cameras.shutdown,
        )
    });

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load-client")
        .enable_all()
        .build()
        .unwrap();
    let names: Vec<String> = (0..CAMERAS).map(|i| format!("cam{i:02}")).collect();
    let report = client_rt.block_on(async {
        let stop = CancellationToken::new();
        for name in &names {
            let config = ClientConfig {
                fps: FPS,
                ..ClientConfig::new(cameras_addr.to_string())
            };
            tokio::spawn(client::run(
                config,
                Box::new(Replay::new(name)),
                stop.clone(),
            ));
        }
        common::eventually("every camera online", || registry.connected() == CAMERAS).await;
        common::eventually("a frame from every camera", || {
            registry.snapshot().iter().all(|v| v.latest.is_some())
        })
        .await;

        // The stalled reader: a tiny receive buffer, a request, then nothing.
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut stalled = socket.connect(http_addr).await.unwrap();
        let request = format!(
            "GET /cameras/{}/stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n",
            names[0]
        );
        stalled.write_all(request.as_bytes()).await.unwrap();

        let counters: Vec<Arc<AtomicU64>> = (0..READERS).map(|_| Arc::default()).collect();
        for (i, seen) in counters.iter().enumerate() {
            let url = format!(
                "http://{http_addr}/cameras/{}/stream.mjpg",
                names[i % CAMERAS]
            );
            tokio::spawn(reader(url, seen.clone(), stop.clone()));
        }
        common::eventually("a first part for every reader", || {
            counters.iter().all(|c| c.load(Ordering::Relaxed) > 0)
        })
        .await;

        let frames = |r: &Registry| -> Vec<u64> {
            let views = r.snapshot();
            names
                .iter()
                .map(|n| views.iter().find(|v| &v.name == n).unwrap().stats.frames)
                .collect()
        };
        let (frames0, parts0): (Vec<u64>, Vec<u64>) = (
            frames(&registry),
            counters.iter().map(|c| c.load(Ordering::Relaxed)).collect(),
        );
        let (cpu_srv0, cpu_all0, t0) = (cpu_seconds("vigie-srv"), cpu_seconds(""), Instant::now());
        tokio::time::sleep(WINDOW).await;
        let elapsed = t0.elapsed().as_secs_f64();
        let (cpu_srv, cpu_all) = (
            cpu_seconds("vigie-srv") - cpu_srv0,
            cpu_seconds("") - cpu_all0,
        );
        let frames1 = frames(&registry);
        let parts1: Vec<u64> = counters.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        stop.cancel();
        let delivered: Vec<u64> = parts1.iter().zip(&parts0).map(|(a, b)| a - b).collect();
        let produced: Vec<u64> = frames1.iter().zip(&frames0).map(|(a, b)| a - b).collect();
        let figures = (delivered, produced, elapsed, cpu_srv, cpu_all, rss_mib());
        (figures, stalled)
    });
    let ((delivered, produced, elapsed, cpu_srv, cpu_all, rss), stalled) = report;

    // The stalled reader is still connected, its buffers full: the server
    // must stop anyway (after its grace period).
    let stopping = Instant::now();
    shutdown.cancel();
    server_rt.block_on(web).unwrap().unwrap();
    let stop_time = stopping.elapsed();
    drop(stalled);
    drop(client_rt);
    drop(server_rt);

    let total: u64 = delivered.iter().sum();
    let camera_total: u64 = produced.iter().sum();
    let jpeg_kb = Replay::new("cam00").pictures[0].len() as f64 / 1000.0;
    println!("load: {CAMERAS} cameras × 640×480 JPEG ({jpeg_kb:.0} kB) at {FPS} fps, {READERS} MJPEG readers + 1 stalled, {elapsed:.1} s");
    println!(
        "  frames from the cameras: {camera_total} ({:.0}/s)",
        camera_total as f64 / elapsed
    );
    println!(
        "  parts delivered: {total} ({:.0}/s)",
        total as f64 / elapsed
    );
    let share = |i: usize| delivered[i] as f64 / produced[i % CAMERAS].max(1) as f64;
    let shares: Vec<f64> = (0..READERS).map(share).collect();
    let min = shares.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = shares.iter().cloned().fold(0.0, f64::max);
    println!(
        "  per reader: {} to {} parts, {:.0}% to {:.0}% of their camera's frames",
        delivered.iter().min().unwrap(),
        delivered.iter().max().unwrap(),
        100.0 * min,
        100.0 * max
    );
    let beside_stalled: Vec<String> = (0..READERS)
        .step_by(CAMERAS)
        .map(|i| format!("{}/{}", delivered[i], produced[0]))
        .collect();
    println!(
        "  readers of cam00, beside the stalled reader: {}",
        beside_stalled.join(", ")
    );
    println!(
        "  server CPU (threads vigie-srv): {cpu_srv:.2} s = {:.0}% of one core; whole test process: {:.0}%",
        100.0 * cpu_srv / elapsed,
        100.0 * cpu_all / elapsed
    );
    println!("  RSS of the test process: {rss:.1} MiB");
    println!("  the web server stopped {stop_time:.1?} after being asked");

    for (i, d) in delivered.iter().enumerate() {
        let cam = i % CAMERAS;
        assert!(*d > 0, "reader {i} got nothing");
        // Readers of the stalled reader's camera (cam00) included.
        assert!(
            *d * 2 >= produced[cam],
            "reader {i} got {d} parts of {} frames",
            produced[cam]
        );
    }
}
